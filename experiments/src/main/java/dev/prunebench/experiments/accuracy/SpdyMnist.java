package dev.prunebench.experiments.accuracy;

import static dev.prunebench.experiments.accuracy.AccuracySupport.pct;
import static dev.prunebench.experiments.accuracy.AccuracySupport.round3;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.prune.Layer;
import dev.prunebench.core.prune.PruneResult;
import dev.prunebench.core.prune.Pruner;
import dev.prunebench.core.prune.Score;
import dev.prunebench.core.prune.Structure;
import dev.prunebench.core.spdy.ErrorTable;
import dev.prunebench.core.spdy.LatencyTable;
import dev.prunebench.core.spdy.Spdy;
import dev.prunebench.core.spdy.SpdyFiles;
import dev.prunebench.core.spdy.SpdySearch;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.experiments.spdy.ErrorDatabase;
import dev.prunebench.experiments.spdy.LatencyDatabase;
import dev.prunebench.experiments.spdy.SpdyLatency;
import dev.prunebench.measure.Budget;
import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.data.Mnist;
import dev.prunebench.models.infer.KernelNetwork;
import dev.prunebench.models.infer.NetworkLatency;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Param;
import dev.prunebench.models.train.TrainConfig;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricName;
import dev.prunebench.results.PlotSpec;
import dev.prunebench.results.Scale;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * SPDY on MNIST: for each network (LeNet-5, the Hartenstein MLP), batch (1, 64; quick scale batch 1 only) and speedup
 * target, the trained network pruned four ways, each from the latency table measured here at that batch
 * ({@link LatencyDatabase}) — (a) one csr level for every layer (uniform), (b) one global magnitude threshold
 * (each layer's resulting rate rounded up to the table's next level), (c) SPDY's profile (csr or dense per layer;
 * the DP's coefficients searched by {@link SpdySearch} on the calibration loss of the stitched pruned model), (d) SPDY
 * with the format chosen per layer too (csr, gcsr:g, nm:N:M or dense) — then accuracy after one-shot pruning and after a
 * short masked retraining, and the speedup predicted by the table against the one measured end to end through the
 * kernels at that batch (interleaved with the dense plan on the fastest dense kernel).
 */
public final class SpdyMnist implements Experiment {

    @Override public String id() { return "spdy-mnist"; }
    @Override public String paper() { return "Frantar & Alistarh, SPDY, ICML 2022 (on MNIST, latencies measured here)"; }
    @Override public String description() {
        return "LeNet-5 and the Hartenstein MLP, batch 1 and 64, at 1.5x/2x/3x targets: uniform, global magnitude, SPDY, SPDY + per-layer format; accuracy one-shot and retrained, "
                + "predicted vs measured end-to-end speedup";
    }

    /** One network at one batch: a latency table, its errors and the four methods at every target. */
    record Case(String net, int batch) {
        String tag() { return net + "-b" + batch; }
    }

    /**
     * {@code cases} are run; {@code left} are named as skipped with {@code leftWhy} (quick scale keeps to batch 1, the
     * batch-64 tables and end-to-end timings being the costly part).
     */
    record Setup(List<Case> cases, List<Case> left, String leftWhy, double[] targets, int calibration, int searchStarts, int searchTries,
                 int retrainImages, Budget timing) {}

    static final List<String> NETS = List.of("lenet5", "mlp");
    static final int[] BATCHES = {1, 64};

    static List<Case> all() {
        List<Case> out = new ArrayList<>();
        for (String n : NETS) for (int b : BATCHES) out.add(new Case(n, b));
        return out;
    }

    static Setup forScale(Scale s) {
        return switch (s) {
            case QUICK -> new Setup(List.of(new Case("lenet5", 1), new Case("mlp", 1)), List.of(new Case("lenet5", 64), new Case("mlp", 64)),
                    "quick scale runs batch 1 only (the batch-64 latency table and end-to-end timings are the costly part); --scale standard runs it",
                    new double[] {1.5, 2}, 64, 8, 4, 1000, new Budget(2, 7, 2_000_000L, 1000, 1L, 100_000_000L));
            case STANDARD -> new Setup(all(), List.of(), null, new double[] {1.5, 2, 3}, 256, 100, 100, 10000, Budget.quick());
            case FULL -> new Setup(all(), List.of(), null, new double[] {1.5, 2, 3}, 512, 100, 100, 55000, Budget.standard());
        };
    }

    static final List<String> METHODS = List.of("uniform", "global-magnitude", "spdy", "spdy-formats");

