package dev.prunebench.results;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;

/**
 * Regression check between two runs (a committed baseline and a new run).
 *
 * <ul>
 *   <li>{@link Metric.Kind#EXACT}: must match (to a relative {@link Options#exactTolerance()}, default 1e-9, which
 *       only absorbs decimal printing).</li>
 *   <li>{@link Metric.Kind#TIMING}: Mann-Whitney U over the two sample arrays (two-sided; exact for up to
 *       {@link #EXACT_MAX} untied repeats a side, else Commons Math's normal approximation) and the change
 *       of the median. A regression needs both: p below {@link Options#alpha()} <i>and</i> a change in the worse
 *       direction of at least {@link Options#minEffect()}. So noise (large p) and tiny but significant drifts pass, and
 *       a real 10 % slowdown over enough repeats fails. Fewer than {@link Options#minSamples()} repeats on either side
 *       can not reach significance: verdict "too few repeats", never a failure.</li>
 *   <li>{@link Metric.Kind#INFO}: listed, never compared.</li>
 * </ul>
 *
 * Direction: a timing whose unit is a time ({@code ns, us, µs, ms, s}) or whose name starts with one of
 * {@link #LOWER_IS_BETTER} (e.g. {@code break_even_rate}: breaking even later is worse) is worse when larger; any
 * other timing (speedups {@code x}, rates {@code GFLOP/s}) is worse when smaller.
 *
 * <p>Different hardware fingerprints: said in {@link Result#hardwareNote()}; timings are then listed as "not compared
 * (hardware differs)" and only EXACT metrics decide.
 */
public final class Compare {

    public enum Verdict {
        OK("ok"), REGRESSION("REGRESSION"), IMPROVED("improved"), CHANGED_NOT_SIGNIFICANT("noise"), SMALL_CHANGE("below min effect"),
        TOO_FEW("too few repeats"), MISMATCH("MISMATCH"), MISSING("MISSING"), ABSENT("experiment not in new run"), NEW("new"), INFO("info"), HARDWARE("not compared (hardware differs)"),
        NOT_TESTED("not tested (--exact-only)");
        public final String label;
        Verdict(String label) { this.label = label; }
        public boolean fails() { return this == REGRESSION || this == MISMATCH || this == MISSING; }
    }

    /**
     * @param alpha          significance level of the Mann-Whitney U test
     * @param minEffect      smallest relative change of the median that counts (0.05 = 5 %)
     * @param minSamples     repeats needed on each side for the test
     * @param exactTolerance relative tolerance for EXACT metrics
     */
    public record Options(double alpha, double minEffect, int minSamples, double exactTolerance) {
        public static final Options DEFAULT = new Options(0.01, 0.05, 5, 1e-9);

        public Options {
            if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("alpha: must be in (0, 1), got " + alpha);
            if (!(minEffect >= 0)) throw new IllegalArgumentException("min effect: must be >= 0, got " + minEffect);
            if (minSamples < 2) throw new IllegalArgumentException("min samples: must be >= 2, got " + minSamples);
            if (!(exactTolerance >= 0)) throw new IllegalArgumentException("exact tolerance: must be >= 0, got " + exactTolerance);
        }
    }

    /**
     * One compared metric. {@code change} is relative (new/base − 1), {@code p} NaN when no test ran; {@code spread}
     * is the interquartile range of the repeats over their median (larger of the two runs), NaN when not a timing.
     */
    public record Row(String experiment, String metric, Metric.Kind kind, String unit, double base, double now,
                      double change, double p, Verdict verdict, double spread) {
        public Row(String experiment, String metric, Metric.Kind kind, String unit, double base, double now, double change, double p, Verdict verdict) {
            this(experiment, metric, kind, unit, base, now, change, p, verdict, Double.NaN);
        }
    }

    /** All rows, whether the fingerprints matched, and the hardware sentence to print (null when they matched). */
    public record Result(List<Row> rows, boolean sameHardware, String hardwareNote) {
        public boolean regressed() { return rows.stream().anyMatch(r -> r.verdict().fails()); }

        public long count(Verdict v) { return rows.stream().filter(r -> r.verdict() == v).count(); }
    }

    private Compare() {}

    public static Result compare(Path base, Path now, Options o) throws IOException {
        return compare(RunData.read(base), RunData.read(now), o);
    }

    public static Result compare(RunData base, RunData now, Options o) {
        return compare(base, now, o, false);
    }

