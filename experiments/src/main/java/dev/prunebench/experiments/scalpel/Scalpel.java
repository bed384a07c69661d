package dev.prunebench.experiments.scalpel;

import static dev.prunebench.experiments.scalpel.ScalpelInputs.ACC;
import static dev.prunebench.experiments.scalpel.ScalpelInputs.DC;
import static dev.prunebench.experiments.scalpel.ScalpelInputs.MCU;
import static dev.prunebench.experiments.scalpel.ScalpelRows.HEADLINE_BATCH;
import static dev.prunebench.experiments.scalpel.ScalpelRows.METHODS;
import static dev.prunebench.experiments.scalpel.ScalpelRows.NETS;

import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.experiments.scalpel.ScalpelInputs.Kept;
import dev.prunebench.experiments.scalpel.ScalpelRows.LayerRow;
import dev.prunebench.experiments.scalpel.ScalpelRows.Row;
import dev.prunebench.experiments.scalpel.ScalpelSummary.Mean;
import dev.prunebench.measure.Budget;
import dev.prunebench.models.infer.KernelNetwork;
import dev.prunebench.models.train.Reproducibility;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricName;
import dev.prunebench.results.PlotSpec;
import dev.prunebench.results.Scale;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tech.tablesaw.api.Table;

/**
 * Scalpel's table (Yu et al., ISCA 2017): the same pruned networks on three platforms. LeNet-300-100 and LeNet-5 as
 * {@code deepcompression-lenet} and {@code scalpel-accuracy} kept them (same masks, same weights, same accuracies) —
 * dense, Deep Compression (unstructured, CSR), SIMD-aware (groups of g, grouped CSR), node pruning (the shrunk dense
 * network) and Scalpel's combination ({@link ScalpelRule}) — on the microcontroller ({@code scalpel-mcu}'s emulated
 * Cortex-M4 rows, joined), the CPU (end to end through {@link KernelNetwork}, timed interleaved against the fastest
 * dense CPU kernel, batch 1 and 64) and the GPU (timed on one when the {@code cuda} backend is usable, else the warp
 * memory-access model {@code cuda-model}, labelled modelled). Per network and platform: speedup over dense, model size
 * with indices, accuracy; the means across networks; Fig. 1 of the retrospective (relative time, size and MACs after
 * Deep Compression); and per layer, which structure wins where.
 */
public final class Scalpel implements Experiment {

    @Override public String id() { return "scalpel"; }

    @Override public String paper() { return "Yu et al., Scalpel (ISCA 2017): one mask, three platforms (MCU, CPU, GPU)"; }

    @Override public String description() {
        return "LeNet-300-100 / LeNet-5 as the accuracy experiments pruned them (Deep Compression, SIMD-aware, node, Scalpel's per-platform rule): "
                + "speedup over dense, model size and accuracy on the emulated Cortex-M4, the CPU (batch 1 and 64) and the GPU (or its model)";
    }

    @Override public List<String> needs() { return List.of(DC, ACC, MCU); }

    static List<Integer> cpuBatches(Scale s) { return List.of(1, 64); }

    /** The modelled GPU at batch 1 (the model replays every memory access; batch 64 of LeNet-5's convolutions is slow to replay). */
    static List<Integer> gpuBatches(Scale s) { return List.of(1); }

    /**
     * Timing budget: quick keeps the experiment well under a minute (about 60 interleaved comparisons of small
     * networks), standard and full are the measurement budgets.
     */
    static Budget budget(Scale s) {
        return switch (s) {
            case QUICK -> new Budget(1, 5, 1_000_000L, 500, 1L, 60_000_000L);
            case STANDARD -> Budget.standard();
            case FULL -> Budget.full();
        };
    }

    // ------------------------------------------------------------------------------------------------ metric names

    /** {@code speedup[net=…,method=…,platform=…]}, with {@code ,batch=B} for a CPU batch other than the headline one. */
    static String speedupName(String net, String method, String platform, int batch) {
        return withBatch(MetricName.of("speedup").with("net", net).with("method", method).with("platform", platform), batch).toString();
    }

    static String meanSpeedupName(String method, String platform, int batch) {
        return withBatch(MetricName.of("mean_speedup").with("method", method).with("platform", platform), batch).toString();
    }

    static String sizeReductionName(String method, String platform) {
        return MetricName.of("size_reduction").with("method", method).with("platform", platform).toString();
    }

    static String netSizeReductionName(String net, String method, String platform) {
        return MetricName.of("size_reduction").with("net", net).with("method", method).with("platform", platform).toString();
    }

