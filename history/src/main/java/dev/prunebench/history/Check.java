package dev.prunebench.history;

import dev.prunebench.results.Compare;
import dev.prunebench.results.Metric;
import dev.prunebench.results.RunData;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;

/**
 * A run checked against the history of its machine (same hardware fingerprint) and scale.
 *
 * <p><b>Timing series</b> (per kernel family, see {@link Series}; per metric with {@code perMetric}): the noise model
 * is learned from the history's runs, on the log scale (so it is a relative spread). E-Divisive ({@link EDivisive})
 * splits the history at its change points; the runs between two change points are runs of unchanged code, and their
 * spread around their segment's mean, pooled over the segments, is the run-to-run standard deviation s (df = runs −
 * segments). The band for a new run is the prediction interval of the last segment:
 * {@code mean ± t(df, 1 − alpha/2) · s · √(1 + 1/runs in it)}. A new run is flagged when it falls outside the band
 * and its change against the segment's mean is at least {@link Options#minEffect()}, or when E-Divisive over the
 * history plus the new run finds a change point the history alone did not have, with the new run in the segment after
 * it, whose means differ by at least the minimum effect. Worse or better follows {@link Compare}'s direction rule.
 * Fewer than {@link Options#minRuns()} runs on this machine: "too few history runs", never a flag. Only the kernel
 * families over the fastest dense kernel decide ({@link Series#gated}), and {@link Options#alpha()} is the level for the
 * run as a whole: each of the m gated families of a check is tested at alpha / m (Bonferroni), so an honest run raises
 * a false alarm with probability at most alpha when the noise model holds. Per-metric rows are shown at alpha, never
 * decide (hundreds of them would raise a false alarm on nearly every honest run).
 *
 * <p><b>Exact metrics</b>: compared with the latest run in the history that has them (same scale; same machine for
 * experiments whose exact numbers hold per machine class, see {@link Compare#exactPerMachineClass}); any change is a
 * change, reported with the old value, the run it came from, and the new value.
 */
public final class Check {

    /**
     * @param alpha     false-alarm level of a whole check: the gated families' bands and change-point tests are taken at
     *                  alpha / (number of gated families); per-metric rows at alpha
     * @param minEffect smallest relative change that is flagged (0.05 = 5 %)
     * @param minRuns   history runs on this machine needed before timings are judged
     */
    public record Options(double alpha, double minEffect, int minRuns, int permutations) {
        public static final Options DEFAULT = new Options(0.05, 0.05, 3, 999);

        public Options {
            if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("alpha: must be in (0, 1), got " + alpha);
            if (!(minEffect >= 0)) throw new IllegalArgumentException("min effect: must be >= 0, got " + minEffect);
            if (minRuns < 3) throw new IllegalArgumentException("min runs: at least 3 (a spread needs two degrees of freedom), got " + minRuns);
        }

        public EDivisive eDivisive() { return new EDivisive(alpha, permutations, 2, 20260101L); }

        /** The same options at level alpha / m (each of m tests of one decision). */
        public Options perTest(int m) {
            if (m <= 1) return this;
            double a = alpha / m;
            // enough shuffles that the permutation test can reach p <= a at all
            return new Options(a, minEffect, minRuns, (int) Math.max(permutations, Math.ceil(2 / a)));
        }
    }

    public enum Verdict {
        OK("in band"), REGRESSION("REGRESSION"), IMPROVED("improved"), SMALL("outside band, below min effect"),
        TOO_FEW("too few history runs"), NEW("new (no history)"), SAME("unchanged"), CHANGED("CHANGED");
        public final String label;
        Verdict(String label) { this.label = label; }
    }

    /**
     * The noise model of one series on one machine: centre and band (in the metric's unit), the run-to-run standard
     * deviation {@code sigma} on the log scale (≈ relative), its degrees of freedom, the runs in the history and in
     * its last segment, and the history's change points (indexes into its runs).
     */
    public record Band(double center, double lo, double hi, double sigma, int df, int runs, int lastSegment, boolean log,
                       List<EDivisive.ChangePoint> changePoints) {}

    /**
     * One checked series. {@code before} is the band's centre for a timing and the previous value for an exact metric
     * ({@code beforeRun} the run it came from); {@code change} is now/before − 1.
     */
    public record Row(Series.Key key, boolean gated, Metric.Kind kind, String unit, double now, double before, String beforeRun,
                      Band band, double change, Verdict verdict, String reason) {
        public boolean flags() { return (gated && verdict == Verdict.REGRESSION) || verdict == Verdict.CHANGED; }
    }

