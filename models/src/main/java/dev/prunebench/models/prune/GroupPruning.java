package dev.prunebench.models.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Group pruning masks at an exact rate, as the networks' retraining needs them.
 *
 * <p>Groups (Hartenstein et al., Scalpel's SIMD-aware pruning): {@code g} adjacent weights of one row at column
 * offsets that are multiples of {@code g}; a row whose length is not a multiple of {@code g} ends in a shorter group.
 * {@code g = 1} is unstructured magnitude pruning. Every group is scored by an {@link Aggregate}, and exactly
 * {@code k = round(rate × groups)} groups with the lowest scores are removed (ties: the earlier group goes first),
 * so the rate is met in groups — in weights it is met exactly when every group is full.
 *
 * <p>This is the narrow set of criteria the accuracy experiments need, written against weights held by
 * {@code models}; the general pruning library lives in {@code core}.
 */
public final class GroupPruning {
    private GroupPruning() {}

    /** One weight matrix. */
    public record Matrix(float[] w, int rows, int cols) {
        public Matrix {
            if (w.length != rows * cols) throw new IllegalArgumentException("matrix: " + w.length + " values for " + rows + "×" + cols);
        }
    }

    /** Keep-mask of one matrix. */
    public static boolean[] mask(Matrix m, int g, Aggregate agg, double rate, long seed) {
        return masks(List.of(m), g, agg, rate, seed).get(0);
    }

    /**
     * Keep-masks for several matrices pruned together with one threshold (global ranking of all their groups):
     * exactly {@code round(rate × total groups)} groups are removed across them.
     */
    public static List<boolean[]> masks(List<Matrix> ms, int g, Aggregate agg, double rate, long seed) {
        if (g < 1) throw new IllegalArgumentException("group size: must be >= 1, got " + g);
        if (!(rate >= 0 && rate <= 1)) throw new IllegalArgumentException("rate: must be in [0, 1], got " + rate);
        int total = 0;
        for (Matrix m : ms) total += m.rows * ((m.cols + g - 1) / g);
        double[] score = new double[total];
        int[] owner = new int[total];
        int[] start = new int[total];
        int[] len = new int[total];
        SplittableRandom rng = new SplittableRandom(seed);
        double[] scratch = new double[g];
        int u = 0;
        for (int mi = 0; mi < ms.size(); mi++) {
            Matrix m = ms.get(mi);
            for (int r = 0; r < m.rows; r++)
                for (int c = 0; c < m.cols; c += g) {
                    int from = r * m.cols + c, to = r * m.cols + Math.min(c + g, m.cols);
                    score[u] = agg == Aggregate.RANDOM ? rng.nextDouble() : agg.score(m.w, from, to, scratch);
                    owner[u] = mi;
                    start[u] = from;
                    len[u] = to - from;
                    u++;
                }
        }
        int remove = (int) Math.round(rate * total);
        Integer[] idx = new Integer[total];
        for (int i = 0; i < total; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> {
            int c = Double.compare(score[a], score[b]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        List<boolean[]> out = new ArrayList<>();
        for (Matrix m : ms) {
            boolean[] keep = new boolean[m.w.length];
            Arrays.fill(keep, true);
            out.add(keep);
        }
        for (int i = 0; i < remove; i++) {
            int q = idx[i];
            Arrays.fill(out.get(owner[q]), start[q], start[q] + len[q], false);
        }
        return out;
    }

    /** Fraction of entries not kept, over all masks. */
    public static double prunedFraction(List<boolean[]> masks) {
        long n = 0, off = 0;
        for (boolean[] m : masks) {
            n += m.length;
            for (boolean b : m) if (!b) off++;
        }
        return n == 0 ? 0 : (double) off / n;
    }
}
