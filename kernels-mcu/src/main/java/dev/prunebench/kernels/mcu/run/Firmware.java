package dev.prunebench.kernels.mcu.run;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Builds one layer's firmware (generated {@code layer.c} plus the fixed start-up, harness and linker script),
 * runs it on QEMU's {@code mps2-an386} under {@code -icount shift=0}, and parses what it prints: the outputs and the
 * SysTick counts.
 *
 * <p>Builds and runs are cached by the SHA-256 of every source, the compiler flags and both tools' version lines, in
 * {@code <cache>/<hash>/}: the firmware and the emulator's output are both deterministic functions of that hash. The
 * cache is the folder in the system property {@code prunebench.mcu.cache}, else the user's own
 * {@code $XDG_CACHE_HOME/prunebench/mcu-firmware} ({@code ~/.cache/…} without it), else, where that cannot be written,
 * {@code <java.io.tmpdir>/prunebench-mcu-cache-<user>} made readable by its owner only ({@link #cacheRoot()}).
 *
 * <p>Several processes may share a cache. An entry is built in a private sibling folder and published by one atomic
 * rename, with a completion marker written last; readers trust only entries with the marker ({@link #publish}).
 */
public final class Firmware {
    /** Compiler flags; part of the cache key. */
    public static final List<String> CFLAGS = List.of("-mcpu=cortex-m4", "-mthumb", "-O2", "-std=gnu11", "-ffunction-sections",
            "-fdata-sections", "-nostartfiles", "--specs=rdimon.specs", "-Wl,--gc-sections", "-T", "link.ld");
    public static final String[] FIXED = {"startup.c", "main.c", "link.ld"};
    /** Flash and RAM of mps2-an386. */
    public static final long FLASH_BYTES = 4L << 20, RAM_BYTES = 4L << 20;
    /** Flash reserved for the harness, start-up, newlib's printf and semihosting (about 30 KB measured) and the layer code. */
    public static final long RUNTIME_FLASH = 64 << 10;
    /** RAM reserved for the stack, the heap newlib's stdio takes and its static data. */
    public static final long RUNTIME_RAM = 64 << 10;
    /** Repetitions of the counted call; ≥ 160 makes the SysTick count exact (see {@link Run#instructions()}). */
    public static final int REPS = 256;
    /** Most instructions counted in one SysTick window (24-bit counter × 40 instructions per tick is 671 M). */
    public static final long WINDOW = 600_000_000L;
    /** Instructions per SysTick tick under -icount shift=0 with the 25 MHz processor clock of mps2-an386. */
    public static final int INSTRUCTIONS_PER_TICK = 40;
    public static final long RUN_TIMEOUT_S = Long.getLong("prunebench.mcu.timeout", 120);
    /** System property naming the cache folder. */
    public static final String CACHE_PROPERTY = "prunebench.mcu.cache";
    /** Written last into a cache entry, holding its key: only an entry with it is ever read. */
    static final String COMPLETE = "complete";

    private Firmware() {}

    /**
     * What one firmware run printed, plus the symbol sizes of its ELF.
     *
     * @param outputs       Y as printed (int16, M × N)
     * @param reps          calls of layer() (and of the empty function) counted
     * @param ticksLayer    SysTick ticks over the reps calls of layer()
     * @param ticksEmpty    SysTick ticks over the reps calls of the empty function
     * @param wrapped       whether SysTick wrapped during a count (the count is then unusable)
     * @param symbolSizes   symbol → bytes, from {@code nm -S} (layer, W_vals, W_idx, W_ptr, X, Y, …)
     * @param sectionBytes  text (code + rodata + vectors + .data's load image) and ram (.data + .bss) of the whole firmware
     * @param dir           the cache folder holding the sources, the ELF and the run's output
     */
    public record Run(int[] outputs, int reps, long ticksLayer, long ticksEmpty, boolean wrapped,
                      Map<String, Long> symbolSizes, long flashBytes, long ramBytes, Path dir) {

        /**
         * The layer's executed instructions per call (beyond the one {@code bx lr} of the empty function, so including
         * its own return), exact when the bounds below hold one integer only: each tick count T of I instructions
         * satisfies 40(T−1) &lt; I &lt; 40(T+1), so the difference D of the two counts bounds
         * {@code reps · x} within (40(D−2), 40(D+2)), an interval of width 160/reps in x.
         */
        public long instructions() {
            return estimate()[0];
        }

        /** Whether {@link #instructions()} is the only integer the counts allow. */
        public boolean exact() { return estimate()[1] == 1; }

        /** Half-width in instructions of the interval the counts allow (0.5 when exact). */
        public double resolution() { return exact() ? 0.5 : 2.0 * INSTRUCTIONS_PER_TICK / reps; }

        private long[] estimate() {
            long d = ticksLayer - ticksEmpty;
            double lo = (double) INSTRUCTIONS_PER_TICK * (d - 2) / reps, hi = (double) INSTRUCTIONS_PER_TICK * (d + 2) / reps;
            long first = (long) Math.floor(lo) + 1, last = (long) Math.ceil(hi) - 1;
            long mid = Math.round((double) INSTRUCTIONS_PER_TICK * d / reps);
            if (first == last && !wrapped) return new long[] {first + 1, 1};
            return new long[] {Math.max(0, mid + 1), 0};
        }
    }

    /** Builds (or finds in the cache) and runs the firmware for the given generated layer source. */
    public static Run buildAndRun(String layerSource, int outputs) {
        Toolchain.require(); // its reason first, before any cache folder is made
        try {
            return buildAndRun(layerSource, outputs, cacheRoot());
        } catch (IOException e) {
            throw new UncheckedIOException("mcu-qemu: " + e.getMessage(), e);
        }
    }

    /** As {@link #buildAndRun(String, int)}, with the cache in {@code cache}. */
    static Run buildAndRun(String layerSource, int outputs, Path cache) {
        Toolchain tc = Toolchain.require();
        try {
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put("layer.c", layerSource.getBytes(StandardCharsets.UTF_8));
            for (String f : FIXED) files.put(f, resource(f));
            String key = hash(files, String.join(" ", CFLAGS) + "\n" + tc.versions());
            Path dir = cache.resolve(key);
            for (int attempt = 1; ; attempt++) {
                if (!complete(dir, key)) build(tc, files, dir, key);
                try {
                    return parse(Files.readString(dir.resolve("run.txt")), outputs, dir, readSizes(dir.resolve("sizes.txt")));
                } catch (NoSuchFileException e) {
                    // the entry went between the look and the read (the cache was cleaned, or another process
                    // sidelined it in a lost race, see publish): build or find it again
                    if (attempt == 3) throw e;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("mcu-qemu: " + e.getMessage(), e);
        }
    }

    /**
     * The folder in {@code prunebench.mcu.cache}, else the user's own cache folder: never one shared by every user of
     * the machine, where another user's entries would be read (or squatted).
     */
    static Path cacheRoot() throws IOException {
        String p = System.getProperty(CACHE_PROPERTY);
        if (p != null && !p.isBlank()) return Path.of(p);
        return defaultCacheRoot(System.getenv("XDG_CACHE_HOME"), System.getProperty("user.home"), System.getProperty("java.io.tmpdir"),
                System.getProperty("user.name"));
    }

    /**
     * {@code $XDG_CACHE_HOME/prunebench/mcu-firmware} (an absolute XDG_CACHE_HOME only, as the XDG spec says), else
     * {@code <home>/.cache/prunebench/mcu-firmware}; where that cannot be made or written (a read-only or missing home
     * in a container), {@code <tmpdir>/prunebench-mcu-cache-<user>}, created owner-only and refused if another user
     * owns it.
     */
    static Path defaultCacheRoot(String xdgCacheHome, String home, String tmpdir, String user) throws IOException {
        Path preferred = null;
        if (xdgCacheHome != null && !xdgCacheHome.isBlank() && Path.of(xdgCacheHome).isAbsolute())
            preferred = Path.of(xdgCacheHome, "prunebench", "mcu-firmware");
        else if (home != null && !home.isBlank() && !home.equals("?")) preferred = Path.of(home, ".cache", "prunebench", "mcu-firmware");
        if (preferred != null) {
            try {
                Files.createDirectories(preferred);
                if (Files.isWritable(preferred)) return preferred;
            } catch (IOException | SecurityException e) {
                // falls back to the per-user temporary folder below
            }
        }
        String name = user == null || user.isBlank() ? "unknown" : user.replaceAll("[^A-Za-z0-9._-]", "_");
        Path own = Path.of(tmpdir, "prunebench-mcu-cache-" + name);
        if (!Files.isDirectory(own, LinkOption.NOFOLLOW_LINKS)) {
            try {
                if (own.getFileSystem().supportedFileAttributeViews().contains("posix"))
                    Files.createDirectory(own, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                else Files.createDirectory(own);
            } catch (FileAlreadyExistsException e) {
                // made meanwhile by another process, or it is not a folder: checked below
            }
        }
        if (!Files.isDirectory(own, LinkOption.NOFOLLOW_LINKS))
            throw new IOException(own + " is not a folder; set -D" + CACHE_PROPERTY + "=DIR to a folder of your own");
        // the name alone proves nothing in a folder every user can write to: compare with a file made just now
        Path probe = Files.createTempFile(own, ".owner", "");
        try {
            var mine = Files.getOwner(probe);
            if (!Files.getOwner(own, LinkOption.NOFOLLOW_LINKS).equals(mine))
                throw new IOException(own + " belongs to another user; set -D" + CACHE_PROPERTY + "=DIR to a folder of your own");
        } finally {
            Files.deleteIfExists(probe);
        }
        return own;
    }

    /** Whether the entry's marker is there and names its key: the marker is written last, so everything else is. */
    static boolean complete(Path dir, String key) {
        try {
            return Files.readString(dir.resolve(COMPLETE), StandardCharsets.UTF_8).strip().equals(key);
        } catch (IOException e) {
            return false;
        }
    }

    private static void build(Toolchain tc, Map<String, byte[]> files, Path dir, String key) throws IOException {
        Files.createDirectories(dir.getParent());
        Path tmp = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".tmp");
        for (var e : files.entrySet()) Files.write(tmp.resolve(e.getKey()), e.getValue());
        List<String> cmd = new ArrayList<>();
        cmd.add(tc.gcc().toString());
        cmd.addAll(CFLAGS);
        cmd.addAll(List.of("startup.c", "main.c", "layer.c", "-o", "firmware.elf"));
        String cc = exec(cmd, tmp, 300);
        if (!Files.isRegularFile(tmp.resolve("firmware.elf"))) {
            String why = cc.contains("will not fit in region") || cc.contains("overflowed by")
                    ? "the layer does not fit the board's memory (flash 4 MB, RAM 4 MB): " : "the generated layer did not compile: ";
            throw new IllegalStateException("mcu-qemu: " + why + tail(cc) + " (sources in " + tmp + ")");
        }
        String run = exec(List.of(tc.qemu().toString(), "-M", "mps2-an386", "-nographic", "-monitor", "none",
                "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-kernel", "firmware.elf"), tmp, RUN_TIMEOUT_S);
        if (!run.contains("\nEND"))
            throw new IllegalStateException("mcu-qemu: the firmware did not finish under QEMU (timeout " + RUN_TIMEOUT_S
                    + " s, or a fault): " + tail(run) + " (firmware in " + tmp + ")");
        StringBuilder sizes = new StringBuilder();
        symbolSizes(tc, tmp.resolve("firmware.elf")).forEach((k, v) -> sizes.append(k).append(' ').append(v).append('\n'));
        Files.writeString(tmp.resolve("sizes.txt"), sizes);
        Files.writeString(tmp.resolve("run.txt"), run);
        Files.writeString(tmp.resolve(COMPLETE), key); // last
        publish(tmp, dir, key);
    }

    /**
     * Makes the complete entry built in {@code tmp} (a sibling of {@code dir}) the cache's entry {@code dir}, by one
     * atomic rename, so no reader ever sees it half there. When {@code dir} exists already:
     * <ul>
     *   <li>complete (another process built the same firmware first): that one is kept, ours deleted — a hit;</li>
     *   <li>without the marker (left by an older prunebench, or damaged): never read; it is renamed aside and
     *       deleted, and ours takes its place.</li>
     * </ul>
     * Linux refuses a rename onto a non-empty folder with ENOTEMPTY, which Java reports as a plain
     * {@link FileSystemException} ("Directory not empty"), not as {@code FileAlreadyExistsException}: every failure is
     * judged by what is at {@code dir} afterwards, never by its exception type.
     */
    static void publish(Path tmp, Path dir, String key) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                return;
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the cache's file system cannot rename " + tmp + " to " + dir + " atomically; set -D" + CACHE_PROPERTY
                        + "=DIR to a folder on a local file system", e);
            } catch (FileSystemException e) {
                if (complete(dir, key)) {
                    deleteTree(tmp);
                    return;
                }
                if (attempt == 5) throw e;
                if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) sideline(dir, key);
            }
        }
    }

    /** Moves an entry without a marker out of the way; puts it back if it turns out complete (finished meanwhile). */
    private static void sideline(Path dir, String key) throws IOException {
        Path aside = dir.resolveSibling(dir.getFileName() + ".stale-" + UUID.randomUUID());
        try {
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return; // another process moved it already
        }
        if (complete(aside, key)) {
            // another process published between our look and the move: restore its entry (its reads retry meanwhile)
            try {
                Files.move(aside, dir, StandardCopyOption.ATOMIC_MOVE);
                return;
            } catch (FileSystemException e) {
                // a third entry took the place: ours or the one there is published by the caller's next try
            }
        }
        deleteTree(aside);
    }

    /** Runs a command in dir, stdout and stderr together; kills it after the timeout. */
    public static String exec(List<String> cmd, Path dir, long timeoutS) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        StringBuilder sb = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                sb.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process was killed
            }
        });
        reader.start();
        try {
            if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        synchronized (sb) {
            return sb.toString();
        }
    }

    public static Run parse(String text, int outputs, Path dir, Map<String, Long> sizes) {
        List<String> lines = text.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith("Y ")) i++;
        if (i == lines.size()) throw new IllegalStateException("mcu-qemu: no outputs in the firmware's output: " + tail(text));
        int count = Integer.parseInt(lines.get(i++).substring(2).trim());
        if (count != outputs)
            throw new IllegalStateException("mcu-qemu: firmware printed " + count + " outputs, expected " + outputs);
        int[] y = new int[count];
        int k = 0;
        while (k < count && i < lines.size()) {
            for (String h : lines.get(i++).split("\\s+")) y[k++] = (short) Integer.parseInt(h, 16);
        }
        Map<String, Long> kv = new LinkedHashMap<>();
        for (; i < lines.size(); i++) {
            String[] p = lines.get(i).split("\\s+");
            if (p.length == 2 && p[1].matches("\\d+")) kv.put(p[0], Long.parseLong(p[1]));
        }
        for (String need : List.of("R", "TK", "TE", "WRAP"))
            if (!kv.containsKey(need)) throw new IllegalStateException("mcu-qemu: firmware output lacks " + need + ": " + tail(text));
        long text_ = sizes.getOrDefault("__section_flash", 0L), ram = sizes.getOrDefault("__section_ram", 0L);
        return new Run(y, kv.get("R").intValue(), kv.get("TK"), kv.get("TE"), kv.get("WRAP") != 0, sizes, text_, ram, dir);
    }

    /**
     * Symbol sizes from {@code nm -S}, plus the whole image's flash and RAM from its section headers (in
     * {@code __section_flash}, {@code __section_ram}).
     */
    public static Map<String, Long> symbolSizes(Toolchain tc, Path elf) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String l : exec(List.of(tc.nm().toString(), "-S", elf.toString()), elf.getParent(), 60).split("\n")) {
            String[] p = l.trim().split("\\s+");
            if (p.length == 4 && p[1].matches("[0-9a-fA-F]+")) m.put(p[3], Long.parseLong(p[1], 16));
        }
        Path size = tc.nm().resolveSibling(tc.nm().getFileName().toString().replace("nm", "size"));
        long flash = 0, ram = 0;
        for (String l : exec(List.of(size.toString(), "-A", elf.toString()), elf.getParent(), 60).split("\n")) {
            String[] p = l.trim().split("\\s+");
            if (p.length != 3 || !p[1].matches("\\d+") || !p[2].matches("\\d+")) continue;
            long bytes = Long.parseLong(p[1]), addr = Long.parseLong(p[2]);
            switch (p[0]) {
                case ".text", ".ARM.exidx" -> flash += bytes;
                case ".data" -> { flash += bytes; ram += bytes; }
                case ".bss" -> ram += bytes;
                default -> { if (addr >= 0x20000000L && addr < 0x20400000L) ram += bytes; }
            }
        }
        m.put("__section_flash", flash);
        m.put("__section_ram", ram);
        return m;
    }

    private static Map<String, Long> readSizes(Path f) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String l : Files.readAllLines(f)) {
            String[] p = l.trim().split(" ");
            if (p.length == 2) m.put(p[0], Long.parseLong(p[1]));
        }
        return m;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    public static byte[] resource(String name) throws IOException {
        try (InputStream in = Firmware.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("resource " + name + " missing from kernels-mcu");
            return in.readAllBytes();
        }
    }

    static String hash(Map<String, byte[]> files, String extra) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (var e : files.entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(Long.toString(e.getValue().length).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(e.getValue());
            }
            md.update(extra.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String tail(String s) {
        String t = s.strip();
        return t.length() <= 1500 ? t : "…" + t.substring(t.length() - 1500);
    }
}