    /** The rows, the machine and scale, how many history runs there were on this machine. */
    public record Result(String runId, String fingerprint, String scale, int historyRuns, List<Row> rows) {
        public boolean flagged() { return rows.stream().anyMatch(Row::flags); }

        public long count(Verdict v) { return rows.stream().filter(r -> r.verdict() == v).count(); }
    }

    private Check() {}

    /** Checks a run folder against the history (the run itself left out if it was added already). */
    public static Result check(History h, RunData run, Options o, boolean perMetric) throws IOException {
        History.Run self = h.find(run);
        String fp = run.environment().fingerprint();
        String scale = String.valueOf(run.manifest().getOrDefault("scale", "unknown"));
        List<History.Value> all = h.values(null, scale, null, null);
        List<History.Value> hist = new ArrayList<>();
        for (History.Value v : all) if (self == null || v.run().id() != self.id()) hist.add(v);
        Set<String> perMachine = new HashSet<>();
        for (RunData.ExperimentData e : run.experiments()) if (Compare.exactPerMachineClass(e)) perMachine.add(e.id());
        return check(hist, Series.valuesOf(run), fp, scale, run.runId(), perMachine, o, perMetric);
    }

    /**
     * Checks {@code now} (one run's values) against {@code history} (values of any machines at this scale; only
     * those on {@code fingerprint} count for timings). {@code perMachineExact}: experiments whose exact metrics are
     * compared on the same machine only.
     */
    public static Result check(List<History.Value> history, List<History.Value> now, String fingerprint, String scale, String runId,
                               Set<String> perMachineExact, Options o, boolean perMetric) {
        List<History.Value> same = history.stream().filter(v -> v.run().fingerprint().equals(fingerprint)).toList();
        // the history and the new run together, so each family is averaged over the same points in every run
        List<History.Value> joint = new ArrayList<>(same);
        for (History.Value v : now) joint.add(v.run().id() == NEW_RUN ? v : new History.Value(asNew(v.run()), v.experiment(), v.metric()));
        Map<Series.Key, List<Series.Point>> hs = new TreeMap<>(), ns = new TreeMap<>();
        for (var e : Series.of(joint, perMetric).entrySet())
            for (Series.Point p : e.getValue())
                (p.run().id() == NEW_RUN ? ns : hs).computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(p);
        int runs = (int) same.stream().mapToLong(v -> v.run().id()).distinct().count();
        // the latest exact value of each metric, from any machine (or this machine for per-machine experiments)
        Map<Series.Key, History.Value> lastExact = new LinkedHashMap<>();
        for (History.Value v : history)
            if (v.metric().kind() == Metric.Kind.EXACT && (!perMachineExact.contains(v.experiment()) || v.run().fingerprint().equals(fingerprint)))
                lastExact.put(new Series.Key(v.experiment(), v.metric().name()), v); // history is oldest first: the last one wins
        Map<Series.Key, Metric.Kind> kinds = new LinkedHashMap<>();
        for (History.Value v : now) kinds.put(new Series.Key(v.experiment(), v.metric().name()), v.metric().kind());
        List<Row> rows = new ArrayList<>();
        int gatedCount = (int) ns.keySet().stream().filter(Series::gated).count();
        Options gatedOptions = o.perTest(gatedCount);
        EDivisive ed = o.eDivisive(), gatedEd = gatedOptions.eDivisive();
        for (var e : ns.entrySet()) {
            Series.Key k = e.getKey();
            Series.Point p = e.getValue().get(0);
            Metric.Kind kind = k.aggregate() ? Metric.Kind.TIMING : kinds.getOrDefault(k, Metric.Kind.TIMING);
            if (kind == Metric.Kind.EXACT) {
                History.Value old = lastExact.get(k);
                if (old == null) { rows.add(new Row(k, false, kind, p.unit(), p.value(), Double.NaN, null, null, Double.NaN, Verdict.NEW, "")); continue; }
                double b = old.metric().value();
                boolean eq = (Double.compare(b, p.value()) == 0 || Math.abs(b - p.value()) <= 1e-9 * Math.max(Math.abs(b), Math.abs(p.value())))
                        && old.metric().unit().equals(p.unit());
                String src = old.run().runId() + " (" + old.run().shortCommit() + ")";
                rows.add(new Row(k, false, kind, p.unit(), p.value(), b, src, null, b == 0 ? Double.NaN : p.value() / b - 1,
                        eq ? Verdict.SAME : Verdict.CHANGED, eq ? "" : "was " + num(b) + " " + old.metric().unit() + " in " + src
                        + ", now " + num(p.value()) + " " + p.unit()));
                continue;
            }
            List<Series.Point> past = hs.getOrDefault(k, List.of()).stream().filter(x -> Double.isFinite(x.value())).toList();
            rows.add(Series.gated(k) ? timingRow(k, p, past, gatedOptions, gatedEd) : timingRow(k, p, past, o, ed));
        }
        rows.sort(Comparator.comparing((Row r) -> !r.flags()).thenComparing(r -> !r.gated()).thenComparing(Row::key));
        return new Result(runId, fingerprint, scale, runs, rows);
    }

