package dev.prunebench.experiments.accuracy;

import dev.prunebench.core.prune.Score;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.kernels.cpu.Blas;
import dev.prunebench.models.ModelCache;
import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.data.Mnist;
import dev.prunebench.models.io.ModelFiles;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.nn.Param;
import dev.prunebench.models.prune.GroupPruning;
import dev.prunebench.models.train.LrSchedule;
import dev.prunebench.models.train.Reproducibility;
import dev.prunebench.models.train.TrainConfig;
import dev.prunebench.models.train.Trainer;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricName;
import dev.prunebench.results.Scale;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What the accuracy experiments share: MNIST, the dense models (trained once and cached under the data root, so
 * {@code deepcompression-lenet} and {@code scalpel-accuracy} use the same dense LeNets), masked retraining, and the
 * training budgets per scale.
 */
final class AccuracySupport {
    private AccuracySupport() {}

    /** Held out of the 60 000 training images for decisions (Scalpel's search); the last images of the set. */
    static final int LENET_VALIDATION = 5000;
    /** Hartenstein et al.: 54 000 / 6 000. */
    static final int MLP_VALIDATION = 6000;

    /**
     * Training budget of one scale.
     *
     * @param trainImages   training images used (the first ones of the 60 000; validation comes from the end)
     * @param testImages    test images evaluated (the first ones of the 10 000)
     * @param denseEpochs   epochs of dense training per network id
     * @param retrainEpochs epochs of masked retraining after each pruning step
     * @param retrainImages images per retraining epoch for LeNet-5 (the first ones of the training split; LeNet-5 epochs are the expensive part)
     * @param finalRetrainEpochs epochs over the whole training split after the last pruning step (Deep Compression) and after node pruning
     */
    record Budget(int trainImages, int testImages, int mlpEpochs, int lenet300Epochs, int lenet5Epochs, int retrainEpochs, int retrainImages,
                  int finalRetrainEpochs) {
        static Budget of(Scale s) {
            return switch (s) {
                case QUICK -> new Budget(10000, 2000, 3, 3, 2, 1, 10000, 1);
                case STANDARD -> new Budget(60000, 10000, 10, 12, 6, 2, 20000, 3);
                case FULL -> new Budget(60000, 10000, 30, 40, 20, 4, 60000, 8);
            };
        }

        int denseEpochs(String net) {
            return switch (net) {
                case "mlp" -> mlpEpochs;
                case "lenet300" -> lenet300Epochs;
                default -> lenet5Epochs;
            };
        }
    }

    /** Base learning rate per network: LeNet-5 (no normalisation after its convolutions) diverges at 0.05. */
    static double baseLr(String net) { return net.equals("lenet5") ? 0.01 : 0.05; }

    static TrainConfig denseConfig(String net, Budget b, long seed) {
        return new TrainConfig(b.denseEpochs(net), 64, baseLr(net), 0.9, 5e-4, LrSchedule.COSINE, seed, 2);
    }

    /**
     * Retraining: 0.01 for mlp and lenet300 (a fifth of their base rate), 0.005 for LeNet-5 (half of its lower base
     * rate: at 0.002 a 92 %-pruned LeNet-5 recovered too slowly for the standard budget); cosine to zero, fresh momentum.
     */
    static TrainConfig retrainConfig(String net, Budget b, long seed) {
        double lr = net.equals("lenet5") ? baseLr(net) / 2 : baseLr(net) / 5;
        return new TrainConfig(b.retrainEpochs(), 64, lr, 0.9, 5e-4, LrSchedule.COSINE, seed, 2);
    }

    /** The longer retraining after the last step: {@link Budget#finalRetrainEpochs()} over the whole training split. */
    static TrainConfig finalRetrainConfig(String net, Budget b, long seed) {
        return retrainConfig(net, b, seed).withEpochs(b.finalRetrainEpochs());
    }

    static Mnist mnist(ExperimentContext ctx) throws IOException {
        Mnist m = Mnist.loadOrFetch(ctx.log());
        ctx.parameter("mnist_dir", m.dir().toString());
        ctx.parameter("mnist_sha256_verified", m.verified());
        ctx.parameter("mnist_fetched_now", m.fetched());
        if (!m.verified()) ctx.note("MNIST files in " + m.dir() + " do not match the recorded SHA-256 checksums: results are on the user's own copy.");
        return m;
    }

