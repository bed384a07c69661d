package dev.prunebench.experiments.mcu;

import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.experiments.scalpel.ScalpelRule;
import dev.prunebench.kernels.mcu.Q15Reference;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Verification;
import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.data.Mnist;
import dev.prunebench.models.infer.KernelNetwork;
import dev.prunebench.models.infer.NetworkLatency;
import dev.prunebench.models.io.ModelFiles;
import dev.prunebench.models.nn.Conv2d;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.train.Reproducibility;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Scalpel on a microcontroller: the networks whose accuracy {@code deepcompression-lenet} and {@code scalpel-accuracy}
 * measured (their kept models: same masks, same weights), quantised to q15 and run layer by layer as generated
 * Cortex-M4 code under QEMU ({@code mcu-qemu}): executed instructions (exact), estimated cycles, flash bytes, per layer
 * and per network, against the dense network on the same emulated board. Every figure is emulated, never timed on a
 * microcontroller.
 */
public final class ScalpelMcu implements Experiment {
    static final String DC = "deepcompression-lenet", SCALPEL = "scalpel-accuracy", DENSE_KERNEL = "mcu-q15-dense";

    /** A pruning method: which kept model, in which format, on which kernel. */
    record Method(String id, String source, String modelSuffix, String kernel, String format, String what) {}

    static List<Method> methods() {
        return List.of(
                new Method("deepcompression", DC, "deepcompression", "mcu-q15-csr", "csr", "unstructured magnitude, retrained, CSR"),
                new Method("simd", SCALPEL, "simd-g", "mcu-q15-gcsr", "gcsr:2", "SIMD-aware groups (kept model's g), run as SMLAD pairs (gcsr:2)"),
                new Method("node", SCALPEL, "node", DENSE_KERNEL, "dense", "node pruning: the shrunk dense network"),
                new Method("combined", SCALPEL, "combined-g", "mcu-q15-gcsr", "gcsr:2",
                        "Scalpel's combination (networks with convolutions): node-pruned conv layers dense, SIMD-aware FC layers as SMLAD pairs"));
    }

    @Override public String id() { return "scalpel-mcu"; }

    @Override public String paper() { return "Yu et al., Scalpel (ISCA 2017): microcontroller (Cortex-M4 under QEMU, emulated)"; }

    @Override public String description() {
        return "LeNet-300-100 / LeNet-5 pruned by the accuracy experiments, q15 on an emulated Cortex-M4: executed instructions, estimated cycles, "
                + "flash; speedup and size reduction over the dense network";
    }

    @Override public List<String> needs() { return List.of(DC, SCALPEL); }