    /** The row id of the run being checked (not one of the history's). */
    static final long NEW_RUN = -1;

    private static History.Run asNew(History.Run r) {
        return new History.Run(NEW_RUN, r.runId(), r.commit(), r.dirty(), r.scale(), r.fingerprint(), r.started(), r.finished(), r.seed(), r.added(), r.source(), r.metrics());
    }

    static Row timingRow(Series.Key k, Series.Point p, List<Series.Point> past, Options o, EDivisive ed) {
        boolean gated = Series.gated(k);
        if (past.isEmpty()) return new Row(k, gated, Metric.Kind.TIMING, p.unit(), p.value(), Double.NaN, null, null, Double.NaN, Verdict.NEW, "");
        double[] v = past.stream().mapToDouble(Series.Point::value).toArray();
        if (v.length < o.minRuns() || !Double.isFinite(p.value()))
            return new Row(k, gated, Metric.Kind.TIMING, p.unit(), p.value(), Double.NaN, null, null, Double.NaN, Verdict.TOO_FEW,
                    v.length + " on this machine, " + o.minRuns() + " needed");
        Band band = band(v, o, ed);
        if (band == null)
            return new Row(k, gated, Metric.Kind.TIMING, p.unit(), p.value(), Double.NaN, null, null, Double.NaN, Verdict.TOO_FEW,
                    "no run-to-run spread: every segment between change points has one run");
        boolean lowerIsBetter = Compare.lowerIsBetter(k.aggregate() ? k.name().substring(Series.GEOMEAN.length()) : k.name(), p.unit());
        double x = p.value();
        double change = band.center == 0 ? Double.NaN : x / band.center - 1;
        boolean outside = x < band.lo || x > band.hi;
        boolean big = Math.abs(change) >= o.minEffect();
        Verdict verdict;
        String reason;
        if (outside && big) {
            verdict = (lowerIsBetter ? change > 0 : change < 0) ? Verdict.REGRESSION : Verdict.IMPROVED;
            reason = String.format(Locale.ROOT, "outside the band of %d runs (run-to-run sd %.1f%%)", band.runs, 100 * band.sigma);
        } else if (outside) {
            verdict = Verdict.SMALL;
            reason = String.format(Locale.ROOT, "|change| below %.0f%%", 100 * o.minEffect());
        } else {
            verdict = Verdict.OK;
            reason = "";
        }
        // the change-point leg: the new run completes a change point the history did not have
        if (verdict == Verdict.OK || verdict == Verdict.SMALL) {
            double[] w = Arrays.copyOf(v, v.length + 1);
            w[v.length] = x;
            double[] z = band.log ? logs(w) : w;
            List<EDivisive.ChangePoint> with = ed.changePoints(z);
            int lastOld = band.changePoints.isEmpty() ? 0 : band.changePoints.get(band.changePoints.size() - 1).index();
            for (EDivisive.ChangePoint cp : with) {
                if (cp.index() <= lastOld || with.stream().anyMatch(c -> c.index() > cp.index())) continue;
                double before = mean(z, lastOld, cp.index()), after = mean(z, cp.index(), z.length);
                double c = band.log ? Math.exp(after - before) - 1 : (before == 0 ? Double.NaN : after / before - 1);
                if (Math.abs(c) < o.minEffect()) continue;
                verdict = (lowerIsBetter ? c > 0 : c < 0) ? Verdict.REGRESSION : Verdict.IMPROVED;
                reason = String.format(Locale.ROOT, "change point (E-Divisive p = %.3f) at run %d of %d: %+.1f%% between the segments",
                        cp.p(), cp.index() + 1, w.length, 100 * c);
                change = c;
            }
        }
        return new Row(k, gated, Metric.Kind.TIMING, p.unit(), x, band.center, null, band, change, verdict, reason);
    }

