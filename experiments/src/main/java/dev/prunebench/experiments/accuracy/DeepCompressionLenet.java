package dev.prunebench.experiments.accuracy;

import static dev.prunebench.experiments.accuracy.AccuracySupport.round3;

import dev.prunebench.core.prune.Score;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.data.Mnist;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Param;
import dev.prunebench.models.train.TrainConfig;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricName;
import dev.prunebench.results.PlotSpec;
import dev.prunebench.results.Scale;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleConsumer;

/**
 * Han et al. ("Learning both weights and connections", the pruning stage of Deep Compression): LeNet-300-100 and
 * LeNet-5 pruned to 92 % of their weights by iterative magnitude pruning with retraining; test error before and after.
 */
public final class DeepCompressionLenet implements Experiment {
    static final double TARGET = 0.92;

    @Override public String id() { return "deepcompression-lenet"; }
    @Override public String paper() { return "Han et al., Deep Compression (LeNet)"; }
    @Override public String description() { return "LeNet-300-100 and LeNet-5: error dense and after iterative magnitude pruning to 92 % with retraining"; }

    /**
     * Han et al.'s own per-layer pruning of LeNet-5 ("Learning both Weights and Connections", Table 2: weights kept
     * conv1 66 %, conv2 12 %, fc1 8 %, fc2 19 %; 8 % of all kept): the rate removed from each layer.
     */
    static final Map<String, Double> HAN_LENET5_RATES = Map.of(
            "conv1.weight", 0.34, "conv2.weight", 0.88, "fc1.weight", 0.92, "fc2.weight", 0.81);

    /** The rates of the iterative schedule; the last is the target. */
    static List<Double> schedule(Scale s) {
        return s == Scale.QUICK ? List.of(0.7, TARGET) : List.of(0.5, 0.75, 0.88, TARGET);
    }

    /**
     * The iterative schedule on {@code p}: at each rate {@code prune} grows the mask, the test error is taken, the
     * network retrained with the mask held (after the last step longer and on all training images), the test error
     * taken again, one {@code err} row ({@code row} names it) per step. Returns the last retraining's mean loss.
     */
    private static double iterate(ExperimentContext ctx, AccuracySupport.Budget b, Mnist.Split split, String net, String row, String trainLabel,
                                  Network p, Dataset retrainSet, TableBuilder err, DoubleConsumer prune) {
        List<Double> sched = schedule(ctx.scale());
        double lastLoss = Double.NaN;
        for (int step = 0; step < sched.size(); step++) {
            double rate = sched.get(step);
            prune.accept(rate);
            double before = p.evaluate(split.test(), 250).errorPercent();
            boolean last = step == sched.size() - 1;
            TrainConfig rc = last ? AccuracySupport.finalRetrainConfig(net, b, ctx.seed() + 100 + step)
                    : AccuracySupport.retrainConfig(net, b, ctx.seed() + 100 + step);
            var r = AccuracySupport.retrain(ctx, p, last ? split.train() : retrainSet, rc, trainLabel + " " + Math.round(rate * 100) + " %");
            lastLoss = AccuracySupport.lastLoss(r);
            double after = p.evaluate(split.test(), 250).errorPercent();
            err.row(row, "pruned", rate, round3(AccuracySupport.prunedFraction(p)), round3(before), round3(after), round3(r.seconds()));
            ctx.log().printf(Locale.ROOT, "  %s %.0f %%: error %.2f %% before retraining, %.2f %% after%n", row, 100 * rate, before, after);
        }
        return lastLoss;
    }

    /**
     * LeNet-5 pruned layer by layer to Han et al.'s per-layer shares along the same schedule, retrained the same way:
     * rows {@code lenet5 (Han's per-layer rates)} of the error table and metrics {@code …,rates=han]}.
     */
    private static void hanRates(ExperimentContext ctx, AccuracySupport.Budget b, Mnist.Split split, Network dense, double denseErr,
                                 Dataset retrainSet, TableBuilder err) {
        String label = "lenet5 (Han's per-layer rates)";
        Network p = AccuracySupport.copy(dense);
        double lastLoss = iterate(ctx, b, split, "lenet5", label, "lenet5 han", p, retrainSet, err, rate -> {
            for (Param w : p.weights()) {
                Double share = HAN_LENET5_RATES.get(w.name());
                if (share == null) throw new IllegalStateException("no published rate for LeNet-5 layer " + w.name());
                AccuracySupport.pruneLayer(w, 1, Score.MAGNITUDE, Math.min(share, rate / TARGET * share));
            }
        });
        double finalErr = p.evaluate(split.test(), 250).errorPercent();
        ctx.metric(AccuracySupport.accuracy("error[net=lenet5,pruned=0.92,rates=han]", round3(finalErr), "%"));
        ctx.metric(AccuracySupport.accuracy("error_delta[net=lenet5,pruned=0.92,rates=han]", round3(finalErr - denseErr), "points"));
        ctx.metric(AccuracySupport.accuracy("pruned_fraction[net=lenet5,rates=han]", round3(AccuracySupport.prunedFraction(p)), "fraction"));
        ctx.metric(AccuracySupport.accuracy("loss[net=lenet5,pruned=0.92,rates=han]", lastLoss, ""));
    }

