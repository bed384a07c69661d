package dev.prunebench.kernels.cpu.vector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The data caches of CPU 0 as Linux reports them ({@code /sys/devices/system/cpu/cpu0/cache/index*}: level, type,
 * size such as {@code 1024K}); a level not readable there is taken as the smallest current x86 core has
 * (L2 256 KiB), so a kernel sized by it errs towards panels that fit.
 */
final class CacheSizes {
    private CacheSizes() {}

    static final long L2_FALLBACK = 256 * 1024;

    private static final long L2 = read(Path.of("/sys/devices/system/cpu/cpu0/cache"), 2, L2_FALLBACK);

    /** L2 (or unified level-2) cache of CPU 0 in bytes. */
    static long l2Bytes() { return L2; }

    /** Size of the data or unified cache of this level under {@code dir}, or {@code fallback}. */
    static long read(Path dir, int level, long fallback) {
        for (int i = 0; i < 8; i++) {
            Path idx = dir.resolve("index" + i);
            try {
                if (!Files.isDirectory(idx)) continue;
                if (Integer.parseInt(Files.readString(idx.resolve("level")).trim()) != level) continue;
                if (Files.readString(idx.resolve("type")).trim().equals("Instruction")) continue;
                long b = parseSize(Files.readString(idx.resolve("size")).trim());
                if (b > 0) return b;
            } catch (IOException | RuntimeException e) {
                // unreadable entry: try the next, then the fallback
            }
        }
        return fallback;
    }

    /** "1024K", "32M", "512" (bytes) → bytes; -1 when not a size. */
    static long parseSize(String s) {
        String t = s.toUpperCase(Locale.ROOT);
        long mul = t.endsWith("K") ? 1024 : t.endsWith("M") ? 1024 * 1024 : t.endsWith("G") ? 1024L * 1024 * 1024 : 1;
        String digits = mul == 1 ? t : t.substring(0, t.length() - 1);
        try {
            long v = Long.parseLong(digits);
            return v > 0 ? v * mul : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
