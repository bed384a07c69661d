package dev.prunebench.results;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Each published number beside ours, with a verdict: computed from a run's {@code metrics.csv} files and the
 * {@link Published} rows, never typed.
 *
 * <ul>
 *   <li><b>reproduced</b>: our value lies in the row's tolerance band.</li>
 *   <li><b>differs</b>: outside the band; when the paper measured on other hardware the reason says so
 *       ("hardware: published on …, measured on …").</li>
 *   <li><b>not run</b>: the experiment does not exist yet, was not part of this run, or did not produce the metric
 *       (with the experiment's own skip reasons).</li>
 * </ul>
 */
public final class Scorecard {

    public enum Verdict {
        REPRODUCED("reproduced"), DIFFERS("differs"), NOT_RUN("not run");
        public final String label;
        Verdict(String label) { this.label = label; }
    }

    /**
     * One scorecard line.
     *
     * @param ours     our value in the row's unit (NaN when not run)
     * @param hardware where ours was measured ("" when not run)
     */
    public record Entry(Published.Row row, double ours, String hardware, boolean modelled, Verdict verdict, String reason) {}

    public static final List<String> CSV_HEADER = List.of("experiment", "quantity", "metric", "published_value", "ours", "unit",
            "band", "verdict", "reason", "published_hardware", "our_hardware", "modelled", "source");

    private Scorecard() {}

    /**
     * @param known ids of the experiments this build has (to tell "not built yet" from "not in this run"); null when
     *              unknown, in which case a missing experiment is "not in this run" plus the row's {@code if_absent}
     */
    public static List<Entry> compute(RunData run, List<Published.Row> published, Collection<String> known) {
        String ourCpu = String.valueOf(run.environment().asMap().getOrDefault("cpu_model", "this machine (environment not recorded)"));
        Object gpu = run.environment().get("gpu");
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
            String hw = m.modelled() ? "modelled" : hardwareOf(row, ourCpu, gpu);
            if (Double.isNaN(ours)) {
                out.add(new Entry(row, m.value(), hw, m.modelled(), Verdict.NOT_RUN,
                        Double.isNaN(m.value()) ? "metric is NaN (" + row.experiment() + " could not measure it)"
                                : "cannot compare: measured in '" + m.unit() + "', published in '" + row.unit() + "'"));
                continue;
            }
            if (row.inBand(ours)) {
                out.add(new Entry(row, ours, hw, m.modelled(), Verdict.REPRODUCED, bandPhrase(row, true) + (m.modelled() ? " (modelled)" : "")));
            } else {
                String why = bandPhrase(row, false);
                if (!row.hardware().isBlank() && !row.hardware().startsWith("any"))
                    why = "hardware: published on " + row.hardware() + ", " + (m.modelled() ? "modelled" : "measured on " + hw) + "; " + why;
                out.add(new Entry(row, ours, hw, m.modelled(), Verdict.DIFFERS, why));
            }
        }
        return out;
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

    /** Counts per verdict, e.g. {@code 12 reproduced, 5 differ, 40 not run}. */
    public static String summary(List<Entry> entries) {
        long r = entries.stream().filter(e -> e.verdict() == Verdict.REPRODUCED).count();
        long d = entries.stream().filter(e -> e.verdict() == Verdict.DIFFERS).count();
        long n = entries.stream().filter(e -> e.verdict() == Verdict.NOT_RUN).count();
        return r + " reproduced, " + d + " differ, " + n + " not run (of " + entries.size() + " published numbers)";
    }

    /** Writes {@code scorecard.csv} atomically. */
    public static void writeCsv(Path file, List<Entry> entries) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        for (Entry e : entries) {
            Published.Row r = e.row();
            rows.add(List.of(r.experiment(), r.quantity(), r.metric(), Plots.fmt(r.value()), Double.isNaN(e.ours()) ? "" : num(e.ours()),
                    r.unit(), r.band(), e.verdict().label, e.reason(), r.hardware(), e.hardware(), String.valueOf(e.modelled()), r.source()));
        }
        AtomicFiles.writeCsv(file, CSV_HEADER, rows);
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
