package dev.prunebench.models.infer;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Comparison;
import dev.prunebench.measure.Interleaved;
import dev.prunebench.measure.Stats;
import dev.prunebench.measure.Verification;
import dev.prunebench.models.infer.KernelNetwork.Choice;
import dev.prunebench.models.infer.KernelNetwork.KernelLayer;
import dev.prunebench.models.nn.Network;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * End-to-end latency of a (pruned) network plan against a dense plan, and of each of its layers against that layer's
 * dense kernel, measured in one run with {@link Interleaved}: the two plans' forward passes ({@link KernelNetwork} is a
 * {@link MatMul.Prepared} whose {@code run()} is one forward pass) alternate A B A B …, then each layer's prepared
 * kernel alternates with the dense plan's prepared kernel of the layer of the same name.
 *
 * <p>Both plans are verified against {@link Network#forward} first ({@link KernelNetwork#verify()}); a plan that fails
 * is not timed ({@link IllegalStateException}).
 *
 * <p>When every layer of both plans is {@link MatMul.Counted} (an emulator or a hardware model), nothing is timed:
 * the result holds the summed counts of one forward pass of each and the exact ratio of their costs.
 */
public final class NetworkLatency {
    private NetworkLatency() {}

    /**
     * One layer: the candidate plan's kernel against the baseline plan's kernel of the layer with the same name.
     * Timed: {@code time}, {@code baselineTime} (ns per run, median and 95 % bootstrap interval) and {@code speedup}
     * (per-round baseline / candidate); counted: {@code counts}, {@code baselineCounts} and the exact ratio of costs
     * as a {@code speedup} interval of zero width (level 1). Fields of the other mode are null.
     */
    public record LayerLatency(String layer, String kernel, String format, int rows, int cols, int n,
                               String baselineKernel, String baselineFormat, int baselineRows, int baselineCols,
                               Stats.Interval time, Stats.Interval baselineTime, Stats.Interval speedup,
                               MatMul.Counts counts, MatMul.Counts baselineCounts) {
        public boolean counted() { return counts != null; }
    }

    /**
     * A whole network: candidate against baseline, end to end, and per layer. {@code candidate} and {@code baseline}
     * describe the plans ({@link KernelNetwork#describe()}); time fields in ns per forward pass.
     */
    public record Result(String network, int batch, int threads, String candidate, String baseline, boolean counted,
                         Stats.Interval time, Stats.Interval baselineTime, Stats.Interval speedup,
                         MatMul.Counts counts, MatMul.Counts baselineCounts,
                         List<LayerLatency> layers, Verification candidateCheck, Verification baselineCheck) {
        public Result {
            layers = List.copyOf(layers);
        }

        /** The layer of that name, if both plans have it. */
        public Optional<LayerLatency> layer(String name) { return layers.stream().filter(l -> l.layer().equals(name)).findFirst(); }
    }

    /**
     * Builds the candidate plan ({@code choose} per layer) and a dense plan of the same network on
     * {@code denseKernelId} (the same backend's dense kernel, or the fastest dense kernel of the platform), bound to the
     * same seeded input, measures them and closes both.
     */
    public static Result measure(Network net, KernelRegistry reg, Function<String, Choice> choose, String denseKernelId,
                                 int batch, int threads, Budget budget) {
        float[] x = KernelNetwork.randomInput(net, batch, KernelNetwork.DEFAULT_INPUT_SEED);
        try (KernelNetwork cand = KernelNetwork.plan(net, reg, choose, batch, threads, x);
             KernelNetwork base = KernelNetwork.dense(net, reg, denseKernelId, batch, threads, x)) {
            return measure(cand, base, budget);
        }
    }

    /**
     * Candidate against baseline, which must have the same batch size; the baseline may be a different network of the
     * same family (an unpruned original against a node-shrunk candidate): layers are paired by name.
     */
    public static Result measure(KernelNetwork candidate, KernelNetwork baseline, Budget budget) {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(budget, "budget");
        if (candidate.batch() != baseline.batch())
            throw new IllegalArgumentException("network latency: candidate batch " + candidate.batch() + " but baseline batch " + baseline.batch());
        Verification vc = candidate.verify(), vb = baseline.verify();
        if (!vc.passed()) throw new IllegalStateException("network latency: candidate " + candidate.describe() + " fails verification: " + vc);
        if (!vb.passed()) throw new IllegalStateException("network latency: baseline " + baseline.describe() + " fails verification: " + vb);

        Optional<MatMul.Counts> cc = candidate.counts(), cb = baseline.counts();
        if (cc.isPresent() != cb.isPresent())
            throw new IllegalArgumentException("network latency: " + (cc.isPresent() ? "the candidate" : "the baseline")
                    + " is counted (every layer a MatMul.Counted) but the other is timed; counts and times do not compare");
        boolean counted = cc.isPresent();

        Map<String, KernelLayer> baseByName = new LinkedHashMap<>();
        for (KernelLayer l : baseline.layers()) baseByName.put(l.name(), l);
        List<LayerLatency> layers = new ArrayList<>();
        for (KernelLayer l : candidate.layers()) {
            KernelLayer b = baseByName.get(l.name());
            if (b == null) continue;
            if (counted) {
                MatMul.Counts lc = ((MatMul.Counted) l.prepared()).counts(), lb = ((MatMul.Counted) b.prepared()).counts();
                layers.add(layer(l, b, null, null, ratio(lb, lc), lc, lb));
            } else {
                Comparison c = new Interleaved().run(l.prepared(), b.prepared(), budget);
                layers.add(layer(l, b, c.candidate(), c.baseline(), c.speedup(), null, null));
            }
        }
        String net = candidate.network().id();
        if (counted)
            return new Result(net, candidate.batch(), candidate.threads(), candidate.describe(), baseline.describe(), true,
                    null, null, ratio(cb.get(), cc.get()), cc.get(), cb.get(), layers, vc, vb);
        Comparison c = new Interleaved().run(candidate, baseline, budget);
        return new Result(net, candidate.batch(), candidate.threads(), candidate.describe(), baseline.describe(), false,
                c.candidate(), c.baseline(), c.speedup(), null, null, layers, vc, vb);
    }

    /**
     * The fastest dense kernel of a platform for this network at this batch: a dense plan on each of the platform's
     * {@link KernelRegistry#denseBaselines dense baselines} that takes every layer (a GEMV-only kernel does not take a
     * convolution's N = batch·oh·ow), timed as one interleaved group; its kernel id.
     *
     * @throws IllegalArgumentException when no dense kernel of the platform takes every layer
     */
    public static String fastestDense(Network net, KernelRegistry reg, String platform, int batch, int threads, Budget budget) {
        float[] x = KernelNetwork.randomInput(net, batch, KernelNetwork.DEFAULT_INPUT_SEED);
        List<KernelNetwork> plans = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        try {
            for (MatMul k : reg.denseBaselines(platform, batch)) {
                try {
                    plans.add(KernelNetwork.dense(net, reg, k.id(), batch, threads, x));
                } catch (IllegalArgumentException e) {
                    refused.add(e.getMessage());
                }
            }
            if (plans.isEmpty())
                throw new IllegalArgumentException("network " + net.id() + ": no dense kernel of platform " + platform + " takes every layer at batch "
                        + batch + (refused.isEmpty() ? "" : " (" + String.join("; ", refused) + ")"));
            if (plans.size() == 1) return plans.get(0).layers().get(0).kernel().id();
            for (KernelNetwork p : plans)
                if (!p.verify().passed()) throw new IllegalStateException("network latency: dense plan " + p.describe() + " fails verification: " + p.verify());
            var g = new Interleaved().group(plans, budget);
            int[] all = new int[plans.size()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return plans.get(g.fastest(all)).layers().get(0).kernel().id();
        } finally {
            for (KernelNetwork p : plans) p.close();
        }
    }

    private static LayerLatency layer(KernelLayer l, KernelLayer b, Stats.Interval t, Stats.Interval tb, Stats.Interval s,
                                      MatMul.Counts c, MatMul.Counts cb) {
        return new LayerLatency(l.name(), l.kernel().id(), l.format().toString(), l.rows(), l.cols(), l.n(),
                b.kernel().id(), b.format().toString(), b.rows(), b.cols(), t, tb, s, c, cb);
    }

    /** Baseline cost over candidate cost, exact: an interval of zero width at level 1. */
    private static Stats.Interval ratio(MatMul.Counts baseline, MatMul.Counts candidate) {
        if (!baseline.cost().equals(candidate.cost()))
            throw new IllegalArgumentException("network latency: baseline cost is " + baseline.cost() + ", candidate cost is " + candidate.cost());
        double r = candidate.costValue() == 0 ? Double.POSITIVE_INFINITY : (double) baseline.costValue() / candidate.costValue();
        return new Stats.Interval(r, r, r, 1.0);
    }
}
