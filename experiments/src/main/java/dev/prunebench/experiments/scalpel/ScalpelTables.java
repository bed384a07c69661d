package dev.prunebench.experiments.scalpel;

import static dev.prunebench.experiments.scalpel.ScalpelRows.NETS;

import dev.prunebench.core.backend.Backend;
import dev.prunebench.experiments.scalpel.ScalpelRows.LayerRow;
import dev.prunebench.experiments.scalpel.ScalpelRows.Row;
import dev.prunebench.experiments.scalpel.ScalpelSummary.Mean;
import dev.prunebench.experiments.scalpel.ScalpelSummary.Winner;
import java.util.List;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Scalpel's tables ({@code networks}, {@code means}, {@code fig1}, {@code layers}, {@code layer_winners}) from its rows. */
final class ScalpelTables {
    private ScalpelTables() {}

    static Table networksTable(List<Row> rows) {
        Table t = Table.create("networks", StringColumn.create("platform"), StringColumn.create("net"), IntColumn.create("batch"), StringColumn.create("method"),
                StringColumn.create("structure"), IntColumn.create("g"), StringColumn.create("kernel"), StringColumn.create("baseline"), StringColumn.create("shape"),
                DoubleColumn.create("speedup"), DoubleColumn.create("speedup_low"), DoubleColumn.create("speedup_high"), DoubleColumn.create("time_us"),
                DoubleColumn.create("baseline_time_us"), LongColumn.create("size_bytes"), LongColumn.create("dense_size_bytes"), DoubleColumn.create("size_reduction"),
                LongColumn.create("macs"), LongColumn.create("dense_macs"), DoubleColumn.create("test_accuracy"), StringColumn.create("provenance"),
                BooleanColumn.create("modelled"));
        for (Row r : rows) {
            t.stringColumn("platform").append(r.platform());
            t.stringColumn("net").append(r.net());
            t.intColumn("batch").append(r.batch());
            t.stringColumn("method").append(r.method());
            t.stringColumn("structure").append(r.structure());
            t.intColumn("g").append(r.g());
            t.stringColumn("kernel").append(r.kernel());
            t.stringColumn("baseline").append(r.baseline());
            t.stringColumn("shape").append(r.shape());
            t.doubleColumn("speedup").append(r.speedup());
            t.doubleColumn("speedup_low").append(r.low());
            t.doubleColumn("speedup_high").append(r.high());
            t.doubleColumn("time_us").append(r.timeUs());
            t.doubleColumn("baseline_time_us").append(r.baselineTimeUs());
            t.longColumn("size_bytes").append(r.sizeBytes());
            t.longColumn("dense_size_bytes").append(r.denseSizeBytes());
            t.doubleColumn("size_reduction").append(r.sizeReduction());
            t.longColumn("macs").append(r.macs());
            t.longColumn("dense_macs").append(r.denseMacs());
            t.doubleColumn("test_accuracy").append(r.accuracy());
            t.stringColumn("provenance").append(r.provenance());
            t.booleanColumn("modelled").append(r.modelled());
        }
        return t;
    }

    static Table meansTable(List<Row> rows) {
        Table t = Table.create("means", StringColumn.create("platform"), IntColumn.create("batch"), StringColumn.create("method"),
                DoubleColumn.create("mean_speedup"), DoubleColumn.create("mean_speedup_low"), DoubleColumn.create("mean_speedup_high"),
                DoubleColumn.create("mean_size_reduction_pct"), StringColumn.create("over"),
                StringColumn.create("provenance"), BooleanColumn.create("modelled"));
        for (Mean m : ScalpelSummary.means(rows)) {
            t.stringColumn("platform").append(m.platform() + (m.platform().equals("cpu") ? " b" + m.batch() : ""));
            t.intColumn("batch").append(m.batch());
            t.stringColumn("method").append(m.method());
            t.doubleColumn("mean_speedup").append(m.speedup());
            t.doubleColumn("mean_speedup_low").append(m.low());
            t.doubleColumn("mean_speedup_high").append(m.high());
            t.doubleColumn("mean_size_reduction_pct").append(m.sizeReductionPct());
            t.stringColumn("over").append(String.join(" ", m.nets()));
            t.stringColumn("provenance").append(m.provenance());
            t.booleanColumn("modelled").append(m.modelled());
        }
        return t;
    }