    /**
     * As {@link #compare(RunData, RunData, Options)}; with {@code exactOnly} timings are listed but not tested, as
     * on different hardware (for gates that must not depend on a shared machine's noise, e.g. CI).
     */
    public static Result compare(RunData base, RunData now, Options o, boolean exactOnly) {
        String fb = base.environment().fingerprint(), fn = now.environment().fingerprint();
        boolean sameHw = fb.equals(fn) && !fb.equals("unknown");
        boolean same = sameHw && !exactOnly;
        String note = !sameHw ? "hardware differs: base ran on [" + fb + "], new on [" + fn
                + "]; timings are not compared, only exact (hardware-independent) metrics; trained results under MKL's"
                + " reproducible mode AUTO (exact per machine class) are not compared either"
                : exactOnly ? "timings are not compared (--exact-only); exact metrics must match" : null;
        List<Row> rows = new ArrayList<>();
        Map<String, RunData.ExperimentData> newById = new LinkedHashMap<>();
        for (RunData.ExperimentData e : now.experiments()) newById.put(e.id(), e);
        for (RunData.ExperimentData be : base.experiments()) {
            RunData.ExperimentData ne = newById.remove(be.id());
            boolean perMachine = !sameHw && (exactPerMachineClass(be) || (ne != null && exactPerMachineClass(ne)));
            for (Metric bm : be.metrics()) {
                Metric nm = ne == null ? null : ne.metric(bm.name());
                if (nm != null && perMachine && (bm.kind() == Metric.Kind.EXACT || nm.kind() == Metric.Kind.EXACT)) {
                    double change = bm.value() == 0 ? Double.NaN : nm.value() / bm.value() - 1;
                    rows.add(new Row(be.id(), bm.name(), nm.kind(), bm.unit(), bm.value(), nm.value(), change, Double.NaN, Verdict.HARDWARE));
                    continue;
                }
                if (nm == null) {
                    Verdict v = ne == null ? Verdict.ABSENT : bm.kind() == Metric.Kind.INFO || (!same && bm.kind() == Metric.Kind.TIMING) ? Verdict.INFO : Verdict.MISSING;
                    rows.add(new Row(be.id(), bm.name(), bm.kind(), bm.unit(), bm.value(), Double.NaN, Double.NaN, Double.NaN, v));
                    continue;
                }
                rows.add(row(be.id(), bm, nm, same, o, sameHw ? Verdict.NOT_TESTED : Verdict.HARDWARE));
            }
            if (ne != null) for (Metric nm : ne.metrics()) if (be.metric(nm.name()) == null)
                rows.add(new Row(be.id(), nm.name(), nm.kind(), nm.unit(), Double.NaN, nm.value(), Double.NaN, Double.NaN, Verdict.NEW));
        }
        for (RunData.ExperimentData ne : newById.values())
            for (Metric nm : ne.metrics())
                rows.add(new Row(ne.id(), nm.name(), nm.kind(), nm.unit(), Double.NaN, nm.value(), Double.NaN, Double.NaN, Verdict.NEW));
        return new Result(rows, sameHw, note);
    }

    /**
     * True when an experiment's exact metrics hold for one machine class only: it trained with MKL in reproducible
     * mode AUTO, where the CPU decides MKL's code path (same seed, same machine class → same bits; another CPU may
     * round differently). Recorded by the accuracy experiments as the parameter {@code reproducibility}.
     */
    public static boolean exactPerMachineClass(RunData.ExperimentData e) {
        Object r = e.parameters().get("reproducibility");
        return r != null && String.valueOf(r).startsWith("MKL CNR mode AUTO");
    }

    static Row row(String exp, Metric b, Metric n, boolean sameHardware, Options o) {
        return row(exp, b, n, sameHardware, o, Verdict.HARDWARE);
    }

    static Row row(String exp, Metric b, Metric n, boolean sameHardware, Options o, Verdict untested) {
        double change = b.value() == 0 ? (n.value() == 0 ? 0 : Double.POSITIVE_INFINITY) : n.value() / b.value() - 1;
        if (b.kind() != n.kind())
            return new Row(exp, b.name(), n.kind(), n.unit(), b.value(), n.value(), change, Double.NaN, Verdict.MISMATCH);
        switch (b.kind()) {
            case INFO -> { return new Row(exp, b.name(), b.kind(), b.unit(), b.value(), n.value(), change, Double.NaN, Verdict.INFO); }
            case EXACT -> {
                boolean eq = Double.compare(b.value(), n.value()) == 0
                        || Math.abs(b.value() - n.value()) <= o.exactTolerance() * Math.max(Math.abs(b.value()), Math.abs(n.value()));
                if (!b.unit().equals(n.unit())) eq = false;
                return new Row(exp, b.name(), b.kind(), b.unit(), b.value(), n.value(), change, Double.NaN, eq ? Verdict.OK : Verdict.MISMATCH);
            }
            default -> {
                if (!sameHardware) return new Row(exp, b.name(), b.kind(), b.unit(), b.value(), n.value(), change, Double.NaN, untested);
                return timing(exp, b, n, o);
            }
        }
    }