    @Override public void run(ExperimentContext ctx) throws Exception {
        KernelRegistry reg = ctx.kernels();
        var mcu = reg.entry("mcu-qemu");
        Table layers = layersTable("layers");
        Table nets = networksTable("networks", DoubleColumn.create("fp32_test_accuracy"), DoubleColumn.create("q15_test_accuracy"),
                StringColumn.create("provenance"));
        if (mcu.isEmpty() || !mcu.get().usable()) {
            ctx.skipped("every network", "backend mcu-qemu " + mcu.map(KernelRegistry.Entry::status).orElse("is not registered"));
            ctx.table("layers", layers);
            ctx.table("networks", nets);
            return;
        }
        var backend = mcu.get().backend();
        ctx.parameter("emulator", mcu.get().status());
        notes(ctx);
        var q15Entry = reg.entry(Q15Reference.BACKEND_ID).filter(KernelRegistry.Entry::usable);
        Dataset test = q15Entry.isEmpty() ? null : Mnist.loadOrFetch(ctx.log()).test().head(testImages(ctx.scale()));
        if (q15Entry.isEmpty()) ctx.skipped("q15 test accuracy", "backend " + Q15Reference.BACKEND_ID + " is not in this run's registry");
        Budget none = new Budget(0, 3, 0, 200, 1);
        Map<String, Map<String, Double>> speedups = new TreeMap<>(), reductions = new TreeMap<>();
        Map<String, List<ScalpelRule.Layer>> denseLayers = new LinkedHashMap<>();
        Map<String, Double> q15PerImage = new LinkedHashMap<>(); // net/method → q15 accuracy with per-image scales
        for (String net : List.of("lenet300", "lenet5")) {
            Path denseDir = ctx.input(DC).orElseThrow(() -> new IllegalStateException(DC + " did not run")).resolve(Experiment.KEPT_MODELS).resolve(net + "-dense");
            Network dense = ModelFiles.load(denseDir).network();
            if (test != null) {
                double denseQ15 = Q15Accuracy.of(dense, reg, "dense", test);
                ctx.metric(metric(name("q15_accuracy", net, null), round3(100 * denseQ15), "%"), q15Entry.get().backend());
                ctx.log().printf(Locale.ROOT, "  %s dense: q15 test accuracy %.2f %% (%d images)%n", net, 100 * denseQ15, test.size());
                q15PerImage.put(net + "/dense", denseQ15);
            }
            denseLayers.put(net, ScalpelRule.layers(dense));
            for (Method m : methods()) {
                if (m.id().equals("combined") && dense.layers().stream().noneMatch(l -> l instanceof Conv2d)) continue; // all FC: it is simd
                Optional<Path> dir = model(ctx, m, net);
                if (dir.isEmpty()) {
                    ctx.skipped(net + " " + m.id(), m.source() + " kept no " + net + "-" + m.modelSuffix() + "* model in this run");
                    continue;
                }
                ModelFiles.Loaded l = ModelFiles.load(dir.get());
                Network pruned = l.network();
                float[] x = KernelNetwork.randomInput(dense, 1, ctx.seed());
                ctx.log().printf("  %s %s (%s) on the emulated Cortex-M4 …%n", net, m.id(), dir.get().getFileName());
                NetworkLatency.Result r;
                // the combined network's convolutions are node-pruned: dense on the dense kernel
                try (KernelNetwork cand = KernelNetwork.plan(pruned, reg, layer -> m.id().equals("combined") && layer.startsWith("conv")
                        ? KernelNetwork.Choice.of(DENSE_KERNEL, "dense") : KernelNetwork.Choice.of(m.kernel(), m.format()), 1, 1, x);
                     KernelNetwork base = KernelNetwork.dense(dense, reg, DENSE_KERNEL, 1, 1, x)) {
                    r = NetworkLatency.measure(cand, base, none);
                }
                MatMul.Counts c = r.counts(), b = r.baselineCounts();
                double sp = speedup(c, b), red = sizeReduction(c, b);
                for (NetworkLatency.LayerLatency ll : r.layers()) {
                    appendLayer(layers, net, m.id(), ll.layer(), ll.kernel(), ll.format(), ll.counts(), ll.baselineCounts(), backend);
                    ctx.metric(metric(name("speedup", net, m.id(), "layer=" + ll.layer()),
                            (double) ll.baselineCounts().costValue() / ll.counts().costValue(), "x"), backend);
                }
                Object acc = l.meta().get("test_accuracy");
                double q15 = test == null ? Double.NaN : q15Accuracy(ctx, reg, q15Entry.get().backend(), test, net, m, pruned, acc);
                if (test != null) q15PerImage.put(net + "/" + m.id(), q15);
                appendNetwork(nets, net, m.id(), pruned.shape(), c, b);
                append(nets, NETWORK_COLUMNS, acc instanceof Number n ? 100 * n.doubleValue() : Double.NaN, round3(100 * q15), backend.provenance().label());
                ctx.metric(metric(name("instructions", net, m.id()), c.costValue(), "count"), backend);
                ctx.metric(metric(name("speedup", net, m.id()), sp, "x"), backend);
                ctx.metric(metric(name("size_reduction", net, m.id()), red, "fraction"), backend);
                speedups.computeIfAbsent(m.id(), k -> new LinkedHashMap<>()).put(net, sp);
                reductions.computeIfAbsent(m.id(), k -> new LinkedHashMap<>()).put(net, red);
                ctx.log().printf(Locale.ROOT, "    %s %s: %.2f× fewer instructions, flash %.1f %% smaller (emulated)%n", net, m.id(), sp, 100 * red);
            }
        }
        scalpelAndMeans(ctx, backend, denseLayers, speedups, reductions);
        q7AndFixedScales(ctx, reg, backend, test, q15Entry.map(KernelRegistry.Entry::backend).orElse(null), q15PerImage);
        ctx.table("layers", layers);
        ctx.table("networks", nets);
        ctx.plot(new PlotSpec("speedup-per-network", "Emulated Cortex-M4: speedup over the dense network (executed instructions)", "networks",
                "method", "speedup", "net", List.of(), "method", "speedup over dense (×, emulated)", false, PlotSpec.Style.BAR, 1.0));
    }

