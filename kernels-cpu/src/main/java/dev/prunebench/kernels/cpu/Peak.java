package dev.prunebench.kernels.cpu;

import dev.prunebench.core.env.Machine;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This core's fp32 peak from a table (the cross-check of the measured one, {@link
 * dev.prunebench.kernels.cpu.vector.VectorKernels#measurePeak}): lanes × FMA ports × 2 (an FMA is two flops) × clock, with lanes the Vector API's preferred
 * species, the clock {@link Machine#nominalClock()} and the FMA ports of that width per cycle: one for 512-bit
 * vectors on AMD Zen 4 (family 25: two 256-bit FMA pipes, a 512-bit FMA takes both), two otherwise (AVX-512 Xeons
 * with two 512-bit FMA units, AVX2 cores with two 256-bit ones). {@code -Dprunebench.fmaPorts=N} overrides it.
 */
public final class Peak {
    private Peak() {}

    public static int lanes() {
        Matcher m = Pattern.compile("\\((\\d+) lanes\\)").matcher(Machine.vectorSpecies());
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    public static int fmaPorts() {
        String p = System.getProperty("prunebench.fmaPorts");
        if (p != null) {
            try {
                int v = Integer.parseInt(p.trim());
                if (v >= 1 && v <= 8) return v;
            } catch (NumberFormatException ignored) {
                // fall through to the error
            }
            throw new IllegalArgumentException("prunebench.fmaPorts: must be an integer in [1, 8], got '" + p + "'");
        }
        Map<String, String> cpu = Machine.cpuInfo(Path.of("/proc/cpuinfo"));
        boolean zen4 = "AuthenticAMD".equals(cpu.get("vendor_id")) && "25".equals(cpu.get("cpu family"));
        return zen4 && lanes() >= 16 ? 1 : 2;
    }

    public static double gflops(Machine.Clock clock) {
        return lanes() * fmaPorts() * 2.0 * clock.mhz() / 1000.0;
    }

    public static String describe(Machine.Clock clock) {
        return String.format(Locale.ROOT, "%d lanes × %d FMA port(s) × 2 flops × %.0f MHz (%s) = %.1f GFLOP/s", lanes(), fmaPorts(), clock.mhz(),
                clock.source(), gflops(clock));
    }
}
