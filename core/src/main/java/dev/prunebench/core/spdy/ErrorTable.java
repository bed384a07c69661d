package dev.prunebench.core.spdy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Per layer, format and level, the error the DP adds up (SPDY's error database): measured as the layer-wise
 * reconstruction error, or SPDY's placeholder. An entry without a format ({@link LatencyTable#UNNAMED}) answers for
 * every format of its layer that has no entry of its own.
 */
public final class ErrorTable {

    public record Key(String layer, String format, double level) {}

    private final Map<Key, Double> errors;
    private final String description;

    public ErrorTable(Map<Key, Double> errors, String description) {
        for (var e : errors.entrySet()) {
            double v = e.getValue();
            if (!(v >= 0) || Double.isInfinite(v))
                throw new IllegalArgumentException("error of " + e.getKey().layer() + " at level " + e.getKey().level() + ": must be finite and >= 0, got " + v);
        }
        this.errors = new LinkedHashMap<>(errors);
        this.description = description;
    }

    /** Where the errors came from (a file, "placeholder (rank/(n-1))^2"). */
    public String description() { return description; }

    public Map<Key, Double> entries() { return Collections.unmodifiableMap(errors); }

    /** The error of {@code layer} in {@code format} at {@code level}, or NaN when the table has none. */
    public double error(String layer, String format, double level) {
        Double e = errors.get(new Key(layer, format, level));
        if (e == null && !format.equals(LatencyTable.UNNAMED)) e = errors.get(new Key(layer, LatencyTable.UNNAMED, level));
        return e == null ? Double.NaN : e;
    }

    /**
     * SPDY's public code's placeholder: the k-th smallest distinct level of a layer (k = 0 … n−1, per format) has error
     * (k / (n−1))²; a layer with one level has error 0.
     */
    public static ErrorTable rankPlaceholder(LatencyTable table) {
        Map<Key, Double> m = new LinkedHashMap<>();
        for (LatencyTable.Layer l : table.layers()) {
            // one pass over the timings (a layer may hold millions of levels, each in a format of its own)
            Map<String, TreeSet<Double>> byFormat = new LinkedHashMap<>();
            for (LatencyTable.Timing t : l.timings()) byFormat.computeIfAbsent(t.format(), k -> new TreeSet<>()).add(t.level());
            for (var fl : byFormat.entrySet()) {
                String f = fl.getKey();
                List<Double> sorted = new ArrayList<>(fl.getValue());
                int n = sorted.size();
                for (int k = 0; k < n; k++) {
                    double r = n == 1 ? 0 : (double) k / (n - 1);
                    m.put(new Key(l.name(), f, sorted.get(k)), r * r);
                }
            }
        }
        return new ErrorTable(m, "placeholder (rank/(n-1))^2, as SPDY's public script");
    }
}