    /** The metric key of one method at one target of a case: {@code net=…,batch=…,method=…,target=…}. */
    static String key(Case c, String method, double target) {
        return "net=" + c.net() + ",batch=" + c.batch() + ",method=" + method + ",target=" + target;
    }

    /** What a skip of one method at one target of a case is recorded under. */
    static String skipName(Case c, String method, double target) {
        return c.net() + " batch " + c.batch() + " " + method + " at " + target + "x";
    }

    private static final class Columns {
        final StringColumn cCase = StringColumn.create("case"), cNet = StringColumn.create("net"), cMethod = StringColumn.create("method"),
                cProfile = StringColumn.create("profile");
        final IntColumn cBatch = IntColumn.create("batch");
        final DoubleColumn cTarget = DoubleColumn.create("target"), cPred = DoubleColumn.create("predicted_speedup"),
                cMeas = DoubleColumn.create("measured_speedup"), cLo = DoubleColumn.create("measured_low"), cHi = DoubleColumn.create("measured_high"),
                cPruned = DoubleColumn.create("pruned_fraction"), cOne = DoubleColumn.create("accuracy_one_shot"),
                cRet = DoubleColumn.create("accuracy_retrained"), cLoss = DoubleColumn.create("calibration_loss");
        final BooleanColumn cWithin = BooleanColumn.create("within_10pct");
        final StringColumn cWhy = StringColumn.create("outside_why");

        Table table() {
            return Table.create("methods", cNet, cBatch, cMethod, cTarget, cPred, cMeas, cLo, cHi, cWithin, cWhy, cPruned, cLoss, cOne, cRet, cProfile, cCase);
        }
    }

    @Override public void run(ExperimentContext ctx) throws Exception {
        Setup s = forScale(ctx.scale());
        SpdyLatency.Setup lat = SpdyLatency.forScale(ctx.scale());
        AccuracySupport.Budget b = AccuracySupport.Budget.of(ctx.scale());
        AccuracySupport.recordEnvironment(ctx);
        KernelRegistry reg = ctx.kernels();
        Map<String, String> kernels = SpdyLatency.kernels(reg);
        for (String k : kernels.values())
            if (reg.kernel(k).isEmpty()) {
                ctx.skipped("everything", "kernel " + k + " missing: " + reg.whyMissing(k));
                return;
            }
        long seed = ctx.seed() ^ 0x5BD2L;
        ctx.parameter("cases", s.cases().stream().map(Case::tag).toList());
        ctx.parameter("targets", s.targets());
        ctx.parameter("levels", lat.levels());
        ctx.parameter("formats", lat.formats());
        ctx.parameter("kernels", kernels);
        ctx.parameter("calibration_images", s.calibration());
        ctx.parameter("search", "seed " + seed + ", " + s.searchStarts() + " random starts, " + s.searchTries() + " tries per re-drawn count");
        ctx.parameter("retrain_images", s.retrainImages());
        for (Case c : s.left()) ctx.skipped(c.net() + " batch " + c.batch(), s.leftWhy());

        Mnist mnist = AccuracySupport.mnist(ctx);
        Columns cols = new Columns();
        int outside = 0;
        Map<String, String> denseKernels = new LinkedHashMap<>();
        StringBuilder denseNote = new StringBuilder();
        for (String net : NETS) {
            List<Case> cases = s.cases().stream().filter(c -> c.net().equals(net)).toList();
            if (cases.isEmpty()) continue;
            Mnist.Split split = AccuracySupport.split(mnist, b, net.equals("mlp") ? AccuracySupport.MLP_VALIDATION : AccuracySupport.LENET_VALIDATION);
            Network dense = AccuracySupport.dense(ctx, net, split.train(), b).network();
            double denseTest = dense.accuracy(split.test(), 250);
            ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy", "net=" + net, "dense"), round3(pct(denseTest)), "%"));
            denseNote.append(denseNote.length() > 0 ? ", " : "").append(net).append(' ').append(String.format(Locale.ROOT, "%.2f", pct(denseTest))).append(" %");
            Dataset calib = split.train().head(s.calibration());
            Map<String, boolean[]> masks = new HashMap<>();   // per network: the layer names of the two overlap
            for (Case c : cases) {
                int o = runCase(ctx, c, s, lat, b, reg, kernels, seed, split, dense, calib, masks, cols, denseKernels);
                ctx.metric(Metric.info(MetricName.format("profiles_outside_10pct", "net=" + c.net(), "batch=" + c.batch()), o, "count"));
                outside += o;
            }
        }
        ctx.metric(Metric.info("profiles_outside_10pct", outside, "count"));
        ctx.table("methods", cols.table());
        for (Case c : s.cases())
            if (cols.cCase.contains(c.tag()))   // a case whose every target was unreachable has no points (skipped, with why, above)
                ctx.plot(new PlotSpec("accuracy-vs-speedup-" + c.tag(), c.net() + ", batch " + c.batch()
                    + ": test accuracy after retraining against the measured end-to-end speedup", "methods", "measured_speedup", "accuracy_retrained",
                    "method", List.of("case=" + c.tag()), "measured speedup over dense (x)", "test accuracy (%)", false, PlotSpec.Style.SCATTER, Double.NaN));
        ctx.note("Dense test accuracy: " + denseNote + ". Targets are speedups predicted by the table measured in this run for each network "
                + "and batch; uniform and global magnitude take the least pruning (on the table's levels) whose predicted speedup meets the "
                + "target; SPDY's search scores each candidate by the cross-entropy of the stitched pruned, not retrained, network on "
                + s.calibration() + " training images; retraining: " + s.retrainImages() + " training images, masks kept. The accuracy of a "
                + "method differs between batches only through the profile the batch's table leads to.");
        ctx.note("Measured speedups: the pruned network planned with the picked kernel and format per layer against the dense plan on "
                + denseKernels + " (the fastest dense kernel of the platform, per case), interleaved, at the case's batch, one thread. "
                + "A gap to the prediction beyond 10 % (profiles_outside_10pct, outside_why in methods.csv) comes from what a per-layer table "
                + "cannot see (cache interplay between layers, the glue counted as fixed) and, on a busy machine, from noise: compare "
                + "measured_low/high.");
    }

