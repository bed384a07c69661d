package dev.prunebench.models.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.io.Npy;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.nn.Param;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A saved model is a folder:
 * <pre>
 *   model.json             {"format": "prunebench-model/1", "network": "lenet5", "widths": [20, 50, 500],
 *                           "shape": "conv20-conv50-fc500-fc10",
 *                           "params": [{"name": "conv1.weight", "file": "conv1.weight.npy", "rows": 20, "cols": 25,
 *                                       "mask": "conv1.weight.mask.npy"}, …],
 *                           "meta": {…free-form: training config, accuracy, seconds…}}
 *   conv1.weight.npy       float32 little-endian, rows × cols, C order (numpy.load reads it)
 *   conv1.weight.mask.npy  uint8 0/1, only for parameters with a mask
 * </pre>
 * Weight layout as in {@link Param}: one row per output unit. The folder is written beside its destination and
 * moved into place, so a reader never sees half a model.
 */
public final class ModelFiles {
    public static final String FORMAT = "prunebench-model/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFiles() {}

    /** What {@link #save} does when its destination already exists. */
    public enum Existing {
        /** Refuse anything at the destination but an empty folder. */
        REFUSE,
        /**
         * Replace a folder that holds a saved model (a {@code model.json} and nothing but regular {@code .npy} files
         * beside it), atomically; refuse anything else.
         */
        REPLACE_MODEL
    }

    /** Saves into {@code dir}, which must not exist or be an empty folder ({@link Existing#REFUSE}). */
    public static void save(Network net, Path dir, Map<String, Object> meta) throws IOException {
        save(net, dir, meta, Existing.REFUSE);
    }

