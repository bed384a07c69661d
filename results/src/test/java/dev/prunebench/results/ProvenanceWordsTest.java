package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * "Emulated" for counts under QEMU, "modelled" for the GPU model, never one for the other: in the figures (series and
 * titles), the metrics tables and the scorecard of a report.
 */
class ProvenanceWordsTest {
    @TempDir Path tmp;

    static Backend backend(String id, String platform, Backend.Provenance p) {
        return new Backend() {
            @Override public String id() { return id; }
            @Override public String description() { return id; }
            @Override public Availability probe() { return Availability.yes(id); }
            @Override public String platform() { return platform; }
            @Override public Backend.Provenance provenance() { return p; }
        };
    }

    /** A table of speedups per method and platform: mcu rows emulated, gpu rows modelled, cpu rows measured. */
    static Table speedups(String name, List<String> platforms) {
        StringColumn platform = StringColumn.create("platform"), method = StringColumn.create("method"), prov = StringColumn.create("provenance");
        DoubleColumn speedup = DoubleColumn.create("speedup");
        BooleanColumn modelled = BooleanColumn.create("modelled");
        for (String p : platforms)
            for (String m : List.of("node", "simd")) {
                platform.append(p);
                method.append(m);
                speedup.append(p.length() + m.length() / 10.0);
                String word = switch (p) { case "mcu" -> "emulated"; case "gpu" -> "modelled"; default -> "measured"; };
                prov.append(word);
                modelled.append(!word.equals("measured"));
            }
        return Table.create(name, platform, method, speedup, prov, modelled);
    }

    @Test
    void qemuCountsSayEmulatedAndTheGpuModelSaysModelled() throws Exception {
        Backend qemu = backend("mcu-qemu", "mcu", Backend.Provenance.EMULATED), model = backend("cuda-model", "gpu", Backend.Provenance.MODELLED);
        Path dir;
        try (RunWriter run = new RunWriter(tmp, "abc1234", Scale.QUICK, 1, RunWriter.nullStream(), false)) {
            for (String[] e : new String[][] {{"mcu-only", "mcu"}, {"gpu-only", "gpu"}, {"mixed", "mcu,gpu,cpu"}})
                try (RunWriter.Context ctx = run.experiment(e[0], "test")) {
                    ctx.table("speedups", speedups("speedups", List.of(e[1].split(","))));
                    ctx.plot(new PlotSpec("by-platform", "Speedup per platform", "speedups", "platform", "speedup", "method", List.of(), "platform",
                            "speedup", false, PlotSpec.Style.BAR, 1.0));
                    ctx.plot(new PlotSpec("second", "Speedup per method", "speedups", "method", "speedup", "platform", List.of(), "method",
                            "speedup", false, PlotSpec.Style.BAR, 1.0));
                    if (e[1].contains("mcu")) ctx.metric(Metric.exact("speedup[platform=mcu]", 1.5, "x"), qemu);
                    if (e[1].contains("gpu")) ctx.metric(Metric.exact("speedup[platform=gpu]", 0.5, "x"), model);
                }
            Environment env = Environment.of(java.util.Map.of("cpu_model", "Test CPU 9000", "cores", 2, "gpu", "none", "fingerprint", SyntheticRun.FINGERPRINT));
            dir = run.finish(java.util.Map.of("git_commit", "abc1234"), env, d -> {});
        }
        RunData data = RunData.read(dir);
        for (RunData.ExperimentData e : data.experiments())
            for (PlotSpec p : e.plots()) checkWords(e.id() + "/" + p.id(), p, e.table(p.table()));
        String html = Report.write(dir, List.of(), null).html().toString();
        html = Files.readString(Path.of(html));
        String mcu = section(html, "mcu-only"), gpu = section(html, "gpu-only"), mixed = section(html, "mixed");
        // the word in parentheses, as the metrics, the scorecard and the figures print it (the tables' column is named 'modelled')
        assertThat(mcu.contains("(emulated)") && !mcu.contains("(modelled)")).as("mcu-only says emulated, never modelled").isTrue();
        assertThat(gpu.contains("(modelled)") && !gpu.contains("(emulated)")).as("gpu-only says modelled, never emulated").isTrue();
        assertThat(mixed).contains("<code>speedup[platform=mcu]</code> <small>(emulated)</small>")
                .contains("<code>speedup[platform=gpu]</code> <small>(modelled)</small>");
    }

    /** Every figure of the committed baseline run: a series or title says only the words its rows carry. */
    @Test
    void theBaselineRunsFiguresUseTheirRowsWords() throws Exception {
        Path baseline = Path.of("baseline");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(baseline), "no results/baseline in this checkout");
        RunData data = RunData.read(baseline);
        int checked = 0;
        for (RunData.ExperimentData e : data.experiments())
            for (PlotSpec p : e.plots()) {
                checkWords(e.id() + "/" + p.id(), p, e.table(p.table()));
                checked++;
            }
        assertThat(checked).isPositive();
    }

    /**
     * The words a chart's series names and title carry are among those of the rows it plots (its table's
     * {@code provenance} column after the filter): no QEMU figure says modelled, no GPU-model figure says emulated.
     */
    static void checkWords(String what, PlotSpec p, Table t) {
        if (!t.columnNames().contains("provenance") || !t.columnNames().contains("modelled")) return;
        Chart<?, ?> chart = Plots.chart(p, t);
        List<String> words = new ArrayList<>();
        for (int r = 0; r < t.rowCount(); r++) {
            boolean kept = true;
            for (String f : p.filter()) {
                int eq = f.indexOf('=');
                kept &= t.column(f.substring(0, eq)).getString(r).equals(f.substring(eq + 1));
            }
            if (kept) words.add(t.column("provenance").getString(r));
        }
        List<String> texts = new ArrayList<>(chart.getSeriesMap().keySet());
        texts.add(chart.getTitle());
        for (String word : List.of("emulated", "modelled"))
            if (!words.contains(word))
                assertThat(texts).as(what + ": its rows are " + words.stream().distinct().toList() + ", so no label says " + word)
                        .noneMatch(s -> s.toLowerCase(Locale.ROOT).contains("(" + word + ")"));
    }

    private static String section(String html, String id) {
        int a = html.indexOf("<section class=\"experiment\" id=\"exp-" + id + "\"");
        assertThat(a).as("section of " + id).isNotNegative();
        int b = html.indexOf("</section>", a);
        return html.substring(a, b);
    }
}
