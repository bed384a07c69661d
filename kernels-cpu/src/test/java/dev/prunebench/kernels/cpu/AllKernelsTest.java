package dev.prunebench.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.scalar.ScalarKernels;
import dev.prunebench.kernels.cpu.vector.VectorKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel of every CPU backend against the double-precision dense reference: relative Frobenius error at most
 * 1e-5 · √K, on shapes that hit the loop tails (1, 6, 13, 207, 702 in M, K and N), every format parameter the
 * kernels special-case, empty rows, an all-zero matrix, and 1, 2 and 3 threads.
 */
class AllKernelsTest {

    static final List<FormatSpec> SPECS = List.of(FormatSpec.DENSE, FormatSpec.CSR,
            FormatSpec.grouped(1), FormatSpec.grouped(2), FormatSpec.grouped(3), FormatSpec.grouped(4), FormatSpec.grouped(5), FormatSpec.grouped(8),
            FormatSpec.grouped(16), FormatSpec.grouped(17), FormatSpec.grouped(64),
            FormatSpec.nm(2, 4), FormatSpec.nm(1, 4), FormatSpec.nm(4, 8), FormatSpec.nm(3, 7));

    /**
     * M, K, N: every size appears in every role, but not the whole 5³ product (702³ would be slow); N also walks
     * the register-block widths (4 and 8 lanes, 1, 2, 4 vectors and their mixes: 2, 4, 6, 8, 9, 13, 16, 17, 48, 50, 64, 207).
     */
    static final int[][] SHAPES = {
            {1, 1, 1}, {1, 6, 13}, {6, 1, 2}, {13, 13, 13}, {6, 207, 1}, {207, 13, 6}, {13, 702, 1}, {207, 207, 50},
            {702, 13, 2}, {6, 702, 13}, {13, 6, 207}, {1, 702, 702}, {702, 207, 1}, {207, 64, 64}, {13, 207, 17}, {13, 207, 4}, {207, 13, 8}, {6, 64, 16}, {207, 6, 9}, {13, 13, 48}};

    static List<MatMul> kernels() {
        List<MatMul> all = new ArrayList<>(VectorKernels.all());
        all.addAll(ScalarKernels.all());
        return all;
    }

    static Availability availability(MatMul k) {
        return k.backendId().equals(VectorKernels.BACKEND_ID) ? VectorKernels.availability() : ScalarKernels.availability();
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        long seed = 1;
        for (MatMul k : kernels())
            for (FormatSpec spec : SPECS) {
                if (!k.supports(spec)) continue;
                for (int[] s : SHAPES) {
                    int threads = (int) (seed % 3) + 1; // 1, 2, 3 in turn over the shapes
                    out.add(Arguments.of(k, spec, s[0], s[1], s[2], threads, seed++));
                }
                out.add(Arguments.of(k, spec, 207, 702, 3, 3, seed++));
            }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} M={2} K={3} N={4} threads={5}")
    @MethodSource("cases")
    void matchesDenseReference(MatMul kernel, FormatSpec spec, int m, int k, int n, int threads, long seed) {
        Availability a = availability(kernel);
        assumeTrue(a.available(), a::toString);
        float[] w = KernelFixtures.matrix(spec, m, k, 0.3, seed);
        float[] x = KernelFixtures.dense(k, n, seed + 1000);
        SparseFormat enc = spec.encode(w, m, k);
        double[] want = KernelFixtures.reference(w, m, k, x, n);
        try (MatMul.Prepared p = kernel.prepare(enc, x, n, threads)) {
            p.run();
            float[] got = p.result();
            assertThat(got).hasSize(m * n);
            assertThat(KernelFixtures.relativeError(got, want)).as("relative error").isLessThanOrEqualTo(1e-5 * Math.sqrt(k));
            // a second run overwrites C, it does not add to it
            p.run();
            assertThat(p.result()).containsExactly(got);
        }
    }

    static Stream<Arguments> kernelsAndSpecs() {
        List<Arguments> out = new ArrayList<>();
        for (MatMul k : kernels())
            for (FormatSpec spec : SPECS) if (k.supports(spec)) out.add(Arguments.of(k, spec));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kernelsAndSpecs")
    void allZeroMatrixGivesExactZeros(MatMul kernel, FormatSpec spec) {
        Availability a = availability(kernel);
        assumeTrue(a.available(), a::toString);
        for (int n : new int[] {1, 13}) {
            float[] x = KernelFixtures.dense(37, n, 5);
            try (MatMul.Prepared p = kernel.prepare(spec.encode(new float[23 * 37], 23, 37), x, n, 2)) {
                p.run();
                assertThat(p.result()).hasSize(23 * n).containsOnly(0f);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kernelsAndSpecs")
    void badArgumentsAreRefusedNamingWhatIsWrong(MatMul kernel, FormatSpec spec) {
        Availability a = availability(kernel);
        assumeTrue(a.available(), a::toString);
        SparseFormat w = spec.encode(KernelFixtures.matrix(spec, 8, 12, 0.5, 3), 8, 12);
        float[] x = KernelFixtures.dense(12, 4, 4);
        assertThatThrownBy(() -> kernel.prepare(w, new float[47], 4, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x has length 47").hasMessageContaining("12×4");
        assertThatThrownBy(() -> kernel.prepare(w, x, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n (columns of X)");
        assertThatThrownBy(() -> kernel.prepare(w, x, 4, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads");
        float[] bad = x.clone();
        bad[9] = Float.NaN;
        assertThatThrownBy(() -> kernel.prepare(w, bad, 4, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x[9] (row 2, column 1) is NaN");
        FormatSpec other = spec.kind() == FormatSpec.Kind.CSR ? FormatSpec.DENSE : FormatSpec.CSR;
        SparseFormat wrong = other.encode(w.toDense(), 8, 12);
        assertThatThrownBy(() -> kernel.prepare(wrong, x, 4, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(kernel.id()).hasMessageContaining(other.toString());
        MatMul.Prepared p = kernel.prepare(w, x, 4, 2);
        assertThatThrownBy(p::result).isInstanceOf(IllegalStateException.class).hasMessageContaining("run()");
        p.close();
        p.close(); // idempotent
        assertThatThrownBy(p::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