    @Override public void run(ExperimentContext ctx) throws Exception {
        AccuracySupport.Budget b = AccuracySupport.Budget.of(ctx.scale());
        AccuracySupport.recordEnvironment(ctx);
        Mnist.Split split = AccuracySupport.split(AccuracySupport.mnist(ctx), b, AccuracySupport.LENET_VALIDATION);
        ctx.parameter("split", split.name() + " train/validation (validation unused here; shared dense models with scalpel-accuracy), test " + split.test().size());
        ctx.parameter("schedule", schedule(ctx.scale()).toString());
        ctx.parameter("lenet5_retrain_images_per_epoch", Math.min(b.retrainImages(), split.train().size()));
        ctx.parameter("retrain_per_step", AccuracySupport.retrainConfig("lenet300", b, ctx.seed()).describe() + " (lenet5: lr " + AccuracySupport.retrainConfig("lenet5", b, ctx.seed()).lr() + ")");
        ctx.parameter("retrain_after_last_step", b.finalRetrainEpochs() + " epochs over all " + split.train().size() + " training images");
        ctx.note("Pruning: unstructured (g = 1) magnitude, one global threshold over all weight matrices of the network, exactly "
                + "round(rate × weights) removed at each step of the schedule; the mask only grows; retraining after every step with the mask held.");
        ctx.note("Dense models are trained on the first " + split.train().size() + " training images (the last " + split.validation().size()
                + " are held out for scalpel-accuracy's decisions); Han et al. train on all 60 000.");
        ctx.note("Conv weight matrices are out_channels × (in_channels·5·5); biases are never pruned.");

        TableBuilder err = new TableBuilder("error", "net", "stage", "rate", "pruned_fraction", "error_before_retrain", "error", "retrain_seconds");
        TableBuilder layers = new TableBuilder("layers", "net", "layer", "rows", "cols", "weights", "kept", "pruned_fraction");
        for (String net : List.of("lenet300", "lenet5")) {
            Network dense = AccuracySupport.dense(ctx, net, split.train(), b).network();
            double denseErr = dense.evaluate(split.test(), 250).errorPercent();
            err.row(net, "dense", 0.0, 0.0, round3(denseErr), round3(denseErr), 0.0);
            ctx.metric(AccuracySupport.accuracy(MetricName.format("error", "net=" + net, "dense"), round3(denseErr), "%"));
            Network p = AccuracySupport.copy(dense);
            var retrainSet = net.equals("lenet5") ? split.train().head(b.retrainImages()) : split.train();
            double lastLoss = iterate(ctx, b, split, net, net, net, p, retrainSet, err, rate -> AccuracySupport.pruneGlobally(p, 1, Score.MAGNITUDE, rate));
            double finalErr = p.evaluate(split.test(), 250).errorPercent();
            ctx.metric(AccuracySupport.accuracy(MetricName.format("error", "net=" + net, "pruned=0.92"), round3(finalErr), "%"));
            // Han et al.'s claim is a delta: pruned − dense error, in points (1.64 → 1.59, 0.80 → 0.77)
            ctx.metric(AccuracySupport.accuracy(MetricName.format("error_delta", "net=" + net, "pruned=0.92"), round3(finalErr - denseErr), "points"));
            ctx.metric(AccuracySupport.accuracy(MetricName.format("pruned_weights", "net=" + net, "pruned=0.92"), AccuracySupport.prunedWeights(p), "count"));
            ctx.metric(AccuracySupport.accuracy(MetricName.format("loss", "net=" + net, "pruned=0.92"), lastLoss, ""));
            ctx.metric(AccuracySupport.accuracy(MetricName.format("weights_reduction", "net=" + net, "pruned=0.92"), round3(1 / (1 - AccuracySupport.prunedFraction(p))), "x"));
            ctx.metric(AccuracySupport.accuracy(MetricName.format("pruned_fraction", "net=" + net, "deepcompression"), round3(AccuracySupport.prunedFraction(p)), "fraction"));
            if (net.equals("lenet5")) hanRates(ctx, b, split, dense, denseErr, retrainSet, err);
            AccuracySupport.keep(ctx, net + "-dense", dense, 1 - denseErr / 100);
            AccuracySupport.keep(ctx, net + "-deepcompression", p, 1 - finalErr / 100);
            for (Param w : p.weights())
                layers.row(net, w.name().replace(".weight", ""), w.rows(), w.cols(), w.size(), w.kept(), round3(1 - (double) w.kept() / w.size()));
        }
        ctx.note("lenet5 (Han's per-layer rates): the same dense LeNet-5, schedule and retraining, but each layer pruned to the share of "
                + "Han et al.'s Table 2 (conv1 34 %, conv2 88 %, fc1 92 %, fc2 81 % removed; each step of the schedule removes rate/0.92 of "
                + "that share, by magnitude within the layer) instead of one global threshold: does the global threshold's allocation explain "
                + "the gap to the published 0.77 %?");
        ctx.table("error", err.build());
        ctx.table("layers", layers.build());
        ctx.plot(new PlotSpec("error-vs-rate", "Test error along the pruning schedule", "error", "rate", "error", "net",
                List.of(), "pruned fraction (target)", "test error (%)", false, PlotSpec.Style.LINE, Double.NaN));
    }
}
