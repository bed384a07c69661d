package dev.prunebench.models.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The four MNIST IDX files with their sizes and SHA-256 checksums, read from the resource {@code mnist-sha256.txt}
 * kept in the repository (one definition, shared by the Java fetch and {@code scripts/fetch-mnist.sh}).
 */
public final class MnistFiles {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** One expected file. */
    public record Entry(String name, long bytes, String sha256) {}

    private static final List<Entry> ENTRIES = load();

    private MnistFiles() {}

    public static List<Entry> all() { return ENTRIES; }

    public static Entry get(String name) {
        for (Entry e : ENTRIES) if (e.name.equals(name)) return e;
        throw new IllegalArgumentException("MNIST file: unknown name '" + name + "'");
    }

    private static List<Entry> load() {
        try (InputStream in = MnistFiles.class.getResourceAsStream("mnist-sha256.txt")) {
            if (in == null) throw new IllegalStateException("resource mnist-sha256.txt missing from the models jar");
            List<Entry> out = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] f = line.split("\\s+");
                if (f.length != 3) throw new IllegalStateException("mnist-sha256.txt: bad line '" + line + "'");
                out.add(new Entry(f[0], Long.parseLong(f[1]), f[2].toLowerCase(Locale.ROOT)));
            }
            if (out.size() != 4) throw new IllegalStateException("mnist-sha256.txt: expected 4 entries, got " + out.size());
            return List.copyOf(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read mnist-sha256.txt: " + e.getMessage(), e);
        }
    }
}
