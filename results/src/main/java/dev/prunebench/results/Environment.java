package dev.prunebench.results;

import dev.prunebench.core.env.BuildInfo;
import dev.prunebench.core.env.Load;
import dev.prunebench.core.env.Machine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where a run ran: CPU model, flags and nominal clock, cores, memory, OS, JDK vendor/version and VM flags, Vector API
 * preferred species, GPU or emulator, git commit and dirty flag, plus whatever the experiments add with
 * {@link #put} (MKL / OpenBLAS versions, backends probed, thread count), and the machine's load over the run
 * ({@code load}: load average before and after, other processes' CPU share, steal, clock and governor where readable,
 * {@link Load}; put by {@link RunWriter} when the run finishes). Written into {@code manifest.json} under
 * {@code environment}. The one environment capture of prunebench: {@code spmm} and the CPU experiments record this too.
 *
 * <p>Every probe here is defensive: a missing {@code /proc/cpuinfo}, a JVM without {@code jdk.incubator.vector} or a
 * folder without git yields {@code "unknown (…reason…)"}, never an exception, so capturing the environment can not
 * fail a run.
 *
 * <p>The {@linkplain #fingerprint() hardware fingerprint} is what {@code compare} checks before comparing timings:
 * CPU model, logical core count and the CPU flags that select different kernels ({@link #FINGERPRINT_FLAGS}).
 */
public final class Environment {

    /** CPU flags that change which code the JIT, MKL or OpenBLAS run, and so change timings. */
    public static final List<String> FINGERPRINT_FLAGS = List.of(
            "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile", "sve", "neon");

    private final Map<String, Object> values = new LinkedHashMap<>();

    private Environment() {}

    /** An empty environment (tests, or a manifest read back from disk). */
    public static Environment of(Map<String, ?> values) {
        Environment e = new Environment();
        if (values != null) values.forEach((k, v) -> e.values.put(k, v));
        return e;
    }

    /** Probes this machine and JVM. Never throws. */
    public static Environment capture() {
        Environment e = new Environment();
        Map<String, String> cpu = cpuInfo(Path.of("/proc/cpuinfo"));
        e.values.put("cpu_model", cpu.getOrDefault("model name", System.getProperty("os.arch")));
        e.values.put("cpu_mhz_nominal", Machine.nominalClock().toString());
        e.values.put("cpu_mhz_at_capture", cpu.getOrDefault("cpu MHz", "unknown"));
        Load.Snapshot load = Load.snapshot();
        e.values.put("cpu_governor", load.governor());
        e.values.put("load_average_at_capture", Double.isNaN(load.load1()) ? "unreadable" : load.load1());
        String flags = cpu.getOrDefault("flags", cpu.getOrDefault("Features", ""));
        Set<String> flagSet = new TreeSet<>(List.of(flags.trim().split("\\s+")));
        flagSet.remove("");
        e.values.put("cpu_simd_flags", simdFlags(flagSet));
        e.values.put("cpu_flags", String.join(" ", flagSet));
        e.values.put("cores", Runtime.getRuntime().availableProcessors());
        e.values.put("memory_total", memTotal(Path.of("/proc/meminfo")));
        e.values.put("jvm_max_heap_bytes", Runtime.getRuntime().maxMemory());
        e.values.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        e.values.put("jdk_vendor", System.getProperty("java.vm.vendor"));
        e.values.put("jdk_version", Runtime.version().toString());
        e.values.put("jdk_vm", System.getProperty("java.vm.name"));
        e.values.put("jvm_flags", jvmFlags());
        e.values.put("vector_species", vectorSpecies());
        // the GPU is the GPU backends' probe (RunWriter.kernels records it); none until a registry is given
        e.values.put("gpu", "none (no GPU backend probed)");
        e.values.put("git_commit", git("rev-parse", "HEAD"));
        String status = git("status", "--porcelain", "--untracked-files=no");
        e.values.put("git_dirty", status.startsWith("unknown") ? status : String.valueOf(!status.isEmpty()));
        // outside the checkout (a copy of the jar elsewhere): the commit the build recorded in the jar, and which one it is
        if (String.valueOf(e.values.get("git_commit")).matches("[0-9a-f]{40}")) {
            e.values.put("git_commit_from", "git checkout " + Path.of("").toAbsolutePath());
        } else {
            BuildInfo built = BuildInfo.fromResource();
            if (!built.commit().equals("unknown")) {
                e.values.put("git_commit", built.commit());
                e.values.put("git_dirty", built.dirty());
            }
            e.values.put("git_commit_from", built.source());
        }
        // a run with a planted slowdown (measure.PlantedSlowdown, for testing regression detection) says so
        String planted = System.getProperty("prunebench.plant.slowdown");
        if (planted != null && !planted.isBlank()) e.values.put("planted_slowdown", planted);
        e.values.put("fingerprint", fingerprintOf(String.valueOf(e.values.get("cpu_model")),
                Runtime.getRuntime().availableProcessors(), flagSet));
        return e;
    }

    /** Adds or replaces one entry (e.g. {@code mkl_version}, {@code emulator}); values must be JSON-friendly. */
    public Environment put(String key, Object value) {
        if (key == null || key.isBlank()) throw new IllegalArgumentException("environment key: must be non-blank");
        values.put(key, value == null ? "none" : value);
        return this;
    }

    public Object get(String key) { return values.get(key); }

    /** The entries in capture order, read-only. */
    public Map<String, Object> asMap() { return Collections.unmodifiableMap(values); }

    /** CPU model + core count + {@link #FINGERPRINT_FLAGS} present: equal fingerprints mean comparable timings. */
    public String fingerprint() {
        Object f = values.get("fingerprint");
        return f == null ? "unknown" : f.toString();
    }

    static String fingerprintOf(String cpuModel, int cores, Set<String> flags) {
        List<String> present = new ArrayList<>();
        for (String f : FINGERPRINT_FLAGS) if (flags.contains(f)) present.add(f);
        return cpuModel.trim().replaceAll("\\s+", " ") + " | " + cores + " cores | " + String.join(" ", present);
    }

    private static String simdFlags(Set<String> flags) {
        List<String> out = new ArrayList<>();
        for (String f : flags) if (f.startsWith("sse") || f.startsWith("avx") || f.equals("fma") || f.startsWith("amx")
                || f.equals("neon") || f.startsWith("sve") || f.equals("asimd")) out.add(f);
        return String.join(" ", out);
    }

    /** The first processor's block of a cpuinfo file, key → value (see {@link Machine#cpuInfo}). */
    static Map<String, String> cpuInfo(Path file) { return Machine.cpuInfo(file); }

    private static String memTotal(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo, StandardCharsets.UTF_8))
                if (line.startsWith("MemTotal:")) return line.substring(9).trim();
            return "unknown (no MemTotal in " + meminfo + ")";
        } catch (IOException | RuntimeException e) {
            return "unknown (" + meminfo + " unreadable)";
        }
    }

    private static String jvmFlags() {
        try {
            return String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments());
        } catch (RuntimeException | LinkageError e) {
            return "unknown (" + e + ")";
        }
    }

    static String vectorSpecies() { return Machine.vectorSpecies(); }

    private static String git(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        String out = run(10, cmd);
        return out.startsWith("unknown (exit") ? "unknown (not a git work tree)" : out;
    }

    /** Output of a short command, or "unknown (…)" when it is missing, fails or hangs. */
    private static String run(int timeoutSeconds, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            // read on another thread so a hanging command can not block us past the timeout
            var out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    return "";
                }
            });
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown (" + cmd[0] + " timed out)";
            }
            String text = out.get(timeoutSeconds, TimeUnit.SECONDS);
            return p.exitValue() == 0 ? text : "unknown (exit " + p.exitValue() + " from " + cmd[0] + ")";
        } catch (IOException e) {
            return "unknown (" + cmd[0] + " not found)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        } catch (ExecutionException | TimeoutException e) {
            return "unknown (" + cmd[0] + ": " + e + ")";
        }
    }

    @Override public String toString() { return values.toString(); }
}
