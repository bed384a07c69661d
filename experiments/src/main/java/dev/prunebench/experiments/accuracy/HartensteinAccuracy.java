package dev.prunebench.experiments.accuracy;

import static dev.prunebench.experiments.accuracy.AccuracySupport.pct;
import static dev.prunebench.experiments.accuracy.AccuracySupport.round3;

import dev.prunebench.core.prune.Score;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.data.Mnist;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.train.TrainConfig;
import dev.prunebench.models.train.Trainer;
import dev.prunebench.results.Csv;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricName;
import dev.prunebench.results.PlotSpec;
import dev.prunebench.results.Scale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tech.tablesaw.api.Table;

/**
 * Hartenstein et al., Fig. 4 and 5: the MNIST MLP 784-128-128-256-256-512-512-10 trained dense, every weight matrix
 * pruned to 90 % with groups of g adjacent weights in a row (RMS aggregate), retrained with the mask held; test accuracy
 * per g beside the dense baseline, the aggregation functions at g = 8, and accuracy against the measured CPU speedup
 * when {@code hartenstein-spmm-cpu} ran in the same run.
 */
public final class HartensteinAccuracy implements Experiment {
    static final double RATE = 0.90;

    @Override public String id() { return "hartenstein-accuracy"; }
    @Override public String paper() { return "Hartenstein et al., Fig. 4/5"; }
    @Override public String description() { return "MLP accuracy at 90 % group pruning per group size g, aggregation functions at g = 8"; }

    static List<Integer> groupSizes(Scale s) {
        return s == Scale.QUICK ? List.of(1, 8, 64) : List.of(1, 2, 4, 8, 16, 32, 64);
    }

    /** The aggregation functions compared at g = 8 (ids as written in the table); RMS is the main sweep's. */
    static List<String> aggregates(Scale s) {
        return s == Scale.QUICK ? List.of("rms", "random") : List.of("rms", "mean", "median", "random");
    }

    static Score score(String agg, long seed) {
        return switch (agg) {
            case "rms" -> Score.RMS;
            case "mean" -> Score.MEAN;
            case "median" -> Score.MEDIAN;
            case "random" -> Score.random(seed);
            default -> throw new IllegalArgumentException("aggregate: unknown '" + agg + "'");
        };
    }

    static final String SPMM = "hartenstein-spmm-cpu";

    /**
     * How a network is pruned to {@link #RATE}. The paper names no schedule. {@code ONE_SHOT}: every layer to 90 % at
     * once, then retraining at the retraining rate (a fifth of the base rate). {@code STAGED}: 50 %, 75 %, then 90 % of
     * each layer, retrained at the base rate after each stage (masks only grow). One-shot pruning of all seven layers
     * (output layer included) shrinks the logits' spread about 30× (rms) to 60× (random) at g = 8: the loss starts at
     * ln 10 with vanishing gradients and the low-rate retraining never leaves it. The staged schedule is the main
     * procedure; one-shot is kept beside it in the aggregation table to show the collapse and its cause.
     */
    enum Procedure {
        ONE_SHOT("one-shot"), STAGED("staged");
        final String id;
        Procedure(String id) { this.id = id; }
    }

    static final double[] STAGES = {0.5, 0.75, RATE};

    /** Fig. 5 joins this experiment's accuracies with the SpMM speedups when both run. */
    @Override public List<String> uses() { return List.of(SPMM); }