    /**
     * The profile a method picks for a target: uniform and global-magnitude over the csr levels ({@code table}: the
     * csr-only DP), SPDY's search on its table (csr only for {@code spdy}, every format otherwise) scored by the
     * calibration loss. Null when no level reaches the target that way.
     */
    private static Spdy.Profile profile(ExperimentContext ctx, Case c, Setup s, String method, double target, Spdy table, double[] levels, Network dense,
                                        ErrorTable errors, Dataset calib, Map<String, boolean[]> masks, long seed) {
        return switch (method) {
            case "uniform" -> uniform(table, target, levels);
            case "global-magnitude" -> global(table, dense, target, levels);
            default -> SpdySearch.search(table, target, errors, Spdy.DEFAULT_BUCKETS, q -> calibrationLoss(dense, q, calib, masks), seed, s.searchStarts(),
                    s.searchTries(), step -> {
                        if (step.candidate() == step.total() || step.candidate() % 25 == 0)
                            ctx.log().printf(Locale.ROOT, "   %s b%d %s %.1fx search %d/%d (%s): best loss %.4f%n", c.net(), c.batch(), method,
                                    target, step.candidate(), step.total(), step.phase(), step.bestScore());
                    }).profile();
        };
    }

    /** One network at one batch: its latency table and errors, then every method at every target; returns how many fell outside 10 %. */
    private static int runCase(ExperimentContext ctx, Case c, Setup s, SpdyLatency.Setup lat, AccuracySupport.Budget b, KernelRegistry reg,
                               Map<String, String> kernels, long seed, Mnist.Split split, Network dense, Dataset calib, Map<String, boolean[]> masks,
                               Columns cols, Map<String, String> denseKernels) throws Exception {
        ctx.log().printf(Locale.ROOT, "   %s batch %d: latency table ...%n", c.net(), c.batch());
        long tTable = System.nanoTime();
        List<String> formats = new ArrayList<>(lat.formats());
        formats.remove(LatencyDatabase.NODE);
        LatencyDatabase.Measured m = LatencyDatabase.measure(dense, reg,
                new LatencyDatabase.Config(c.net(), c.batch(), 1, lat.levels(), formats, kernels, s.timing()), ctx.log());
        LatencyTable table = m.table();
        denseKernels.put(c.tag(), m.denseKernel());
        var cpu = reg.backendOf(reg.require(m.denseKernel()));
        Files.writeString(ctx.dir().resolve("timings-" + c.tag() + ".txt"), SpdyFiles.formatTimings(table));
        ErrorTable errors = ErrorDatabase.measure(dense, table, calib.x(), calib.size());
        Files.writeString(ctx.dir().resolve("errors-" + c.tag() + ".txt"), SpdyFiles.formatErrors(errors));
        ctx.log().printf(Locale.ROOT, "   %s batch %d: latency table and errors in %.1f s%n", c.net(), c.batch(), (System.nanoTime() - tTable) * 1e-9);

        int outside = 0;
        Spdy csrOnly = new Spdy(SpdyLatency.only(table, Set.of("csr")), Set.of(), Spdy.Accounting.CORRECT);
        Spdy withFormats = new Spdy(table, Set.of(), Spdy.Accounting.CORRECT);
        for (double target : s.targets()) {
            for (String method : METHODS) {
                long t0 = System.nanoTime();
                Spdy.Profile p;
                try {
                    p = profile(ctx, c, s, method, target, method.equals("spdy-formats") ? withFormats : csrOnly, lat.levels(),
                            dense, errors, calib, masks, seed);
                } catch (Spdy.UnreachableTarget e) {
                    ctx.skipped(skipName(c, method, target), e.getMessage());
                    continue;
                }
                if (p == null) {
                    ctx.skipped(skipName(c, method, target), "no level of the table reaches the target this way (largest reachable "
                            + String.format(Locale.ROOT, "%.3fx", csrOnly.maxTarget()) + " with csr)");
                    continue;
                }
                long t1 = System.nanoTime();
                Network pruned = AccuracySupport.copy(dense);
                Map<String, KernelNetwork.Choice> choice = SpdyLatency.applied(pruned, p, kernels, m.denseKernel());
                double loss = pruned.evaluate(calib, 250).loss();
                double oneShot = pruned.accuracy(split.test(), 250);
                long t2 = System.nanoTime();
                NetworkLatency.Result r = NetworkLatency.measure(pruned, reg, choice::get, m.denseKernel(), c.batch(), 1, s.timing());
                long t3 = System.nanoTime();
                TrainConfig rc = AccuracySupport.retrainConfig(c.net(), b, seed);
                AccuracySupport.retrain(ctx, pruned, split.train().head(s.retrainImages()), rc, c.net() + " b" + c.batch() + " " + method + " " + target + "x");
                double retrained = pruned.accuracy(split.test(), 250);
                double pred = p.trueSpeedup(), meas = r.speedup().median();
                boolean within = Math.abs(meas / pred - 1) <= 0.10;
                String why = within ? "" : outsideWhy(pred, meas, r.speedup().low(), r.speedup().high());
                if (!within) outside++;
                String key = key(c, method, target);
                // info, not exact: the profile (hence the mask) follows the latency table measured in this run
                ctx.metric(Metric.info(MetricName.format("accuracy", key, "one-shot"), round3(pct(oneShot)), "%"));
                ctx.metric(Metric.info(MetricName.format("accuracy", key, "retrained"), round3(pct(retrained)), "%"));
                ctx.metric(Metric.timing(MetricName.format("predicted_speedup", key), pred, "x", null), cpu);
                ctx.metric(Metric.timing(MetricName.format("measured_speedup", key, "over=" + m.denseKernel()), meas, "x", null), cpu);
                cols.cCase.append(c.tag());
                cols.cNet.append(c.net());
                cols.cBatch.append(c.batch());
                cols.cMethod.append(method);
                cols.cTarget.append(target);
                cols.cPred.append(pred);
                cols.cMeas.append(meas);
                cols.cLo.append(r.speedup().low());
                cols.cHi.append(r.speedup().high());
                cols.cWithin.append(within);
                cols.cWhy.append(why);
                cols.cPruned.append(AccuracySupport.prunedFraction(pruned));
                cols.cOne.append(pct(oneShot));
                cols.cRet.append(pct(retrained));
                cols.cLoss.append(loss);
                cols.cProfile.append(describe(p));
                ctx.log().printf(Locale.ROOT, "   %-6s b%-2d %-16s %.1fx: one-shot %.2f %%, retrained %.2f %%, predicted %.3fx, measured %.3fx "
                                + "(choice %.1f s, one-shot %.1f s, end to end %.1f s, retraining %.1f s)%n", c.net(), c.batch(), method, target,
                        pct(oneShot), pct(retrained), pred, meas, (t1 - t0) * 1e-9, (t2 - t1) * 1e-9, (t3 - t2) * 1e-9, (System.nanoTime() - t3) * 1e-9);
            }
        }
        return outside;
    }