    private static MetricName withBatch(MetricName n, int batch) {
        return batch == HEADLINE_BATCH ? n : n.with("batch", batch);
    }

    /** The metric names this experiment emits at a scale when every network and backend is there (CPU and GPU; the MCU's are scalpel-mcu's). */
    public static Set<String> emits(Scale s) {
        Set<String> out = new LinkedHashSet<>();
        for (String platform : List.of("cpu", "gpu"))
            for (int b : platform.equals("cpu") ? cpuBatches(s) : gpuBatches(s))
                for (String m : METHODS) {
                    out.add(meanSpeedupName(m, platform, b));
                    for (String net : NETS) out.add(speedupName(net, m, platform, b));
                }
        for (String platform : List.of("cpu", "gpu"))
            for (String m : METHODS) {
                out.add(sizeReductionName(m, platform));
                for (String net : NETS) out.add(netSizeReductionName(net, m, platform));
            }
        return out;
    }

    @Override public void run(ExperimentContext ctx) throws Exception {
        Scale scale = ctx.scale();
        KernelRegistry reg = ctx.kernels();
        Budget budget = budget(scale);
        ctx.parameter("budget", budget.toString());
        ctx.parameter("threads", 1);
        // the accuracy experiments of the run set MKL's reproducible mode (process-wide), so MKL kernels are timed in it;
        // the baseline is the fastest of every dense CPU kernel, OpenBLAS and the Vector API included
        ctx.parameter("mkl_mode", Reproducibility.status());
        ctx.parameter("size_bytes", "fp32 values + 32-bit indices and row pointers (what MKL, cuSPARSE and our kernels hold) + fp32 biases; MCU: flash bytes as scalpel-mcu counts them");
        int lanes = PlatformRuns.cpuLanes(reg);
        ctx.parameter("cpu_simd_width", lanes + " fp32 lanes (cpu-vector's preferred species)");
        notes(ctx);

        Map<String, Map<String, Kept>> models = new LinkedHashMap<>();
        for (String net : NETS) models.put(net, ScalpelInputs.kept(ctx, net));

        List<Row> rows = new ArrayList<>();
        List<LayerRow> layers = new ArrayList<>();
        ScalpelInputs.joinMcu(ctx, models, rows, layers);
        PlatformRuns runs = new PlatformRuns(ctx, budget, lanes, rows, layers);

        List<Backend> cpuBackends = PlatformRuns.cpuBackends(reg);
        if (cpuBackends.isEmpty()) ctx.skipped("platform cpu", "no usable CPU backend: " + reg.unusable());
        else {
            ctx.parameter("cpu_backends", cpuBackends.stream().map(Backend::id).toList().toString());
            for (int batch : cpuBatches(scale))
                for (String net : NETS) runs.run("cpu", cpuBackends, batch, net, models.get(net));
        }
        List<Backend> gpu = PlatformRuns.gpuBackends(ctx);
        if (!gpu.isEmpty()) {
            ctx.parameter("gpu_backend", gpu.get(0).id() + " [" + gpu.get(0).provenance().label() + "]");
            for (int batch : gpuBatches(scale))
                for (String net : NETS) runs.run("gpu", gpu, batch, net, models.get(net));
        }
        ctx.parameter("simd_group_sizes", runs.simdGroups().toString());

        List<Row> all = ScalpelSummary.withScalpel(rows, models);
        metrics(ctx, all, reg);
        ctx.table("networks", ScalpelTables.networksTable(all));
        Table means = ScalpelTables.meansTable(all);
        ctx.table("means", means);
        Table fig1 = ScalpelTables.fig1Table(all);
        ctx.table("fig1", fig1);
        Table layerTable = ScalpelTables.layersTable(layers);
        ctx.table("layers", layerTable);
        Table winners = ScalpelTables.winnersTable(layers);
        ctx.table("layer_winners", winners);
        ScalpelSummary.closingNote(ctx, all, winners);
        plots(ctx, means, fig1, layerTable);
    }

    /** What every row stands on: the kept networks, the baselines, Scalpel's rule. */
    private static void notes(ExperimentContext ctx) {
        ctx.note("Every pruned network is the one an accuracy experiment of this run kept (" + DC + ": dense and Deep Compression; " + ACC
                + ": SIMD-aware and node-pruned), so masks and accuracies are the same on every platform; nothing is pruned or retrained here.");
        ctx.note("Speedups are over the fastest dense kernel of the platform for that network and batch (named in column baseline); a method runs on "
                + "the fastest of its platform's kernels for its format (CSR for Deep Compression, grouped CSR for SIMD-aware, dense for node pruning), "
                + "chosen in the same run; single thread.");
        ctx.note("Method scalpel = Scalpel's rule (docs/scalpel.md): per layer SIMD-aware for fully connected and node pruning for convolutions on the "
                + "MCU and CPU, node pruning everywhere on the GPU. Where the rule mixes structures (LeNet-5 on the CPU) it is " + ACC + "'s combined "
                + "network (node-pruned convolutions, SIMD-aware FC layers, retrained together: method combined) when kept; otherwise a network takes the "
                + "structure the rule gives to most of its dense multiply-accumulates (LeNet-5: its convolutions; LeNet-300-100: its FC layers). "
                + "Column structure names the row it is.");

    }

