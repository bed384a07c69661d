package dev.prunebench.models.prune;

import java.util.Arrays;
import java.util.Locale;

/** How a group of weights is scored (Hartenstein et al. compare RMS, mean, median and random). */
public enum Aggregate {
    /** √(mean w²) — Hartenstein et al.'s choice. */
    RMS,
    /** mean |w|. */
    MEAN,
    /** median |w|. */
    MEDIAN,
    /** max |w|. */
    MAX,
    /** a seeded uniform random score: the control. */
    RANDOM;

    public String id() { return name().toLowerCase(Locale.ROOT); }

    public static Aggregate parse(String s) {
        for (Aggregate a : values()) if (a.id().equalsIgnoreCase(s.trim())) return a;
        throw new IllegalArgumentException("aggregate: unknown '" + s + "' (expected rms, mean, median, max or random)");
    }

    /** Score of {@code w[from..to)}; RANDOM is handled by the caller. */
    double score(float[] w, int from, int to, double[] scratch) {
        int n = to - from;
        switch (this) {
            case RMS -> {
                double s = 0;
                for (int i = from; i < to; i++) s += (double) w[i] * w[i];
                return Math.sqrt(s / n);
            }
            case MEAN -> {
                double s = 0;
                for (int i = from; i < to; i++) s += Math.abs(w[i]);
                return s / n;
            }
            case MAX -> {
                double m = 0;
                for (int i = from; i < to; i++) m = Math.max(m, Math.abs(w[i]));
                return m;
            }
            case MEDIAN -> {
                for (int i = 0; i < n; i++) scratch[i] = Math.abs(w[from + i]);
                Arrays.sort(scratch, 0, n);
                return n % 2 == 1 ? scratch[n / 2] : 0.5 * (scratch[n / 2 - 1] + scratch[n / 2]);
            }
            default -> throw new IllegalStateException("random has no deterministic score");
        }
    }
}