    /**
     * Why a measured speedup is more than 10 % off the predicted one, as far as its own interval tells: the prediction
     * inside the end-to-end per-round interval (noise cannot be told from a real gap), or outside it (the table's own
     * entries are off, or the per-layer table misses something of the whole network: cache interplay between layers, glue
     * counted as fixed).
     */
    static String outsideWhy(double pred, double meas, double low, double high) {
        String dir = meas < pred ? "slower" : "faster";
        if (pred >= low && pred <= high)
            return "measured " + dir + " than predicted but the prediction lies inside the per-round interval: noise of the timing";
        return "measured " + dir + " than predicted beyond the end-to-end per-round interval: the table's entries (timed layer by layer; "
                + "noisy on a busy machine) are off or the per-layer table misses the whole network's behaviour (cache interplay between "
                + "layers; glue counted as fixed)";
    }

    /** The least csr level, the same for every layer, whose predicted speedup meets the target (null when none). */
    static Spdy.Profile uniform(Spdy csr, double target, double[] levels) {
        for (double level : levels) {
            Map<String, Double> rates = new LinkedHashMap<>();
            for (LatencyTable.Layer l : csr.table().layers()) rates.put(l.name(), level);
            Spdy.Profile p = fixed(csr.table(), rates);
            if (p.trueSpeedup() >= target) return p;
        }
        return null;
    }