    /** The statistical comparison of two timing metrics' repeats. */
    static Row timing(String exp, Metric b, Metric n, Options o) {
        // a repeat that could not be measured is NaN: it carries no rank, so it is left out of the test
        double[] bs = finite(b.samples().length > 0 ? b.samples() : new double[] {b.value()});
        double[] ns = finite(n.samples().length > 0 ? n.samples() : new double[] {n.value()});
        if (bs.length == 0 || ns.length == 0)
            return new Row(exp, b.name(), b.kind(), b.unit(), b.value(), n.value(), Double.NaN, Double.NaN, Verdict.TOO_FEW);
        double mb = median(bs), mn = median(ns);
        double change = mb == 0 ? Double.NaN : mn / mb - 1;
        if (bs.length < o.minSamples() || ns.length < o.minSamples())
            return new Row(exp, b.name(), b.kind(), b.unit(), mb, mn, change, Double.NaN, Verdict.TOO_FEW);
        double p = mannWhitneyP(bs, ns);
        boolean lowerIsBetter = lowerIsBetter(b.name(), b.unit());
        double worse = lowerIsBetter ? change : -change;
        Verdict v;
        if (Double.isNaN(p) || p >= o.alpha()) v = Math.abs(change) >= o.minEffect() ? Verdict.CHANGED_NOT_SIGNIFICANT : Verdict.OK;
        else if (Math.abs(change) < o.minEffect()) v = Verdict.SMALL_CHANGE;
        else v = worse > 0 ? Verdict.REGRESSION : Verdict.IMPROVED;
        return new Row(exp, b.name(), b.kind(), b.unit(), mb, mn, change, p, v, Math.max(spread(bs), spread(ns)));
    }

    /** Interquartile range over median. */
    static double spread(double[] v) {
        if (v.length < 4) return Double.NaN;
        Percentile q = new Percentile();
        double med = median(v);
        return med == 0 ? Double.NaN : Math.abs((q.evaluate(v, 75) - q.evaluate(v, 25)) / med);
    }

    /** Names of quantities where a larger value is worse, besides anything measured in a unit of time. */
    static final List<String> LOWER_IS_BETTER = List.of("time", "latency", "break_even", "error", "bytes", "overhead", "cycles", "instructions");

    public static boolean lowerIsBetter(String name, String unit) {
        if (isTimeUnit(unit)) return true;
        for (String p : LOWER_IS_BETTER) if (name.startsWith(p)) return true;
        return false;
    }

    static boolean isTimeUnit(String unit) {
        String u = unit.strip().toLowerCase(Locale.ROOT);
        return u.equals("ns") || u.equals("us") || u.equals("µs") || u.equals("ms") || u.equals("s") || u.equals("cycles")
                || u.equals("instructions") || u.startsWith("s/") || u.startsWith("ms/") || u.startsWith("ns/");
    }

    /** Largest sample size per side for which the exact distribution of U is used (no ties). */
    static final int EXACT_MAX = 30;

    /**
     * Two-sided p-value of the Mann-Whitney U test. Without ties and with at most {@link #EXACT_MAX} repeats a side
     * (the usual case for benchmark repeats) it is exact, from the distribution of U over all orderings; the normal
     * approximation Commons Math uses is poor for the 5–10 repeats a quick run takes. Otherwise Commons Math's
     * tie-corrected normal approximation.
     */
    static double mannWhitneyP(double[] x, double[] y) {
        int m = x.length, n = y.length;
        double[] all = new double[m + n];
        System.arraycopy(x, 0, all, 0, m);
        System.arraycopy(y, 0, all, m, n);
        boolean ties = Arrays.stream(all).distinct().count() < all.length;
        if (ties || m > EXACT_MAX || n > EXACT_MAX) return new MannWhitneyUTest().mannWhitneyUTest(x, y);
        long u = 0; // pairs where x is below y
        for (double a : x) for (double b : y) if (a < b) u++;
        double[] dist = uDistribution(m, n);
        double total = 0, le = 0, ge = 0;
        for (int k = 0; k < dist.length; k++) {
            total += dist[k];
            if (k <= u) le += dist[k];
            if (k >= u) ge += dist[k];
        }
        return Math.min(1.0, 2 * Math.min(le, ge) / total);
    }