    /** A pruned network's q15 test accuracy with per-image scales, recorded with its difference to the kept model's fp32 accuracy {@code fp32}. */
    private static double q15Accuracy(ExperimentContext ctx, KernelRegistry reg, Backend q15Backend, Dataset test, String net, Method m, Network pruned,
                                      Object fp32) throws Exception {
        double q15 = Q15Accuracy.of(pruned, reg, layer -> m.id().equals("combined") && layer.startsWith("conv") ? "dense" : m.format(), test);
        ctx.metric(metric(name("q15_accuracy", net, m.id()), round3(100 * q15), "%"), q15Backend);
        if (fp32 instanceof Number fp)
            ctx.metric(metric(name("q15_accuracy_delta", net, m.id()), round3(100 * q15 - 100 * fp.doubleValue()), "points"), q15Backend);
        return q15;
    }

    /** What every MCU figure is: emulated counts of generated code, and the networks and images the accuracies are on. */
    private static void notes(ExperimentContext ctx) {
        ctx.note("All figures are emulated: generated q15 code run on QEMU's mps2-an386 (Cortex-M4) under -icount; instructions are exact "
                + "executed counts of one batch-1 forward pass per layer, cycles an estimate from the Cortex-M4 timing table (docs/mcu.md), "
                + "flash the layer's weights, indices and code. Conv layers run as generated direct/patch convolutions on the board "
                + "(dense: per-pixel patch buffer + SMLAD; csr: direct sparse convolution; gcsr:2: direct on a pair image of the input; no im2col), so their instructions include "
                + "all of the convolution's work; bias, ReLU and max-pooling run in Java between layers and are not counted.");
        ctx.note("The networks are the ones whose fp32 accuracy " + DC + " and " + SCALPEL + " measured in this run (their kept models). "
                + "q15 accuracy: the same networks on the first " + testImages(ctx.scale()) + " MNIST test images (the accuracy experiments' test "
                + "images at this scale), every product in the kernels' q15 arithmetic computed in Java (" + Q15Reference.ID + ", bit-exact with the "
                + "emulated kernels; scales chosen per image as the generated code does for its input; bias, ReLU and pooling in fp32).");
    }

    /**
     * Scalpel's rule for a microcontroller ({@link ScalpelRule}): SIMD-aware for the all-FC LeNet-300-100; for LeNet-5
     * the combined network scalpel-accuracy keeps (node-pruned conv, SIMD-aware FC), else node pruning (most of its
     * MACs). Adds the {@code scalpel} method's per-network speedups and size reductions, then records each method's
     * means across networks.
     */
    private static void scalpelAndMeans(ExperimentContext ctx, Backend backend, Map<String, List<ScalpelRule.Layer>> denseLayers,
                                        Map<String, Map<String, Double>> speedups, Map<String, Map<String, Double>> reductions) {
        Map<String, String> rule = new LinkedHashMap<>();
        for (var e : denseLayers.entrySet())
            rule.put(e.getKey(), ScalpelRule.method("mcu", e.getValue(),
                    speedups.getOrDefault("combined", Map.of()).containsKey(e.getKey())));
        boolean combined = rule.containsValue("combined");
        Map<String, Double> scalpelSp = new LinkedHashMap<>(), scalpelRed = new LinkedHashMap<>();
        for (String net : List.of("lenet300", "lenet5")) {
            Double sp = speedups.getOrDefault(rule.get(net), Map.of()).get(net);
            if (sp == null) continue;
            scalpelSp.put(net, sp);
            scalpelRed.put(net, reductions.get(rule.get(net)).get(net));
        }
        if (!scalpelSp.isEmpty()) {
            speedups.put("scalpel", scalpelSp);
            reductions.put("scalpel", scalpelRed);
            ctx.note("method scalpel = Scalpel's rule per network: " + scalpelSp.keySet().stream().map(n -> n + " " + rule.get(n)).toList()
                    + (combined ? "" : " (one structure per network: no combined LeNet-5 was kept)"));
        }
        for (var e : speedups.entrySet()) {
            double mean = e.getValue().values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            ctx.metric(metric(MetricName.format("mean_speedup", "method=" + e.getKey(), "platform=mcu"), mean, "x"), backend);
            double red = reductions.get(e.getKey()).values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            ctx.metric(metric(MetricName.format("size_reduction", "method=" + e.getKey(), "platform=mcu"), 100 * red, "%"), backend);
            ctx.parameter("mean_over_" + e.getKey(), e.getValue().keySet().toString());
        }
    }