    /** Train / validation / test for one budget: the first trainImages − validation for training, the next validation images. */
    static Mnist.Split split(Mnist m, Budget b, int validation) {
        Mnist sub = new Mnist(m.train().head(b.trainImages()), m.test().head(b.testImages()), m.dir(), m.verified(), m.fetched());
        // the same share as 6 000 of 60 000 (or 5 000), also when the files hold fewer images than the budget
        int v = Math.max(1, (int) ((long) validation * sub.train().size() / 60000));
        return sub.holdout(v);
    }

    static void recordEnvironment(ExperimentContext ctx) {
        Reproducibility.ensureConditionalNumericalReproducibility();
        ctx.parameter("gemm_backend", Blas.backend());
        ctx.parameter("gemm_threads", 2);
        ctx.parameter("reproducibility", Reproducibility.status());
    }

    /** The cached dense model (trained now if missing); records where it came from. */
    static ModelCache.Entry dense(ExperimentContext ctx, String net, Dataset train, Budget b) throws IOException {
        TrainConfig c = denseConfig(net, b, ctx.seed());
        ModelCache.Entry e = ModelCache.denseModel(net, train, c, true, ctx.log(), ctx.interactive());
        if (e.meta() != null && e.meta().get("final_train_loss") instanceof Number loss)
            ctx.metric(accuracy(MetricName.format("loss", "net=" + net, "dense"), loss.doubleValue(), ""));
        ctx.parameter(net + "_dense_model", e.dir().toString());
        ctx.parameter(net + "_dense_model_source", e.loaded() ? "loaded from cache" : "trained in this run");
        ctx.parameter(net + "_dense_train_config", c.describe() + " train_images=" + train.size());
        if (!e.loaded()) {
            ctx.parameter(net + "_dense_seconds_per_epoch", e.trainSeconds() / Math.max(1, c.epochs()));
            ctx.metric(info(MetricName.format("train_seconds_per_epoch", "net=" + net, "images=" + train.size()), e.trainSeconds() / Math.max(1, c.epochs()), "s"));
        }
        return e;
    }

    /**
     * Keeps a network whose accuracy this experiment measured: saved (weights, masks, shape) under
     * {@code <experiment>/models/<name>/}, so a later experiment of the run times exactly this network
     * ({@code ctx.input(experiment).resolve("models/" + name)}). Recorded as a parameter.
     */
    static void keep(ExperimentContext ctx, String name, Network n, double testAccuracy) throws IOException {
        keep(ctx, name, n, testAccuracy, null);
    }

    /** As {@link #keep(ExperimentContext, String, Network, double)}, with how its rate was chosen ({@code selection} in its meta) when given. */
    static void keep(ExperimentContext ctx, String name, Network n, double testAccuracy, String selection) throws IOException {
        Path dir = ctx.dir().resolve(MODELS).resolve(name);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("experiment_model", name);
        if (selection != null) meta.put("selection", selection);
        meta.put("test_accuracy", testAccuracy);
        meta.put("pruned_fraction", prunedFraction(n));
        ModelFiles.save(n, dir, meta);
        @SuppressWarnings("unchecked")
        Map<String, Object> kept = (Map<String, Object>) KEPT.computeIfAbsent(ctx, c -> new LinkedHashMap<String, Object>());
        kept.put(name, MODELS + "/" + name + " (" + n.shape() + ", test accuracy " + String.format(Locale.ROOT, "%.2f", 100 * testAccuracy) + " %)");
        ctx.parameter("models", kept);
    }

    /** The folder, inside an accuracy experiment's output, that holds the networks it kept. */
    static final String MODELS = Experiment.KEPT_MODELS;

    private static final Map<ExperimentContext, Object> KEPT = Collections.synchronizedMap(new WeakHashMap<>());

    /** A deep copy of a network (weights and masks). */
    static Network copy(Network n) {
        Network c = Networks.build(n.id(), n.widths(), 0);
        n.copyInto(c);
        return c;
    }

    static List<GroupPruning.Matrix> matrices(List<Param> ws) {
        List<GroupPruning.Matrix> ms = new ArrayList<>();
        for (Param p : ws) ms.add(new GroupPruning.Matrix(p.name(), p.values(), p.rows(), p.cols()));
        return ms;
    }

