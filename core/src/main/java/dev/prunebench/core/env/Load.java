package dev.prunebench.core.env;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How busy the machine was around a measurement: a {@link #snapshot()} before and one after, and {@link #between} them
 * what the timings shared the machine with. Linux only ({@code /proc/loadavg}, {@code /proc/stat}, {@code /proc/self/stat},
 * {@code cpufreq} in sysfs); elsewhere each field is NaN or "unreadable", never an exception.
 *
 * <p>Other processes' share is the CPU time all CPUs spent busy (user, nice, system, irq, softirq, steal excluded) less
 * this process's own CPU time, in cores: 1.6 on a 2-core machine means another job had 80 % of it while we measured.
 */
public final class Load {
    private Load() {}

    /**
     * One reading.
     *
     * @param load1      1-minute load average (NaN when unreadable), {@code load5}, {@code load15} likewise
     * @param busyTicks  all CPUs' busy ticks (user + nice + system + irq + softirq), -1 when unreadable
     * @param stealTicks ticks the hypervisor gave to someone else
     * @param totalTicks all ticks (idle and iowait included)
     * @param selfTicks  this process's user + system ticks
     * @param mhz        cpu0's current frequency in MHz ({@code scaling_cur_freq}), NaN when unreadable
     * @param governor   cpu0's frequency governor, or "unreadable"
     */
    public record Snapshot(double load1, double load5, double load15, long busyTicks, long stealTicks, long totalTicks, long selfTicks,
                           double mhz, String governor) {}

    /** Reads the machine now. Never throws. */
    public static Snapshot snapshot() { return snapshot(Path.of("/proc"), Path.of("/sys/devices/system/cpu/cpu0/cpufreq")); }

    static Snapshot snapshot(Path proc, Path cpufreq) {
        double l1 = Double.NaN, l5 = Double.NaN, l15 = Double.NaN;
        String la = read(proc.resolve("loadavg"));
        if (la != null) {
            String[] f = la.trim().split("\\s+");
            try {
                l1 = Double.parseDouble(f[0]);
                l5 = Double.parseDouble(f[1]);
                l15 = Double.parseDouble(f[2]);
            } catch (RuntimeException ignored) {
                // left NaN
            }
        }
        long busy = -1, steal = -1, total = -1;
        String stat = read(proc.resolve("stat"));
        if (stat != null)
            for (String line : stat.split("\n"))
                if (line.startsWith("cpu ")) {
                    long[] t = longs(line.substring(4));
                    if (t.length >= 8) {
                        busy = t[0] + t[1] + t[2] + t[5] + t[6];
                        steal = t[7];
                        total = 0;
                        for (int i = 0; i < Math.min(8, t.length); i++) total += t[i];
                    }
                    break;
                }
        long self = -1;
        String ps = read(proc.resolve("self").resolve("stat"));
        if (ps != null) {
            int close = ps.lastIndexOf(')'); // the command name may hold spaces
            if (close > 0) {
                String[] f = ps.substring(close + 2).trim().split("\\s+");
                try {
                    self = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15: utime, stime
                } catch (RuntimeException ignored) {
                    // left -1
                }
            }
        }
        double mhz = Double.NaN;
        String cur = read(cpufreq.resolve("scaling_cur_freq"));
        if (cur != null)
            try {
                mhz = Long.parseLong(cur.trim()) / 1000.0;
            } catch (NumberFormatException ignored) {
                // left NaN
            }
        String gov = read(cpufreq.resolve("scaling_governor"));
        return new Snapshot(l1, l5, l15, busy, steal, total, self, mhz, gov == null ? "unreadable" : gov.trim());
    }

    /**
     * What happened between two readings.
     *
     * @param cores          logical cores
     * @param before         the reading before
     * @param after          the reading after
     * @param othersCores    CPU the other processes used, in cores (NaN when unreadable)
     * @param stealFraction  share of all CPU time stolen by the hypervisor (NaN when unreadable)
     */
    public record Report(int cores, Snapshot before, Snapshot after, double othersCores, double stealFraction) {
        /** A share of another job above a quarter core, steal above 5 %, or a load average above the cores: intervals will be wide. */
        public boolean busy() {
            return othersCores > 0.25 || stealFraction > 0.05 || before.load1() > cores || after.load1() > cores;
        }

        /** "the machine was busy: …" or null when it was not. */
        public String warning() {
            if (!busy()) return null;
            return String.format(Locale.ROOT, "the machine was busy: intervals are wide and timings may be unstable "
                            + "(load average %.2f before, %.2f after on %d cores; other processes used %.2f cores; steal %.1f %%)",
                    before.load1(), after.load1(), cores, othersCores, 100 * stealFraction);
        }

        /** For a manifest: JSON-friendly values, NaN written as "unreadable". */
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cores", cores);
            m.put("load_average_before", num(before.load1()));
            m.put("load_average_after", num(after.load1()));
            m.put("load_average_5min_after", num(after.load5()));
            m.put("other_processes_cores", num(othersCores));
            m.put("steal_fraction", num(stealFraction));
            m.put("cpu_mhz_before", num(before.mhz()));
            m.put("cpu_mhz_after", num(after.mhz()));
            m.put("governor", after.governor());
            m.put("busy", busy());
            String w = warning();
            if (w != null) m.put("warning", w);
            return m;
        }

        private static Object num(double v) { return Double.isNaN(v) ? "unreadable" : Math.round(v * 1000) / 1000.0; }
    }

    /** The report between two readings on {@code cores} cores. */
    public static Report between(Snapshot before, Snapshot after, int cores) {
        double others = Double.NaN, steal = Double.NaN;
        long dt = after.totalTicks() - before.totalTicks();
        if (before.totalTicks() >= 0 && after.totalTicks() >= 0 && dt > 0) {
            steal = Math.max(0, (double) (after.stealTicks() - before.stealTicks()) / dt);
            if (before.selfTicks() >= 0 && after.selfTicks() >= 0) {
                long otherBusy = (after.busyTicks() - before.busyTicks()) - (after.selfTicks() - before.selfTicks());
                others = Math.max(0, (double) otherBusy / dt * cores);
            }
        }
        return new Report(cores, before, after, others, steal);
    }

    /** From a snapshot taken earlier to now, on this JVM's cores. */
    public static Report since(Snapshot before) { return between(before, snapshot(), Runtime.getRuntime().availableProcessors()); }

    private static long[] longs(String s) {
        String[] f = s.trim().split("\\s+");
        long[] out = new long[f.length];
        try {
            for (int i = 0; i < f.length; i++) out[i] = Long.parseLong(f[i]);
        } catch (NumberFormatException e) {
            return new long[0];
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.isReadable(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
