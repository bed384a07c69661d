package dev.prunebench.results;

import java.util.Arrays;

/**
 * One named number an experiment produced, the unit of the scorecard and of regression tracking.
 *
 * <p>Kinds:
 * <ul>
 *   <li>{@link Kind#EXACT}: deterministic on any machine (bytes, counts, instruction counts under emulation,
 *       accuracies with fixed seeds on the same machine class). Regression check: must match.</li>
 *   <li>{@link Kind#TIMING}: a measured ratio or time with its repeats in {@link #samples()}. Regression check:
 *       statistical test over the samples plus a minimum effect size. Hardware-dependent.</li>
 *   <li>{@link Kind#INFO}: recorded, never compared.</li>
 * </ul>
 *
 * @param name     stable name, e.g. {@code break_even_rate[kernel=gcsr-vector,g=8,n=50]} (built and parsed by {@link MetricName}); scorecard rows and
 *                 {@code compare} refer to it; no double quotes or line breaks
 * @param kind     how it is compared
 * @param value    the headline value (median for timings)
 * @param unit     e.g. {@code x}, {@code bytes}, {@code %}, {@code ms}, {@code fraction}
 * @param samples  the repeats behind a timing (empty for exact/info)
 * @param modelled true when the number comes from a model of hardware, not a measurement on it
 */
public record Metric(String name, Kind kind, double value, String unit, double[] samples, boolean modelled) {

    public enum Kind { EXACT, TIMING, INFO }

    public Metric {
        // Commas are allowed (names like speedup[kernel=csr,g=8]); metrics.csv quotes such names.
        if (name == null || name.isBlank() || name.contains("\"") || name.contains("\n") || name.contains("\r"))
            throw new IllegalArgumentException("metric name: must be non-blank without double quotes or newlines, got '" + name + "'");
        if (kind == null) throw new IllegalArgumentException("metric " + name + ": kind must not be null");
        unit = unit == null ? "" : unit;
        samples = samples == null ? new double[0] : samples.clone();
    }

    public static Metric exact(String name, double value, String unit) { return new Metric(name, Kind.EXACT, value, unit, null, false); }

    public static Metric timing(String name, double value, String unit, double[] samples) {
        return new Metric(name, Kind.TIMING, value, unit, samples, false);
    }

    public static Metric info(String name, double value, String unit) { return new Metric(name, Kind.INFO, value, unit, null, false); }

    public Metric asModelled() { return new Metric(name, kind, value, unit, samples, true); }

    @Override public boolean equals(Object o) {
        return o instanceof Metric m && m.name.equals(name) && m.kind == kind && Double.compare(m.value, value) == 0
                && m.unit.equals(unit) && Arrays.equals(m.samples, samples) && m.modelled == modelled;
    }

    @Override public int hashCode() { return name.hashCode() * 31 + Double.hashCode(value); }
}
