package dev.prunebench.experiments.scalpel;

import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.experiments.scalpel.ScalpelInputs.Kept;
import dev.prunebench.experiments.scalpel.ScalpelRows.LayerRow;
import dev.prunebench.experiments.scalpel.ScalpelRows.Row;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Interleaved;
import dev.prunebench.measure.Stats;
import dev.prunebench.models.infer.KernelNetwork;
import dev.prunebench.models.infer.NetworkLatency;
import dev.prunebench.models.nn.Network;
import dev.prunebench.results.ExperimentContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scalpel on the CPU and the GPU: per network and batch, the fastest dense kernel of the platform as the baseline, then
 * each kept network on the fastest of its format's kernels, timed (or counted) against that baseline through
 * {@link KernelNetwork} and {@link NetworkLatency}, per network and per layer.
 */
final class PlatformRuns {
    private final ExperimentContext ctx;
    private final Budget budget;
    private final int lanes;
    private final List<Row> rows;
    private final List<LayerRow> layers;
    private final Map<String, Integer> groups = new LinkedHashMap<>();

    /** Runs that time with {@code budget}, pick SIMD-aware networks for {@code lanes} fp32 lanes, and add to {@code rows} and {@code layers}. */
    PlatformRuns(ExperimentContext ctx, Budget budget, int lanes, List<Row> rows, List<LayerRow> layers) {
        this.ctx = ctx;
        this.budget = budget;
        this.lanes = lanes;
        this.rows = rows;
        this.layers = layers;
    }

    /** The g of the SIMD-aware network run per platform and network ({@code "cpu lenet300" → 8}). */
    Map<String, Integer> simdGroups() { return groups; }

    /** The preferred float species' lanes as cpu-vector reports them ("Float512 species, 16 lanes"); 8 when it does not say. */
    static int cpuLanes(KernelRegistry reg) {
        return reg.entry("cpu-vector").map(e -> {
            Matcher m = Pattern.compile("(\\d+) lanes").matcher(e.status());
            return m.find() ? Integer.parseInt(m.group(1)) : 8;
        }).orElse(8);
    }

    /** The usable CPU backends that are neither reference-only nor run on request only. */
    static List<Backend> cpuBackends(KernelRegistry reg) {
        List<Backend> out = new ArrayList<>();
        for (KernelRegistry.Entry e : reg.entries())
            if (e.usable() && e.backend().platform().equals("cpu") && !e.backend().referenceOnly() && !e.backend().onRequest())
                out.add(e.backend());
        return out;
    }

    /**
     * The GPU backend: {@code cuda} when usable (measured on the device), else the warp memory-access model
     * {@code cuda-model} (counted, labelled modelled), else none (the platform skipped); the choice is noted.
     */
    static List<Backend> gpuBackends(ExperimentContext ctx) {
        KernelRegistry reg = ctx.kernels();
        Optional<KernelRegistry.Entry> cuda = reg.entry("cuda"), model = reg.entry("cuda-model");
        if (cuda.isPresent() && cuda.get().usable()) {
            ctx.note("GPU: measured on the device (" + cuda.get().status() + ").");
            return List.of(cuda.get().backend());
        }
        if (model.isPresent() && model.get().usable()) {
            ctx.note("GPU: no GPU here (cuda " + cuda.map(KernelRegistry.Entry::status).orElse("is not registered") + "), so the GPU column is the warp "
                    + "memory-access model (" + model.get().status() + "): counted, not timed, every GPU figure labelled modelled.");
            return List.of(model.get().backend());
        }
        ctx.skipped("platform gpu", "neither cuda nor cuda-model is usable: " + reg.unusable());
        return List.of();
    }

    private static List<String> kernelIds(KernelRegistry reg, List<Backend> backends, Predicate<MatMul> takes) {
        List<String> ids = new ArrayList<>();
        for (MatMul k : reg.kernels()) if (backends.contains(reg.backendOf(k)) && takes.test(k)) ids.add(k.id());
        return ids;
    }

    /** The methods measured on a platform: deepcompression, simd (its width's g), node; on the CPU also the other of g = 8, 16 when kept. */
    private List<Kept> candidates(String platform, Map<String, Kept> k) {
        List<Kept> out = new ArrayList<>();
        if (k.containsKey("deepcompression")) out.add(k.get("deepcompression"));
        List<Integer> kept = ScalpelInputs.simdGroups(k);
        int g = ScalpelRule.groupFor(ScalpelRule.simdWidth(platform, lanes), kept);
        if (g > 0) {
            Kept s = k.get("simd-g" + g);
            out.add(new Kept("simd", g, s.network(), s.accuracy(), s.dir()));
            groups.put(platform + " " + k.get("dense").network().id(), g);
            if (platform.equals("cpu"))
                for (int other : List.of(8, 16))
                    if (other != g && kept.contains(other)) out.add(k.get("simd-g" + other));
        }
        if (k.containsKey("node")) out.add(k.get("node"));
        // the combined network (node-pruned convolutions, SIMD-aware FC layers) is Scalpel's own on the CPU; the GPU's rule is node pruning throughout
        int cg = ScalpelRule.groupFor(ScalpelRule.simdWidth(platform, lanes), ScalpelInputs.groups(k, "combined-g"));
        if (platform.equals("cpu") && cg > 0) {
            Kept c = k.get("combined-g" + cg);
            out.add(new Kept("combined", cg, c.network(), c.accuracy(), c.dir()));
        }
        return out;
    }

    /** One network {@code net} (its kept networks {@code k}) at one batch on the platform's {@code backends}: a row per method, a layer row per layer. */
    void run(String platform, List<Backend> backends, int batch, String net, Map<String, Kept> k) {
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
        for (Kept c : candidates(platform, k)) {
            Network pruned = c.network();
            boolean combined = c.method().equals("combined");
            String fmt = c.g() > 0 ? "gcsr:" + c.g() : c.method().equals("deepcompression") ? "csr" : "dense";
            FormatSpec spec = FormatSpec.parse(fmt);
            // the combined network's convolutions are node-pruned: dense, on the baseline's kernel; its FC layers grouped
            BiFunction<String, String, KernelNetwork.Choice> choice = (layer, id) -> combined && layer.startsWith("conv")
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
                    denseSize, ScalpelRule.macs(pruned), ScalpelRule.macs(dense), c.accuracy(), prov));
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
    private static String fastest(ExperimentContext ctx, List<String> ids, Function<String, KernelNetwork> plan, Budget budget, String what) {
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
}
