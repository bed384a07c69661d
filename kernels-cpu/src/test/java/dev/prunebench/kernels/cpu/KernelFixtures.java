package dev.prunebench.kernels.cpu;

import dev.prunebench.core.format.FormatSpec;
import java.util.SplittableRandom;

/** Seeded test matrices with the structure each format expects, and the double-precision dense reference. */
public final class KernelFixtures {
    private KernelFixtures() {}

    /**
     * An M×K matrix that {@code spec} can hold: for gcsr:G whole groups are dropped (density about {@code keep}),
     * for nm:N:M at most N of every M kept, otherwise entries kept with probability {@code keep}. Every 5th row is
     * emptied so kernels meet empty rows.
     */
    public static float[] matrix(FormatSpec spec, int rows, int cols, double keep, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            if (r % 5 == 3) continue;
            int base = r * cols;
            switch (spec.kind()) {
                case GCSR -> {
                    int g = spec.g();
                    for (int c0 = 0; c0 < cols; c0 += g)
                        if (rnd.nextDouble() < keep)
                            for (int c = c0; c < Math.min(cols, c0 + g); c++) w[base + c] = value(rnd);
                }
                case NM -> {
                    int n = spec.n(), m = spec.m();
                    for (int c0 = 0; c0 < cols; c0 += m) {
                        int width = Math.min(m, cols - c0), kept = 0;
                        for (int p = 0; p < width && kept < n; p++)
                            if (rnd.nextDouble() < (double) n / m * 1.5) { w[base + c0 + p] = value(rnd); kept++; }
                    }
                }
                default -> {
                    for (int c = 0; c < cols; c++) if (rnd.nextDouble() < keep) w[base + c] = value(rnd);
                }
            }
        }
        return w;
    }

    private static float value(SplittableRandom rnd) {
        float v = (float) rnd.nextGaussian();
        return v == 0f ? 1f : v;
    }

    public static float[] dense(int rows, int cols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    /** C = W · X in double. */
    public static double[] reference(float[] w, int m, int k, float[] x, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++) {
                double a = w[i * k + p];
                if (a == 0) continue;
                for (int j = 0; j < n; j++) c[i * n + j] += a * x[p * n + j];
            }
        return c;
    }

    /** ‖got − want‖_F / ‖want‖_F, or ‖got‖_F when want is all zero. */
    public static double relativeError(float[] got, double[] want) {
        double d = 0, r = 0;
        for (int i = 0; i < want.length; i++) {
            double e = got[i] - want[i];
            d += e * e;
            r += want[i] * want[i];
        }
        return r == 0 ? Math.sqrt(d) : Math.sqrt(d / r);
    }
}
