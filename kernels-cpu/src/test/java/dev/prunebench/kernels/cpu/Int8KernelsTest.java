package dev.prunebench.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.nativeblas.MklBackend;
import dev.prunebench.kernels.cpu.nativeblas.MklGemmS8u8s32;
import dev.prunebench.kernels.cpu.vector.CsrInt8Vector;
import dev.prunebench.kernels.cpu.vector.VectorKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The int8 kernels: bit-exact against the Java integer reference of the same quantised operands, equal to each other,
 * and their fp32 outputs within the quantisation error of the fp32 product; shapes with empty rows, N = 1, odd N,
 * 1-row and 1-column matrices, 1–3 threads.
 */
class Int8KernelsTest {

    @ParameterizedTest(name = "M={0} K={1} N={2} threads={3}")
    @CsvSource({"1, 1, 1, 1", "1, 37, 5, 1", "13, 1, 17, 2", "13, 207, 1, 3", "207, 64, 50, 2", "6, 702, 13, 1", "64, 64, 64, 3", "207, 13, 2, 1"})
    void bitExactAndEqualToEachOther(int m, int k, int n, int threads) {
        assumeTrue(VectorKernels.availability().available(), VectorKernels.availability()::toString);
        float[] w = KernelFixtures.matrix(FormatSpec.CSR, m, k, 0.3, 31L * m + k);
        for (int r = 0; r < m; r += 3) java.util.Arrays.fill(w, r * k, (r + 1) * k, 0f); // empty rows
        float[] x = KernelFixtures.dense(k, n, 7L + n);
        double[] exact = KernelFixtures.reference(w, m, k, x, n);
        int[] sparse;
        try (MatMul.Prepared p = new CsrInt8Vector().prepare(Csr.fromDense(w, m, k), x, n, threads)) {
            p.run();
            p.run();
            MatMul.FixedPoint fp = (MatMul.FixedPoint) p;
            sparse = fp.rawResult();
            assertThat(sparse).isEqualTo(fp.integerReference());
            // int8 × int8 with per-row and per-tensor scales: a few per cent of the product's norm
            assertThat(KernelFixtures.relativeError(p.result(), exact)).isLessThan(0.05);
        }
        assumeTrue(new MklBackend().probe().available(), "MKL: " + new MklBackend().probe());
        try (MatMul.Prepared p = new MklGemmS8u8s32().prepare(new Dense(m, k, w), x, n, threads)) {
            p.run();
            MatMul.FixedPoint fp = (MatMul.FixedPoint) p;
            assertThat(fp.rawResult()).isEqualTo(fp.integerReference()).isEqualTo(sparse);
        }
    }
}