    @Override public void run(ExperimentContext ctx) throws Exception {
        AccuracySupport.Budget b = AccuracySupport.Budget.of(ctx.scale());
        AccuracySupport.recordEnvironment(ctx);
        Mnist.Split split = AccuracySupport.split(AccuracySupport.mnist(ctx), b, AccuracySupport.MLP_VALIDATION);
        ctx.parameter("split", split.name() + " train/validation, test " + split.test().size());
        ctx.parameter("rate", RATE);
        ctx.parameter("group_sizes", groupSizes(ctx.scale()).toString());
        ctx.parameter("retrain", AccuracySupport.retrainConfig("mlp", b, ctx.seed()).describe());
        ctx.note("Every weight matrix (including the output layer) is pruned separately to exactly round(0.90 × groups) groups; "
                + "groups are g adjacent weights of one row (one output neuron) at column offsets that are multiples of g.");
        ctx.note("Accuracies are on the MNIST test set; the validation split (" + split.validation().size() + " images) is reported beside them.");

        Network dense = AccuracySupport.dense(ctx, "mlp", split.train(), b).network();
        double denseTest = dense.accuracy(split.test(), 500), denseVal = dense.accuracy(split.validation(), 500);
        ctx.metric(AccuracySupport.accuracy("accuracy[net=mlp,dense]", round3(pct(denseTest)), "%"));
        AccuracySupport.keep(ctx, "mlp-dense", dense, denseTest);

        TableBuilder byG = new TableBuilder("accuracy_by_g", "g", "aggregate", "rate", "pruned_fraction", "accuracy_before_retrain",
                "validation_accuracy", "accuracy", "dense_accuracy", "delta_points");
        TableBuilder byAgg = new TableBuilder("aggregation", "aggregate", "procedure", "g", "rate", "logit_std_after_pruning", "dense_logit_std",
                "accuracy_before_retrain", "validation_accuracy", "accuracy", "dense_accuracy", "delta_points");
        double denseStd = logitStd(dense, split.test());
        byG.row(0, "dense", 0.0, 0.0, round3(pct(denseTest)), round3(pct(denseVal)), round3(pct(denseTest)), round3(pct(denseTest)), 0.0);
        double g1 = Double.NaN;
        Map<String, Double> aggAcc = new LinkedHashMap<>();
        for (int g : groupSizes(ctx.scale())) {
            double[] r = pruneAndRetrain(ctx, dense, split, b, g, "rms", Procedure.STAGED);
            if (g == 1) g1 = r[3];
            // the paper's claims are about deltas: pruned vs dense, g vs g = 1 (points)
            ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy_delta", "net=mlp", "g=" + g, "rate=0.90"), round3(pct(r[3]) - pct(denseTest)), "points"));
            if (!Double.isNaN(g1))
                ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy_delta_vs_g1", "net=mlp", "g=" + g, "rate=0.90"), round3(pct(r[3]) - pct(g1)), "points"));
            ctx.metric(AccuracySupport.accuracy(MetricName.format("pruned_weights", "net=mlp", "g=" + g, "rate=0.90"), r[5], "count"));
            ctx.metric(AccuracySupport.accuracy(MetricName.format("loss", "net=mlp", "g=" + g, "rate=0.90"), r[4], ""));
            byG.row(g, "rms", RATE, round3(r[0]), round3(pct(r[1])), round3(pct(r[2])), round3(pct(r[3])), round3(pct(denseTest)), round3(pct(r[3] - denseTest)));
            ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy", "net=mlp", "g=" + g, "rate=0.90"), round3(pct(r[3])), "%"));
            AccuracySupport.noteCollapse(ctx, "g = " + g + " (rms)", r[3], 10);
            if (g == 8) {
                byAgg.row("rms", Procedure.STAGED.id, 8, RATE, round6(r[6]), round6(denseStd), round3(pct(r[1])), round3(pct(r[2])), round3(pct(r[3])),
                        round3(pct(denseTest)), round3(pct(r[3] - denseTest)));
                aggAcc.put("rms", r[3]);
            }
        }
        for (Procedure proc : Procedure.values()) {
            for (String a : aggregates(ctx.scale())) {
                if (a.equals("rms") && proc == Procedure.STAGED) continue;
                double[] r = pruneAndRetrain(ctx, dense, split, b, 8, a, proc);
                byAgg.row(a, proc.id, 8, RATE, round6(r[6]), round6(denseStd), round3(pct(r[1])), round3(pct(r[2])), round3(pct(r[3])),
                        round3(pct(denseTest)), round3(pct(r[3] - denseTest)));
                String tag = "agg=" + a + (proc == Procedure.STAGED ? "" : ",procedure=" + proc.id);
                if (proc == Procedure.STAGED) aggAcc.put(a, r[3]);
                ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy", "net=mlp", "g=8", "rate=0.90", tag), round3(pct(r[3])), "%"));
                ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy_delta", "net=mlp", "g=8", "rate=0.90", tag), round3(pct(r[3]) - pct(denseTest)), "points"));
                ctx.metric(AccuracySupport.accuracy(MetricName.format("loss", "net=mlp", "g=8", "rate=0.90", tag), r[4], ""));
                ctx.metric(AccuracySupport.accuracy(MetricName.format("logit_std_after_pruning", "net=mlp", "g=8", "rate=0.90", tag), round6(r[6]), ""));
                AccuracySupport.noteCollapse(ctx, "g = 8, aggregate " + a + " (" + proc.id + ")", r[3], 10);
            }
        }
        double lo = aggAcc.values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double hi = aggAcc.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        ctx.metric(AccuracySupport.accuracy("accuracy_spread_aggregates[net=mlp,g=8,rate=0.90]", round3(pct(hi) - pct(lo)), "points"));
        ctx.parameter("aggregates_in_spread", aggAcc.keySet().toString() + " (staged procedure)");
        ctx.note(String.format(Locale.ROOT, "Procedure: every g of the main sweep is pruned in stages %s with retraining at the base rate after each (%s); "
                + "the paper names no schedule. One-shot pruning to 90 %% of all layers, beside it in the aggregation table, shrinks the spread of the "
                + "logits from %.3f (dense) to the 'logit_std_after_pruning' shown, which leaves the loss at ln 10 with vanishing gradients.",
                Arrays.toString(STAGES), AccuracySupport.retrainConfig("mlp", b, ctx.seed()).withLr(AccuracySupport.baseLr("mlp")).describe(), denseStd));
        ctx.table("accuracy_by_g", byG.build());
        ctx.table("aggregation", byAgg.build());
        ctx.plot(new PlotSpec("accuracy-vs-g", "MLP test accuracy at 90 % pruning per group size (g = 0: dense)", "accuracy_by_g", "g", "accuracy",
                null, List.of(), "group size g", "test accuracy (%)", false, PlotSpec.Style.LINE, round3(pct(denseTest))));
        ctx.plot(new PlotSpec("aggregation-g8", "Aggregation functions at g = 8, 90 %", "aggregation", "aggregate", "accuracy",
                null, List.of(), "aggregate", "test accuracy (%)", false, PlotSpec.Style.BAR, round3(pct(denseTest))));
        scatter(ctx, byG.build());
    }

