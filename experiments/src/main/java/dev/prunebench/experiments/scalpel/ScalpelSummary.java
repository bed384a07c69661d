package dev.prunebench.experiments.scalpel;

import static dev.prunebench.experiments.scalpel.ScalpelRows.HEADLINE_BATCH;
import static dev.prunebench.experiments.scalpel.ScalpelRows.METHODS;
import static dev.prunebench.experiments.scalpel.ScalpelRows.NETS;

import dev.prunebench.experiments.scalpel.ScalpelInputs.Kept;
import dev.prunebench.experiments.scalpel.ScalpelRows.LayerRow;
import dev.prunebench.experiments.scalpel.ScalpelRows.Row;
import dev.prunebench.results.ExperimentContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.Table;

/**
 * What the measured rows say: the {@code scalpel} row of each platform and network (the structure {@link ScalpelRule}
 * picks), the means across networks, each layer's winning structure, and per platform whether the paper's findings
 * reproduced.
 */
final class ScalpelSummary {
    private ScalpelSummary() {}

    /** The rows plus, per platform, network and batch, a {@code scalpel} row: the measured row of the structure {@link ScalpelRule} picks. */
    static List<Row> withScalpel(List<Row> rows, Map<String, Map<String, Kept>> models) {
        List<Row> out = new ArrayList<>();
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rows) groups.computeIfAbsent(r.platform() + "/" + r.net() + "/" + r.batch(), x -> new ArrayList<>()).add(r);
        for (List<Row> g : groups.values()) {
            out.addAll(g);
            Row first = g.get(0);
            List<ScalpelRule.Layer> layers = ScalpelRule.layers(models.get(first.net()).get("dense").network());
            boolean combined = g.stream().anyMatch(r -> r.method().equals(ScalpelRule.COMBINED));
            String structure = ScalpelRule.method(first.platform(), layers, combined);
            g.stream().filter(r -> r.method().equals(structure)).findFirst().ifPresent(r -> out.add(r.as("scalpel")));
        }
        return out;
    }

    /** Means across networks per platform, batch and method: speedup and size reduction (the latter in %). */
    /**
     * A method's mean over the networks of one platform and batch; {@code low}/{@code high}: the mean of the networks'
     * interval ends (the range the mean spans while each network's speedup stays inside its own 95 % interval; equal to
     * the mean for counted rows).
     */
    record Mean(String platform, int batch, String method, double speedup, double low, double high, double sizeReductionPct, List<String> nets,
                boolean modelled, String provenance) {}

    static List<Mean> means(List<Row> rows) {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rows)
            if (METHODS.contains(r.method())) groups.computeIfAbsent(r.platform() + "/" + r.batch() + "/" + r.method(), x -> new ArrayList<>()).add(r);
        List<Mean> out = new ArrayList<>();
        for (List<Row> g : groups.values()) {
            Row f = g.get(0);
            out.add(new Mean(f.platform(), f.batch(), f.method(), ScalpelRule.mean(g.stream().map(Row::speedup).toList()),
                    ScalpelRule.mean(g.stream().map(r -> Double.isNaN(r.low()) ? r.speedup() : r.low()).toList()),
                    ScalpelRule.mean(g.stream().map(r -> Double.isNaN(r.high()) ? r.speedup() : r.high()).toList()),
                    100 * ScalpelRule.mean(g.stream().map(Row::sizeReduction).toList()), g.stream().map(Row::net).toList(), f.modelled(), f.provenance()));
        }
        return out;
    }

    /** A layer's winner among the structures measured on it. */
    record Winner(String platform, String net, int batch, String layer, boolean conv, String winner, double speedup, String runnerUp, double runnerUpSpeedup,
                  String rule, double ruleSpeedup) {
        /** Winner over runner-up (how much it wins by); NaN with a single structure. */
        double margin() { return runnerUp == null ? Double.NaN : speedup / runnerUpSpeedup; }
    }

    /** Per platform, network, batch and layer: the structures ranked by the layer's speedup (the main methods only: deepcompression, simd, node). */
    static List<Winner> winners(List<LayerRow> layers) {
        Map<String, List<LayerRow>> groups = new LinkedHashMap<>();
        for (LayerRow l : layers)
            if (METHODS.contains(l.method()) && !l.method().equals("scalpel"))
                groups.computeIfAbsent(l.platform() + "/" + l.net() + "/" + l.batch() + "/" + l.layer(), x -> new ArrayList<>()).add(l);
        List<Winner> out = new ArrayList<>();
        for (List<LayerRow> g : groups.values()) {
            List<LayerRow> s = new ArrayList<>(g);
            s.sort((a, b) -> Double.compare(b.speedup(), a.speedup()));
            LayerRow w = s.get(0), r = s.size() > 1 ? s.get(1) : null;
            String rule = ScalpelRule.forLayer(w.platform(), w.conv());
            double rs = g.stream().filter(l -> l.method().equals(rule)).mapToDouble(LayerRow::speedup).findFirst().orElse(Double.NaN);
            out.add(new Winner(w.platform(), w.net(), w.batch(), w.layer(), w.conv(), w.method(), w.speedup(), r == null ? null : r.method(),
                    r == null ? Double.NaN : r.speedup(), rule, rs));
        }
        return out;
    }

    /** Per platform: what reproduced (Scalpel faster than Deep Compression, Deep Compression slower than dense on the GPU) and what did not. */
    static void closingNote(ExperimentContext ctx, List<Row> rows, Table winners) {
        for (String p : ScalpelRule.PLATFORMS) {
            String v = verdict(p, rows);
            if (v == null) continue;
            long yes = 0, all = 0;
            for (int i = 0; i < winners.rowCount(); i++)
                if (winners.stringColumn("platform").get(i).equals(p) && winners.intColumn("batch").get(i) == HEADLINE_BATCH
                        && !winners.stringColumn("rule_wins").get(i).equals("not measured")) {
                    all++;
                    if (winners.stringColumn("rule_wins").get(i).equals("yes")) yes++;
                }
            ctx.note(v + (all == 0 ? "" : String.format(Locale.ROOT, "; the rule's structure is the fastest on %d of %d layers where it was measured (table layer_winners)", yes, all)) + ".");
        }
    }

    /**
     * What reproduced on a platform at the headline batch: Scalpel against Deep Compression on the networks both were
     * measured on (a mean over other networks would not compare), and on the GPU whether Deep Compression is below 1×.
     * Null when the platform has no rows.
     */
    static String verdict(String platform, List<Row> rows) {
        Map<String, Double> sc = new LinkedHashMap<>(), dc = new LinkedHashMap<>();
        Map<String, Row> scRow = new LinkedHashMap<>(), dcRow = new LinkedHashMap<>();
        for (Row r : rows)
            if (r.platform().equals(platform) && r.batch() == HEADLINE_BATCH) {
                if (r.method().equals("scalpel")) { sc.put(r.net(), r.speedup()); scRow.put(r.net(), r); }
                if (r.method().equals("deepcompression")) { dc.put(r.net(), r.speedup()); dcRow.put(r.net(), r); }
            }
        if (sc.isEmpty() && dc.isEmpty()) return null;
        StringBuilder b = new StringBuilder(platform.toUpperCase(Locale.ROOT)).append(" (batch ").append(HEADLINE_BATCH).append("): ");
        List<String> both = sc.keySet().stream().filter(dc::containsKey).toList();
        if (both.isEmpty()) b.append("Scalpel and Deep Compression share no measured network (").append("scalpel ").append(sc.keySet())
                .append(", deepcompression ").append(dc.keySet()).append(")");
        else {
            double s = ScalpelRule.mean(both.stream().map(sc::get).toList()), d = ScalpelRule.mean(both.stream().map(dc::get).toList());
            // the means' intervals: the mean of the interval ends (a measured speedup's 95 % interval; exact for counts)
            double sl = ScalpelRule.mean(both.stream().map(n -> scRow.get(n).low()).toList()), sh = ScalpelRule.mean(both.stream().map(n -> scRow.get(n).high()).toList());
            double dl = ScalpelRule.mean(both.stream().map(n -> dcRow.get(n).low()).toList()), dh = ScalpelRule.mean(both.stream().map(n -> dcRow.get(n).high()).toList());
            boolean intervals = !(Double.isNaN(sl) || Double.isNaN(sh) || Double.isNaN(dl) || Double.isNaN(dh));
            boolean overlap = intervals && sl <= dh && dl <= sh && !(sl == sh && dl == dh);
            b.append(String.format(Locale.ROOT, "over %s, Scalpel %.2f× and Deep Compression %.2f× mean speedup", both, s, d));
            if (intervals) b.append(String.format(Locale.ROOT, " (intervals [%.2f, %.2f] and [%.2f, %.2f])", sl, sh, dl, dh));
            b.append(" — ").append(overlap ? "inconclusive (noise): the intervals overlap, so neither is shown ahead"
                    : s > d ? "Scalpel ahead of traditional pruning, as published" : "Scalpel not ahead of traditional pruning, unlike the paper");
            if (both.size() < NETS.size()) b.append(" (").append(NETS.stream().filter(n -> !both.contains(n)).toList()).append(" lacks a kept model: see skipped)");
        }
        if (platform.equals("gpu") && !dc.isEmpty()) {
            List<String> slower = dc.entrySet().stream().filter(e -> e.getValue() < 1).map(Map.Entry::getKey).toList();
            b.append("; Deep Compression is slower than dense on ").append(slower.isEmpty() ? "no network, unlike the paper" : slower + (slower.size() == dc.size()
                    ? ", as published" : " only (published: slower on every network)"));
        }
        return b.toString();
    }
}
