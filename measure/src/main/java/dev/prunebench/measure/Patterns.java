package dev.prunebench.measure;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.prune.Layer;
import dev.prunebench.core.prune.Mask;
import dev.prunebench.core.prune.Pruner;
import dev.prunebench.core.prune.Score;
import dev.prunebench.core.prune.Structure;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Sparsity patterns for the sweeps, each at an exact rate: {@code k = round(rate × units)} units (weights or groups)
 * removed, never "about" the rate. Kept values are drawn from a seeded N(0, 1) and are never exactly zero, so
 * {@code nnz} of the result is exact too.
 *
 * <ul>
 *   <li>{@link Kind#UNIFORM}: k weights chosen uniformly at random (partial Fisher–Yates).</li>
 *   <li>{@link Kind#GROUPED}: whole groups of g adjacent weights (at column multiples of g) chosen at random.</li>
 *   <li>{@link Kind#MAGNITUDE}: Deep Compression style: N(0, 1) weights, the k smallest |w| removed
 *       (by the project's pruner, {@code core.prune.Pruner}).</li>
 *   <li>{@link Kind#GROUP_RMS}: Hartenstein et al.: N(0, 1) weights, groups of g scored by RMS, the k lowest removed
 *       (g = 1 is magnitude pruning), by the project's pruner.</li>
 *   <li>{@link Kind#POWER_LAW}: DLMC-like skew: row lengths follow a power law (row i of a random permutation gets a
 *       share proportional to (i + 1)^−alpha), columns random within a row; kernels must not be tuned to even rows.</li>
 * </ul>
 * Ties in scores are broken by position, so a pattern is a pure function of its arguments.
 */
public final class Patterns {
    private Patterns() {}

    public enum Kind {
        UNIFORM, GROUPED, MAGNITUDE, GROUP_RMS, POWER_LAW;

        public String id() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

        public static Kind parse(String s) {
            for (Kind k : values()) if (k.id().equalsIgnoreCase(s.trim()) || k.name().equalsIgnoreCase(s.trim())) return k;
            throw new IllegalArgumentException("pattern: unknown '" + s + "' (expected uniform, grouped, magnitude, group-rms or power-law)");
        }
    }

    /** Default power-law exponent for {@link Kind#POWER_LAW}. */
    public static final double DEFAULT_ALPHA = 1.0;

    /** Generates the pattern; g is used by the grouped kinds (ignored by the others). */
    public static Dense generate(Kind kind, int rows, int cols, double rate, int g, long seed) {
        return switch (kind) {
            case UNIFORM -> uniform(rows, cols, rate, seed);
            case GROUPED -> grouped(rows, cols, g, rate, seed);
            case MAGNITUDE -> groupRms(rows, cols, 1, rate, seed);
            case GROUP_RMS -> groupRms(rows, cols, g, rate, seed);
            case POWER_LAW -> powerLaw(rows, cols, rate, DEFAULT_ALPHA, seed);
        };
    }

    /** Exactly round(rate × rows × cols) zeros at uniformly random positions. */
    public static Dense uniform(int rows, int cols, double rate, long seed) {
        return grouped(rows, cols, 1, rate, seed);
    }

    /** Exactly round(rate × groups) whole groups of g removed, chosen uniformly at random. */
    public static Dense grouped(int rows, int cols, int g, double rate, long seed) {
        checkArgs(rows, cols, g, rate);
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = normals(rows, cols, rnd);
        int gpr = (cols + g - 1) / g;
        int units = Math.multiplyExact(rows, gpr);
        int remove = removed(rate, units);
        int[] perm = new int[units];
        for (int i = 0; i < units; i++) perm[i] = i;
        for (int i = 0; i < remove; i++) {
            int j = i + rnd.nextInt(units - i);
            int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        }
        for (int i = 0; i < remove; i++) clearGroup(w, cols, g, gpr, perm[i]);
        return new Dense(rows, cols, w);
    }

    /**
     * N(0, 1) weights pruned by the project's pruner ({@code core.prune.Pruner}): groups of g adjacent weights
     * (g = 1: single weights, i.e. magnitude pruning) scored by RMS, exactly round(rate × groups) lowest removed.
     */
    public static Dense groupRms(int rows, int cols, int g, double rate, long seed) {
        checkArgs(rows, cols, g, rate);
        float[] w = normals(rows, cols, new SplittableRandom(seed));
        Mask mask = Pruner.prune(w, rows, cols, structure(g), Score.RMS, rate);
        return new Dense(rows, cols, mask.apply(w));
    }

    static Structure structure(int g) { return g == 1 ? Structure.UNSTRUCTURED : Structure.group(g); }

    /**
     * The pruner's ranking of the groups of one weight matrix, computed once and reused for many rates (a sweep over
     * ten rates would otherwise rank 16 M units ten times). Scores come from {@link Pruner#unitScores}, and the order
     * is the pruner's: ascending score, ties by unit index; so {@link #prune(double)} removes exactly the units
     * {@code Pruner.prune} removes (checked by {@code PatternsTest}).
     */
    public static final class GroupRanking {
        private final float[] w;
        private final int rows, cols, g, gpr;
        private final int[] order;

        public GroupRanking(float[] w, int rows, int cols, int g) {
            checkArgs(rows, cols, g, 0);
            if (w == null || w.length != (long) rows * cols)
                throw new IllegalArgumentException("weights: expected " + rows + "×" + cols + " values, got " + (w == null ? "null" : w.length));
            this.w = w; this.rows = rows; this.cols = cols; this.g = g;
            this.gpr = (cols + g - 1) / g;
            double[] score = Pruner.unitScores(Layer.of("w", w, rows, cols), structure(g));
            order = rank(score);
        }

        /**
         * Unit indices by ascending score, ties by index. Sorted first by the score rounded to float (packed with the
         * index into one long, a primitive sort), then each run of equal float keys is put in exact (score, index)
         * order: rounding to float is monotone, so that is the exact order overall. (A rank lookup by binary search
         * over 16 M scores was 20× slower: every probe a cache miss.)
         */
        static int[] rank(double[] score) {
            int units = score.length;
            long[] keys = new long[units];
            for (int u = 0; u < units; u++) {
                if (!(score[u] >= 0)) throw new IllegalArgumentException("score[" + u + "]: must be >= 0, got " + score[u]);
                keys[u] = ((long) Float.floatToIntBits((float) score[u]) << 32) | u;
            }
            Arrays.sort(keys);
            int[] order = new int[units];
            for (int i = 0; i < units; i++) order[i] = (int) keys[i];
            for (int i = 0; i < units; ) {
                int j = i + 1;
                while (j < units && (keys[j] >>> 32) == (keys[i] >>> 32)) j++;
                if (j - i > 1) exactOrder(order, i, j, score);
                i = j;
            }
            return order;
        }

        /** Insertion sort of order[from, to) by (score, index); runs are short. */
        private static void exactOrder(int[] order, int from, int to, double[] score) {
            for (int i = from + 1; i < to; i++) {
                int u = order[i], k = i - 1;
                while (k >= from && (score[order[k]] > score[u] || (score[order[k]] == score[u] && order[k] > u))) {
                    order[k + 1] = order[k];
                    k--;
                }
                order[k + 1] = u;
            }
        }

        public int units() { return order.length; }

        /** A pruned copy with exactly round(rate × units) lowest-scoring groups set to zero. */
        public float[] prune(double rate) {
            checkArgs(rows, cols, g, rate);
            float[] out = w.clone();
            int remove = removed(rate, order.length);
            for (int i = 0; i < remove; i++) clearGroup(out, cols, g, gpr, order[i]);
            return out;
        }
    }

    /**
     * Power-law row lengths: total non-zeros exactly round((1 − rate) × rows × cols); row ranks drawn by a seeded
     * permutation, row of rank i getting a share ∝ (i + 1)^−alpha, capped at cols (the excess goes to the next rows);
     * columns uniform within the row.
     */
    public static Dense powerLaw(int rows, int cols, double rate, double alpha, long seed) {
        checkArgs(rows, cols, 1, rate);
        if (!(alpha >= 0) || !Double.isFinite(alpha)) throw new IllegalArgumentException("alpha: must be finite and >= 0, got " + alpha);
        SplittableRandom rnd = new SplittableRandom(seed);
        long total = (long) rows * cols;
        long keep = total - removed(rate, total);
        int[] lengths = powerLawLengths(rows, cols, keep, alpha);
        int[] rank = new int[rows];
        for (int i = 0; i < rows; i++) rank[i] = i;
        for (int i = rows - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = rank[i]; rank[i] = rank[j]; rank[j] = t;
        }
        float[] w = new float[Math.toIntExact(total)];
        int[] cols_ = new int[cols];
        for (int r = 0; r < rows; r++) {
            int len = lengths[rank[r]];
            for (int c = 0; c < cols; c++) cols_[c] = c;
            for (int i = 0; i < len; i++) {
                int j = i + rnd.nextInt(cols - i);
                int t = cols_[i]; cols_[i] = cols_[j]; cols_[j] = t;
                w[r * cols + cols_[i]] = nonZeroNormal(rnd);
            }
        }
        return new Dense(rows, cols, w);
    }

    /** Row lengths by rank summing exactly to keep, each in [0, cols], non-increasing. */
    static int[] powerLawLengths(int rows, int cols, long keep, double alpha) {
        double[] share = new double[rows];
        double sum = 0;
        for (int i = 0; i < rows; i++) { share[i] = Math.pow(i + 1, -alpha); sum += share[i]; }
        int[] len = new int[rows];
        long left = keep;
        double shareLeft = sum;
        for (int i = 0; i < rows; i++) {
            // re-normalise over the rows still to fill, so capped rows pass their excess on
            long want = Math.round(left * share[i] / shareLeft);
            int l = (int) Math.min(cols, Math.min(left, want));
            long capRest = (long) (rows - i - 1) * cols;
            if (left - l > capRest) l = (int) (left - capRest);
            len[i] = l;
            left -= l;
            shareLeft -= share[i];
        }
        if (left != 0) throw new IllegalStateException("power-law lengths: " + left + " non-zeros not placed");
        return len;
    }

    static int removed(double rate, long units) {
        return Math.toIntExact(Math.round(rate * units));
    }

    private static void clearGroup(float[] w, int cols, int g, int gpr, int unit) {
        int r = unit / gpr, c0 = (unit % gpr) * g, end = Math.min(cols, c0 + g);
        Arrays.fill(w, r * cols + c0, r * cols + end, 0f);
    }

    private static float[] normals(int rows, int cols, SplittableRandom rnd) {
        float[] w = new float[Math.multiplyExact(rows, cols)];
        for (int i = 0; i < w.length; i++) w[i] = nonZeroNormal(rnd);
        return w;
    }

    /** A N(0, 1) draw (Box–Muller on a SplittableRandom, so the stream is the same on every JDK) that is not 0f. */
    private static float nonZeroNormal(SplittableRandom rnd) {
        while (true) {
            double u1 = rnd.nextDouble(), u2 = rnd.nextDouble();
            if (u1 <= 0) continue;
            float v = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
            if (v != 0f) return v;
        }
    }

    /** Seeded N(0, 1) values (for X operands), length n. */
    public static float[] normalVector(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = nonZeroNormal(rnd);
        return x;
    }

    private static void checkArgs(int rows, int cols, int g, double rate) {
        if (rows < 1) throw new IllegalArgumentException("rows: must be >= 1, got " + rows);
        if (cols < 1) throw new IllegalArgumentException("cols: must be >= 1, got " + cols);
        if (g < 1) throw new IllegalArgumentException("g: must be >= 1, got " + g);
        if (!(rate >= 0 && rate <= 1)) throw new IllegalArgumentException("rate: must be in [0, 1], got " + rate);
        if ((long) rows * cols > Integer.MAX_VALUE) throw new IllegalArgumentException("rows × cols: " + rows + "×" + cols + " exceeds one Java array");
    }
}