    /**
     * {pruned fraction, accuracy before the last retraining (test), validation accuracy after, test accuracy after, last
     * retraining loss, pruned weights, standard deviation of the logits right after the last pruning step (test images)}.
     */
    private double[] pruneAndRetrain(ExperimentContext ctx, Network dense, Mnist.Split split, AccuracySupport.Budget b, int g, String agg,
                                     Procedure proc) throws IOException {
        Network net = AccuracySupport.copy(dense);
        Trainer.Result tr = null;
        double before = Double.NaN, std = Double.NaN;
        double[] stages = proc == Procedure.STAGED ? STAGES : new double[] {RATE};
        TrainConfig rc = AccuracySupport.retrainConfig("mlp", b, ctx.seed() + 1000 + g);
        if (proc == Procedure.STAGED) rc = rc.withLr(AccuracySupport.baseLr("mlp"));
        for (int i = 0; i < stages.length; i++) {
            AccuracySupport.pruneEachLayer(net, g, score(agg, ctx.seed() + g), stages[i]);
            before = net.accuracy(split.test(), 500);
            std = logitStd(net, split.test());
            tr = AccuracySupport.retrain(ctx, net, split.train(), rc.withSeed(rc.seed() + 17L * i),
                    "mlp g=" + g + " " + agg + " " + proc.id + (stages.length > 1 ? " stage " + (i + 1) + "/" + stages.length : ""));
        }
        double val = net.accuracy(split.validation(), 500), test = net.accuracy(split.test(), 500);
        ctx.log().printf(Locale.ROOT, "  mlp g=%d %s %s: pruned %.4f, logit std %.4f, before retrain %.2f %%, after %.2f %% (test)%n", g, agg, proc.id,
                AccuracySupport.prunedFraction(net), std, pct(before), pct(test));
        AccuracySupport.keep(ctx, "mlp-g" + g + "-" + agg + (proc == Procedure.STAGED ? "" : "-" + proc.id), net, test);
        return new double[] {AccuracySupport.prunedFraction(net), before, val, test, AccuracySupport.lastLoss(tr), AccuracySupport.prunedWeights(net), std};
    }

    /** Standard deviation of all logits of the first 500 images of {@code d} (one spread over images and classes). */
    static double logitStd(Network net, Dataset d) {
        Dataset h = d.head(500);
        float[] out = net.forward(Arrays.copyOf(h.x(), h.size() * h.features()), h.size(), false);
        double s = 0, s2 = 0;
        for (float f : out) { s += f; s2 += (double) f * f; }
        double m = s / out.length;
        return Math.sqrt(Math.max(0, s2 / out.length - m * m));
    }