    /** A per-layer table ({@code layers}, {@code layers_q7}): one row per network, method and layer against the dense layer. */
    private static Table layersTable(String name) {
        return Table.create(name, StringColumn.create("net"), StringColumn.create("method"), StringColumn.create("layer"),
                StringColumn.create("kernel"), StringColumn.create("format"), LongColumn.create("instructions"), LongColumn.create("dense_instructions"),
                DoubleColumn.create("speedup"), LongColumn.create("cycles_estimated"), LongColumn.create("flash_bytes"), LongColumn.create("dense_flash_bytes"),
                StringColumn.create("provenance"));
    }

    private static void appendLayer(Table t, String net, String method, String layer, String kernel, String format, MatMul.Counts c,
                                    MatMul.Counts dense, Backend board) {
        append(t, 0, net, method, layer, kernel, format, c.costValue(), dense.costValue(), speedup(c, dense), cycles(c), flash(c), flash(dense),
                board.provenance().label());
    }

    /** A per-network table ({@code networks}, {@code networks_q7}): the counts against the dense network's, then {@code more} columns. */
    private static Table networksTable(String name, Column<?>... more) {
        Table t = Table.create(name, StringColumn.create("net"), StringColumn.create("method"), StringColumn.create("shape"),
                LongColumn.create("instructions"), LongColumn.create("dense_instructions"), DoubleColumn.create("speedup"),
                LongColumn.create("cycles_estimated"), DoubleColumn.create("speedup_cycles_estimated"), LongColumn.create("flash_bytes"),
                LongColumn.create("dense_flash_bytes"), DoubleColumn.create("size_reduction"));
        return t.addColumns(more);
    }

    /** The columns every per-network table starts with (net … size_reduction); its {@code more} columns follow. */
    private static final int NETWORK_COLUMNS = 11;

    /** The counted columns of a network's row; the caller appends the table's {@code more} columns. */
    private static void appendNetwork(Table t, String net, String method, String shape, MatMul.Counts c, MatMul.Counts dense) {
        long cyc = cycles(c);
        append(t, 0, net, method, shape, c.costValue(), dense.costValue(), speedup(c, dense), cyc, cyc == 0 ? Double.NaN : (double) cycles(dense) / cyc,
                flash(c), flash(dense), sizeReduction(c, dense));
    }

    /**
     * Appends {@code values} to the columns of {@code t} from index {@code from} on, one each, in column order: a
     * String to a string column, a number to a long or double column (as its type).
     */
    private static void append(Table t, int from, Object... values) {
        if (from + values.length > t.columnCount())
            throw new IllegalArgumentException(t.name() + ": " + values.length + " values from column " + from + " of " + t.columnCount());
        for (int i = 0; i < values.length; i++) {
            Column<?> col = t.column(from + i);
            Object v = values[i];
            switch (col) {
                case StringColumn sc -> sc.append((String) v);
                case LongColumn lc -> lc.append(((Number) v).longValue());
                case DoubleColumn dc -> dc.append(((Number) v).doubleValue());
                default -> throw new IllegalArgumentException(t.name() + ": column " + col.name() + " of type " + col.type() + " is not appended here");
            }
        }
    }

    /** Dense executed instructions over the pruned ones. */
    private static double speedup(MatMul.Counts c, MatMul.Counts dense) { return (double) dense.costValue() / c.costValue(); }

    /** 1 − flash / dense flash; NaN when the dense network's flash is not counted. */
    private static double sizeReduction(MatMul.Counts c, MatMul.Counts dense) {
        long d = flash(dense);
        return d == 0 ? Double.NaN : 1 - (double) flash(c) / d;
    }

