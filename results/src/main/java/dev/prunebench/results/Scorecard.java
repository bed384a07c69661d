package dev.prunebench.results;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Each published number beside ours, with a verdict: computed from a run's {@code metrics.csv} files and the
 * {@link Published} rows, never typed. The verdict depends on what kind of claim the row is
 * ({@link Published.Claim}):
 *
 * <ul>
 *   <li>a <b>measurement</b> is <b>reproduced</b> when ours lies in the row's band and the paper's hardware does not
 *       matter (training and pruning results, hardware "any …") or is the hardware we measured on; on other hardware
 *       it is <b>consistent (other hardware)</b> or <b>differs (hardware)</b>, never plain "reproduced"; outside the
 *       band on the same (or any) hardware it <b>differs</b>. A run at quick scale (below the paper's budget, as
 *       recorded in the run) says so: "reproduced (quick scale)".</li>
 *   <li>a <b>definition</b>, a by-construction <b>identity</b> or <b>arithmetic</b> on published data is a check:
 *       <b>check passed</b> or <b>check failed</b>, counted apart from the reproductions.</li>
 *   <li><b>not run</b>: the experiment does not exist yet, was not part of this run, or did not produce the metric
 *       (with the experiment's own skip reasons).</li>
 * </ul>
 */
public final class Scorecard {

    public enum Verdict {
        REPRODUCED("reproduced", true), CONSISTENT_OTHER_HARDWARE("consistent (other hardware)", true), DIFFERS("differs", true),
        DIFFERS_HARDWARE("differs (hardware)", true), INCONCLUSIVE("inconclusive (noise)", true), CHECK_PASSED("check passed", false), CHECK_FAILED("check failed", false),
        NOT_RUN("not run", false);
        public final String label;
        /** True for the verdicts a measurement gets. */
        public final boolean measurement;
        Verdict(String label, boolean measurement) { this.label = label; this.measurement = measurement; }
    }

    /**
     * One scorecard line.
     *
     * @param ours       our value in the row's unit (NaN when not run)
     * @param hardware   where ours was measured ("" when not run)
     * @param quickScale the measurement comes from a quick-scale run (below the paper's budget)
     */
    public record Entry(Published.Row row, double ours, String hardware, boolean modelled, Verdict verdict, String reason, boolean quickScale,
                        double oursLow, double oursHigh) {
        public Entry(Published.Row row, double ours, String hardware, boolean modelled, Verdict verdict, String reason) {
            this(row, ours, hardware, modelled, verdict, reason, false);
        }

        public Entry(Published.Row row, double ours, String hardware, boolean modelled, Verdict verdict, String reason, boolean quickScale) {
            this(row, ours, hardware, modelled, verdict, reason, quickScale, Double.NaN, Double.NaN);
        }

        /** Ours with its 95 % interval when it has one: {@code 1.23 [0.9, 1.5]}. */
        public String oursText() {
            if (Double.isNaN(ours)) return "";
            return num(ours) + (Double.isNaN(oursLow) ? "" : " [" + num(oursLow) + ", " + num(oursHigh) + "]");
        }

        /** The verdict as written: e.g. {@code reproduced (quick scale)}. */
        public String label() { return verdict.label + (quickScale ? " (quick scale)" : ""); }
    }

    public static final List<String> CSV_HEADER = List.of("experiment", "quantity", "metric", "claim", "published_value", "ours", "unit",
            "band", "verdict", "reason", "published_hardware", "our_hardware", "modelled", "scale", "source");

    private Scorecard() {}

    /**
     * @param known ids of the experiments this build has (to tell "not built yet" from "not in this run"); null when
     *              unknown, in which case a missing experiment is "not in this run" plus the row's {@code if_absent}
     */
    public static List<Entry> compute(RunData run, List<Published.Row> published, Collection<String> known) {
        String ourCpu = String.valueOf(run.environment().asMap().getOrDefault("cpu_model", "this machine (environment not recorded)"));
        Object gpu = run.environment().get("gpu");
        String runScale = String.valueOf(run.manifest().getOrDefault("scale", ""));
        List<Entry> out = new ArrayList<>();
        for (Published.Row row : published) {
            RunData.ExperimentData exp = run.experiment(row.experiment());
            if (exp == null) {
                String reason;
                if (known != null && known.contains(row.experiment()))
                    reason = "experiment " + row.experiment() + " not in this run (prunebench run " + row.experiment() + ")";
                else if (!row.ifAbsent().isBlank()) reason = row.ifAbsent();
                else reason = "experiment " + row.experiment() + (known == null ? " not in this run" : " not built yet");
                out.add(new Entry(row, Double.NaN, "", false, Verdict.NOT_RUN, reason));
                continue;
            }
            Metric m = exp.metric(row.metric());
            if (m == null) {
                StringBuilder reason = new StringBuilder("metric not produced by " + row.experiment());
                for (Map<String, String> s : exp.skipped()) reason.append("; skipped ").append(s.get("what")).append(": ").append(s.get("reason"));
                out.add(new Entry(row, Double.NaN, "", false, Verdict.NOT_RUN, reason.toString()));
                continue;
            }
            double ours = convert(m.value(), m.unit(), row.unit());
            String word = Report.provenanceWord(exp, m.name());
            String hw = m.modelled() ? word : hardwareOf(row, ourCpu, gpu);
            if (Double.isNaN(ours)) {
                out.add(new Entry(row, m.value(), hw, m.modelled(), Verdict.NOT_RUN,
                        Double.isNaN(m.value()) ? "metric is NaN (" + row.experiment() + " could not measure it)"
                                : "cannot compare: measured in '" + m.unit() + "', published in '" + row.unit() + "'"));
                continue;
            }
            boolean in = row.inBand(ours);
            String modelledNote = m.modelled() ? " (" + word + ")" : "";
            if (!row.claim().isMeasurement()) {
                out.add(new Entry(row, ours, hw, m.modelled(), in ? Verdict.CHECK_PASSED : Verdict.CHECK_FAILED,
                        row.claim().id + " check: " + bandPhrase(row, in) + modelledNote));
                continue;
            }
            String scale = String.valueOf(exp.info().getOrDefault("scale", runScale));
            boolean quick = Scale.QUICK.id().equals(scale);
            String budget = quick ? "; quick scale: below the paper's budget" : "";
            double[] iv = interval(m);
            double lo = convert(iv[0], m.unit(), row.unit()), hi = convert(iv[1], m.unit(), row.unit());
            // a measured value whose interval reaches both inside and outside the band decides nothing
            boolean noisy = !Double.isNaN(lo) && !(row.inBand(lo) && row.inBand(hi)) && overlaps(row, lo, hi);
            String ivText = Double.isNaN(lo) ? "" : "; ours " + num(ours) + " [" + num(lo) + ", " + num(hi) + "] (95 % interval)";
            if (noisy) {
                out.add(new Entry(row, ours, hw, m.modelled(), Verdict.INCONCLUSIVE, "the interval [" + num(lo) + ", " + num(hi)
                        + "] reaches both inside and outside the band " + row.band() + modelledNote + budget, quick, lo, hi));
            } else if (otherHardware(row, hw)) {
                String why = "published on " + row.hardware() + ", " + (m.modelled() ? word : "measured on " + hw) + "; " + bandPhrase(row, in) + ivText + budget;
                out.add(new Entry(row, ours, hw, m.modelled(), in ? Verdict.CONSISTENT_OTHER_HARDWARE : Verdict.DIFFERS_HARDWARE, why, quick, lo, hi));
            } else {
                out.add(new Entry(row, ours, hw, m.modelled(), in ? Verdict.REPRODUCED : Verdict.DIFFERS, bandPhrase(row, in) + modelledNote + ivText + budget, quick,
                        lo, hi));
            }
        }
        return out;
    }

    /** Whether [lo, hi] meets the row's band. */
    static boolean overlaps(Published.Row row, double lo, double hi) {
        return (Double.isNaN(row.low()) || hi >= row.low()) && (Double.isNaN(row.high()) || lo <= row.high());
    }

    /**
     * The 95 % interval of a timing metric's median from its samples, {NaN, NaN} for exact and info metrics: with 3
     * to 5 samples their range (a break-even's {low, value, high}), with more the distribution-free order-statistic
     * interval of the median (ranks n/2 ∓ 0.98·√n).
     */
    public static double[] interval(Metric m) {
        double[] x = m.samples();
        if (m.kind() != Metric.Kind.TIMING || x.length < 3) return new double[] {Double.NaN, Double.NaN};
        double[] s = x.clone();
        Arrays.sort(s);
        if (s.length <= 5) return new double[] {Math.min(s[0], m.value()), Math.max(s[s.length - 1], m.value())};
        int n = s.length;
        int lo = Math.max(0, (int) Math.floor(n / 2.0 - 0.98 * Math.sqrt(n)));
        int hi = Math.min(n - 1, (int) Math.ceil(n / 2.0 + 0.98 * Math.sqrt(n)) - 1);
        return new double[] {Math.min(s[lo], m.value()), Math.max(s[hi], m.value())};
    }

    /**
     * True when the paper measured on hardware other than ours: its {@code hardware} names a machine (not "any …")
     * that our CPU model or GPU does not name.
     */
    static boolean otherHardware(Published.Row row, String ours) {
        String paper = row.hardware().strip();
        if (paper.isEmpty() || paper.toLowerCase(Locale.ROOT).startsWith("any")) return false;
        int paren = paper.indexOf(" (");
        String model = (paren < 0 ? paper : paper.substring(0, paren)).strip().toLowerCase(Locale.ROOT);
        return !ours.toLowerCase(Locale.ROOT).contains(model);
    }

    /** "in [0.91, 0.97]" / "not in [0.91, 0.97]", "≤ 0.5" / "not ≤ 0.5", "exactly as published" / "not equal to 2". */
    static String bandPhrase(Published.Row row, boolean inside) {
        String b = row.band();
        if (b.startsWith("= ")) return inside ? "exactly as published" : "not equal to " + b.substring(2);
        if (b.startsWith("[")) return (inside ? "in " : "outside ") + b;
        return (inside ? "" : "not ") + b;
    }

    private static String hardwareOf(Published.Row row, String cpu, Object gpu) {
        String hw = row.hardware().toLowerCase(Locale.ROOT);
        if ((hw.contains("gpu") || hw.contains("nvidia")) && gpu != null && !String.valueOf(gpu).startsWith("none")) return String.valueOf(gpu);
        return cpu;
    }

    /** Our value in the published unit: equal units pass, fraction ↔ % converts, anything else is NaN. */
    static double convert(double v, String from, String to) {
        String f = norm(from), t = norm(to);
        if (f.equals(t) || f.isEmpty()) return v;
        if (f.equals("fraction") && t.equals("%")) return v * 100;
        if (f.equals("%") && t.equals("fraction")) return v / 100;
        return Double.NaN;
    }

    private static String norm(String u) {
        String s = u == null ? "" : u.strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "percent", "pct" -> "%";
            case "×", "times", "speedup" -> "x";
            default -> s;
        };
    }

    /**
     * Counts per verdict, measurements and checks apart, e.g.
     * {@code measurements: 1 reproduced, 2 consistent (other hardware), 0 differ, 3 differ (hardware) (6 at quick scale);
     * checks: 5 passed, 0 failed; 40 not run (of 56 published numbers)}.
     */
    public static String summary(List<Entry> entries) {
        ToLongFunction<Verdict> n = v -> entries.stream().filter(e -> e.verdict() == v).count();
        long quick = entries.stream().filter(Entry::quickScale).count();
        return "measurements: " + n.applyAsLong(Verdict.REPRODUCED) + " reproduced, " + n.applyAsLong(Verdict.CONSISTENT_OTHER_HARDWARE)
                + " consistent (other hardware), " + n.applyAsLong(Verdict.DIFFERS) + " differ, " + n.applyAsLong(Verdict.DIFFERS_HARDWARE)
                + " differ (hardware), " + n.applyAsLong(Verdict.INCONCLUSIVE) + " inconclusive (noise)" + (quick > 0 ? " (" + quick + " at quick scale)" : "")
                + "; checks: " + n.applyAsLong(Verdict.CHECK_PASSED) + " passed, " + n.applyAsLong(Verdict.CHECK_FAILED) + " failed; "
                + n.applyAsLong(Verdict.NOT_RUN) + " not run (of " + entries.size() + " published numbers)";
    }

    /** Writes {@code scorecard.csv} atomically. */
    public static void writeCsv(Path file, List<Entry> entries) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        for (Entry e : entries) {
            Published.Row r = e.row();
            rows.add(List.of(r.experiment(), r.quantity(), r.metric(), r.claim().id, Double.isNaN(r.value()) ? "" : Plots.fmt(r.value()),
                    Double.isNaN(e.ours()) ? "" : num(e.ours()), r.unit(), r.band(), e.label(), e.reason(), r.hardware(), e.hardware(),
                    String.valueOf(e.modelled()), e.quickScale() ? "quick" : "",
                    r.source()));
        }
        Csv.write(file, CSV_HEADER, rows);
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        String t = String.format(Locale.ROOT, "%.4g", v);
        // 4 significant digits, without the trailing zeros %g pads with (0.9300 → 0.93)
        if (t.contains(".") && !t.contains("e")) t = t.replaceAll("0+$", "").replaceAll("\\.$", "");
        return t;
    }
}