    static double round6(double v) { return Math.round(v * 1e6) / 1e6; }

    /** Fig. 5: joins accuracy per g with the CPU speedup per g at 90 % from hartenstein-spmm-cpu in the same run. */
    private void scatter(ExperimentContext ctx, Table byG) {
        Optional<Path> in = ctx.input(SPMM);
        if (in.isEmpty() || !Files.isRegularFile(in.get().resolve("speedup.csv"))) {
            ctx.skipped("accuracy-vs-speedup scatter (Fig. 5)", SPMM + " did not run in this run; run both in one run, e.g. 'prunebench run hartenstein-spmm-cpu hartenstein-accuracy'");
            return;
        }
        Path sp = in.get().resolve("speedup.csv");
        try {
            Table s = Csv.readTable(sp, "speedup");
            String gCol = find(s, "g"), speedCol = find(s, "speedup"), rateCol = findOrNull(s, "rate"), kernelCol = findOrNull(s, "kernel"), nCol = findOrNull(s, "n");
            String denseCol = s.columnNames().contains("dense") ? "dense" : null;
            Map<Integer, Double> accByG = new HashMap<>();
            for (int i = 0; i < byG.rowCount(); i++) if (byG.intColumn("g").get(i) > 0) accByG.put(byG.intColumn("g").get(i), byG.doubleColumn("accuracy").get(i));
            // Hartenstein et al. multiply by a 4096 × 50 activation matrix: prefer n = 50 when the sweep has it
            boolean has50 = false;
            if (nCol != null) for (int r = 0; r < s.rowCount(); r++) has50 |= num(s, nCol, r) == 50;
            TableBuilder out = new TableBuilder("accuracy_vs_speedup", "kernel", "n", "g", "speedup", "accuracy");
            for (int r = 0; r < s.rowCount(); r++) {
                int g = (int) num(s, gCol, r);
                double speed = num(s, speedCol, r);
                if (!accByG.containsKey(g) || !Double.isFinite(speed)) continue;
                if (denseCol != null && "true".equalsIgnoreCase(String.valueOf(s.column(denseCol).get(r)))) continue;
                if (rateCol != null && Math.abs(num(s, rateCol, r) - RATE) > 1e-6) continue;
                int n = nCol == null ? -1 : (int) num(s, nCol, r);
                if (has50 && n != 50) continue;
                out.row(kernelCol == null ? "all" : String.valueOf(s.column(kernelCol).get(r)), n, g, round3(speed), accByG.get(g));
            }
            if (out.size() == 0) {
                ctx.skipped("accuracy-vs-speedup scatter (Fig. 5)", sp + " has no finite speedups at rate 0.90 for the group sizes measured here");
                return;
            }
            ctx.table("accuracy_vs_speedup", out.build());
            ctx.plot(new PlotSpec("accuracy-vs-speedup", "Accuracy vs CPU speedup at 90 % (Fig. 5), one point per g and kernel", "accuracy_vs_speedup", "speedup", "accuracy",
                    "kernel", List.of(), "speedup over the fastest dense kernel (CPU, measured in this run)", "test accuracy (%)", false, PlotSpec.Style.SCATTER, Double.NaN));
            ctx.note("Fig. 5 scatter: speedups at rate 0.90" + (has50 ? ", N = 50" : "") + " from " + sp.getParent().getFileName()
                    + "/speedup.csv (each kernel its own series), joined on g with this experiment's accuracies.");
        } catch (RuntimeException | IOException e) {
            ctx.skipped("accuracy-vs-speedup scatter (Fig. 5)", sp + " could not be joined: " + e.getMessage());
        }
    }

    private static double num(Table t, String col, int row) {
        Object v = t.column(col).get(row);
        if (v instanceof Number n) return n.doubleValue();
        try {
            return Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String find(Table t, String name) throws IOException {
        String c = findOrNull(t, name);
        if (c == null) throw new IOException("no column '" + name + "' (columns: " + t.columnNames() + ")");
        return c;
    }

    private static String findOrNull(Table t, String name) {
        for (String c : t.columnNames()) if (c.equalsIgnoreCase(name)) return c;
        for (String c : t.columnNames()) if (c.toLowerCase(Locale.ROOT).startsWith(name)) return c;
        return null;
    }
}