    /** The retrospective's Fig. 1 for Deep Compression: relative time per platform (1 / speedup), relative size (CSR) and MACs. */
    static Table fig1Table(List<Row> rows) {
        Table t = Table.create("fig1", StringColumn.create("net"), StringColumn.create("quantity"), DoubleColumn.create("relative"),
                StringColumn.create("provenance"));
        for (String net : NETS) {
            Row any = null;
            for (Row r : rows) {
                if (!r.net().equals(net) || !r.method().equals("deepcompression")) continue;
                String q = "time " + r.platform() + (r.platform().equals("cpu") ? " b" + r.batch() : "");
                add(t, net, q, 1 / r.speedup(), r.provenance());
                if (any == null || r.platform().equals("cpu")) any = r;
            }
            if (any == null) continue;
            add(t, net, "size", (double) any.sizeBytes() / any.denseSizeBytes(), "exact");
            add(t, net, "MACs", (double) any.macs() / any.denseMacs(), "exact");
        }
        return t;
    }

    private static void add(Table t, String net, String q, double v, String prov) {
        t.stringColumn("net").append(net);
        t.stringColumn("quantity").append(q);
        t.doubleColumn("relative").append(v);
        t.stringColumn("provenance").append(prov);
    }

    static Table layersTable(List<LayerRow> layers) {
        Table t = Table.create("layers", StringColumn.create("platform"), StringColumn.create("net"), IntColumn.create("batch"), StringColumn.create("layer"),
                StringColumn.create("layer_id"), StringColumn.create("kind"), StringColumn.create("method"), IntColumn.create("g"), StringColumn.create("kernel"),
                StringColumn.create("format"), DoubleColumn.create("speedup"), DoubleColumn.create("speedup_low"), DoubleColumn.create("speedup_high"),
                StringColumn.create("rule"), StringColumn.create("provenance"), BooleanColumn.create("modelled"));
        for (LayerRow l : layers) {
            t.stringColumn("platform").append(l.platform());
            t.stringColumn("net").append(l.net());
            t.intColumn("batch").append(l.batch());
            t.stringColumn("layer").append(l.layer());
            t.stringColumn("layer_id").append(l.net() + "." + l.layer());
            t.stringColumn("kind").append(l.conv() ? "conv" : "fc");
            t.stringColumn("method").append(l.method());
            t.intColumn("g").append(l.g());
            t.stringColumn("kernel").append(l.kernel());
            t.stringColumn("format").append(l.format());
            t.doubleColumn("speedup").append(l.speedup());
            t.doubleColumn("speedup_low").append(l.low());
            t.doubleColumn("speedup_high").append(l.high());
            t.stringColumn("rule").append(ScalpelRule.forLayer(l.platform(), l.conv()));
            t.stringColumn("provenance").append(l.provenance());
            t.booleanColumn("modelled").append(!l.provenance().equals(Backend.Provenance.MEASURED.label()));
        }
        return t;
    }

    static Table winnersTable(List<LayerRow> layers) {
        Table t = Table.create("layer_winners", StringColumn.create("platform"), StringColumn.create("net"), IntColumn.create("batch"),
                StringColumn.create("layer"), StringColumn.create("kind"), StringColumn.create("winner"), DoubleColumn.create("winner_speedup"),
                StringColumn.create("runner_up"), DoubleColumn.create("runner_up_speedup"), DoubleColumn.create("margin"), StringColumn.create("rule"),
                DoubleColumn.create("rule_speedup"), StringColumn.create("rule_wins"));
        for (Winner w : ScalpelSummary.winners(layers)) {
            t.stringColumn("platform").append(w.platform());
            t.stringColumn("net").append(w.net());
            t.intColumn("batch").append(w.batch());
            t.stringColumn("layer").append(w.layer());
            t.stringColumn("kind").append(w.conv() ? "conv" : "fc");
            t.stringColumn("winner").append(w.winner());
            t.doubleColumn("winner_speedup").append(w.speedup());
            t.stringColumn("runner_up").append(w.runnerUp() == null ? "" : w.runnerUp());
            t.doubleColumn("runner_up_speedup").append(w.runnerUpSpeedup());
            t.doubleColumn("margin").append(w.margin());
            t.stringColumn("rule").append(w.rule());
            t.doubleColumn("rule_speedup").append(w.ruleSpeedup());
            t.stringColumn("rule_wins").append(Double.isNaN(w.ruleSpeedup()) ? "not measured" : w.winner().equals(w.rule()) ? "yes" : "no");
        }
        return t;
    }
}