    /**
     * Saves into {@code dir}. Nothing the program did not write is ever deleted: an existing file, a non-empty folder
     * that is not a saved model, or (with {@link Existing#REFUSE}) any non-empty folder is refused with an
     * {@link IOException} naming it, before anything is written. A saved model being replaced is moved aside, the new
     * one moved into place, and only then the old one deleted; if the move fails, the old model is put back.
     */
    public static void save(Network net, Path dir, Map<String, Object> meta, Existing existing) throws IOException {
        checkDestination(dir, existing);
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".tmp-");
        Path old = null;
        try {
            ObjectNode root = JSON.createObjectNode();
            root.put("format", FORMAT);
            root.put("network", net.id());
            ArrayNode w = root.putArray("widths");
            for (int x : net.widths()) w.add(x);
            root.put("shape", net.shape());
            ArrayNode ps = root.putArray("params");
            for (Param p : net.params()) {
                ObjectNode o = ps.addObject();
                o.put("name", p.name());
                o.put("file", p.name() + ".npy");
                o.put("rows", p.rows());
                o.put("cols", p.cols());
                Files.write(tmp.resolve(p.name() + ".npy"), Npy.encodeFloats(p.rows(), p.cols(), p.values()));
                boolean[] m = p.mask();
                if (m != null) {
                    o.put("mask", p.name() + ".mask.npy");
                    Files.write(tmp.resolve(p.name() + ".mask.npy"), Npy.encodeBools(p.rows(), p.cols(), m));
                }
            }
            root.set("meta", JSON.valueToTree(meta == null ? Map.of() : meta));
            JSON.writeValue(tmp.resolve("model.json").toFile(), root);
            checkDestination(dir, existing); // again: the folder may have changed while the model was written
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                old = parent.resolve("." + dir.getFileName() + ".old-" + Long.toUnsignedString(System.nanoTime(), 36));
                move(dir, old);
            }
            try {
                move(tmp, dir);
            } catch (IOException e) {
                if (old != null) move(old, dir);
                old = null;
                throw e;
            }
            if (old != null) deleteModelFolder(old);
            old = null;
        } finally {
            deleteTree(tmp);
        }
    }

    /** Refuses a destination that save must not touch; an absent path or an empty folder is fine. */
    public static void checkDestination(Path dir, Existing existing) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isSymbolicLink(dir)) throw new IOException(dir + ": is a symbolic link; not overwritten (save into a new folder)");
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) throw new IOException(dir + ": exists and is not a folder; not overwritten (save into a new folder)");
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted().toList();
        }
        if (entries.isEmpty()) return;
        if (existing == Existing.REFUSE)
            throw new IOException(dir + ": folder exists and is not empty (" + entries.size() + " entries); not overwritten"
                    + (Files.isRegularFile(dir.resolve("model.json")) ? " (pass --overwrite to replace the saved model in it)" : ""));
        if (!Files.isRegularFile(dir.resolve("model.json"), LinkOption.NOFOLLOW_LINKS))
            throw new IOException(dir + ": folder holds no model.json, so it is not a saved model; not overwritten");
        for (Path e : entries) {
            String name = e.getFileName().toString();
            boolean ours = Files.isRegularFile(e, LinkOption.NOFOLLOW_LINKS) && (name.equals("model.json") || name.endsWith(".npy"));
            if (!ours) throw new IOException(dir + ": holds '" + name + "', which is not part of a saved model; not overwritten");
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Deletes a replaced model folder: only the regular files checked by {@link #checkDestination}, then the folder. */
    private static void deleteModelFolder(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path q : s.toList()) if (Files.isRegularFile(q, LinkOption.NOFOLLOW_LINKS)) Files.delete(q);
        }
        Files.delete(dir);
    }

    /** A loaded model with the free-form metadata it was saved with. */
    public record Loaded(Network network, Map<String, Object> meta) {}

    @SuppressWarnings("unchecked")
    public static Loaded load(Path dir) throws IOException {
        Path mf = dir.resolve("model.json");
        if (!Files.isRegularFile(mf)) throw new IOException(dir + ": no model.json (not a saved model)");
        JsonNode root;
        try {
            root = JSON.readTree(mf.toFile());
        } catch (IOException e) {
            throw new IOException(mf + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(root.path("format").asText())) throw new IOException(mf + ": format '" + root.path("format").asText() + "', expected " + FORMAT);
        String id = root.path("network").asText();
        JsonNode wn = root.path("widths");
        int[] widths = new int[wn.size()];
        for (int i = 0; i < widths.length; i++) widths[i] = wn.get(i).asInt();
        Network net;
        try {
            net = Networks.build(id, widths, 0);
        } catch (IllegalArgumentException e) {
            throw new IOException(mf + ": " + e.getMessage(), e);
        }
        Map<String, Param> byName = net.paramsByName();
        Set<String> seen = new HashSet<>();
        for (JsonNode p : root.path("params")) {
            String name = p.path("name").asText();
            Param param = byName.get(name);
            if (param == null) throw new IOException(mf + ": parameter '" + name + "' does not exist in " + id + " " + net.shape());
            Dense a = Npy.readFloats(dir.resolve(p.path("file").asText()));
            if (a.rows() != param.rows() || a.cols() != param.cols())
                throw new IOException(dir.resolve(p.path("file").asText()) + ": shape " + a.rows() + "×" + a.cols()
                        + ", expected float32 " + param.rows() + "×" + param.cols() + " for " + name);
            param.setMask(null);
            param.set(a.data());
            if (p.hasNonNull("mask")) {
                Npy.Bytes m = Npy.readBytes(dir.resolve(p.path("mask").asText()));
                if (m.rows() != param.rows() || m.cols() != param.cols())
                    throw new IOException(dir.resolve(p.path("mask").asText()) + ": expected uint8 " + param.rows() + "×" + param.cols() + " mask for " + name);
                boolean[] keep = new boolean[m.data().length];
                for (int i = 0; i < keep.length; i++) keep[i] = m.data()[i] != 0;
                param.setMask(keep);
            }
            seen.add(name);
        }
        for (String n : byName.keySet()) if (!seen.contains(n)) throw new IOException(mf + ": parameter '" + n + "' missing");
        Map<String, Object> meta = root.has("meta") ? JSON.convertValue(root.get("meta"), LinkedHashMap.class) : Map.of();
        return new Loaded(net, meta);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
