package dev.prunebench.kernels.cpu.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.KernelFixtures;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code csr-direct-conv} against a direct double-precision convolution written from the definition (not through
 * im2col): stride 1 and 2 (and 3), padding 0–2, odd and tiny images, 1×1, 3×3 and 5×5 windows, empty filters and
 * an all-zero W, 1–3 threads.
 */
class DirectConvTest {

    /** out[o][y][x] = Σ_{c,ky,kx} w[o][(c·k+ky)·k+kx] · in[c][y·s+ky−pad][x·s+kx−pad] (0 outside the image). */
    static double[] reference(float[] w, float[] in, DirectConv.Geometry g) {
        int oh = g.outH(), ow = g.outW(), k = g.k();
        double[] out = new double[g.cout() * oh * ow];
        for (int o = 0; o < g.cout(); o++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++) {
                    double s = 0;
                    for (int c = 0; c < g.cin(); c++)
                        for (int ky = 0; ky < k; ky++)
                            for (int kx = 0; kx < k; kx++) {
                                int iy = y * g.stride() + ky - g.pad(), ix = x * g.stride() + kx - g.pad();
                                if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) continue;
                                s += (double) w[o * g.patch() + (c * k + ky) * k + kx] * in[(c * g.h() + iy) * g.w() + ix];
                            }
                    out[(o * oh + y) * ow + x] = s;
                }
        return out;
    }

    /** A W with every third filter empty (when {@code emptyFilters}) and about {@code keep} of the rest stored. */
    static float[] weights(DirectConv.Geometry g, double keep, boolean emptyFilters, long seed) {
        float[] w = KernelFixtures.dense(g.cout(), g.patch(), seed);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < w.length; i++) if (r.nextDouble() >= keep || (emptyFilters && (i / g.patch()) % 3 == 1)) w[i] = 0;
        return w;
    }

    @ParameterizedTest(name = "cin={0} {1}×{2} cout={3} k={4} stride={5} pad={6} threads={7}")
    @CsvSource({
            "1, 1, 1, 1, 1, 1, 0, 1",
            "3, 5, 7, 4, 3, 1, 1, 1",
            "3, 5, 7, 4, 3, 2, 1, 2",
            "5, 13, 11, 7, 3, 1, 0, 3",
            "5, 13, 11, 7, 3, 2, 0, 1",
            "2, 9, 9, 5, 5, 2, 2, 2",
            "4, 8, 8, 6, 3, 3, 1, 1",
            "16, 56, 56, 9, 3, 1, 1, 2",
            "8, 28, 28, 13, 3, 2, 1, 3",
            "6, 7, 7, 17, 1, 1, 0, 2",
            "6, 7, 7, 17, 1, 2, 0, 1",
            "64, 7, 7, 5, 3, 1, 1, 1",
            "3, 2, 3, 2, 3, 1, 1, 1",
            "1, 1, 40, 3, 1, 1, 0, 1",
            "2, 3, 3, 3, 3, 1, 0, 2",
    })
    void matchesTheDefinition(int cin, int h, int w, int cout, int k, int stride, int pad, int threads) {
        assumeTrue(VectorKernels.availability().available(), VectorKernels.availability()::toString);
        DirectConv.Geometry g = new DirectConv.Geometry(cin, h, w, cout, k, stride, pad);
        long seed = 31L * cin + h * 7L + w + 1000L * stride + 17L * pad;
        for (boolean empty : new boolean[] {false, true}) {
            float[] wt = weights(g, 0.3, empty, seed);
            float[] in = KernelFixtures.dense(cin, h * w, seed + 1);
            double[] want = reference(wt, in, g);
            try (MatMul.Prepared p = DirectConv.prepare(Csr.fromDense(wt, cout, g.patch()), g, in, threads)) {
                p.run();
                p.run(); // a second run overwrites, it does not add
                float[] got = p.result();
                assertThat(got).hasSize(cout * g.outH() * g.outW());
                assertThat(KernelFixtures.relativeError(got, want)).as("relative error, empty filters " + empty).isLessThanOrEqualTo(1e-5 * Math.sqrt(g.patch()));
                if (empty)
                    for (int o = 1; o < cout; o += 3)
                        for (int i = 0; i < g.outH() * g.outW(); i++) assertThat(got[o * g.outH() * g.outW() + i]).isZero();
            }
        }
    }

    @Test
    void allZeroWeightsGiveZeros() {
        assumeTrue(VectorKernels.availability().available());
        DirectConv.Geometry g = new DirectConv.Geometry(3, 6, 5, 4, 3, 2, 1);
        try (MatMul.Prepared p = DirectConv.prepare(Csr.fromDense(new float[4 * 27], 4, 27), g, KernelFixtures.dense(3, 30, 5), 2)) {
            p.run();
            assertThat(p.result()).containsOnly(0f).hasSize(4 * 3 * 3);
        }
    }

    @Test
    void refusesBadGeometryAndInputByName() {
        assertThatThrownBy(() -> new DirectConv.Geometry(3, 6, 5, 4, 3, 0, 1)).hasMessageContaining("stride");
        assertThatThrownBy(() -> new DirectConv.Geometry(3, 1, 5, 4, 3, 1, 0)).hasMessageContaining("smaller than the 3×3 kernel");
        assertThatThrownBy(() -> new DirectConv.Geometry(3, 6, 5, 4, 3, 1, -1)).hasMessageContaining("pad >= 0");
        DirectConv.Geometry g = new DirectConv.Geometry(3, 6, 5, 4, 3, 1, 1);
        Csr w = Csr.fromDense(new float[4 * 27], 4, 27);
        assertThatThrownBy(() -> DirectConv.prepare(Csr.fromDense(new float[4 * 26], 4, 26), g, new float[90], 1)).hasMessageContaining("W is 4×26");
        assertThatThrownBy(() -> DirectConv.prepare(w, g, new float[89], 1)).hasMessageContaining("input has length 89");
        float[] nan = new float[90];
        nan[7] = Float.NaN;
        assertThatThrownBy(() -> DirectConv.prepare(w, g, nan, 1)).hasMessageContaining("input[7] is NaN");
        assertThatThrownBy(() -> DirectConv.prepare(w, g, new float[90], 0)).hasMessageContaining("threads");
    }
}