    /**
     * One global magnitude threshold over every weight (rates 0.30 … 0.99), each layer's resulting rate rounded up to the
     * table's next level: the least that meets the target (null when none).
     */
    static Spdy.Profile global(Spdy csr, Network dense, double target, double[] levels) {
        List<Layer> ls = new ArrayList<>();
        for (Param w : dense.weights()) ls.add(new Layer(w.name().replace(".weight", ""), w.values(), w.rows(), w.cols(), Score.MAGNITUDE));
        for (int pct = 30; pct <= 99; pct++) {
            List<PruneResult> res = Pruner.global(ls, Structure.UNSTRUCTURED, pct / 100.0);
            Map<String, Double> rates = new LinkedHashMap<>();
            for (PruneResult r : res) {
                double rate = r.mask().rate(), level = 0;
                if (rate > 0) {
                    level = levels[levels.length - 1];
                    for (double l : levels) if (l >= rate) { level = l; break; }
                }
                rates.put(r.layer(), level);
            }
            Spdy.Profile p = fixed(csr.table(), rates);
            if (p.trueSpeedup() >= target) return p;
        }
        return null;
    }

    /** The profile of given csr levels per layer (0: dense), with its predicted time from the table. */
    static Spdy.Profile fixed(LatencyTable t, Map<String, Double> rates) {
        List<Spdy.Pick> picks = new ArrayList<>();
        double time = t.base() - t.prunable();
        for (LatencyTable.Layer l : t.layers()) {
            double level = rates.getOrDefault(l.name(), 0.0);
            LatencyTable.Timing pick = null;
            for (LatencyTable.Timing x : l.timings())
                if (x.level() == level && (level == 0 || x.format().equals("csr"))) { pick = x; break; }
            if (pick == null) throw new IllegalStateException("layer " + l.name() + ": no csr timing at level " + level);
            picks.add(new Spdy.Pick(l.name(), pick.format(), pick.level(), pick.seconds(), false));
            time += pick.seconds();
        }
        return new Spdy.Profile(picks, t.base(), time, time, Double.NaN, 0);
    }

    /** Cross-entropy of the network pruned as {@code p} says (not retrained) on the calibration images; masks cached. */
    static double calibrationLoss(Network dense, Spdy.Profile p, Dataset calib, Map<String, boolean[]> masks) {
        Network n = AccuracySupport.copy(dense);
        for (Spdy.Pick k : p.picks()) {
            if (k.level() == 0) continue;
            Param w = n.param(k.layer() + ".weight");
            boolean[] keep = masks.computeIfAbsent(k.layer() + " " + k.format() + " " + k.level(), key -> {
                float[] pr = LatencyDatabase.pruned(w.values(), w.rows(), w.cols(), k.format(), k.level());
                boolean[] kk = new boolean[pr.length];
                for (int i = 0; i < kk.length; i++) kk[i] = pr[i] != 0;
                return kk;
            });
            w.setMask(keep);
        }
        return n.evaluate(calib, 250).loss();
    }

    static String describe(Spdy.Profile p) {
        StringBuilder b = new StringBuilder();
        for (Spdy.Pick k : p.picks()) {
            if (b.length() > 0) b.append(' ');
            b.append(k.layer()).append('=').append(k.level() == 0 ? "dense" : k.format() + "@" + String.format(Locale.ROOT, "%.3f", k.level()));
        }
        return b.toString();
    }
}
