package dev.prunebench.core.prune;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the per-weight saliencies s₁…sₙ of one unit (a group, a node) become the unit's score. For single-weight units
 * every aggregate returns s itself (saliencies are non-negative).
 *
 * <ul>
 *   <li>{@link #RMS} √(Σ s² / n) — the default, as in Hartenstein et al. and Scalpel;</li>
 *   <li>{@link #MEAN} Σ s / n; {@link #MAX} max s; {@link #MEDIAN} the middle value (mean of the two middle ones for
 *       even n);</li>
 *   <li>{@link #L1} Σ s and {@link #L2} √(Σ s²) — the node norms. Unlike RMS and MEAN they grow with n, so a short
 *       last group scores lower than a full one with the same weights.</li>
 * </ul>
 * Computed in double.
 */
public enum Aggregate {
    RMS, MEAN, MAX, MEDIAN, L1, L2;

    /** Aggregates {@code s[0..n)}; may reorder {@code s} (MEDIAN sorts it). */
    public double of(double[] s, int n) {
        if (n <= 0) throw new IllegalArgumentException("aggregate " + id() + ": empty unit");
        switch (this) {
            case MAX: {
                double m = s[0];
                for (int i = 1; i < n; i++) m = Math.max(m, s[i]);
                return m;
            }
            case MEDIAN: {
                Arrays.sort(s, 0, n);
                return (n & 1) == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
            }
            default: {
                double sum = 0;
                boolean squares = this == RMS || this == L2;
                for (int i = 0; i < n; i++) sum += squares ? s[i] * s[i] : s[i];
                return switch (this) {
                    case RMS -> Math.sqrt(sum / n);
                    case MEAN -> sum / n;
                    case L1 -> sum;
                    case L2 -> Math.sqrt(sum);
                    default -> throw new AssertionError(this);
                };
            }
        }
    }

    public String id() { return name().toLowerCase(Locale.ROOT); }

    public static Aggregate parse(String s) {
        for (Aggregate a : values()) if (a.id().equalsIgnoreCase(s.trim())) return a;
        throw new IllegalArgumentException("aggregate: unknown '" + s + "' (expected rms, mean, max, median, l1 or l2)");
    }
}
