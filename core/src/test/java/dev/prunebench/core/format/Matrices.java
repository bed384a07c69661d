package dev.prunebench.core.format;

import java.util.Random;

/** Seeded test matrices: unstructured, group-structured and N:M-structured. */
public final class Matrices {
    private Matrices() {}

    /** Non-zero value (never 0, never -0). */
    static float value(Random rnd) {
        float x;
        do x = (float) rnd.nextGaussian(); while (x == 0f);
        return x;
    }

    /** Each entry non-zero with probability 1 − sparsity. */
    public static float[] random(int rows, int cols, double sparsity, long seed) {
        Random rnd = new Random(seed);
        float[] d = new float[rows * cols];
        for (int i = 0; i < d.length; i++) if (rnd.nextDouble() >= sparsity) d[i] = value(rnd);
        return d;
    }

    /** Whole groups of g (aligned to multiples of g, last one short) zero with probability sparsity; kept groups may hold zeros. */
    public static float[] grouped(int rows, int cols, int g, double sparsity, long seed) {
        Random rnd = new Random(seed);
        float[] d = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c0 = 0; c0 < cols; c0 += g) {
                if (rnd.nextDouble() < sparsity) continue;
                for (int c = c0; c < Math.min(cols, c0 + g); c++) if (rnd.nextInt(4) != 0) d[r * cols + c] = value(rnd);
            }
        return d;
    }

    /** At most n non-zeros in every window of m (windows aligned to multiples of m, last one short). */
    public static float[] nm(int rows, int cols, int n, int m, long seed) {
        Random rnd = new Random(seed);
        float[] d = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c0 = 0; c0 < cols; c0 += m) {
                int width = Math.min(m, cols - c0), k = rnd.nextInt(Math.min(n, width) + 1);
                for (int placed = 0; placed < k; ) {
                    int p = rnd.nextInt(width);
                    if (d[r * cols + c0 + p] == 0f) { d[r * cols + c0 + p] = value(rnd); placed++; }
                }
            }
        return d;
    }

    static int nonZeros(float[] d) {
        int n = 0;
        for (float v : d) if (v != 0f) n++;
        return n;
    }
}