    private static long flash(MatMul.Counts c) { return c.values().getOrDefault("flash_bytes", 0L); }

    private static long cycles(MatMul.Counts c) { return c.values().getOrDefault("cycles_estimated", 0L); }

    private static MatMul.Counts counts(KernelNetwork.KernelLayer l) { return ((MatMul.Counted) l.prepared()).counts(); }

    // ------------------------------------------------------------------------------------ q7 and calibrated fixed scales

    static final String Q7_DENSE_KERNEL = "mcu-q7-dense";

    /** Training images that calibrate the fixed scales at a scale: the first 200 (quick) or 1 000 training images. */
    /** Test images of the accuracy table at quick scale. */
    static final int ACCURACY_TABLE_QUICK = 500;

    static int calibrationImages(Scale s) { return s == Scale.QUICK ? 200 : 1000; }

    /** The q7 sibling of a q15 kernel id ({@code mcu-q15-csr} → {@code mcu-q7-csr}). */
    static String q7Kernel(String q15Kernel) { return q15Kernel.replace("mcu-q15-", "mcu-q7-"); }

    /** Format of a method's layer: the combined network's convolutions are node-pruned, dense. */
    private static String formatOf(Method m, String layer) { return m.id().equals("combined") && layer.startsWith("conv") ? "dense" : m.format(); }

    private interface Accuracy { double get() throws Exception; }

    /**
     * A fixed-scale accuracy, or NaN with the reason recorded as skipped when a layer cannot hold its calibrated scales
     * (its kernel gave an all-zero first output, so the network re-prepares it for every image).
     */
    private static double fixedOrSkip(ExperimentContext ctx, String what, Accuracy a) throws Exception {
        try {
            return a.get();
        } catch (IllegalStateException e) {
            ctx.skipped(what, e.getMessage());
            return Double.NaN;
        }
    }

    /** Every fixed-point layer of the plan bit-exact against its integer reference, or a refusal naming the layer. */
    private static void requireBitExact(KernelNetwork plan) {
        for (KernelNetwork.KernelLayer kl : plan.layers())
            if (kl.prepared() instanceof MatMul.FixedPoint fp) {
                Verification v = Verification.bitExact(fp.rawResult(), fp.integerReference());
                if (!v.passed()) throw new IllegalStateException("network " + plan.network().id() + " layer " + kl.name() + " on " + kl.kernel().id() + ": " + v.rule());
            }
    }

