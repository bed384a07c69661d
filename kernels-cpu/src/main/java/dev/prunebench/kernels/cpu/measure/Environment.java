package dev.prunebench.kernels.cpu.measure;

import dev.prunebench.core.env.Machine;
import dev.prunebench.kernels.cpu.nativeblas.MklBackend;
import dev.prunebench.kernels.cpu.nativeblas.OpenBlasBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine a measurement ran on, recorded beside every timing table: CPU model and SIMD flags, cores, nominal
 * frequency, JDK, Vector API species, MKL and OpenBLAS versions. Read from {@code /proc/cpuinfo} on Linux; other
 * systems get "unknown" fields rather than an error.
 */
public final class Environment {
    private Environment() {}

    private static final List<String> SIMD_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl",
            "avx512dq", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "asimd", "sve", "sve2");

    /** A snapshot; {@code threads} is the thread count the measurements use. */
    public static Map<String, Object> capture(int threads) {
        Map<String, Object> m = new LinkedHashMap<>();
        String cpuinfo = cpuinfo();
        m.put("cpu_model", field(cpuinfo, "model name").orElse(System.getProperty("os.arch")));
        m.put("cpu_simd_flags", simdFlags(cpuinfo));
        m.put("cpu_logical_cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu_nominal_mhz", Machine.nominalClock().toString());
        m.put("threads", threads);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("jdk", Runtime.version().toString() + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.vendor") + ")");
        m.put("vector_species", vectorSpecies());
        m.put("mkl", MklBackend.version());
        m.put("openblas", OpenBlasBackend.version());
        return m;
    }

    static String simdFlags(String cpuinfo) {
        String flags = field(cpuinfo, "flags").or(() -> field(cpuinfo, "Features")).orElse("");
        TreeSet<String> have = new TreeSet<>(List.of(flags.split("\\s+")));
        StringBuilder s = new StringBuilder();
        for (String f : SIMD_FLAGS) if (have.contains(f)) s.append(s.isEmpty() ? "" : " ").append(f);
        return s.isEmpty() ? "none found" : s.toString();
    }

    /** E.g. "float 512-bit (16 lanes)", or why the Vector API is not there ({@link Machine#vectorSpecies}). */
    public static String vectorSpecies() { return Machine.vectorSpecies(); }

    private static String cpuinfo() {
        try {
            Path p = Path.of("/proc/cpuinfo");
            return Files.isReadable(p) ? Files.readString(p) : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static java.util.Optional<String> field(String cpuinfo, String name) {
        return java.util.Optional.ofNullable(Machine.parseCpuInfo(cpuinfo).get(name));
    }
}
