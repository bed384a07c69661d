package dev.prunebench.core.env;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every record of "the machine a number came from" reads: {@code /proc/cpuinfo} and the Vector API's preferred
 * species. One implementation for the measurement harness (kernels-cpu) and the run manifest (results). Never throws.
 */
public final class Machine {
    private Machine() {}

    /** The first processor's block of cpuinfo text, key → value (keys as written, e.g. {@code model name}, {@code flags}). */
    public static Map<String, String> parseCpuInfo(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                if (!m.isEmpty()) break;
                continue;
            }
            int c = line.indexOf(':');
            if (c < 0) continue;
            m.putIfAbsent(line.substring(0, c).trim(), line.substring(c + 1).trim());
        }
        return m;
    }

    /** {@link #parseCpuInfo} of a file; when unreadable, a map whose {@code model name} says why. */
    public static Map<String, String> cpuInfo(Path file) {
        try {
            return parseCpuInfo(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("model name", "unknown (" + file + " unreadable: " + e.getMessage() + ")");
            return m;
        }
    }

    /**
     * The Vector API's preferred float species, e.g. {@code float 512-bit (16 lanes)}, read reflectively so that
     * callers do not need {@code jdk.incubator.vector} at run time; "unavailable (why)" when the JVM has none.
     */
    public static String vectorSpecies() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty())
            return "unavailable (jdk.incubator.vector not in the module graph: add --add-modules jdk.incubator.vector)";
        try {
            Class<?> fv = Class.forName("jdk.incubator.vector.FloatVector");
            Object species = fv.getField("SPECIES_PREFERRED").get(null);
            // through the exported interface: the implementing classes are not accessible from outside the module
            Class<?> vs = Class.forName("jdk.incubator.vector.VectorSpecies");
            Object bits = vs.getMethod("vectorBitSize").invoke(species);
            Object lanes = vs.getMethod("length").invoke(species);
            return "float " + bits + "-bit (" + lanes + " lanes)";
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return "unavailable (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
    }

    /** A clock rate with where it was read: {@code cpufreq base_frequency}, {@code model name}, {@code cpu MHz at capture}. */
    public record Clock(double mhz, String source) {
        @Override public String toString() {
            return Double.isNaN(mhz) ? "unknown (" + source + ")" : Math.round(mhz) + " (" + source + ")";
        }
    }

    /**
     * The processor's rated clock, the one figure both the run manifest and the harness's cycles-per-non-zero use:
     * cpufreq's {@code base_frequency} or {@code cpuinfo_max_freq} where the kernel exposes them, else the
     * "@ x.xxGHz" of the model name, else the first "cpu MHz" of cpuinfo (the current clock on machines that scale:
     * the best figure available, said so), else NaN.
     */
    public static Clock nominalClock() {
        return nominalClock(cpuInfo(Path.of("/proc/cpuinfo")), Path.of("/sys/devices/system/cpu/cpu0/cpufreq"));
    }

    static Clock nominalClock(Map<String, String> cpu, Path cpufreq) {
        for (String f : new String[] {"base_frequency", "cpuinfo_max_freq"}) {
            try {
                String khz = Files.readString(cpufreq.resolve(f)).trim();
                return new Clock(Long.parseLong(khz) / 1000.0, "cpufreq " + f);
            } catch (IOException | RuntimeException e) {
                // not exposed (virtual machines often hide cpufreq): try the next source
            }
        }
        Matcher m = Pattern.compile("@\\s*([0-9.]+)\\s*GHz").matcher(cpu.getOrDefault("model name", ""));
        if (m.find()) return new Clock(Double.parseDouble(m.group(1)) * 1000, "model name");
        try {
            String mhz = cpu.get("cpu MHz");
            if (mhz != null) return new Clock(Double.parseDouble(mhz.trim()), "cpu MHz at capture");
        } catch (NumberFormatException e) {
            // fall through
        }
        return new Clock(Double.NaN, "no cpufreq, no clock in the model name, no cpu MHz");
    }
}
