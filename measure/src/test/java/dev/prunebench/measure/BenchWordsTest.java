package dev.prunebench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import org.junit.jupiter.api.Test;

/** The log names a dense baseline "fastest dense" and a sparse one (mkl-sparse-csr named as a baseline) "the baseline". */
class BenchWordsTest {

    static MatMul sparse(String id) {
        return new MatMul() {
            @Override public String id() { return id; }
            @Override public String backendId() { return "fake"; }
            @Override public boolean supports(FormatSpec spec) { return spec.kind() == FormatSpec.Kind.CSR; }
            @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) { throw new UnsupportedOperationException(); }
        };
    }

    @Test
    void aSparseBaselineIsNotCalledTheFastestDense() {
        float[] w = {1, 0, 0, 2};
        var dense = new Bench.Entry(AaControlTest.kernel("sgemm", new AaControlTest.Clock(), 1, 0, Integer.MAX_VALUE, 1), AaControlTest.CPU, new Dense(2, 2, w));
        var csr = new Bench.Entry(sparse("mkl-sparse-csr"), AaControlTest.CPU, Csr.fromDense(w, 2, 2));
        assertThat(Bench.baselineWords(dense, 22.5)).isEqualTo("sgemm (fastest dense, 22.5000 ms)");
        assertThat(Bench.baselineWords(csr, 9.125)).isEqualTo("the baseline mkl-sparse-csr (9.1250 ms)").doesNotContain("dense");
    }
}
