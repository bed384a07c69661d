package dev.prunebench.core.env;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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
}
