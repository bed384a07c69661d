package dev.prunebench.core.spdy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * SPDY's outer search over the per-layer coefficients of the DP: {@code starts} random coefficient vectors (each
 * coefficient uniform in [0, 1)), the best kept; then, for {@code k} = round(0.1·L) down to 1, up to {@code tries}
 * times re-drawing {@code k} randomly chosen coefficients of the best vector, accepting a candidate when it scores
 * strictly better. Each candidate is the DP's profile for those coefficients, scored by {@code score} (the calibration
 * loss of the stitched pruned model, lower is better). Seeded: the same seed, problem and scorer give the same result.
 */
public final class SpdySearch {
    private SpdySearch() {}

    /** Where the search stands; handed to the progress callback after every candidate. */
    public record Step(int candidate, int total, String phase, double bestScore) {}

    public interface Progress {
        void step(Step s);
    }

    /**
     * @param coefficients the best vector found
     * @param profile      its profile
     * @param score        its score
     * @param candidates   how many profiles were scored
     * @param history      the best score after each candidate
     */
    public record Result(double[] coefficients, Spdy.Profile profile, double score, int candidates, List<Double> history) {}

    public static Result search(Spdy spdy, double target, ErrorTable errors, int buckets, ToDoubleFunction<Spdy.Profile> score,
                                long seed, int starts, int tries, Progress progress) {
        if (starts < 1) throw new IllegalArgumentException("starts: must be >= 1, got " + starts);
        if (tries < 0) throw new IllegalArgumentException("tries: must be >= 0, got " + tries);
        int layers = spdy.free().size();
        int maxK = Math.max(1, (int) Math.round(0.1 * layers));
        int total = starts + maxK * tries;
        SplittableRandom rng = new SplittableRandom(seed);
        double[] best = null;
        Spdy.Profile bestProfile = null;
        double bestScore = Double.POSITIVE_INFINITY;
        List<Double> history = new ArrayList<>();
        int n = 0;
        for (int s = 0; s < starts; s++) {
            double[] c = new double[layers];
            for (int i = 0; i < layers; i++) c[i] = rng.nextDouble();
            Spdy.Profile p = spdy.solve(target, errors, c, buckets);
            double v = score.applyAsDouble(p);
            n++;
            if (v < bestScore || best == null) {
                bestScore = v;
                best = c;
                bestProfile = p;
            }
            history.add(bestScore);
            if (progress != null) progress.step(new Step(n, total, "random start " + (s + 1) + "/" + starts, bestScore));
        }
        for (int k = maxK; k >= 1; k--)
            for (int t = 0; t < tries; t++) {
                double[] c = best.clone();
                int[] idx = pick(rng, layers, k);
                for (int i : idx) c[i] = rng.nextDouble();
                Spdy.Profile p = spdy.solve(target, errors, c, buckets);
                double v = score.applyAsDouble(p);
                n++;
                if (v < bestScore) {
                    bestScore = v;
                    best = c;
                    bestProfile = p;
                }
                history.add(bestScore);
                if (progress != null) progress.step(new Step(n, total, "re-draw " + k + " of " + layers + ", try " + (t + 1) + "/" + tries, bestScore));
            }
        return new Result(best, bestProfile, bestScore, n, List.copyOf(history));
    }

    /** {@code k} distinct indices of {@code 0..n-1} (partial Fisher-Yates). */
    static int[] pick(SplittableRandom rng, int n, int k) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int x = a[i];
            a[i] = a[j];
            a[j] = x;
        }
        return Arrays.copyOf(a, k);
    }
}
