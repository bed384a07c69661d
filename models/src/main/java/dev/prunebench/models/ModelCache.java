package dev.prunebench.models;

import dev.prunebench.kernels.cpu.Blas;
import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.data.MnistFetch;
import dev.prunebench.models.io.ModelFiles;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.train.Reproducibility;
import dev.prunebench.models.train.TrainConfig;
import dev.prunebench.models.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dense trained models kept under {@code <data root>/models/<key>/} (see {@link MnistFetch#dataRoot()}), so experiments
 * reuse a trained model instead of retraining it. The key names everything that determines the weights, so a stale
 * model is never reused silently: network, seed, epochs (the budget), training-set size, and a SHA-256 over the
 * training path's code version ({@link #TRAINING_CODE_VERSION}), the whole training configuration, the training data
 * (pixels and labels), the GEMM backend and whether it runs in a bitwise reproducible mode.
 */
public final class ModelCache {
    private ModelCache() {}

    /** A dense model, whether it was loaded from the cache, and how long training took (0 when loaded). */
    public record Entry(Network network, boolean loaded, Path dir, double trainSeconds, Map<String, Object> meta) {}

    public static Path root() { return MnistFetch.dataRoot().resolve("models"); }

    /**
     * Version of the training path (network construction and initialisation, layers' forward and backward, the
     * optimiser, shuffling, data scaling). Bump it by hand with any change there that changes trained weights: every
     * cached model then misses and is retrained.
     */
    public static final int TRAINING_CODE_VERSION = 2;

    /** The cache key of a dense model: readable prefix, then a hash of everything else that changes the result. */
    public static String key(String net, TrainConfig c, Dataset train) {
        return key(net, c, train.size(), dataChecksum(train), Blas.backend() + "|" + (Reproducibility.bitwiseReproducible() ? "bitwise" : "not-bitwise"));
    }

    static String key(String net, TrainConfig c, int trainSize, String dataChecksum, String gemm) {
        String rest = "v" + TRAINING_CODE_VERSION + "|" + net + "|" + c.epochs() + "|" + c.batch() + "|" + c.lr() + "|" + c.momentum() + "|"
                + c.weightDecay() + "|" + c.schedule().spec() + "|" + c.seed() + "|" + c.threads() + "|" + trainSize + "|" + dataChecksum + "|" + gemm;
        return net + "-s" + c.seed() + "-e" + c.epochs() + "-n" + trainSize + "-v" + TRAINING_CODE_VERSION + "-" + sha256(rest.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** SHA-256 (hex) over a data set's shape, pixels (float bits) and labels. */
    public static String dataChecksum(Dataset d) {
        MessageDigest md = digest();
        ByteBuffer head = ByteBuffer.allocate(20);
        head.putInt(d.channels()).putInt(d.height()).putInt(d.width()).putInt(d.classes()).putInt(d.size());
        md.update(head.array());
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        for (float v : d.x()) {
            if (buf.remaining() < 4) { md.update(buf.array(), 0, buf.position()); buf.clear(); }
            buf.putInt(Float.floatToRawIntBits(v));
        }
        for (int v : d.y()) {
            if (buf.remaining() < 4) { md.update(buf.array(), 0, buf.position()); buf.clear(); }
            buf.putInt(v);
        }
        md.update(buf.array(), 0, buf.position());
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JDK", e);
        }
    }

    private static String sha256(byte[] b) { return HexFormat.of().formatHex(digest().digest(b)); }

    /**
     * Loads {@code net} trained with {@code config} on {@code train} from the cache, or trains it (initial weights from
     * {@code config.seed()}) and saves it. {@code useCache == false} always trains (and does not save).
     */
    public static Entry denseModel(String net, Dataset train, TrainConfig config, boolean useCache, PrintStream log, boolean interactive) throws IOException {
        String checksum = dataChecksum(train);
        String gemm = Blas.backend() + "|" + (Reproducibility.bitwiseReproducible() ? "bitwise" : "not-bitwise");
        Path dir = root().resolve(key(net, config, train.size(), checksum, gemm));
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
        meta.put("train_data_sha256", checksum);
        meta.put("training_code_version", TRAINING_CODE_VERSION);
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
