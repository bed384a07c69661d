package dev.prunebench.experiments.formats;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.storage.StorageFormula;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded random matrices pruned to an exact number of kept units in the structure a format stores: single weights
 * for dense/COO/CSR, aligned groups of G for {@code gcsr:G} (a kept group is fully non-zero), and at most N per
 * window of M for {@code nm:N:M}. Values are uniform in ±[0.5, 1.5), never 0. Storage depends only on the kept structure, so random
 * pruning measures it as well as any criterion would.
 */
public final class PrunedMatrices {
    private PrunedMatrices() {}

    /**
     * Kept units for a target sparsity: {@code units - round(sparsity * units)} where a unit is a weight (a group for
     * gcsr). For N:M the units are weights too, and the result is -1 when the sparsity is below what N:M can hold.
     */
    public static long keptFor(FormatSpec spec, int rows, int cols, double sparsity) {
        if (!(sparsity >= 0 && sparsity <= 1)) throw new IllegalArgumentException("sparsity: must be in [0, 1], got " + sparsity);
        long units = spec.kind() == FormatSpec.Kind.GCSR ? StorageFormula.units(spec, rows, cols) : (long) rows * cols;
        // sparsity × units in double is inexact past 2^53 units: clamp, so rounding never asks for more or fewer than exist
        long kept = units - Math.max(0, Math.min(units, Math.round(sparsity * units)));
        if (spec.kind() == FormatSpec.Kind.NM && kept > maxNonZerosNm(spec, rows, cols)) return -1;
        return kept;
    }

    /** The most non-zeros an N:M matrix of this shape holds: min(N, width) per window. */
    public static long maxNonZerosNm(FormatSpec spec, int rows, int cols) {
        int m = spec.m(), n = spec.n(), full = cols / m, tail = cols % m;
        return (long) rows * ((long) full * n + Math.min(n, tail));
    }

    /** Lowest sparsity N:M can hold for this shape: 1 − N/M when M divides the columns. */
    public static double minSparsityNm(FormatSpec spec, int rows, int cols) {
        return 1.0 - (double) maxNonZerosNm(spec, rows, cols) / ((double) rows * cols);
    }

    /** A new matrix; see {@link #fill}. */
    public static float[] build(FormatSpec spec, int rows, int cols, long kept, long seed) {
        float[] d = new float[Math.multiplyExact(rows, cols)];
        fill(d, spec, rows, cols, kept, seed);
        return d;
    }

    /**
     * Overwrites {@code d} (length rows × cols) with a matrix keeping exactly {@code kept} units of the structure of
     * {@code spec}: weights (dense, coo, csr), whole groups (gcsr) or weights placed at most N per window (nm).
     */
    public static void fill(float[] d, FormatSpec spec, int rows, int cols, long kept, long seed) {
        if (d.length != (long) rows * cols) throw new IllegalArgumentException("d: length " + d.length + ", expected " + ((long) rows * cols));
        SplittableRandom rnd = new SplittableRandom(seed);
        Arrays.fill(d, 0f);
        switch (spec.kind()) {
            case DENSE, COO, CSR -> {
                check(kept, (long) rows * cols, spec, rows, cols);
                select(rnd, d.length, kept, i -> d[(int) i] = value(rnd));
            }
            case GCSR -> {
                int g = spec.g(), gpr = (cols + g - 1) / g;
                check(kept, (long) rows * gpr, spec, rows, cols);
                select(rnd, (long) rows * gpr, kept, u -> {
                    int r = (int) (u / gpr), c0 = (int) (u % gpr) * g;
                    for (int c = c0; c < Math.min(cols, c0 + g); c++) d[r * cols + c] = value(rnd);
                });
            }
            case NM -> {
                long max = maxNonZerosNm(spec, rows, cols);
                check(kept, max, spec, rows, cols);
                int n = spec.n(), m = spec.m();
                // choose min(N, width) positions in every window, then keep `kept` of those max positions
                int[] pos = new int[m];
                int[] chosen = new int[Math.toIntExact(max)];
                int k = 0;
                for (int r = 0; r < rows; r++)
                    for (int c0 = 0; c0 < cols; c0 += m) {
                        int width = Math.min(m, cols - c0), take = Math.min(n, width);
                        for (int i = 0; i < width; i++) pos[i] = i;
                        for (int i = 0; i < take; i++) {
                            int j = i + rnd.nextInt(width - i);
                            int t = pos[i]; pos[i] = pos[j]; pos[j] = t;
                            chosen[k++] = r * cols + c0 + pos[i];
                        }
                    }
                select(rnd, max, kept, i -> d[chosen[(int) i]] = value(rnd));
            }
        }
    }

    private static void check(long kept, long units, FormatSpec spec, int rows, int cols) {
        if (kept < 0 || kept > units)
            throw new IllegalArgumentException("kept: " + kept + " out of range [0, " + units + "] for " + spec + " at " + rows + "x" + cols);
    }

    private interface Take { void at(long index); }

    /**
     * Selection sampling (each subset of size k equally likely): one pass, exactly k taken, in increasing order.
     * When as many remain as are still needed, all are taken (the product below could round up to the bound).
     */
    private static void select(SplittableRandom rnd, long n, long k, Take take) {
        long need = k;
        for (long i = 0; i < n && need > 0; i++)
            if (n - i == need || rnd.nextDouble() * (n - i) < need) { take.at(i); need--; }
    }

    /** Uniform in ±[0.5, 1.5): never zero, and cheap (storage does not depend on the values; 4096² matrices are many). */
    private static float value(SplittableRandom rnd) {
        float x = 0.5f + rnd.nextFloat();
        return rnd.nextBoolean() ? x : -x;
    }
}
