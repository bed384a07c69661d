package dev.prunebench.models;

import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.data.MnistFetch;
import dev.prunebench.models.io.ModelFiles;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.train.Reproducibility;
import dev.prunebench.models.train.TrainConfig;
import dev.prunebench.models.train.Trainer;
import dev.prunebench.kernels.cpu.Blas;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dense trained models kept under {@code <data root>/models/<key>/} (see {@link MnistFetch#dataRoot()}), so experiments
 * reuse a trained model instead of retraining it. The key names everything that determines the weights: network,
 * seed, epochs, training-set size, and a hash of the rest of the configuration.
 */
public final class ModelCache {
    private ModelCache() {}

    /** A dense model, whether it was loaded from the cache, and how long training took (0 when loaded). */
    public record Entry(Network network, boolean loaded, Path dir, double trainSeconds, Map<String, Object> meta) {}

    public static Path root() { return MnistFetch.dataRoot().resolve("models"); }

    public static String key(String net, TrainConfig c, int trainSize) {
        String rest = c.batch() + "|" + c.lr() + "|" + c.momentum() + "|" + c.weightDecay() + "|" + c.schedule().spec() + "|" + c.threads();
        return net + "-s" + c.seed() + "-e" + c.epochs() + "-n" + trainSize + "-" + Integer.toHexString(rest.hashCode());
    }

    /**
     * Loads {@code net} trained with {@code config} on {@code train} from the cache, or trains it (initial weights from
     * {@code config.seed()}) and saves it. {@code useCache == false} always trains (and does not save).
     */
    public static Entry denseModel(String net, Dataset train, TrainConfig config, boolean useCache, PrintStream log, boolean interactive) throws IOException {
        Path dir = root().resolve(key(net, config, train.size()));
        if (useCache && Files.isRegularFile(dir.resolve("model.json"))) {
            try {
                ModelFiles.Loaded l = ModelFiles.load(dir);
                if (log != null) log.println("  loaded dense " + net + " from " + dir);
                return new Entry(l.network(), true, dir, 0, l.meta());
            } catch (IOException e) {
                if (log != null) log.println("  cached model in " + dir + " unreadable (" + e.getMessage() + "); retraining");
            }
        }
        Network n = Networks.build(net, config.seed());
        Trainer.Result r = new Trainer(log, interactive, net + " dense").train(n, train, null, config);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("train_config", config.describe());
        meta.put("train_size", train.size());
        meta.put("train_seconds", r.seconds());
        meta.put("seconds_per_epoch", r.secondsPerEpoch());
        meta.put("final_train_loss", r.last() == null ? Double.NaN : r.last().loss());
        meta.put("gemm", Blas.backend());
        meta.put("reproducibility", Reproducibility.status());
        if (useCache) {
            ModelFiles.save(n, dir, meta, ModelFiles.Existing.REPLACE_MODEL);
            if (log != null) log.println("  saved dense " + net + " to " + dir);
        }
        return new Entry(n, false, dir, r.seconds(), meta);
    }
}
