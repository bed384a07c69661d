package dev.prunebench.measure;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/** Medians and percentile-bootstrap confidence intervals of the median. */
public final class Stats {
    private Stats() {}

    /** A median with a two-sided confidence interval at {@code level}. */
    public record Interval(double median, double low, double high, double level) {
        public boolean contains(double v) { return low <= v && v <= high; }
    }

    /**
     * The median: the middle value, or the mean of the two middle values of an even count — Commons Math's
     * {@link Percentile.EstimationType#R_2} ("averaging at discontinuities"), whose {@code (low + high) / 2} is
     * exactly what a sort-and-average gives (the default {@code LEGACY} and {@code R_7} interpolate, which may differ
     * in the last bit). NaNs are left out (Commons Math's default). The one median of the project.
     */
    public static double median(double[] xs) {
        if (xs == null || xs.length == 0) throw new IllegalArgumentException("median: needs at least one value");
        return new Percentile(50).withEstimationType(Percentile.EstimationType.R_2).evaluate(xs);
    }

    /**
     * Percentile bootstrap of the median: {@code resamples} resamples with replacement drawn from a generator seeded
     * with {@code seed}, the interval between the (1 − level)/2 and (1 + level)/2 percentiles of their medians.
     */
    public static Interval bootstrapMedian(double[] xs, int resamples, long seed, double level) {
        if (xs == null || xs.length == 0) throw new IllegalArgumentException("bootstrap: needs at least one value");
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level: must be in (0, 1), got " + level);
        if (resamples < 1) throw new IllegalArgumentException("resamples: must be >= 1, got " + resamples);
        for (int i = 0; i < xs.length; i++)
            if (!Double.isFinite(xs[i])) throw new IllegalArgumentException("bootstrap: sample " + i + " is not finite: " + xs[i]);
        RandomGenerator rng = new Well19937c(seed);
        double[] medians = new double[resamples], buf = new double[xs.length];
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < buf.length; i++) buf[i] = xs[rng.nextInt(xs.length)];
            medians[b] = median(buf);
        }
        Percentile p = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        p.setData(medians);
        double tail = (1 - level) / 2 * 100;
        return new Interval(median(xs), p.evaluate(tail), p.evaluate(100 - tail), level);
    }
}