    /**
     * q7 beside q15: the same networks on the q7 kernels (emulated; speedup and size over the q7 dense network, and
     * instructions and flash against the same network at q15), tables {@code networks_q7} and {@code layers_q7}; and
     * the test accuracy at q15 and q7 with per-image and with calibrated fixed scales (modelled, on the Java
     * reference), table {@code accuracy}.
     */
    private void q7AndFixedScales(ExperimentContext ctx, KernelRegistry reg, Backend board, Dataset test,
                                  Backend reference, Map<String, Double> q15PerImage) throws Exception {
        Table q7 = q7NetworksTable(), q7Layers = layersTable("layers_q7"), acc = accuracyTable();
        boolean onBoard = reg.kernel(Q7_DENSE_KERNEL).isPresent();
        if (!onBoard) ctx.skipped("q7 networks", "kernel " + Q7_DENSE_KERNEL + ": " + reg.whyMissing(Q7_DENSE_KERNEL));
        boolean q7Ref = reference != null && reg.kernel(Q15Reference.Q7_ID).isPresent();
        if (test != null && !q7Ref) ctx.skipped("q7 test accuracy", "kernel " + Q15Reference.Q7_ID + ": " + reg.whyMissing(Q15Reference.Q7_ID));
        Dataset calib = test == null ? null : Mnist.loadOrFetch(ctx.log()).train().head(calibrationImages(ctx.scale()));
        // the accuracy table's images: at quick scale the first ACCURACY_TABLE_QUICK of the test images (its three extra
        // passes over every network are most of the experiment's time), every column on the same images
        Dataset accTest = test == null || ctx.scale() != Scale.QUICK ? test : test.head(ACCURACY_TABLE_QUICK);
        boolean subset = test != null && accTest.size() != test.size();
        if (subset) ctx.note("Table accuracy at quick scale: every column (fp32, q15, q15 fixed, q7, q7 fixed) on the first " + accTest.size()
                + " of the " + test.size() + " test images (networks.csv's q15 accuracy is on all " + test.size() + "); standard scale uses all of them.");
        if (calib != null) {
            ctx.parameter("calibration_images", calib.size());
            ctx.note("Fixed scales (q15_fixed / q7_fixed accuracy): each layer's X exponent and output shift calibrated once on the first " + calib.size()
                    + " MNIST training images — the largest |input| and the largest |output| over them (maximum, not a percentile), run with per-image "
                    + "scales — then held for every test image, as a deployed model runs; a test image beyond the calibrated range saturates (ssat). "
                    + "Per-image scales (q15 / q7 accuracy) are chosen for each image, as the generated code is for its input.");
        }
        if (onBoard)
            ctx.note("q7 (networks_q7, layers_q7; emulated): the same networks on mcu-q7-dense / mcu-q7-csr / mcu-q7-gcsr — 8-bit weights, activations and "
                    + "outputs, SXTB16 + SMLAD; speedup and size reduction over the q7 dense network; instructions_vs_q15 and flash_vs_q15 against the "
                    + "same network at q15.");
        AccuracyRun run = new AccuracyRun(reference, q7Ref, accTest, subset, calib, q15PerImage);
        for (String net : List.of("lenet300", "lenet5")) {
            Path denseDir = ctx.input(DC).orElseThrow(() -> new IllegalStateException(DC + " did not run")).resolve(Experiment.KEPT_MODELS).resolve(net + "-dense");
            ModelFiles.Loaded denseModel = ModelFiles.load(denseDir);
            Network dense = denseModel.network();
            float[] x = KernelNetwork.randomInput(dense, 1, ctx.seed());
            List<Method> ms = new ArrayList<>();
            ms.add(null); // the dense network
            for (Method m : methods()) {
                if (m.id().equals("combined") && dense.layers().stream().noneMatch(l -> l instanceof Conv2d)) continue;
                ms.add(m);
            }
            try (KernelNetwork d7 = onBoard ? KernelNetwork.dense(dense, reg, Q7_DENSE_KERNEL, 1, 1, x) : null) {
                if (d7 != null) requireBitExact(d7);
                MatMul.Counts b = d7 == null ? null : d7.counts().orElseThrow();
                for (Method m : ms) {
                    Network model;
                    Object fp32;
                    if (m == null) {
                        model = dense;
                        fp32 = denseModel.meta().get("test_accuracy");
                    } else {
                        Optional<Path> dir = model(ctx, m, net);
                        if (dir.isEmpty()) continue; // skipped above with the reason
                        ModelFiles.Loaded l = ModelFiles.load(dir.get());
                        model = l.network();
                        fp32 = l.meta().get("test_accuracy");
                    }
                    if (d7 != null) q7Network(ctx, reg, board, q7, q7Layers, net, m, model, d7, b, x);
                    if (test != null && reference != null) accuracyRow(ctx, reg, acc, run, net, m, model, fp32);
                }
            }
        }
        ctx.table("networks_q7", q7);
        ctx.table("layers_q7", q7Layers);
        ctx.table("accuracy", acc);
    }

