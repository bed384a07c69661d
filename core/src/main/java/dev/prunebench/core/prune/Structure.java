package dev.prunebench.core.prune;

import java.util.Locale;

/**
 * What is removed together: the <em>unit</em> of pruning. A target rate counts units (see {@link Pruner}).
 *
 * <ul>
 *   <li>{@link Unstructured}: one weight per unit (Deep Compression / Han et al.). Units = rows × cols.</li>
 *   <li>{@link Group Group(g)}: g adjacent weights of a row at column offsets that are multiples of g, kept or
 *       removed whole (Hartenstein's memory-aware pruning; Scalpel's SIMD-aware pruning with g = SIMD width).
 *       Units = rows × ⌈cols / g⌉. When {@code cols % g != 0} the last group of each row is short
 *       ({@code cols % g} weights) and still counts as one unit, so the unit rate and the achieved weight sparsity
 *       differ slightly; both are reported ({@link PruneResult}).</li>
 *   <li>{@link Nm Nm(N, M)}: in every window of M consecutive weights of a row (windows start at multiples of M) the
 *       N highest-scoring are kept. The rate is fixed at (M − N) / M; a short last window of width w keeps
 *       min(N, w), so the achieved weight sparsity can be below (M − N) / M.</li>
 *   <li>{@link Node}: whole rows, i.e. output neurons of an FC layer or output channels of a conv layer flattened
 *       to out × (in·kh·kw) (Scalpel node pruning). Units = rows. See {@link NodePruning} for the next layer.</li>
 * </ul>
 *
 * <p>Text form ({@link #parse}, {@link #id}): {@code unstructured}, {@code group:G}, {@code nm:N:M}, {@code node}.
 */
public sealed interface Structure {

    Structure UNSTRUCTURED = new Unstructured();
    Structure NODE = new Node();

    static Structure group(int g) { return new Group(g); }

    static Structure nm(int n, int m) { return new Nm(n, m); }

    /** Number of units in a rows × cols matrix. */
    long units(int rows, int cols);

    /** The text form, e.g. {@code group:8}. */
    String id();

    record Unstructured() implements Structure {
        @Override public long units(int rows, int cols) { return (long) rows * cols; }
        @Override public String id() { return "unstructured"; }
    }

    /** @param g group width, &ge; 1 */
    record Group(int g) implements Structure {
        public Group {
            if (g < 1) throw new IllegalArgumentException("structure group: g must be >= 1, got " + g);
        }
        public int groupsPerRow(int cols) { return (cols + g - 1) / g; }
        @Override public long units(int rows, int cols) { return (long) rows * groupsPerRow(cols); }
        @Override public String id() { return "group:" + g; }
    }

    /** @param n kept per window, 1 &le; n &le; m; @param m window width, 1 &le; m &le; 256 */
    record Nm(int n, int m) implements Structure {
        public Nm {
            if (m < 1) throw new IllegalArgumentException("structure nm: M must be >= 1, got " + m);
            if (n < 1) throw new IllegalArgumentException("structure nm: N must be >= 1, got " + n);
            if (n > m) throw new IllegalArgumentException("structure nm: N = " + n + " > M = " + m + " (N:M keeps N of every M)");
            if (m > 256) throw new IllegalArgumentException("structure nm: M = " + m + " too large (at most 256)");
        }
        /** The rate this structure fixes: (M − N) / M. */
        public double rate() { return (double) (m - n) / m; }
        public int windows(int cols) { return (cols + m - 1) / m; }
        /** One unit per weight slot; the rate is fixed, so units are only used for reporting. */
        @Override public long units(int rows, int cols) { return (long) rows * cols; }
        @Override public String id() { return "nm:" + n + ":" + m; }
    }

    record Node() implements Structure {
        @Override public long units(int rows, int cols) { return rows; }
        @Override public String id() { return "node"; }
    }

    /** Parses {@code unstructured | group:G | nm:N:M | node}. */
    static Structure parse(String text) {
        if (text == null) throw new IllegalArgumentException("structure: must not be null");
        String s = text.trim().toLowerCase(Locale.ROOT);
        String[] p = s.split(":", -1);
        try {
            switch (p[0]) {
                case "unstructured": case "weight": if (p.length == 1) return UNSTRUCTURED; break;
                case "node": if (p.length == 1) return NODE; break;
                case "group": case "g": if (p.length == 2) return group(Integer.parseInt(p[1])); break;
                case "nm": if (p.length == 3) return nm(Integer.parseInt(p[1]), Integer.parseInt(p[2])); break;
                default: break;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("structure: '" + text + "' has a non-integer parameter");
        }
        throw new IllegalArgumentException("structure: unknown '" + text + "' (expected unstructured, group:G, nm:N:M or node)");
    }
}