    /** The noise model of a history series (oldest first), or null when no segment has two runs. */
    public static Band band(double[] v, Options o, EDivisive ed) {
        boolean log = Arrays.stream(v).allMatch(d -> d > 0);
        double[] z = log ? logs(v) : v;
        List<EDivisive.ChangePoint> cps = ed.changePoints(z);
        List<Integer> cuts = new ArrayList<>();
        cuts.add(0);
        for (EDivisive.ChangePoint c : cps) cuts.add(c.index());
        cuts.add(z.length);
        double ss = 0;
        int df = 0;
        for (int s = 0; s + 1 < cuts.size(); s++) {
            int a = cuts.get(s), b = cuts.get(s + 1);
            double m = mean(z, a, b);
            for (int i = a; i < b; i++) ss += (z[i] - m) * (z[i] - m);
            df += b - a - 1;
        }
        if (df < 1) return null;
        double sd = Math.sqrt(ss / df);
        int a = cuts.get(cuts.size() - 2);
        int last = z.length - a;
        double center = mean(z, a, z.length);
        double half = new TDistribution(df).inverseCumulativeProbability(1 - o.alpha() / 2) * sd * Math.sqrt(1 + 1.0 / last);
        return log ? new Band(Math.exp(center), Math.exp(center - half), Math.exp(center + half), sd, df, v.length, last, true, cps)
                : new Band(center, center - half, center + half, center == 0 ? Double.NaN : sd / Math.abs(center), df, v.length, last, false, cps);
    }

    static double[] logs(double[] v) {
        double[] z = new double[v.length];
        for (int i = 0; i < v.length; i++) z[i] = Math.log(v[i]);
        return z;
    }

    /** The mean of {@code z[a..b)}. */
    static double mean(double[] z, int a, int b) { return StatUtils.mean(z, a, b - a); }

    /** Prints the check: flagged rows first, then the gated families, then the rest (exact rows unchanged are counted, not listed). */
    public static void print(Result r, PrintWriter out, boolean all) {
        out.println("history check of " + r.runId() + " (scale " + r.scale() + ") against " + r.historyRuns() + " history runs on ["
                + r.fingerprint() + "]");
        String fmt = "%-22s %-66s %5s %23s %12s %8s  %s%n";
        out.printf(Locale.ROOT, fmt, "experiment", "series", "runs", "band (or previous)", "new", "change", "verdict");
        int hidden = 0;
        for (Row row : r.rows()) {
            boolean show = all || row.flags() || row.gated() || row.verdict() == Verdict.CHANGED;
            if (!show) { hidden++; continue; }
            String band = row.band() != null ? num(row.band().lo()) + " … " + num(row.band().hi())
                    : Double.isNaN(row.before()) ? "" : num(row.before());
            out.printf(Locale.ROOT, fmt, cut(row.key().experiment(), 22), cut(row.key().name(), 66) + (row.gated() ? "" : ""),
                    row.band() != null ? Integer.toString(row.band().runs()) : "", band, num(row.now()) + (row.unit().isBlank() ? "" : " " + row.unit()),
                    Double.isFinite(row.change()) ? String.format(Locale.ROOT, "%+.1f%%", 100 * row.change()) : "",
                    row.verdict().label + (row.gated() ? " [gate]" : "") + (row.reason().isEmpty() ? "" : ": " + row.reason()));
        }
        if (hidden > 0) out.println("(" + hidden + " more rows: exact metrics unchanged and per-metric timings that never decide; --all lists them)");
        long reg = r.rows().stream().filter(x -> x.gated() && x.verdict() == Verdict.REGRESSION).count();
        long changed = r.count(Verdict.CHANGED);
        long few = r.rows().stream().filter(x -> x.gated() && x.verdict() == Verdict.TOO_FEW).count();
        out.println(!r.flagged() ? "no change flagged (" + r.rows().stream().filter(Row::gated).count() + " gated timing series, "
                + r.rows().stream().filter(x -> x.kind() == Metric.Kind.EXACT).count() + " exact metrics"
                + (few > 0 ? "; " + few + " gated series have too few history runs on this machine" : "") + ")"
                : "FLAGGED: " + reg + " timing regressions, " + changed + " exact metrics changed");
        out.flush();
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.4g", v);
    }

    private static String cut(String s, int n) { return s.length() <= n ? s : s.substring(0, n - 1) + "…"; }
}
