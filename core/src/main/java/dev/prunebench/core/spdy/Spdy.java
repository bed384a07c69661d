package dev.prunebench.core.spdy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A latency table, the layers kept dense and an accounting, turned into SPDY's DP and back into a profile.
 *
 * <p>SPDY leaves some layers out of the DP (the first convolution and the last fully connected layer): they stay
 * dense. The budget the DP shares among the other layers is {@code base / target − fixed}:
 * <ul>
 *   <li>{@link Accounting#CORRECT}: {@code fixed = base − prunable + Σ dense(kept)}: the kept layers' dense time is
 *       spent whatever the DP picks, so it is not free budget;</li>
 *   <li>{@link Accounting#SPDY}: {@code fixed = base − prunable}, as SPDY's public script: the kept layers stay inside
 *       {@code prunable} and are counted as free, so its targets and its largest target are optimistic.</li>
 * </ul>
 * Whatever the accounting, a profile's <em>true</em> predicted time is {@code base − prunable + Σ dense(kept) +
 * Σ picked}: the file's other parts, the kept layers dense, the others as picked.
 */
public final class Spdy {

    public enum Accounting {
        SPDY, CORRECT;

        public String id() { return name().toLowerCase(Locale.ROOT); }

        public static Accounting parse(String s) {
            for (Accounting a : values()) if (a.id().equals(s)) return a;
            throw new IllegalArgumentException("accounting: unknown '" + s + "' (known: spdy, correct)");
        }
    }

    /** SPDY's default number of time buckets. */
    public static final int DEFAULT_BUCKETS = 10_000;

    /** One layer of a profile: its level and format, its seconds, whether the DP chose it or it was kept dense. */
    public record Pick(String layer, String format, double level, double seconds, boolean keptDense) {}

    /**
     * @param picks            every layer of the table, in order
     * @param claimedSeconds   the model's time as the accounting counts it ({@code fixed + Σ picked over the DP's layers})
     * @param trueSeconds      the model's time with the kept layers dense ({@code base − prunable + Σ every layer's pick})
     * @param objective        the DP's summed (coefficient-weighted) error
     * @param buckets          the buckets the picks take
     */
    public record Profile(List<Pick> picks, double base, double claimedSeconds, double trueSeconds, double objective, long buckets) {
        public double claimedSpeedup() { return base / claimedSeconds; }
        public double trueSpeedup() { return base / trueSeconds; }
    }

    /** A target the table cannot reach, with the largest one it can. */
    public static final class UnreachableTarget extends IllegalArgumentException {
        private final double maxTarget;

        UnreachableTarget(String message, double maxTarget) {
            super(message);
            this.maxTarget = maxTarget;
        }

        public double maxTarget() { return maxTarget; }
    }

    private final LatencyTable table;
    private final Set<String> keptDense;
    private final Accounting accounting;

    /** @param keptDense names of the layers left out of the DP (they stay dense); each must be a layer of the table */
    public Spdy(LatencyTable table, Set<String> keptDense, Accounting accounting) {
        this.table = table;
        this.keptDense = new LinkedHashSet<>(keptDense);
        this.accounting = accounting;
        for (String k : keptDense) {
            LatencyTable.Layer l = table.layer(k);
            if (Double.isNaN(l.denseSeconds())) throw new IllegalArgumentException("layer " + k + ": kept dense but has no level-0 (dense) timing");
        }
        if (this.keptDense.size() == table.layers().size()) throw new IllegalArgumentException("kept dense: every layer, so nothing is left to choose");
    }

    /** SPDY's choice of layers left out: the first and the last of the table. */
    public static Set<String> firstAndLast(LatencyTable t) {
        List<String> n = t.names();
        return new LinkedHashSet<>(List.of(n.get(0), n.get(n.size() - 1)));
    }

    public LatencyTable table() { return table; }
    public Set<String> keptDense() { return Collections.unmodifiableSet(keptDense); }
    public Accounting accounting() { return accounting; }

    public List<LatencyTable.Layer> free() {
        List<LatencyTable.Layer> f = new ArrayList<>();
        for (LatencyTable.Layer l : table.layers()) if (!keptDense.contains(l.name())) f.add(l);
        return f;
    }

    private double keptSeconds() {
        double s = 0;
        for (String k : keptDense) s += table.layer(k).denseSeconds();
        return s;
    }

    /** The time the DP cannot change, as the accounting counts it. */
    public double fixedSeconds() {
        return table.base() - table.prunable() + (accounting == Accounting.CORRECT ? keptSeconds() : 0);
    }

    /** The seconds the DP may share for {@code target}: {@code base / target − fixed}. */
    public double budget(double target) {
        return table.base() / target - fixedSeconds();
    }

    /** The largest target under this accounting: every free layer at its fastest timing. */
    public double maxTarget() {
        double s = fixedSeconds();
        for (LatencyTable.Layer l : free()) s += l.minSeconds();
        return table.base() / s;
    }

    /**
     * The profile of least summed {@code coefficient · error} whose time meets {@code target}.
     *
     * @param coefficients per free layer (in table order), or null for all 1
     */
    public Profile solve(double target, ErrorTable errors, double[] coefficients, int buckets) {
        if (!(target > 0) || Double.isInfinite(target)) throw new IllegalArgumentException("target: must be finite and > 0, got " + target);
        List<LatencyTable.Layer> free = free();
        if (coefficients != null && coefficients.length != free.size())
            throw new IllegalArgumentException("coefficients: " + coefficients.length + " given for " + free.size() + " layers in the DP");
        double max = maxTarget();
        double budget = budget(target);
        String maxText = String.format(Locale.ROOT, "%.4fx", max);
        if (!(budget > 0))
            throw new UnreachableTarget(String.format(Locale.ROOT, "target %sx: unreachable: the time outside the DP alone gives %.4fx; the largest reachable target is %s (%s accounting)",
                    num(target), table.base() / fixedSeconds(), maxText, accounting.id()), max);
        double[][] sec = new double[free.size()][], err = new double[free.size()][];
        for (int l = 0; l < free.size(); l++) {
            LatencyTable.Layer layer = free.get(l);
            List<LatencyTable.Timing> ts = layer.timings();
            sec[l] = new double[ts.size()];
            err[l] = new double[ts.size()];
            double c = coefficients == null ? 1 : coefficients[l];
            if (!(c >= 0) || Double.isInfinite(c)) throw new IllegalArgumentException("coefficients[" + l + "]: must be finite and >= 0, got " + c);
            for (int j = 0; j < ts.size(); j++) {
                LatencyTable.Timing t = ts.get(j);
                double e = errors.error(layer.name(), t.format(), t.level());
                if (Double.isNaN(e))
                    throw new IllegalArgumentException("errors (" + errors.description() + "): no entry for layer " + layer.name() + " at level "
                            + String.format(Locale.ROOT, "%.4f", t.level()) + (t.format().equals(LatencyTable.UNNAMED) ? "" : " in format " + t.format()));
                sec[l][j] = t.seconds();
                err[l][j] = c * e;
            }
        }
        SpdyDp.Solution s;
        try {
            s = SpdyDp.solve(sec, err, budget, buckets);
        } catch (SpdyDp.Unreachable u) {
            String why = target <= max
                    ? " (within the largest target, but the fastest timings, each rounded to whole buckets, take " + u.minBuckets() + " of " + buckets + " buckets)"
                    : "";
            throw new UnreachableTarget("target " + num(target) + "x: unreachable" + why + "; the largest reachable target is " + maxText
                    + " (" + accounting.id() + " accounting)", max);
        }
        List<Pick> picks = new ArrayList<>();
        double claimed = fixedSeconds(), truth = table.base() - table.prunable();
        int f = 0;
        for (LatencyTable.Layer layer : table.layers()) {
            if (keptDense.contains(layer.name())) {
                double d = layer.denseSeconds();
                picks.add(new Pick(layer.name(), denseFormat(layer), 0, d, true));
                truth += d;
            } else {
                LatencyTable.Timing t = layer.timings().get(s.choice()[f++]);
                picks.add(new Pick(layer.name(), t.format(), t.level(), t.seconds(), false));
                claimed += t.seconds();
                truth += t.seconds();
            }
        }
        return new Profile(picks, table.base(), claimed, truth, s.objective(), s.buckets());
    }

    private static String denseFormat(LatencyTable.Layer l) {
        for (LatencyTable.Timing t : l.timings()) if (t.level() == 0) return t.format();
        return LatencyTable.UNNAMED;
    }

    static String num(double d) {
        return String.format(Locale.ROOT, "%.4f", d).replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }
}
