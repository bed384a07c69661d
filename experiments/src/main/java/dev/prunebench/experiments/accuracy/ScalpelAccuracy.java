package dev.prunebench.experiments.accuracy;

import static dev.prunebench.experiments.accuracy.AccuracySupport.pct;
import static dev.prunebench.experiments.accuracy.AccuracySupport.round3;

import dev.prunebench.core.prune.Score;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.data.Mnist;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Param;
import dev.prunebench.models.prune.NodePruning;
import dev.prunebench.models.train.TrainConfig;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricName;
import dev.prunebench.results.PlotSpec;
import dev.prunebench.results.Scale;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scalpel (Yu et al., ISCA 2017): SIMD-aware weight pruning (groups of g = SIMD width adjacent weights in a row, kept
 * or removed whole) and node pruning (whole neurons / channels removed, the network rebuilt smaller) on LeNet-300-100
 * and LeNet-5; pruned fraction, accuracy, and the node-pruned shapes.
 *
 * <p>Decision rules (Scalpel searches by accuracy; these are this project's documented versions):
 * <ul>
 *   <li>SIMD-aware: increase the rate along a grid, pruning groups by RMS with one global threshold and retraining
 *       after each step; keep the last rate whose validation accuracy stays within {@value #SIMD_TOLERANCE} points
 *       of the dense model's.</li>
 *   <li>Node pruning: for each prunable layer on its own, the smallest number of units (highest L2 norm of incoming
 *       weights kept) for which validation accuracy without retraining stays within {@value #NODE_TOLERANCE} points
 *       of dense, found by bisection; then all layers shrunk together and retrained.</li>
 * </ul>
 */
public final class ScalpelAccuracy implements Experiment {
    static final double SIMD_TOLERANCE = 0.5;
    static final double NODE_TOLERANCE = 1.0;

    @Override public String id() { return "scalpel-accuracy"; }
    @Override public String paper() { return "Yu et al., Scalpel (ISCA 2017)"; }
    @Override public String description() { return "LeNet-300-100 / LeNet-5: SIMD-aware group pruning (g = 2, 4, 8, 16), node pruning, and both in one LeNet-5; pruned fraction, accuracy, shapes"; }

    /**
     * Group sizes: 2 is the Cortex-M4's q15 SIMD width (SMLAD), 8 and 16 the fp32 lanes of AVX2 and AVX-512 (the
     * {@code scalpel} experiment runs each platform's width); quick keeps 8 only.
     */
    static List<Integer> groupSizes(Scale s) { return s == Scale.QUICK ? List.of(8) : List.of(2, 4, 8, 16); }

    /**
     * The rate grid of the SIMD-aware search. It starts at 50 %: jumping from dense straight to 80 % cost LeNet-5
     * 0.6 points of validation accuracy that one short retraining did not win back, while the gradual path does.
     */
    static List<Double> grid(Scale s) { return s == Scale.QUICK ? List.of(0.5, 0.8) : List.of(0.5, 0.8, 0.9, 0.95, 0.97); }

    /** Retraining after each step of the search: the budget's per-step retraining (LeNet-5 on its retraining subset). */
    static TrainConfig searchRetrain(String net, AccuracySupport.Budget b, long seed) {
        return AccuracySupport.retrainConfig(net, b, seed);
    }

    @Override public void run(ExperimentContext ctx) throws Exception {
        AccuracySupport.Budget b = AccuracySupport.Budget.of(ctx.scale());
        AccuracySupport.recordEnvironment(ctx);
        Mnist.Split split = AccuracySupport.split(AccuracySupport.mnist(ctx), b, AccuracySupport.LENET_VALIDATION);
        ctx.parameter("split", split.name() + " train/validation, test " + split.test().size());
        describe(ctx, b);

        TableBuilder simd = new TableBuilder("simd", "net", "g", "rate", "pruned_fraction", "validation_accuracy", "accuracy", "dense_accuracy", "accepted");
        TableBuilder node = new TableBuilder("node", "net", "layer", "units", "kept_units", "validation_accuracy_without_retraining",
                "validation_accuracy_one_fewer", "dense_validation_accuracy", "rule");
        TableBuilder staged = new TableBuilder("simd_staged", "net", "stage", "threshold", "pruned_fraction", "accuracy_before_retrain",
                "validation_accuracy", "accuracy", "dense_accuracy");
        TableBuilder summary = new TableBuilder("summary", "net", "method", "shape", "pruned_fraction", "accuracy", "dense_accuracy", "dense_shape", "selection");
        for (String net : List.of("lenet300", "lenet5")) {
            Network dense = AccuracySupport.dense(ctx, net, split.train(), b).network();
            double denseVal = dense.accuracy(split.validation(), 250), denseTest = dense.accuracy(split.test(), 250);
            Dataset retrainSet = net.equals("lenet5") ? split.train().head(b.retrainImages()) : split.train();
            summary.row(net, "dense", dense.shape(), 0.0, round3(pct(denseTest)), round3(pct(denseTest)), dense.shape(), "-");
            AccuracySupport.keep(ctx, net + "-dense", dense, denseTest);
            ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy", "net=" + net, "dense"), round3(pct(denseTest)), "%"));
            for (int g : groupSizes(ctx.scale())) {
                Search found = search(ctx, net, g, dense, false, ctx.seed() + 200, net + " g=" + g, denseVal, denseTest, split, retrainSet, b, simd);
                if (found == null) {
                    summary.row(net, "simd g=" + g, dense.shape(), 0.0, round3(pct(denseTest)), round3(pct(denseTest)), dense.shape(), "none within tolerance");
                    ctx.note(net + " g=" + g + ": no rate of the grid kept validation accuracy within " + SIMD_TOLERANCE + " points; reported unpruned.");
                    ctx.metric(AccuracySupport.accuracy(MetricName.format("pruned_fraction", "net=" + net, "g=" + g), 0.0, "fraction"));
                    continue;
                }
                Network accepted = found.kept();
                double acceptedRate = found.rate();
                List<Double> gr = grid(ctx.scale());
                if (found.fixed())
                    ctx.note(net + " g=" + g + ": " + found.rule() + ": kept at that rate (summary.selection, the kept model's meta) so that every "
                            + "method yields a network at quick scale and CI runs SIMD-aware pruning of this network on every platform; its accuracy "
                            + "is outside the tolerance. Standard and full scales keep the search's rule only.");
                else if (acceptedRate == gr.get(gr.size() - 1))
                    ctx.note(net + " g=" + g + ": the highest rate of the grid (" + acceptedRate + ") was still within tolerance; the pruned fraction is a lower bound of what the rule would reach.");
                double acc = accepted.accuracy(split.test(), 250), pf = AccuracySupport.prunedFraction(accepted);
                summary.row(net, "simd g=" + g, dense.shape(), round3(pf), round3(pct(acc)), round3(pct(denseTest)), dense.shape(), found.rule());
                ctx.metric(AccuracySupport.accuracy(MetricName.format("pruned_fraction", "net=" + net, "g=" + g), round3(pf), "fraction"));
                ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy", "net=" + net, "g=" + g, "simd"), round3(pct(acc)), "%"));
                ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy_delta", "net=" + net, "g=" + g, "simd"), round3(pct(acc) - pct(denseTest)), "points"));
                ctx.metric(AccuracySupport.accuracy(MetricName.format("pruned_weights", "net=" + net, "g=" + g, "simd"), AccuracySupport.prunedWeights(accepted), "count"));
                ctx.log().printf(Locale.ROOT, "  %s g=%d: %.1f %% pruned (grid rate %.2f), test accuracy %.2f %%%n", net, g, 100 * pf, acceptedRate, pct(acc));
                AccuracySupport.keep(ctx, net + "-simd-g" + g, accepted, acc, found.rule());
            }
            Network small = nodePrune(ctx, net, dense, denseVal, denseTest, split, retrainSet, b, node, summary);
            combine(ctx, net, dense, small, denseVal, denseTest, split, retrainSet, b, summary);
            ScalpelStaged.run(ctx, net, dense, denseTest, split, retrainSet, b, staged);
        }
        ctx.table("simd", simd.build());
        ctx.table("node", node.build());
        ctx.table("summary", summary.build());
        ctx.table("simd_staged", staged.build());
        stagedAndPlots(ctx);
    }

    /** The search's parameters and how each method prunes. */
    private static void describe(ExperimentContext ctx, AccuracySupport.Budget b) {
        ctx.parameter("simd_rate_grid", grid(ctx.scale()).toString());
        ctx.parameter("simd_search_retrain_lenet300", searchRetrain("lenet300", b, ctx.seed()).describe());
        ctx.parameter("simd_search_retrain_lenet5", searchRetrain("lenet5", b, ctx.seed()).describe() + " on " + b.retrainImages() + " images");
        ctx.parameter("simd_tolerance_points", SIMD_TOLERANCE);
        ctx.parameter("node_tolerance_points_without_retraining", NODE_TOLERANCE);
        ctx.note("SIMD-aware: groups of g adjacent weights of a row (RMS), one global threshold over all weight matrices; the rate grows along "
                + grid(ctx.scale()) + " with retraining after each step, and the last rate whose validation accuracy stays within "
                + SIMD_TOLERANCE + " points of dense is reported. Conv matrices are out_channels × (in_channels·5·5): groups run along the flattened input axis.");
        ctx.note("Combined (Scalpel's CPU rule, networks with convolutions): the node-pruned network, retrained, then its FC layers pruned SIMD-aware "
                + "(g = " + combinedGroupSizes(ctx.scale()) + ", one threshold over the FC matrices, the same grid, retraining and tolerance), kept as <net>-combined-g<g>.");
        ctx.note("Node pruning: per layer, bisection on the number of units kept (highest L2 norm of incoming weights) for the smallest count with "
                + "validation accuracy, without retraining, within " + NODE_TOLERANCE + " points of dense (other layers intact); then all layers "
                + "shrunk together and retrained. The output layer is never pruned.");
    }

    /** How the staged SIMD-aware table is made, and the plots of the searches. */
    private static void stagedAndPlots(ExperimentContext ctx) {
        ctx.note("SIMD-aware as Scalpel's public code (table simd_staged): groups of " + ScalpelStaged.WIDTH + " along each row, RMS against the "
                + "code's absolute thresholds raised in stages (lenet300 " + ScalpelStaged.thresholds("lenet300") + ", lenet5 "
                + ScalpelStaged.thresholds("lenet5") + "), retraining between stages, the last group of each row never pruned; kept as "
                + "<net>-simd-staged-g" + ScalpelStaged.WIDTH + ". An absolute threshold reaches a fraction that depends on the trained weights' scale.");
        ctx.plot(new PlotSpec("simd-staged", "SIMD-aware pruning with Scalpel's staged absolute thresholds: pruned fraction per stage", "simd_staged",
                "threshold", "pruned_fraction", "net", List.of(), "RMS threshold", "pruned fraction", false, PlotSpec.Style.LINE, Double.NaN));
        ctx.plot(new PlotSpec("simd-rate-search", "SIMD-aware pruning: validation accuracy along the rate grid", "simd", "rate", "validation_accuracy", "g",
                List.of("net=lenet300"), "rate", "validation accuracy (%)", false, PlotSpec.Style.LINE, Double.NaN));
        ctx.plot(new PlotSpec("simd-rate-search-lenet5", "SIMD-aware pruning (LeNet-5): validation accuracy along the rate grid", "simd", "rate", "validation_accuracy", "g",
                List.of("net=lenet5"), "rate", "validation accuracy (%)", false, PlotSpec.Style.LINE, Double.NaN));
    }

    /** Node pruning of every prunable layer, then retraining; the retrained small network (kept as {@code <net>-node}). */
    private Network nodePrune(ExperimentContext ctx, String net, Network dense, double denseVal, double denseTest, Mnist.Split split, Dataset retrainSet,
                              AccuracySupport.Budget b, TableBuilder node, TableBuilder summary) throws IOException {
        Map<String, int[]> keep = new LinkedHashMap<>();
        for (String layer : NodePruning.prunableLayers(dense)) {
            int n = dense.param(layer + ".weight").rows();
            int lo = 1, hi = n;
            double accAtHi = denseVal;
            // invariant: keeping hi units is within tolerance; lo − 1 units is not known to be
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                Network s = NodePruning.shrink(dense, Map.of(layer, NodePruning.topUnits(dense, layer, mid)));
                double acc = s.accuracy(split.validation(), 250);
                if (pct(denseVal) - pct(acc) <= NODE_TOLERANCE) {
                    hi = mid;
                    accAtHi = acc;
                } else lo = mid + 1;
            }
            keep.put(layer, NodePruning.topUnits(dense, layer, hi));
            // the deciding evidence: the count kept is within tolerance, one unit fewer is not (unless one unit is kept)
            double fewer = hi > 1 ? NodePruning.shrink(dense, Map.of(layer, NodePruning.topUnits(dense, layer, hi - 1))).accuracy(split.validation(), 250) : Double.NaN;
            node.row(net, layer, n, hi, round3(pct(accAtHi)), round3(pct(fewer)), round3(pct(denseVal)),
                    "fewest units (highest L2 norm of incoming weights) with validation accuracy, other layers intact and no retraining, within "
                            + NODE_TOLERANCE + " points of dense (bisection)");
            ctx.metric(AccuracySupport.accuracy(MetricName.format("kept_nodes", "net=" + net, "layer=" + layer), hi, layer.startsWith("conv") ? "channels" : "nodes"));
            ctx.log().printf(Locale.ROOT, "  %s node pruning %s: keep %d of %d%n", net, layer, hi, n);
        }
        Network small = NodePruning.shrink(dense, keep);
        double before = small.accuracy(split.test(), 250);
        TrainConfig rc = AccuracySupport.finalRetrainConfig(net, b, ctx.seed() + 300);
        var tr = AccuracySupport.retrain(ctx, small, split.train(), rc, net + " node " + small.shape());
        double acc = small.accuracy(split.test(), 250);
        double removed = 1 - (double) weightCount(small) / weightCount(dense);
        summary.row(net, "node", small.shape(), round3(removed), round3(pct(acc)), round3(pct(denseTest)), dense.shape(), "bisection within " + NODE_TOLERANCE + " points");
        ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy", "net=" + net, "node"), round3(pct(acc)), "%"));
        // Scalpel's claim is a delta: node-pruned − dense accuracy, in points (98.48 → 98.54, 99.34 → 99.34)
        ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy_delta", "net=" + net, "node"), round3(pct(acc) - pct(denseTest)), "points"));
        ctx.metric(AccuracySupport.accuracy(MetricName.format("loss", "net=" + net, "node"), AccuracySupport.lastLoss(tr), ""));
        ctx.metric(AccuracySupport.accuracy(MetricName.format("removed_weights", "net=" + net, "node"), weightCount(dense) - weightCount(small), "count"));
        AccuracySupport.keep(ctx, net + "-node", small, acc);
        ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy_before_retrain", "net=" + net, "node"), round3(pct(before)), "%"));
        ctx.log().printf(Locale.ROOT, "  %s node-pruned %s: accuracy %.2f %% before retraining, %.2f %% after (dense %.2f %%)%n", net, small.shape(), pct(before), pct(acc), pct(denseTest));
        return small;
    }

    /**
     * Group sizes of the combined network: the Cortex-M4's q15 width 2 and AVX-512's 16 fp32 lanes; quick keeps 8.
     */
    static List<Integer> combinedGroupSizes(Scale s) { return s == Scale.QUICK ? List.of(8) : List.of(2, 16); }

    /**
     * Scalpel's combination for a network with convolutions (the CPU's rule): the node-pruned network, retrained, whose
     * fully connected layers are then pruned SIMD-aware — groups of g by RMS, one threshold over the FC matrices, the
     * rate along the same grid with retraining after each step, kept while validation accuracy stays within
     * {@value #SIMD_TOLERANCE} points of the dense network's. Kept as {@code <net>-combined-g<g>}.
     */
    private void combine(ExperimentContext ctx, String net, Network dense, Network node, double denseVal, double denseTest, Mnist.Split split, Dataset retrainSet,
                         AccuracySupport.Budget b, TableBuilder summary) throws IOException {
        if (node.weights().stream().noneMatch(p -> p.name().startsWith("conv"))) return; // all FC: the combination is SIMD-aware pruning itself
        for (int g : combinedGroupSizes(ctx.scale())) {
            Search found = search(ctx, net, g, node, true, ctx.seed() + 400, net + " node + FC g=" + g, denseVal, denseTest, split, retrainSet, b, null);
            if (found == null) {
                ctx.note(net + " node-pruned + SIMD-aware FC g=" + g + ": no rate of the grid kept validation accuracy within " + SIMD_TOLERANCE
                        + " points of dense; no combined network kept.");
                continue;
            }
            Network accepted = found.kept();
            if (found.fixed()) ctx.note(net + " node-pruned + SIMD-aware FC g=" + g + ": " + found.rule() + ": kept at that rate (quick scale).");
            double acc = accepted.accuracy(split.test(), 250);
            long kept = accepted.weights().stream().mapToLong(Param::kept).sum();
            double removed = 1 - (double) kept / weightCount(dense);
            double fcPruned = 1 - (double) fcWeights(accepted).stream().mapToLong(Param::kept).sum() / fcWeights(accepted).stream().mapToLong(Param::size).sum();
            summary.row(net, "node conv + simd fc g=" + g, accepted.shape(), round3(removed), round3(pct(acc)), round3(pct(denseTest)), dense.shape(), found.rule());
            ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy", "net=" + net, "g=" + g, "combined"), round3(pct(acc)), "%"));
            ctx.metric(AccuracySupport.accuracy(MetricName.format("pruned_fc_fraction", "net=" + net, "g=" + g, "combined"), round3(fcPruned), "fraction"));
            ctx.log().printf(Locale.ROOT, "  %s node-pruned + SIMD-aware FC g=%d: %.1f %% of the FC weights pruned, %.1f %% of all removed, test accuracy %.2f %%%n",
                    net, g, 100 * fcPruned, 100 * removed, pct(acc));
            AccuracySupport.keep(ctx, net + "-combined-g" + g, accepted, acc, found.rule());
        }
    }

    /** How a kept network's rate was chosen: by the tolerance search, or fixed ({@link #search}). */
    static final String SEARCHED = "tolerance search";

    /** The label of a network kept at quick scale's fixed rate. */
    static String fixedRate(double rate) {
        return String.format(Locale.ROOT, "fixed rate %.2f (quick scale: no grid rate within %s points)", rate, SIMD_TOLERANCE);
    }

    /**
     * A network found by SIMD-aware pruning: the kept network, its grid rate and how that rate was chosen ({@link #SEARCHED}
     * or {@link #fixedRate}).
     */
    record Search(Network kept, double rate, String rule) {
        boolean fixed() { return !rule.equals(SEARCHED); }
    }

    /**
     * The SIMD-aware search from {@code start}: groups of g by RMS, one global threshold (over every weight matrix, or
     * over the FC matrices only), the rate along the grid with retraining after each step, kept while validation
     * accuracy stays within {@value #SIMD_TOLERANCE} points of dense. When no rate is within tolerance: at quick scale
     * (CI's budget, too short for retraining to win accuracy back) the network at the grid's first rate, labelled a fixed
     * rate, so every method yields a network and every row downstream is produced; else null. Rows go to {@code simd}
     * when given.
     */
    private static Search search(ExperimentContext ctx, String net, int g, Network start, boolean fcOnly, long seedBase, String what, double denseVal,
                                 double denseTest, Mnist.Split split, Dataset retrainSet, AccuracySupport.Budget b, TableBuilder simd) throws java.io.IOException {
        boolean quick = ctx.scale() == Scale.QUICK;
        Network p = AccuracySupport.copy(start), accepted = null, first = null;
        double acceptedRate = 0;
        int step = 0;
        for (double rate : grid(ctx.scale())) {
            if (fcOnly) AccuracySupport.pruneGlobally(fcWeights(p), g, Score.RMS, rate);
            else AccuracySupport.pruneGlobally(p, g, Score.RMS, rate);
            TrainConfig rc = searchRetrain(net, b, seedBase + 10L * g + step);
            AccuracySupport.retrain(ctx, p, retrainSet, rc, what + " " + Math.round(100 * rate) + " %");
            double val = p.accuracy(split.validation(), 250);
            boolean ok = pct(denseVal) - pct(val) <= SIMD_TOLERANCE;
            boolean fallback = !ok && step == 0 && quick;
            if (simd != null)
                simd.row(net, g, rate, round3(AccuracySupport.prunedFraction(p)), round3(pct(val)), round3(pct(p.accuracy(split.test(), 250))),
                        round3(pct(denseTest)), ok ? "yes" : fallback ? "no (kept: " + fixedRate(rate) + ")" : "no");
            ctx.log().printf(Locale.ROOT, "  %s %.0f %%: validation %.2f %% (dense %.2f %%) %s%n", what, 100 * rate, pct(val), pct(denseVal),
                    ok ? "accepted" : fallback ? "rejected; kept as quick scale's fixed rate" : "rejected, stop");
            if (step++ == 0 && quick) first = AccuracySupport.copy(p);
            if (!ok) break;
            accepted = AccuracySupport.copy(p);
            acceptedRate = rate;
        }
        if (accepted != null) return new Search(accepted, acceptedRate, SEARCHED);
        return first == null ? null : new Search(first, grid(ctx.scale()).get(0), fixedRate(grid(ctx.scale()).get(0)));
    }

    private static List<Param> fcWeights(Network n) {
        return n.weights().stream().filter(p -> p.name().startsWith("fc")).toList();
    }

    private static long weightCount(Network n) {
        return n.weights().stream().mapToLong(p -> p.size()).sum();
    }
}