    /** Number of orderings of m x's and n y's with U = k (pairs x below y), k = 0 … m·n. Doubles: C(60, 30) overflows no double. */
    static double[] uDistribution(int m, int n) {
        // f[i][j] = distribution for i x's and j y's; f(i,j,k) = f(i-1,j,k) [largest is an x: it is below no y]
        //                                                      + f(i,j-1,k-i) [largest is a y: every x is below it]
        double[][][] f = new double[m + 1][n + 1][];
        for (int i = 0; i <= m; i++) {
            for (int j = 0; j <= n; j++) {
                double[] d = new double[i * j + 1];
                if (i == 0 || j == 0) d[0] = 1;
                else {
                    double[] a = f[i - 1][j], b = f[i][j - 1];
                    for (int k = 0; k < a.length; k++) d[k] += a[k];
                    for (int k = 0; k < b.length; k++) d[k + i] += b[k];
                }
                f[i][j] = d;
            }
        }
        return f[m][n];
    }

    private static double[] finite(double[] v) { return Arrays.stream(v).filter(Double::isFinite).toArray(); }

    /** The median, as {@code measure.Stats.median} takes it (Commons Math's R-2: the two middle values averaged). */
    static double median(double[] v) { return new Median().withEstimationType(Percentile.EstimationType.R_2).evaluate(v); }

    /** Prints the table (metric, base, new, change, p-value, verdict) and a one-line conclusion. */
    public static void print(Result r, PrintWriter out, boolean all) {
        if (r.hardwareNote() != null) out.println("NOTE: " + r.hardwareNote() + ".");
        String fmt = "%-22s %-58s %-6s %12s %12s %9s %9s  %s%n";
        out.printf(Locale.ROOT, fmt, "experiment", "metric", "kind", "base", "new", "change", "p-value", "verdict");
        int hidden = 0;
        for (Row row : r.rows()) {
            if (!all && row.verdict() == Verdict.INFO) { hidden++; continue; }
            out.printf(Locale.ROOT, fmt, cut(row.experiment(), 22), cut(row.metric(), 58), row.kind().name().toLowerCase(Locale.ROOT),
                    Scorecard.num(row.base()) + pad(row.unit()), Scorecard.num(row.now()) + pad(row.unit()),
                    Double.isNaN(row.change()) || Double.isInfinite(row.change()) ? "" : String.format(Locale.ROOT, "%+.1f%%", 100 * row.change()),
                    Double.isNaN(row.p()) ? "" : String.format(Locale.ROOT, "%.2g", row.p()),
                    row.verdict().label + (row.verdict() == Verdict.CHANGED_NOT_SIGNIFICANT && !Double.isNaN(row.spread())
                            ? String.format(Locale.ROOT, " (repeats spread %.0f%%)", 100 * row.spread()) : ""));
        }
        long noisy = r.rows().stream().filter(x -> x.kind() == Metric.Kind.TIMING && !Double.isNaN(x.spread()) && x.spread() > 0.10).count();
        if (noisy > 0)
            out.println(noisy + " timing metrics have repeats spread (interquartile range / median) above 10 %: a 10 % change "
                    + "there is not detectable; take more repeats (a larger --scale) or run on a quieter machine.");
        if (hidden > 0) out.println("(" + hidden + " info metrics not compared; --all lists them)");
        long fails = r.rows().stream().filter(x -> x.verdict().fails()).count();
        out.println(fails == 0 ? "no regression (" + r.rows().size() + " metrics)"
                : "REGRESSION: " + fails + " of " + r.rows().size() + " metrics (" + r.count(Verdict.REGRESSION) + " slower, "
                + r.count(Verdict.MISMATCH) + " exact mismatches, " + r.count(Verdict.MISSING) + " missing)");
        out.flush();
    }

    /** Writes the rows as {@code compare.csv}. */
    public static void writeCsv(Path file, Result r) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        for (Row x : r.rows())
            rows.add(List.of(x.experiment(), x.metric(), x.kind().name().toLowerCase(Locale.ROOT), x.unit(), Scorecard.num(x.base()),
                    Scorecard.num(x.now()), Double.isNaN(x.change()) ? "" : Double.toString(x.change()),
                    Double.isNaN(x.p()) ? "" : Double.toString(x.p()), x.verdict().label));
        Csv.write(file, List.of("experiment", "metric", "kind", "unit", "base", "new", "change", "p_value", "verdict"), rows);
    }

    private static String pad(String unit) { return unit.isBlank() ? "" : " " + unit; }

    private static String cut(String s, int n) { return s.length() <= n ? s : s.substring(0, n - 1) + "…"; }
}