    /**
     * One network ({@code m} null: the dense one) on the q7 kernels against the q7 dense network {@code d7} (counts
     * {@code b}) and against itself at q15: a row of networks_q7, a row per layer of layers_q7, the q7 metrics.
     */
    private static void q7Network(ExperimentContext ctx, KernelRegistry reg, Backend board, Table q7, Table q7Layers, String net, Method m,
                                  Network model, KernelNetwork d7, MatMul.Counts b, float[] x) {
        String id = m == null ? "dense" : m.id();
        Function<String, String> format = layer -> m == null ? "dense" : formatOf(m, layer);
        try (KernelNetwork c7 = m == null ? null : KernelNetwork.plan(model, reg, layer -> KernelNetwork.Choice.of(
                        formatOf(m, layer).equals("dense") ? Q7_DENSE_KERNEL : q7Kernel(m.kernel()), formatOf(m, layer)), 1, 1, x);
             KernelNetwork c15 = KernelNetwork.plan(model, reg, layer -> KernelNetwork.Choice.of(
                     m == null || formatOf(m, layer).equals("dense") ? DENSE_KERNEL : m.kernel(), format.apply(layer)), 1, 1, x)) {
            KernelNetwork cand = c7 == null ? d7 : c7;
            requireBitExact(cand);
            MatMul.Counts c = cand.counts().orElseThrow(), q = c15.counts().orElseThrow();
            long ins = c.costValue(), flash = flash(c), qflash = flash(q);
            double sp = speedup(c, b), red = sizeReduction(c, b);
            for (int i = 0; i < cand.layers().size(); i++) {
                KernelNetwork.KernelLayer kl = cand.layers().get(i);
                appendLayer(q7Layers, net, id, kl.name(), kl.kernel().id(), kl.format().toString(), counts(kl), counts(d7.layers().get(i)), board);
            }
            appendNetwork(q7, net, id, model.shape(), c, b);
            append(q7, NETWORK_COLUMNS, q.costValue(), qflash, (double) ins / q.costValue(), qflash == 0 ? Double.NaN : (double) flash / qflash,
                    board.provenance().label());
            ctx.metric(metric(name("q7_instructions", net, id), ins, "count"), board);
            ctx.metric(metric(name("q7_flash_bytes", net, id), flash, "bytes"), board);
            ctx.metric(metric(name("q7_instructions_vs_q15", net, id), (double) ins / q.costValue(), "x"), board);
            ctx.metric(metric(name("q7_flash_vs_q15", net, id), qflash == 0 ? Double.NaN : (double) flash / qflash, "x"), board);
            if (m != null) {
                ctx.metric(metric(name("q7_speedup", net, id), sp, "x"), board);
                ctx.metric(metric(name("q7_size_reduction", net, id), red, "fraction"), board);
            }
            ctx.log().printf(Locale.ROOT, "    %s %s q7: %d instructions (%.2f× fewer than q7 dense, %.2f of q15), flash %d B (%.2f of q15) (emulated)%n",
                    net, id, ins, sp, (double) ins / q.costValue(), flash, qflash == 0 ? Double.NaN : (double) flash / qflash);
        }
    }

    /** What the accuracy table is measured with: its test images (a subset at quick scale), the calibration images, the references. */
    private record AccuracyRun(Backend reference, boolean q7Ref, Dataset accTest, boolean subset, Dataset calib, Map<String, Double> q15PerImage) {}

    /**
     * The test accuracy of one network ({@code m} null: the dense one) at fp32 ({@code fp32}: the kept model's), q15
     * and q7, per-image and fixed scales, on the Java reference (modelled): a row of the accuracy table and its metrics.
     */
    private static void accuracyRow(ExperimentContext ctx, KernelRegistry reg, Table acc, AccuracyRun a, String net, Method m, Network model,
                                    Object fp32) throws Exception {
        String id = m == null ? "dense" : m.id();
        Function<String, String> format = layer -> m == null ? "dense" : formatOf(m, layer);
        Backend reference = a.reference();
        boolean q7Ref = a.q7Ref(), subset = a.subset();
        Dataset accTest = a.accTest(), calib = a.calib();
        double q15 = subset ? Q15Accuracy.of(model, reg, Q15Reference.ID, format, accTest) : a.q15PerImage().getOrDefault(net + "/" + id, Double.NaN);
        double q15f = fixedOrSkip(ctx, net + " " + id + " q15 fixed scales", () -> Q15Accuracy.fixed(model, reg, Q15Reference.ID, format, calib, accTest));
        double q7a = q7Ref ? Q15Accuracy.of(model, reg, Q15Reference.Q7_ID, format, accTest) : Double.NaN;
        double q7f = q7Ref ? fixedOrSkip(ctx, net + " " + id + " q7 fixed scales",
                () -> Q15Accuracy.fixed(model, reg, Q15Reference.Q7_ID, format, calib, accTest)) : Double.NaN;
        double fp = subset ? 100 * model.evaluate(accTest, 250).accuracy()
                : fp32 instanceof Number n ? 100 * n.doubleValue() : Double.NaN;
        append(acc, 0, net, id, round3(fp), round3(100 * q15), round3(100 * q15f), round3(100 * q7a), round3(100 * q7f), accTest.size(), calib.size(),
                reference.provenance().label());
        String method = m == null ? null : id;
        if (!Double.isNaN(q15f)) ctx.metric(metric(name("q15_fixed_accuracy", net, method), round3(100 * q15f), "%"), reference);
        if (q7Ref) {
            ctx.metric(metric(name("q7_accuracy", net, method), round3(100 * q7a), "%"), reference);
            if (!Double.isNaN(q7f)) ctx.metric(metric(name("q7_fixed_accuracy", net, method), round3(100 * q7f), "%"), reference);
        }
        if (m != null && !Double.isNaN(fp)) {
            if (!Double.isNaN(q15f)) ctx.metric(metric(name("q15_fixed_accuracy_delta", net, method), round3(100 * q15f - fp), "points"), reference);
            if (q7Ref) ctx.metric(metric(name("q7_accuracy_delta", net, method), round3(100 * q7a - fp), "points"), reference);
        }
        ctx.log().printf(Locale.ROOT, "  %s %s: test accuracy fp32 %.2f, q15 %.2f, q15 fixed %.2f, q7 %.2f, q7 fixed %.2f %% (modelled)%n",
                net, id, fp, 100 * q15, 100 * q15f, 100 * q7a, 100 * q7f);
    }

