package dev.prunebench.measure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The A/A controls of a run ({@link Bench.Control}, one per group of interleaved rounds) summed up: how many groups,
 * how many failed (1 outside the interval), and the spread (how far from 1 the intervals reach: median and largest).
 * Recorded per run as metrics ({@code aa_spread_max}, {@code aa_spread_median}, {@code aa_unstable_points}) and in the
 * experiment's parameters ({@code aa_control}).
 */
public final class AaSummary {
    private final Map<Bench.Control, Boolean> seen = new IdentityHashMap<>();
    private final List<Bench.Control> controls = new ArrayList<>();

    /** Adds the controls of these outcomes (each group's once). */
    public synchronized AaSummary addAll(Collection<Bench.Outcome> outcomes) {
        for (Bench.Outcome o : outcomes) add(o.control());
        return this;
    }

    public synchronized AaSummary add(Bench.Control c) {
        if (c != null && seen.put(c, Boolean.TRUE) == null) controls.add(c);
        return this;
    }

    public synchronized int groups() { return controls.size(); }

    public synchronized int unstable() { return (int) controls.stream().filter(c -> !c.stable()).count(); }

    public synchronized double maxSpread() { return controls.stream().mapToDouble(Bench.Control::spread).max().orElse(Double.NaN); }

    public synchronized double medianSpread() {
        return controls.isEmpty() ? Double.NaN : Stats.median(controls.stream().mapToDouble(Bench.Control::spread).toArray());
    }

    /** For a manifest or experiment.json. */
    public synchronized Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("groups", groups());
        m.put("unstable", unstable());
        m.put("spread_median", Double.isNaN(medianSpread()) ? "none" : medianSpread());
        m.put("spread_max", Double.isNaN(maxSpread()) ? "none" : maxSpread());
        return m;
    }

    public synchronized String describe() {
        if (controls.isEmpty()) return "A/A control: none (no group of timed kernels)";
        return String.format(Locale.ROOT, "A/A control: %d groups, %d unstable; the intervals reach ±%.1f %% from 1 (median), ±%.1f %% (largest)",
                groups(), unstable(), 100 * medianSpread(), 100 * maxSpread());
    }
}