    /** Prunes every weight matrix of {@code net} separately at {@code rate} (groups of g along rows). */
    static void pruneEachLayer(Network net, int g, Score score, double rate) {
        for (Param p : net.weights()) {
            boolean[] keep = GroupPruning.mask(new GroupPruning.Matrix(p.name(), p.values(), p.rows(), p.cols()), g, score, rate);
            p.setMask(and(keep, p.mask()));
        }
    }

    /** Prunes one weight matrix at {@code rate} (groups of g along rows); the mask only grows. */
    static void pruneLayer(Param p, int g, Score score, double rate) {
        boolean[] keep = GroupPruning.mask(new GroupPruning.Matrix(p.name(), p.values(), p.rows(), p.cols()), g, score, rate);
        p.setMask(and(keep, p.mask()));
    }

    /** Prunes all weight matrices of {@code net} together, one threshold, {@code rate} of all groups removed. */
    static void pruneGlobally(Network net, int g, Score score, double rate) {
        pruneGlobally(net.weights(), g, score, rate);
    }

    /** Prunes these weight matrices together, one threshold, {@code rate} of their groups removed. */
    static void pruneGlobally(List<Param> ws, int g, Score score, double rate) {
        // already-masked weights are zero and rank lowest, so an increasing schedule only adds to the mask
        List<boolean[]> ks = GroupPruning.masks(matrices(ws), g, score, rate);
        for (int i = 0; i < ws.size(); i++) ws.get(i).setMask(and(ks.get(i), ws.get(i).mask()));
    }

    private static boolean[] and(boolean[] a, boolean[] b) {
        if (b == null) return a;
        boolean[] o = a.clone();
        for (int i = 0; i < o.length; i++) o[i] &= b[i];
        return o;
    }

    /** Fraction of all weights (not biases) that are masked off. */
    static double prunedFraction(Network net) {
        long n = 0, off = 0;
        for (Param p : net.weights()) {
            n += p.size();
            off += p.size() - p.kept();
        }
        return (double) off / n;
    }

    static Trainer.Result retrain(ExperimentContext ctx, Network net, Dataset train, TrainConfig c, String label) {
        return new Trainer(ctx.log(), ctx.interactive(), label).train(net, train, null, c);
    }

    /** An INFO metric; names follow the scorecard ({@code accuracy[net=mlp,g=8,rate=0.90]}). */
    static Metric info(String name, double value, String unit) { return Metric.info(name, value, unit); }

    /**
     * An accuracy-type metric (accuracy, error, their deltas, loss, pruned counts, kept units): EXACT when training is bitwise reproducible here (MKL in CNR mode, or the plain-Java
     * GEMM), since then the same seed gives the same number on this machine class; INFO otherwise.
     */
    static Metric accuracy(String name, double value, String unit) {
        Metric m = info(name, value, unit);
        return Reproducibility.bitwiseReproducible() ? new Metric(m.name(), Metric.Kind.EXACT, value, unit, null, false) : m;
    }

    /** Weights (not biases) masked off, a count: EXACT like the accuracies. */
    static long prunedWeights(Network net) {
        long off = 0;
        for (Param p : net.weights()) off += p.size() - p.kept();
        return off;
    }

    /** The mean training loss of the last epoch of a training result (NaN when it ran no epoch). */
    static double lastLoss(Trainer.Result r) {
        return r == null || r.last() == null ? Double.NaN : r.last().loss();
    }

    /** A note when a retrained network predicts (nearly) one class: accuracy at most twice chance. */
    static void noteCollapse(ExperimentContext ctx, String what, double accuracy, int classes) {
        if (accuracy <= 2.0 / classes)
            ctx.note(what + ": accuracy " + String.format(Locale.ROOT, "%.2f", 100 * accuracy)
                    + " % after retraining — the pruned network collapsed (its output no longer depends on the input enough to leave"
                    + " the majority class); more retraining at this learning rate did not revive it in our runs.");
    }

    static double pct(double accuracy) { return 100.0 * accuracy; }

    static double round3(double v) { return Math.round(v * 1000.0) / 1000.0; }
}
