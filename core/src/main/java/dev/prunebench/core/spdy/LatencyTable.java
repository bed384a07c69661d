package dev.prunebench.core.spdy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A per-layer latency table in SPDY's sense: the whole model's dense time ({@code base}), the part of it spent in the
 * layers of the table ({@code prunable}, dense), and per layer its time at each (format, level).
 *
 * <p>Invariants (checked on construction): {@code base} and {@code prunable} finite and &ge; 0; layer names unique and
 * non-blank; every layer has at least one timing; seconds finite and &ge; 0; levels in [0, 1]. A layer's dense time is
 * its first timing at level 0 (SPDY's files start every layer with it); a layer without one has no dense time.
 * Timings are kept in file order, duplicates included (a published YOLOv5s layer gives level 0 twice), and need not be
 * monotone in the level.
 *
 * @param notes what a reader noticed but accepted (duplicate levels, names without timings), for the record
 */
public record LatencyTable(double base, double prunable, List<Layer> layers, List<String> notes) {

    /** The format of lines that name none: SPDY's files hold one structure, named by the file, not by its lines. */
    public static final String UNNAMED = "-";

    /** One timing: the layer run in {@code format} with a fraction {@code level} of its weights removed takes {@code seconds}. */
    public record Timing(String format, double level, double seconds) {
        public Timing {
            if (format == null || format.isBlank() || format.chars().anyMatch(Character::isWhitespace))
                throw new IllegalArgumentException("timing format: must be one word, got '" + format + "'");
            if (!(level >= 0 && level <= 1)) throw new IllegalArgumentException("timing level: must be in [0, 1], got " + level);
            if (!(seconds >= 0) || Double.isInfinite(seconds)) throw new IllegalArgumentException("timing seconds: must be finite and >= 0, got " + seconds);
        }
    }

    public record Layer(String name, List<Timing> timings) {
        public Layer {
            if (name == null || name.isBlank() || name.chars().anyMatch(Character::isWhitespace))
                throw new IllegalArgumentException("layer name: must be one word, got '" + name + "'");
            timings = List.copyOf(timings);
            if (timings.isEmpty()) throw new IllegalArgumentException("layer " + name + ": no timings");
        }

        /** The first timing at level 0, or NaN when there is none. */
        public double denseSeconds() {
            for (Timing t : timings) if (t.level() == 0) return t.seconds();
            return Double.NaN;
        }

        /** The fastest timing of any format and level. */
        public double minSeconds() {
            double m = Double.POSITIVE_INFINITY;
            for (Timing t : timings) m = Math.min(m, t.seconds());
            return m;
        }

        /** Formats in first-seen order. */
        public List<String> formats() {
            Set<String> f = new LinkedHashSet<>();
            for (Timing t : timings) f.add(t.format());
            return List.copyOf(f);
        }
    }

    public LatencyTable {
        if (!(base >= 0) || Double.isInfinite(base)) throw new IllegalArgumentException("base: must be finite and >= 0, got " + base);
        if (!(prunable >= 0) || Double.isInfinite(prunable)) throw new IllegalArgumentException("prunable: must be finite and >= 0, got " + prunable);
        layers = List.copyOf(layers);
        notes = notes == null ? List.of() : List.copyOf(notes);
        Set<String> seen = new LinkedHashSet<>();
        for (Layer l : layers) if (!seen.add(l.name())) throw new IllegalArgumentException("layer " + l.name() + ": given twice");
    }

    public Layer layer(String name) {
        for (Layer l : layers) if (l.name().equals(name)) return l;
        throw new IllegalArgumentException("layer '" + name + "': not in the table (layers: " + names() + ")");
    }

    public List<String> names() {
        List<String> n = new ArrayList<>();
        for (Layer l : layers) n.add(l.name());
        return n;
    }

    /** Every format of every layer, in first-seen order. */
    public List<String> formats() {
        Set<String> f = new LinkedHashSet<>();
        for (Layer l : layers) f.addAll(l.formats());
        return List.copyOf(f);
    }

    /** The sum of the layers' dense times (NaN when a layer has none); SPDY's {@code prunable} should be close to it. */
    public double denseSum() {
        double s = 0;
        for (Layer l : layers) s += l.denseSeconds();
        return s;
    }
}