    private static void plots(ExperimentContext ctx, Table means, Table fig1, Table layerTable) {
        if (means.rowCount() > 0)
            ctx.plot(new PlotSpec("mean-speedup", "Mean speedup over dense across LeNet-300-100 and LeNet-5, per platform", "means", "platform", "mean_speedup",
                    "method", List.of(), "platform (cpu at batch " + HEADLINE_BATCH + " and 64)", "mean speedup over dense (×)", false, PlotSpec.Style.BAR, 1.0));
        if (fig1.rowCount() > 0)
            ctx.plot(new PlotSpec("fig1-deepcompression", "Deep Compression: time per platform, size (CSR) and MACs relative to dense",
                    "fig1", "quantity", "relative", "net", List.of(), "", "relative to dense (1 = dense)", false, PlotSpec.Style.BAR, 1.0));
        for (String p : ScalpelRule.PLATFORMS)
            if (layerTable.stringColumn("platform").countOccurrences(p) > 0)
                ctx.plot(new PlotSpec("layer-speedup-" + p, "Per layer: speedup over the dense layer on the " + p.toUpperCase(Locale.ROOT) + " (batch 1)",
                        "layers", "layer_id", "speedup", "method", List.of("platform=" + p, "batch=1"), "layer", "speedup over dense layer (×)", false,
                        PlotSpec.Style.BAR, 1.0));
    }

    private static void metrics(ExperimentContext ctx, List<Row> rows, KernelRegistry reg) {
        Map<String, Backend> byProvenance = new TreeMap<>();
        for (KernelRegistry.Entry e : reg.entries()) byProvenance.putIfAbsent(e.backend().platform() + "/" + e.backend().provenance().label(), e.backend());
        for (Row r : rows) {
            if (r.platform().equals("mcu")) continue; // scalpel-mcu's metrics
            Backend b = byProvenance.get(r.platform() + "/" + r.provenance());
            record(ctx, speed(speedupName(r.net(), r.method(), r.platform(), r.batch()), r.speedup(), r.low(), r.high(), r.modelled()), b);
            if (r.batch() == HEADLINE_BATCH) record(ctx, exactish(netSizeReductionName(r.net(), r.method(), r.platform()), r.sizeReduction(), "fraction"), b);
        }
        for (Mean m : ScalpelSummary.means(rows)) {
            if (m.platform().equals("mcu")) continue;
            Backend b = byProvenance.get(m.platform() + "/" + m.provenance());
            record(ctx, speed(meanSpeedupName(m.method(), m.platform(), m.batch()), m.speedup(), m.low(), m.high(), m.modelled()), b);
            if (m.batch() == HEADLINE_BATCH) record(ctx, exactish(sizeReductionName(m.method(), m.platform()), m.sizeReductionPct(), "%"), b);
            ctx.parameter("mean_over_" + m.platform() + "_" + m.batch() + "_" + m.method(), m.nets().toString());
        }
    }

    /** Through the backend it ran on (flagged modelled when that backend models), else as it is. */
    private static void record(ExperimentContext ctx, Metric m, Backend b) {
        if (b != null) ctx.metric(m, b);
        else ctx.metric(m);
    }

    /**
     * A timed speedup or, counted, exact like the counts. The network seam keeps no raw samples: a timed one carries
     * {low, value, high} (its 95 % interval; for a mean, the mean of the networks' interval ends), which the scorecard
     * reads as the interval, as it does a break-even's.
     */
    private static Metric speed(String name, double v, double low, double high, boolean counted) {
        if (counted) return exactish(name, v, "x");
        boolean iv = Double.isFinite(low) && Double.isFinite(high);
        return Metric.timing(name, v, "x", iv ? new double[] {Math.min(low, v), v, Math.max(high, v)} : null);
    }

    /** Exact when the networks themselves are bitwise reproducible run to run (their masks come from training), else info. */
    private static Metric exactish(String name, double v, String unit) {
        return Reproducibility.bitwiseReproducible() ? Metric.exact(name, v, unit) : Metric.info(name, v, unit);
    }
}
