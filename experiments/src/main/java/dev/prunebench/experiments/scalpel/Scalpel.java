package dev.prunebench.experiments.scalpel;

import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Interleaved;
import dev.prunebench.measure.Stats;
import dev.prunebench.models.infer.KernelNetwork;
import dev.prunebench.models.infer.NetworkLatency;
import dev.prunebench.models.io.ModelFiles;
import dev.prunebench.models.nn.Conv2d;
import dev.prunebench.models.nn.Layer;
import dev.prunebench.models.nn.Linear;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.train.Reproducibility;
import dev.prunebench.results.Csv;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricName;
import dev.prunebench.results.PlotSpec;
import dev.prunebench.results.Scale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
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
    static final String DC = "deepcompression-lenet", ACC = "scalpel-accuracy", MCU = "scalpel-mcu";
    static final List<String> NETS = List.of("lenet300", "lenet5");
    /** The pruning methods of the table, in order; {@code scalpel} is chosen among the others by {@link ScalpelRule}. */
    static final List<String> METHODS = List.of("deepcompression", "simd", "node", "scalpel");
    /** The batch whose CPU means carry the names without a batch (the published rows). */
    static final int HEADLINE_BATCH = 1;

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

    // ------------------------------------------------------------------------------------------------ rows

    /** One network, method, platform and batch. Times in µs (modelled on the GPU model; NaN on the MCU, whose rows count instructions). */
    record Row(String platform, String net, int batch, String method, String structure, int g, String kernel, String baseline, String shape,
               double speedup, double low, double high, double timeUs, double baselineTimeUs, long sizeBytes, long denseSizeBytes,
               long macs, long denseMacs, double accuracy, String provenance) {
        double sizeReduction() { return denseSizeBytes == 0 ? Double.NaN : 1 - (double) sizeBytes / denseSizeBytes; }

        boolean modelled() { return !provenance.equals(Backend.Provenance.MEASURED.label()); }

        Row as(String newMethod) {
            return new Row(platform, net, batch, newMethod, method, g, kernel, baseline, shape, speedup, low, high, timeUs, baselineTimeUs, sizeBytes,
                    denseSizeBytes, macs, denseMacs, accuracy, provenance);
        }
    }

    /** One layer of a pruned network against the same layer of the dense network. */
    record LayerRow(String platform, String net, int batch, String layer, boolean conv, String method, int g, String kernel, String format,
                    double speedup, double low, double high, String provenance) {}

    /** A network kept by an accuracy experiment. */
    record Kept(String method, int g, Network network, double accuracy, String dir) {}

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
        int lanes = cpuLanes(reg);
        ctx.parameter("cpu_simd_width", lanes + " fp32 lanes (cpu-vector's preferred species)");
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

        Map<String, Map<String, Kept>> models = new LinkedHashMap<>();
        for (String net : NETS) models.put(net, kept(ctx, net));

        List<Row> rows = new ArrayList<>();
        List<LayerRow> layers = new ArrayList<>();
        joinMcu(ctx, models, rows, layers);
        Map<String, Integer> gs = new LinkedHashMap<>();

        List<Backend> cpuBackends = backends(reg, "cpu", null);
        if (cpuBackends.isEmpty()) ctx.skipped("platform cpu", "no usable CPU backend: " + reg.unusable());
        else {
            ctx.parameter("cpu_backends", cpuBackends.stream().map(Backend::id).toList().toString());
            for (int batch : cpuBatches(scale))
                for (String net : NETS) platform(ctx, "cpu", cpuBackends, batch, net, models.get(net), lanes, budget, rows, layers, gs);
        }

        Optional<KernelRegistry.Entry> cuda = reg.entry("cuda"), model = reg.entry("cuda-model");
        List<Backend> gpu;
        if (cuda.isPresent() && cuda.get().usable()) {
            gpu = List.of(cuda.get().backend());
            ctx.note("GPU: measured on the device (" + cuda.get().status() + ").");
        } else if (model.isPresent() && model.get().usable()) {
            gpu = List.of(model.get().backend());
            ctx.note("GPU: no GPU here (cuda " + cuda.map(KernelRegistry.Entry::status).orElse("is not registered") + "), so the GPU column is the warp "
                    + "memory-access model (" + model.get().status() + "): counted, not timed, every GPU figure labelled modelled.");
        } else {
            gpu = List.of();
            ctx.skipped("platform gpu", "neither cuda nor cuda-model is usable: " + reg.unusable());
        }
        if (!gpu.isEmpty()) {
            ctx.parameter("gpu_backend", gpu.get(0).id() + " [" + gpu.get(0).provenance().label() + "]");
            for (int batch : gpuBatches(scale))
                for (String net : NETS) platform(ctx, "gpu", gpu, batch, net, models.get(net), lanes, budget, rows, layers, gs);
        }
        ctx.parameter("simd_group_sizes", gs.toString());

        List<Row> all = withScalpel(rows, models);
        metrics(ctx, all, reg);
        ctx.table("networks", networksTable(all));
        Table means = meansTable(all);
        ctx.table("means", means);
        Table fig1 = fig1Table(all);
        ctx.table("fig1", fig1);
        Table layerTable = layersTable(layers);
        ctx.table("layers", layerTable);
        Table winners = winnersTable(layers);
        ctx.table("layer_winners", winners);
        closingNote(ctx, all, winners);

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

    // ------------------------------------------------------------------------------------------------ inputs

    /** The kept networks of one LeNet: dense and deepcompression from DC, simd-g* and node from ACC. */
    private static Map<String, Kept> kept(ExperimentContext ctx, String net) throws IOException {
        Map<String, Kept> out = new LinkedHashMap<>();
        Path dc = ctx.input(DC).orElseThrow(() -> new IllegalStateException(DC + " did not run")).resolve(KEPT_MODELS);
        Optional<Path> acc = ctx.input(ACC).map(p -> p.resolve(KEPT_MODELS));
        load(out, "dense", 0, dc.resolve(net + "-dense"));
        load(out, "deepcompression", 0, dc.resolve(net + "-deepcompression"));
        if (acc.isPresent() && Files.isDirectory(acc.get())) {
            load(out, "node", 0, acc.get().resolve(net + "-node"));
            try (var s = Files.list(acc.get())) {
                for (Path p : s.sorted().toList()) {
                    Matcher m = Pattern.compile(Pattern.quote(net) + "-(simd|combined)-g(\\d+)").matcher(p.getFileName().toString());
                    if (m.matches()) {
                        load(out, m.group(1) + "-g" + m.group(2), Integer.parseInt(m.group(2)), p);
                        // quick scale keeps a network whose search accepted no rate at a fixed rate: its rows say so
                        if (Files.isDirectory(p) && ModelFiles.load(p).meta().get("selection") instanceof String sel && sel.startsWith("fixed rate"))
                            ctx.note(net + " " + m.group(1) + " g=" + m.group(2) + ": the kept network's rate is not the search's: " + sel);
                    }
                }
            }
        }
        if (!out.containsKey("dense")) throw new IllegalStateException(DC + " kept no " + net + "-dense model");
        for (String m : List.of("deepcompression", "node"))
            if (!out.containsKey(m)) ctx.skipped(net + " " + m, "no kept " + net + "-" + m + " model in this run");
        if (simdGroups(out).isEmpty())
            ctx.skipped(net + " simd", ACC + " kept no " + net + "-simd-g* model (no rate of its grid stayed within its accuracy tolerance at this scale)");
        return out;
    }

    private static void load(Map<String, Kept> out, String method, int g, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        ModelFiles.Loaded l = ModelFiles.load(dir);
        Object acc = l.meta().get("test_accuracy");
        out.put(method, new Kept(method, g, l.network(), acc instanceof Number n ? 100 * n.doubleValue() : Double.NaN,
                dir.getParent().getParent().getFileName() + "/" + KEPT_MODELS + "/" + dir.getFileName()));
    }

    static List<Integer> simdGroups(Map<String, Kept> kept) { return groups(kept, "simd-g"); }

    /** The g of the kept networks whose method starts so ({@code simd-g}, {@code combined-g}), ascending. */
    static List<Integer> groups(Map<String, Kept> kept, String prefix) {
        return kept.values().stream().filter(k -> k.method().startsWith(prefix)).map(Kept::g).sorted().toList();
    }

    /** The preferred float species' lanes as cpu-vector reports them ("Float512 species, 16 lanes"); 8 when it does not say. */
    static int cpuLanes(KernelRegistry reg) {
        return reg.entry("cpu-vector").map(e -> {
            Matcher m = Pattern.compile("(\\d+) lanes").matcher(e.status());
            return m.find() ? Integer.parseInt(m.group(1)) : 8;
        }).orElse(8);
    }

    /** Dense multiply-accumulates per sample of each weight layer (kept weights only). */
    public static List<ScalpelRule.Layer> ruleLayers(Network n) {
        List<ScalpelRule.Layer> out = new ArrayList<>();
        for (Layer l : n.layers()) {
            if (l instanceof Linear fc) out.add(new ScalpelRule.Layer(fc.name(), false, fc.weight().kept()));
            else if (l instanceof Conv2d cv) out.add(new ScalpelRule.Layer(cv.name(), true, (long) cv.weight().kept() * cv.outH() * cv.outW()));
        }
        return out;
    }

    static long macs(Network n) { return ruleLayers(n).stream().mapToLong(ScalpelRule.Layer::macs).sum(); }

    // ------------------------------------------------------------------------------------------------ MCU (joined)

    /** scalpel-mcu's rows, as it measured them on the emulated Cortex-M4 (its networks.csv and layers.csv). */
    private static void joinMcu(ExperimentContext ctx, Map<String, Map<String, Kept>> models, List<Row> rows, List<LayerRow> layers) throws IOException {
        Optional<Path> in = ctx.input(MCU);
        Path nets = in.map(p -> p.resolve("networks.csv")).orElse(null);
        if (nets == null || !Files.isRegularFile(nets)) {
            ctx.skipped("platform mcu", MCU + " wrote no networks.csv in this run");
            return;
        }
        List<Map<String, String>> nrows = Csv.readMaps(nets);
        if (nrows.isEmpty()) {
            ctx.skipped("platform mcu", MCU + " measured no network in this run (see its skipped list)");
            return;
        }
        Map<String, String> kernels = new LinkedHashMap<>();
        Path lp = in.get().resolve("layers.csv");
        for (Map<String, String> r : Files.isRegularFile(lp) ? Csv.readMaps(lp) : List.<Map<String, String>>of()) {
            String key = r.get("net") + "/" + r.get("method");
            kernels.merge(key, r.get("kernel"), (a, b) -> a.contains(b) ? a : a + "+" + b);
            String net = r.get("net"), method = r.get("method");
            int g = mcuGroup(models.get(net), method);
            double sp = Fields.number(r, "speedup", lp);
            layers.add(new LayerRow("mcu", net, 1, r.get("layer"), r.get("layer").startsWith("conv"), method, g, r.get("kernel"), r.get("format"), sp, sp, sp,
                    r.get("provenance")));
        }
        for (Map<String, String> r : nrows) {
            String net = r.get("net"), method = r.get("method");
            Map<String, Kept> k = models.get(net);
            if (k == null) continue;
            int g = mcuGroup(k, method);
            Kept model = g > 0 ? k.get(method + "-g" + g) : k.get(method);
            double sp = Fields.number(r, "speedup", nets);
            rows.add(new Row("mcu", net, 1, method, method, g, kernels.getOrDefault(net + "/" + method, "?"), "mcu-q15-dense", r.get("shape"), sp, sp, sp,
                    Double.NaN, Double.NaN, (long) Fields.number(r, "flash_bytes", nets), (long) Fields.number(r, "dense_flash_bytes", nets),
                    model == null ? -1 : macs(model.network()), macs(k.get("dense").network()), Fields.number(r, "fp32_test_accuracy", nets), r.get("provenance")));
        }
        ctx.note("MCU rows are " + MCU + "'s, joined: q15 on the emulated Cortex-M4, speedup = dense executed instructions / pruned executed instructions "
                + "(exact counts), size = flash bytes (weights, indices, code); SIMD-aware (and the combined network's FC layers) at the smallest "
                + "kept g, run as SMLAD pairs.");
    }

    /** scalpel-mcu runs the smallest kept g of its simd and combined methods; 0 for the others. */
    private static int mcuGroup(Map<String, Kept> k, String method) {
        if (!method.equals("simd") && !method.equals("combined")) return 0;
        List<Integer> gs = groups(k, method + "-g");
        return gs.isEmpty() ? 0 : gs.get(0);
    }

    // ------------------------------------------------------------------------------------------------ CPU and GPU

    /** Usable, non-reference backends of a platform (all of them, or the one named). */
    private static List<Backend> backends(KernelRegistry reg, String platform, String only) {
        List<Backend> out = new ArrayList<>();
        for (KernelRegistry.Entry e : reg.entries())
            if (e.usable() && e.backend().platform().equals(platform) && !e.backend().referenceOnly()
                    && (only != null ? e.backend().id().equals(only) : !e.backend().onRequest()))
                out.add(e.backend());
        return out;
    }

    private static List<String> kernelIds(KernelRegistry reg, List<Backend> backends, Predicate<MatMul> takes) {
        List<String> ids = new ArrayList<>();
        for (MatMul k : reg.kernels()) if (backends.contains(reg.backendOf(k)) && takes.test(k)) ids.add(k.id());
        return ids;
    }

    /** The methods measured on a platform: deepcompression, simd (its width's g), node; on the CPU also the other of g = 8, 16 when kept. */
    private static List<Kept> candidates(String platform, Map<String, Kept> k, int lanes, Map<String, Integer> gs) {
        List<Kept> out = new ArrayList<>();
        if (k.containsKey("deepcompression")) out.add(k.get("deepcompression"));
        List<Integer> kept = simdGroups(k);
        int g = ScalpelRule.groupFor(ScalpelRule.simdWidth(platform, lanes), kept);
        if (g > 0) {
            Kept s = k.get("simd-g" + g);
            out.add(new Kept("simd", g, s.network(), s.accuracy(), s.dir()));
            gs.put(platform + " " + k.get("dense").network().id(), g);
            if (platform.equals("cpu"))
                for (int other : List.of(8, 16))
                    if (other != g && kept.contains(other)) out.add(k.get("simd-g" + other));
        }
        if (k.containsKey("node")) out.add(k.get("node"));
        // the combined network (node-pruned convolutions, SIMD-aware FC layers) is Scalpel's own on the CPU; the GPU's rule is node pruning throughout
        int cg = ScalpelRule.groupFor(ScalpelRule.simdWidth(platform, lanes), groups(k, "combined-g"));
        if (platform.equals("cpu") && cg > 0) {
            Kept c = k.get("combined-g" + cg);
            out.add(new Kept("combined", cg, c.network(), c.accuracy(), c.dir()));
        }
        return out;
    }

    private void platform(ExperimentContext ctx, String platform, List<Backend> backends, int batch, String net, Map<String, Kept> k, int lanes,
                          Budget budget, List<Row> rows, List<LayerRow> layers, Map<String, Integer> gs) {
        KernelRegistry reg = ctx.kernels();
        Network dense = k.get("dense").network();
        float[] x = KernelNetwork.randomInput(dense, batch, ctx.seed());
        List<String> denseIds = kernelIds(reg, backends, m -> m.supports(FormatSpec.DENSE));
        ctx.log().printf("  %s %s batch %d: fastest dense of %s …%n", platform, net, batch, denseIds);
        String base;
        try {
            base = fastest(ctx, denseIds, id -> KernelNetwork.dense(dense, reg, id, batch, 1, x), budget, net + " dense");
        } catch (IllegalArgumentException e) {
            ctx.skipped(platform + " " + net + " batch " + batch, e.getMessage());
            return;
        }
        long denseSize;
        try (KernelNetwork b = KernelNetwork.dense(dense, reg, base, batch, 1, x)) {
            denseSize = size(b);
        }
        for (Kept c : candidates(platform, k, lanes, gs)) {
            Network pruned = c.network();
            boolean combined = c.method().equals("combined");
            String fmt = c.g() > 0 ? "gcsr:" + c.g() : c.method().equals("deepcompression") ? "csr" : "dense";
            FormatSpec spec = FormatSpec.parse(fmt);
            // the combined network's convolutions are node-pruned: dense, on the baseline's kernel; its FC layers grouped
            java.util.function.BiFunction<String, String, KernelNetwork.Choice> choice = (layer, id) -> combined && layer.startsWith("conv")
                    ? KernelNetwork.Choice.of(base, "dense") : KernelNetwork.Choice.of(id, fmt);
            String kernel;
            try {
                if (c.method().equals("node")) kernel = base;
                else {
                    // grouped CSR runs on grouped kernels (not on a CSR kernel that would convert it); CSR on any CSR kernel
                    List<String> ids = kernelIds(reg, backends, m -> m.supports(spec) && (spec.kind() != FormatSpec.Kind.GCSR || !m.supports(FormatSpec.CSR)));
                    kernel = fastest(ctx, ids, id -> KernelNetwork.plan(pruned, reg, l -> choice.apply(l, id), batch, 1, x), budget, net + " " + c.method());
                }
            } catch (IllegalArgumentException e) {
                ctx.skipped(platform + " " + net + " " + c.method() + " batch " + batch, e.getMessage());
                continue;
            }
            String kernels = combined ? base + " for conv + " + kernel + " for fc" : kernel;
            ctx.log().printf("  %s %s %s (%s) batch %d on %s against %s …%n", platform, net, c.method(), fmt, batch, kernels, base);
            NetworkLatency.Result r;
            long sz;
            String prov;
            try (KernelNetwork cand = KernelNetwork.plan(pruned, reg, l -> choice.apply(l, kernel), batch, 1, x);
                 KernelNetwork b = KernelNetwork.dense(dense, reg, base, batch, 1, x)) {
                if (cand.counts().isEmpty()) {
                    warm(cand, WARM_NANOS);
                    warm(b, WARM_NANOS);
                }
                r = NetworkLatency.measure(cand, b, budget);
                sz = size(cand);
                prov = reg.backendOf(cand.layers().get(0).kernel()).provenance().label();
            }
            Stats.Interval sp = r.speedup();
            double t = r.counted() ? micros(r.counts()) : r.time().median() / 1e3, tb = r.counted() ? micros(r.baselineCounts()) : r.baselineTime().median() / 1e3;
            rows.add(new Row(platform, net, batch, c.method(), c.method(), c.g(), kernels, base, pruned.shape(), sp.median(), sp.low(), sp.high(), t, tb, sz,
                    denseSize, macs(pruned), macs(dense), c.accuracy(), prov));
            for (NetworkLatency.LayerLatency ll : r.layers())
                layers.add(new LayerRow(platform, net, batch, ll.layer(), ll.layer().startsWith("conv"), c.method(), c.g(), ll.kernel(), ll.format(),
                        ll.speedup().median(), ll.speedup().low(), ll.speedup().high(), prov));
            ctx.log().printf(Locale.ROOT, "    %.2f× [%.2f, %.2f] over %s, size %.1f %% smaller%s%n", sp.median(), sp.low(), sp.high(), base,
                    100 * (1 - (double) sz / denseSize), r.counted() ? " (counted)" : "");
        }
    }

    /**
     * Whole-plan warm-up before a timed comparison: every layer's kernel runs compiled before its first timed sample
     * (a kernel met first here — grouped CSR has a single CPU kernel, so no selection ran it — was otherwise still
     * being compiled in the short quick budget: one quick run read 0.06× where the others read 0.8×).
     */
    static final long WARM_NANOS = 300_000_000L;

    private static void warm(KernelNetwork p, long nanos) {
        long t0 = System.nanoTime();
        do p.run(); while (System.nanoTime() - t0 < nanos);
    }

    /** Modelled time from a model's counts ({@code est_time_ps}), in µs; NaN when the counts are not a time. */
    private static double micros(MatMul.Counts c) {
        return c.cost().equals("est_time_ps") ? c.costValue() / 1e6 : Double.NaN;
    }

    /** Bytes of a plan's weights as encoded (fp32 values, 32-bit indices) plus its fp32 biases. */
    static long size(KernelNetwork p) {
        long s = 0;
        for (KernelNetwork.KernelLayer kl : p.layers()) s += kl.weight().storage(Precision.FP32, IndexPolicy.FIXED32).total() + 4L * kl.rows();
        return s;
    }

    /**
     * The fastest of some kernels for one network: each kernel's plan (kernels that refuse a layer left out), verified;
     * counted plans by their cost, timed ones in one interleaved group. Returns the id given to {@code plan} (a plan may
     * run some layers on another kernel: the combined network's convolutions).
     *
     * @throws IllegalArgumentException when no kernel takes every layer
     */
    private static String fastest(ExperimentContext ctx, List<String> ids, java.util.function.Function<String, KernelNetwork> plan, Budget budget, String what) {
        List<KernelNetwork> plans = new ArrayList<>();
        List<String> built = new ArrayList<>(), refused = new ArrayList<>();
        try {
            for (String id : ids) {
                try {
                    plans.add(plan.apply(id));
                    built.add(id);
                } catch (IllegalArgumentException e) {
                    refused.add(e.getMessage());
                }
            }
            if (plans.isEmpty())
                throw new IllegalArgumentException(what + ": no kernel of " + ids + " takes every layer" + (refused.isEmpty() ? "" : " (" + String.join("; ", refused) + ")"));
            for (KernelNetwork p : plans)
                if (!p.verify().passed()) throw new IllegalStateException(what + ": plan " + p.describe() + " fails verification: " + p.verify());
            if (plans.size() == 1) return built.get(0);
            List<Optional<MatMul.Counts>> counts = plans.stream().map(KernelNetwork::counts).toList();
            int best = 0;
            if (counts.stream().allMatch(Optional::isPresent)) {
                for (int i = 1; i < plans.size(); i++) if (counts.get(i).get().costValue() < counts.get(best).get().costValue()) best = i;
            } else if (counts.stream().noneMatch(Optional::isPresent)) {
                var g = new Interleaved().group(plans, budget);
                int[] all = new int[plans.size()];
                for (int i = 0; i < all.length; i++) all[i] = i;
                best = g.fastest(all);
            } else throw new IllegalStateException(what + ": counted and timed kernels mixed in " + ids);
            return built.get(best);
        } finally {
            for (KernelNetwork p : plans) p.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ Scalpel's rule, means

    /** The rows plus, per platform, network and batch, a {@code scalpel} row: the measured row of the structure {@link ScalpelRule} picks. */
    static List<Row> withScalpel(List<Row> rows, Map<String, Map<String, Kept>> models) {
        List<Row> out = new ArrayList<>();
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rows) groups.computeIfAbsent(r.platform() + "/" + r.net() + "/" + r.batch(), x -> new ArrayList<>()).add(r);
        for (List<Row> g : groups.values()) {
            out.addAll(g);
            Row first = g.get(0);
            List<ScalpelRule.Layer> layers = ruleLayers(models.get(first.net()).get("dense").network());
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

    private static void metrics(ExperimentContext ctx, List<Row> rows, KernelRegistry reg) {
        Map<String, Backend> byProvenance = new TreeMap<>();
        for (KernelRegistry.Entry e : reg.entries()) byProvenance.putIfAbsent(e.backend().platform() + "/" + e.backend().provenance().label(), e.backend());
        for (Row r : rows) {
            if (r.platform().equals("mcu")) continue; // scalpel-mcu's metrics
            Backend b = byProvenance.get(r.platform() + "/" + r.provenance());
            record(ctx, speed(speedupName(r.net(), r.method(), r.platform(), r.batch()), r.speedup(), r.modelled()), b);
            if (r.batch() == HEADLINE_BATCH) record(ctx, exactish(netSizeReductionName(r.net(), r.method(), r.platform()), r.sizeReduction(), "fraction"), b);
        }
        for (Mean m : means(rows)) {
            if (m.platform().equals("mcu")) continue;
            Backend b = byProvenance.get(m.platform() + "/" + m.provenance());
            record(ctx, speed(meanSpeedupName(m.method(), m.platform(), m.batch()), m.speedup(), m.modelled()), b);
            if (m.batch() == HEADLINE_BATCH) record(ctx, exactish(sizeReductionName(m.method(), m.platform()), m.sizeReductionPct(), "%"), b);
            ctx.parameter("mean_over_" + m.platform() + "_" + m.batch() + "_" + m.method(), m.nets().toString());
        }
    }

    /** Through the backend it ran on (flagged modelled when that backend models), else as it is. */
    private static void record(ExperimentContext ctx, Metric m, Backend b) {
        if (b != null) ctx.metric(m, b);
        else ctx.metric(m);
    }

    /** A timed speedup (no raw samples kept by the network seam) or, counted, exact like the counts. */
    private static Metric speed(String name, double v, boolean counted) {
        return counted ? exactish(name, v, "x") : Metric.timing(name, v, "x", null);
    }

    /** Exact when the networks themselves are bitwise reproducible run to run (their masks come from training), else info. */
    private static Metric exactish(String name, double v, String unit) {
        return Reproducibility.bitwiseReproducible() ? Metric.exact(name, v, unit) : Metric.info(name, v, unit);
    }

    // ------------------------------------------------------------------------------------------------ tables

    private static Table networksTable(List<Row> rows) {
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

    private static Table meansTable(List<Row> rows) {
        Table t = Table.create("means", StringColumn.create("platform"), IntColumn.create("batch"), StringColumn.create("method"),
                DoubleColumn.create("mean_speedup"), DoubleColumn.create("mean_speedup_low"), DoubleColumn.create("mean_speedup_high"),
                DoubleColumn.create("mean_size_reduction_pct"), StringColumn.create("over"),
                StringColumn.create("provenance"), BooleanColumn.create("modelled"));
        for (Mean m : means(rows)) {
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

    private static Table layersTable(List<LayerRow> layers) {
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

    private static Table winnersTable(List<LayerRow> layers) {
        Table t = Table.create("layer_winners", StringColumn.create("platform"), StringColumn.create("net"), IntColumn.create("batch"),
                StringColumn.create("layer"), StringColumn.create("kind"), StringColumn.create("winner"), DoubleColumn.create("winner_speedup"),
                StringColumn.create("runner_up"), DoubleColumn.create("runner_up_speedup"), DoubleColumn.create("margin"), StringColumn.create("rule"),
                DoubleColumn.create("rule_speedup"), StringColumn.create("rule_wins"));
        for (Winner w : winners(layers)) {
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

    /** Per platform: what reproduced (Scalpel faster than Deep Compression, Deep Compression slower than dense on the GPU) and what did not. */
    private static void closingNote(ExperimentContext ctx, List<Row> rows, Table winners) {
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

    private static String fmt(Double v) { return v == null || v.isNaN() ? "n/a" : String.format(Locale.ROOT, "%.2f×", v); }

    /** Numbers from the rows of another experiment's tables (read by {@link Csv#readMaps}). */
    static final class Fields {
        private Fields() {}

        static double number(Map<String, String> r, String column, Path file) {
            String v = r.get(column);
            if (v == null) throw new IllegalStateException(file + ": no column " + column + " (columns: " + r.keySet() + ")");
            try {
                return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalStateException(file + ": column " + column + " holds '" + v + "', not a number");
            }
        }
    }
}
