package dev.prunebench.models.train;

import dev.prunebench.kernels.cpu.Blas;
import dev.prunebench.models.Progress;
import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Sgd;
import dev.prunebench.models.nn.SoftmaxCrossEntropy;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains a {@link Network} with {@link Sgd}. Masks set on its parameters hold throughout (masked weights stay exactly 0).
 *
 * <p>Reproducibility: the order of samples comes from a {@link SplittableRandom} seeded with {@code config.seed()},
 * the Java loops write disjoint ranges (no order-dependent sums across threads), and the GEMMs run on {@link Blas}
 * with {@code config.threads()} threads — see {@link Reproducibility} for what that guarantees.
 */
public final class Trainer {

    /** Per-epoch record. */
    public record Epoch(int epoch, double loss, double trainAccuracy, double evalAccuracy, double seconds, double lr) {}

    /** Everything a run produced. */
    public record Result(List<Epoch> epochs, double seconds, int samplesPerEpoch) {
        /** Mean training time per epoch (forward, backward, update; the per-epoch evaluation is not counted). */
        public double secondsPerEpoch() { return epochs.stream().mapToDouble(Epoch::seconds).average().orElse(0); }
        public Epoch last() { return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1); }
    }

    private final PrintStream log;
    private final boolean interactive;
    private final String label;

    /**
     * @param log         where one line per epoch goes when not interactive (null: nowhere)
     * @param interactive draw a progress bar (epoch, loss, accuracy, ETA) instead
     * @param label       prefix of the progress line, e.g. {@code lenet5 dense}
     */
    public Trainer(PrintStream log, boolean interactive, String label) {
        this.log = log;
        this.interactive = interactive;
        this.label = label;
    }

    public static Trainer silent() { return new Trainer(null, false, ""); }

    /**
     * Trains for {@code config.epochs()} passes over {@code train}. {@code eval} (may be null) is measured after every
     * epoch for the log; it never influences training.
     */
    public Result train(Network net, Dataset train, Dataset eval, TrainConfig config) {
        if (train.features() != net.inSize())
            throw new IllegalArgumentException("train: network " + net.id() + " takes " + net.inSize() + " features, data set has " + train.features());
        Reproducibility.ensureConditionalNumericalReproducibility();
        Blas.setThreads(config.threads());
        Sgd sgd = new Sgd(config.momentum(), config.weightDecay());
        Sgd.reset(net.params());
        int n = train.size(), f = train.features(), classes = net.classes(), bs = config.batch();
        int stepsPerEpoch = (n + bs - 1) / bs;
        long totalSteps = (long) stepsPerEpoch * config.epochs();
        SplittableRandom rng = new SplittableRandom(config.seed());
        int[] order = new int[n];
        float[] xb = new float[bs * f];
        int[] yb = new int[bs];
        float[] dlogits = new float[bs * classes];
        List<Epoch> epochs = new ArrayList<>();
        long t0 = System.nanoTime();
        try (Progress bar = Progress.start(label, totalSteps, System.err, interactive && totalSteps > 0)) {
            long step = 0;
            for (int e = 0; e < config.epochs(); e++) {
                long te = System.nanoTime();
                shuffle(order, rng);
                double lossSum = 0;
                int correct = 0;
                double lr = 0;
                for (int s = 0; s < n; s += bs) {
                    int b = Math.min(bs, n - s);
                    if (b != bs) {
                        xb = new float[b * f];
                        dlogits = new float[b * classes];
                    } else if (xb.length != bs * f) {
                        xb = new float[bs * f];
                        dlogits = new float[bs * classes];
                    }
                    for (int r = 0; r < b; r++) {
                        int idx = order[s + r];
                        System.arraycopy(train.x(), idx * f, xb, r * f, f);
                        yb[r] = train.y()[idx];
                    }
                    float[] logits = net.forward(xb, b, true);
                    lossSum += SoftmaxCrossEntropy.lossAndGrad(logits, b, classes, yb, 0, dlogits) * b;
                    correct += correct(logits, b, classes, yb);
                    net.backward(dlogits, b);
                    lr = config.lr() * config.schedule().factor((double) step / totalSteps);
                    sgd.step(net.params(), lr);
                    step++;
                    bar.step();
                    if ((step & 63) == 0) bar.message(String.format(" epoch %d/%d loss %.4f acc %.2f%%", e + 1, config.epochs(), lossSum / (s + b), 100.0 * correct / (s + b)));
                }
                double secs = (System.nanoTime() - te) / 1e9;
                double evalAcc = eval == null ? Double.NaN : net.accuracy(eval, 256);
                Epoch ep = new Epoch(e + 1, lossSum / n, (double) correct / n, evalAcc, secs, lr);
                epochs.add(ep);
                if (bar.drawn()) bar.message(String.format(" epoch %d/%d loss %.4f acc %.2f%% eval %.2f%%", e + 1, config.epochs(), ep.loss(), 100 * ep.trainAccuracy(), 100 * evalAcc));
                else if (log != null)
                    log.printf("  %s epoch %d/%d: loss %.4f, train %.2f %%, eval %s, %.1f s%n", label, e + 1, config.epochs(), ep.loss(),
                            100 * ep.trainAccuracy(), Double.isNaN(evalAcc) ? "-" : String.format("%.2f %%", 100 * evalAcc), secs);
            }
        }
        return new Result(epochs, (System.nanoTime() - t0) / 1e9, n);
    }

    /** A Fisher–Yates shuffle of 0 … n−1 into {@code order}, drawn from {@code rng}. */
    private static void shuffle(int[] order, SplittableRandom rng) {
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** How many of the batch's {@code b} rows of logits have their largest value (the first, on ties) at the label. */
    private static int correct(float[] logits, int b, int classes, int[] labels) {
        int correct = 0;
        for (int r = 0; r < b; r++) {
            int arg = 0;
            for (int j = 1; j < classes; j++) if (logits[r * classes + j] > logits[r * classes + arg]) arg = j;
            if (arg == labels[r]) correct++;
        }
        return correct;
    }
}
