package dev.prunebench.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Change points of a series by E-Divisive means: D. S. Matteson and N. A. James, "A Nonparametric Approach for
 * Multiple Change Point Analysis of Multivariate Data", Journal of the American Statistical Association 109 (505),
 * 334–345, 2014 — the method MongoDB's performance CI and Apache Otava (formerly Hunter) run over benchmark histories.
 * Written here from the paper.
 *
 * <p>For a split of a segment into X (before τ) and Y (from τ on) the divergence is the energy statistic with α = 1:
 * <pre>
 *   Q(X, Y) = m·k/(m + k) · ( 2/(m·k) Σ|x−y| − 1/C(m,2) Σ|x−x'| − 1/C(k,2) Σ|y−y'| )
 * </pre>
 * maximised over τ (Y runs to the end of the segment, as in Otava and MongoDB's variant; the paper also maximises over
 * the end κ of Y). Change points are found one at a time (hierarchically): the split with the largest Q over all
 * current segments is tested by a permutation test — the segment's values shuffled {@link #permutations} times, the
 * largest Q of each shuffle computed, p = (1 + #{shuffled ≥ observed}) / (permutations + 1) — and kept when
 * {@code p ≤ alpha} (the shuffles stop early once p is sure to exceed alpha, which decides the same); the search
 * stops at the first split that is not significant. Every segment keeps at least
 * {@link #minSize} points. The shuffles use a fixed seed, so the same series always gives the same answer.
 *
 * <p>Cost: O(n²) per segment and shuffle (sums updated as τ moves), so a few hundred runs take milliseconds.
 */
public final class EDivisive {

    /** One change point: the series index where the new segment starts, its Q and its permutation p-value. */
    public record ChangePoint(int index, double q, double p) {}

    final double alpha;
    final int permutations;
    final int minSize;
    final long seed;

    /** Defaults: alpha 0.05, 199 shuffles, segments of at least 2 points, seed fixed. */
    public static final EDivisive DEFAULT = new EDivisive(0.05, 199, 2, 20260101L);

    public EDivisive(double alpha, int permutations, int minSize, long seed) {
        if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("alpha: must be in (0, 1), got " + alpha);
        if (permutations < 19) throw new IllegalArgumentException("permutations: at least 19 (p can not go below 0.05 otherwise), got " + permutations);
        if (minSize < 2) throw new IllegalArgumentException("min segment size: at least 2, got " + minSize);
        this.alpha = alpha;
        this.permutations = permutations;
        this.minSize = minSize;
        this.seed = seed;
    }

    /** The significant change points of {@code z} (NaNs are not allowed), in increasing index order. */
    public List<ChangePoint> changePoints(double[] z) {
        for (int i = 0; i < z.length; i++)
            if (!Double.isFinite(z[i])) throw new IllegalArgumentException("series[" + i + "]: " + z[i] + " is not a finite number");
        List<Integer> cuts = new ArrayList<>(List.of(0, z.length));
        List<ChangePoint> found = new ArrayList<>();
        Random rnd = new Random(seed);
        while (true) {
            int bestSeg = -1;
            Split best = null;
            for (int s = 0; s + 1 < cuts.size(); s++) {
                Split sp = bestSplit(z, cuts.get(s), cuts.get(s + 1));
                if (sp != null && (best == null || sp.q > best.q)) {
                    best = sp;
                    bestSeg = s;
                }
            }
            if (best == null) break;
            int a = cuts.get(bestSeg), b = cuts.get(bestSeg + 1);
            double[] seg = Arrays.copyOfRange(z, a, b);
            int atLeast = 0;
            for (int r = 0; r < permutations; r++) {
                shuffle(seg, rnd);
                Split ps = bestSplit(seg, 0, seg.length);
                if (ps != null && ps.q >= best.q - 1e-12 * Math.abs(best.q)) atLeast++;
                // p can only grow from here: once it is above alpha the split is not significant, whatever comes
                if ((1.0 + atLeast) / (permutations + 1.0) > alpha) break;
            }
            double p = (1.0 + atLeast) / (permutations + 1.0);
            if (p > alpha) break;
            found.add(new ChangePoint(best.tau, best.q, p));
            cuts.add(bestSeg + 1, best.tau);
        }
        found.sort(Comparator.comparingInt(ChangePoint::index));
        return found;
    }

    private record Split(int tau, double q) {}

    /** The τ in (a + minSize … b − minSize) maximising Q over [a, b), or null when the segment is too short. */
    Split bestSplit(double[] z, int a, int b) {
        int n = b - a;
        if (n < 2 * minSize) return null;
        // X = [a, t), Y = [t, b); start with X empty and move points over one by one
        double wx = 0, wy = 0, between = 0;
        for (int i = a; i < b; i++) for (int j = i + 1; j < b; j++) wy += Math.abs(z[i] - z[j]);
        Split best = null;
        for (int t = a; t < b - minSize; t++) {
            // z[t] leaves Y and joins X
            double toX = 0, toY = 0;
            for (int i = a; i < t; i++) toX += Math.abs(z[t] - z[i]);
            for (int j = t + 1; j < b; j++) toY += Math.abs(z[t] - z[j]);
            wx += toX;
            wy -= toY;
            between += toY - toX;
            int m = t + 1 - a, k = b - t - 1;
            if (m < minSize) continue;
            double q = (double) m * k / (m + k) * (2.0 * between / ((double) m * k) - wx / (m * (m - 1) / 2.0) - wy / (k * (k - 1) / 2.0));
            if (best == null || q > best.q) best = new Split(t + 1, q);
        }
        return best;
    }

    /** Q of one split, computed directly from its definition (the tests check the running sums against it). */
    static double q(double[] x, double[] y) {
        int m = x.length, k = y.length;
        double b = 0, wx = 0, wy = 0;
        for (double u : x) for (double v : y) b += Math.abs(u - v);
        for (int i = 0; i < m; i++) for (int j = i + 1; j < m; j++) wx += Math.abs(x[i] - x[j]);
        for (int i = 0; i < k; i++) for (int j = i + 1; j < k; j++) wy += Math.abs(y[i] - y[j]);
        return (double) m * k / (m + k) * (2 * b / ((double) m * k) - wx / (m * (m - 1) / 2.0) - wy / (k * (k - 1) / 2.0));
    }

    private static void shuffle(double[] v, Random rnd) {
        for (int i = v.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
    }
}
