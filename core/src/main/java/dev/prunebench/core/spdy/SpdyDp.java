package dev.prunebench.core.spdy;

import java.util.Arrays;

/**
 * SPDY's dynamic program on plain arrays. Layer {@code l} has options {@code j} with a time {@code seconds[l][j]} and
 * a (coefficient-weighted) error {@code error[l][j]}; exactly one option is picked per layer so that the picked times,
 * each rounded to whole buckets, fit the budget, and the summed error is the least.
 *
 * <p>Time is counted in {@code buckets} buckets of {@code budget / buckets} seconds; an option takes
 * {@code round(seconds / bucket)} of them ({@link #quantize}). {@code D[l][b]} is the least error of layers
 * {@code 0..l} in at most {@code b} buckets, so the answer is {@code D[L-1][buckets]}; the picks are recovered by
 * walking back from it, taking at each layer the first option (in the given order) that yields the stored value
 * exactly. Work: layers × options × buckets; memory: layers × (buckets + 1) doubles.
 */
public final class SpdyDp {
    private SpdyDp() {}

    /**
     * @param choice    per layer, the index of the picked option
     * @param buckets   buckets taken by the picks (at most the budget's)
     * @param objective the least summed error
     */
    public record Solution(int[] choice, long buckets, double objective) {}

    /** A budget the options cannot meet: even the fastest option of every layer takes more buckets than it has. */
    public static final class Unreachable extends IllegalArgumentException {
        private final long minBuckets;

        Unreachable(long minBuckets, int buckets) {
            super("the fastest option of every layer takes " + minBuckets + " buckets, more than the budget's " + buckets);
            this.minBuckets = minBuckets;
        }

        public long minBuckets() { return minBuckets; }
    }

    /** Buckets an option of {@code seconds} takes: {@code round(seconds / (budget / buckets))}. */
    public static long quantize(double seconds, double budget, int buckets) {
        return Math.round(seconds / (budget / buckets));
    }

    public static Solution solve(double[][] seconds, double[][] error, double budget, int buckets) {
        int layers = check(seconds, error, budget, buckets);
        int width = buckets + 1;
        long cells = (long) layers * width;
        long heap = Runtime.getRuntime().maxMemory();
        if (cells * Double.BYTES > heap / 2)
            throw new IllegalArgumentException("buckets: " + layers + " layers x " + width + " buckets need " + cells * Double.BYTES
                    + " bytes, more than half the " + heap + "-byte heap (use fewer buckets or raise -Xmx)");
        int[][] q = new int[layers][];
        long minTotal = 0;
        for (int l = 0; l < layers; l++) {
            q[l] = new int[seconds[l].length];
            long min = Long.MAX_VALUE;
            for (int j = 0; j < q[l].length; j++) {
                long k = quantize(seconds[l][j], budget, buckets);
                // an option beyond the whole budget can never be picked; mark it so
                q[l][j] = k > buckets ? -1 : (int) k;
                min = Math.min(min, Math.min(k, buckets + 1L));
            }
            minTotal += min;
        }
        if (minTotal > buckets) throw new Unreachable(minTotal, buckets);
        double[][] d = new double[layers][width];
        double[] prev = new double[width]; // D[-1][b] = 0: no layers, no error, whatever the budget
        for (int l = 0; l < layers; l++) {
            double[] cur = d[l];
            Arrays.fill(cur, Double.POSITIVE_INFINITY);
            for (int j = 0; j < q[l].length; j++) {
                int k = q[l][j];
                if (k < 0) continue;
                double e = error[l][j];
                // one option shifts the previous row by its buckets; the JIT vectorises this min-plus loop
                for (int b = k; b < width; b++) cur[b] = Math.min(cur[b], prev[b - k] + e);
            }
            prev = cur;
        }
        double best = d[layers - 1][buckets];
        if (best == Double.POSITIVE_INFINITY) throw new Unreachable(minTotal, buckets);
        int[] choice = new int[layers];
        int b = buckets;
        long used = 0;
        for (int l = layers - 1; l >= 0; l--) {
            double target = d[l][b];
            int pick = -1;
            for (int j = 0; j < q[l].length && pick < 0; j++) {
                int k = q[l][j];
                if (k < 0 || k > b) continue;
                double before = l == 0 ? 0.0 : d[l - 1][b - k];
                if (before + error[l][j] == target) pick = j;
            }
            if (pick < 0) throw new IllegalStateException("backtracking found no option at layer " + l + ", bucket " + b);
            choice[l] = pick;
            b -= q[l][pick];
            used += q[l][pick];
        }
        return new Solution(choice, used, best);
    }

    private static int check(double[][] seconds, double[][] error, double budget, int buckets) {
        if (!(budget > 0) || Double.isInfinite(budget)) throw new IllegalArgumentException("budget: must be finite and > 0 seconds, got " + budget);
        if (buckets < 1 || buckets == Integer.MAX_VALUE) throw new IllegalArgumentException("buckets: must be in [1, " + (Integer.MAX_VALUE - 1) + "], got " + buckets);
        if (seconds.length == 0) throw new IllegalArgumentException("layers: none to choose for");
        if (error.length != seconds.length)
            throw new IllegalArgumentException("error: " + error.length + " layers, seconds has " + seconds.length);
        for (int l = 0; l < seconds.length; l++) {
            if (seconds[l].length == 0) throw new IllegalArgumentException("seconds[" + l + "]: no options");
            if (error[l].length != seconds[l].length)
                throw new IllegalArgumentException("error[" + l + "]: " + error[l].length + " options, seconds[" + l + "] has " + seconds[l].length);
            for (int j = 0; j < seconds[l].length; j++) {
                double t = seconds[l][j], e = error[l][j];
                if (!(t >= 0) || Double.isInfinite(t)) throw new IllegalArgumentException("seconds[" + l + "][" + j + "]: must be finite and >= 0, got " + t);
                if (!(e >= 0) || Double.isInfinite(e)) throw new IllegalArgumentException("error[" + l + "][" + j + "]: must be finite and >= 0, got " + e);
            }
        }
        return seconds.length;
    }
}
