package dev.prunebench.experiments.accuracy;

import static dev.prunebench.experiments.accuracy.AccuracySupport.pct;
import static dev.prunebench.experiments.accuracy.AccuracySupport.round3;

import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.data.Mnist;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Param;
import dev.prunebench.models.train.TrainConfig;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.MetricName;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * SIMD-aware pruning as Scalpel's public code does it, beside the project's exact-rate search: groups of
 * {@value #WIDTH} weights along each row, each group's RMS against an <em>absolute</em> threshold raised in stages
 * (the public code's thresholds per network), retraining with the mask held between stages; the last group of each row
 * is never pruned (Scalpel pads a row to a multiple of the width by wrapping around to its start, so that group holds
 * the wrapped weights); the mask only grows. An absolute threshold depends on the scale of the trained weights, so
 * the pruned fraction each stage reaches is the measurement here, beside the public code's.
 */
final class ScalpelStaged {
    private ScalpelStaged() {}

    static final int WIDTH = 8;

    /** The public code's thresholds per network (Scalpel README): LeNet-300-100 and LeNet-5. */
    static List<Double> thresholds(String net) {
        return net.equals("lenet300") ? List.of(0.04, 0.05, 0.06, 0.07, 0.08) : List.of(0.04, 0.05, 0.06, 0.075, 0.080);
    }

    /**
     * The keep mask of one weight matrix at threshold t: a group (WIDTH adjacent weights of a row at an offset that
     * is a multiple of WIDTH) is removed when its RMS is below t, except the last group of each row; ANDed with the
     * matrix's current mask. RMS is over the group's WIDTH slots, the last group's wrapping to the row's start.
     */
    static boolean[] mask(Param p, double t) {
        int rows = p.rows(), cols = p.cols(), groups = (cols + WIDTH - 1) / WIDTH;
        float[] w = p.values();
        boolean[] old = p.mask(), keep = new boolean[w.length];
        Arrays.fill(keep, true);
        for (int r = 0; r < rows; r++)
            for (int gi = 0; gi < groups - 1; gi++) { // the last group of a row is never pruned
                double ss = 0;
                for (int s = 0; s < WIDTH; s++) {
                    float v = w[r * cols + (gi * WIDTH + s) % cols];
                    ss += (double) v * v;
                }
                if (Math.sqrt(ss / WIDTH) < t)
                    for (int s = 0; s < WIDTH && gi * WIDTH + s < cols; s++) keep[r * cols + gi * WIDTH + s] = false;
            }
        if (old != null) for (int i = 0; i < keep.length; i++) keep[i] &= old[i];
        return keep;
    }

    /** Runs the stages on a copy of {@code dense}; one table row per stage; keeps the last stage's network. */
    static void run(ExperimentContext ctx, String net, Network dense, double denseTest, Mnist.Split split, Dataset retrainSet,
                    AccuracySupport.Budget b, TableBuilder table) throws IOException {
        Network p = AccuracySupport.copy(dense);
        int stage = 0;
        double test = denseTest;
        for (double t : thresholds(net)) {
            for (Param w : p.weights()) w.setMask(mask(w, t));
            double before = p.accuracy(split.test(), 250);
            double pf = AccuracySupport.prunedFraction(p);
            TrainConfig rc = ScalpelAccuracy.searchRetrain(net, b, ctx.seed() + 400 + stage);
            AccuracySupport.retrain(ctx, p, retrainSet, rc, net + " staged g=" + WIDTH + " threshold " + t);
            double val = p.accuracy(split.validation(), 250);
            test = p.accuracy(split.test(), 250);
            stage++;
            String tag = "net=" + net + ",g=" + WIDTH + ",threshold=" + String.format(Locale.ROOT, "%.3f", t) + ",staged";
            table.row(net, stage, t, round3(pf), round3(pct(before)), round3(pct(val)), round3(pct(test)), round3(pct(denseTest)));
            ctx.metric(AccuracySupport.accuracy(MetricName.format("pruned_fraction", tag), round3(pf), "fraction"));
            ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy", tag), round3(pct(test)), "%"));
            ctx.log().printf(Locale.ROOT, "  %s staged g=%d threshold %.3f: %.1f %% pruned, test %.2f %% after retraining%n", net, WIDTH, t, 100 * pf, pct(test));
        }
        ctx.metric(AccuracySupport.accuracy(MetricName.format("accuracy_delta", "net=" + net, "g=" + WIDTH, "staged"), round3(pct(test) - pct(denseTest)), "points"));
        AccuracySupport.keep(ctx, net + "-simd-staged-g" + WIDTH, p, test);
    }
}