    private static Table q7NetworksTable() {
        return networksTable("networks_q7", LongColumn.create("q15_instructions"), LongColumn.create("q15_flash_bytes"),
                DoubleColumn.create("instructions_vs_q15"), DoubleColumn.create("flash_vs_q15"), StringColumn.create("provenance"));
    }

    private static Table accuracyTable() {
        return Table.create("accuracy", StringColumn.create("net"), StringColumn.create("method"), DoubleColumn.create("fp32_test_accuracy"),
                DoubleColumn.create("q15_test_accuracy"), DoubleColumn.create("q15_fixed_test_accuracy"), DoubleColumn.create("q7_test_accuracy"),
                DoubleColumn.create("q7_fixed_test_accuracy"), LongColumn.create("test_images"), LongColumn.create("calibration_images"),
                StringColumn.create("provenance"));
    }

    /** The test images the accuracy experiments evaluate at a scale (their kept models' test accuracy is on these). */
    static int testImages(Scale s) { return s == Scale.QUICK ? 2000 : 10000; }

    static double round3(double v) { return Math.round(v * 1000.0) / 1000.0; }

    /**
     * Exact on the emulator; recorded exact only when the networks themselves are reproducible run to run (their masks
     * and weights come from training), else as info.
     */
    /** {@code base[net=…,method=…,…,platform=mcu]}, or {@code …,dense,…} in place of the method for the dense network (null). */
    private static String name(String base, String net, String method, String... more) {
        List<String> ps = new ArrayList<>(List.of("net=" + net, method == null ? "dense" : "method=" + method));
        ps.addAll(List.of(more));
        ps.add("platform=mcu");
        return MetricName.format(base, ps.toArray(String[]::new));
    }

    private static Metric metric(String name, double v, String unit) {
        return Reproducibility.bitwiseReproducible() ? Metric.exact(name, v, unit) : Metric.info(name, v, unit);
    }

    /** The kept model of a method: the exact name, or for SIMD-aware the smallest g kept. */
    private static Optional<Path> model(ExperimentContext ctx, Method m, String net) throws IOException {
        Optional<Path> in = ctx.input(m.source());
        if (in.isEmpty()) return Optional.empty();
        Path models = in.get().resolve(Experiment.KEPT_MODELS);
        if (!Files.isDirectory(models)) return Optional.empty();
        String prefix = net + "-" + m.modelSuffix();
        List<Path> found = new ArrayList<>();
        try (var s = Files.list(models)) {
            s.filter(p -> m.modelSuffix().endsWith("-g") ? p.getFileName().toString().startsWith(prefix) : p.getFileName().toString().equals(prefix))
                    .forEach(found::add);
        }
        found.sort((a, b) -> Integer.compare(gOf(a), gOf(b)));
        return found.stream().findFirst();
    }

    private static int gOf(Path p) {
        String s = p.getFileName().toString();
        int i = s.lastIndexOf("-g");
        try {
            return i < 0 ? 0 : Integer.parseInt(s.substring(i + 2));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}
