package dev.prunebench.kernels.cuda.model;

import java.util.Arrays;

/**
 * The L2 of the warp model: a set-associative cache of 32-byte sectors with least-recently-used replacement.
 *
 * <p>A documented approximation of a GPU's L2: real L2s hold 128-byte lines of four 32-byte sectors, split into
 * slices behind a hashed address mapping, and are shared by every SM at once. Here a sector is the unit of
 * allocation (a miss fetches 32 bytes from DRAM, as a sector miss does), the set is chosen by a multiplicative hash
 * of the sector number (so power-of-two strides do not all fall into one set), and 16 ways are kept per set. Loads
 * only: C is written once by every kernel, and its bytes are counted as DRAM writes by the caller.
 */
public final class SectorCache {
    public static final int WAYS = 16;
    private final int sets;
    private final long[] tags;
    private final long[] stamps;
    private long clock, hits, misses;

    /** @param bytes capacity in bytes (0: no cache, every access misses) */
    public SectorCache(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("L2 bytes: must be >= 0, got " + bytes);
        long sectors = bytes / MemoryTrace.SECTOR;
        this.sets = (int) Math.max(0, sectors / WAYS);
        this.tags = new long[sets * WAYS];
        this.stamps = new long[sets * WAYS];
        Arrays.fill(tags, -1L);
    }

    /** Accesses one sector (its number: byte address / 32); true on a hit. */
    public boolean access(long sector) {
        if (sets == 0) { misses++; return false; }
        long h = sector * 0x9E3779B97F4A7C15L;
        int set = (int) ((((h ^ (h << 21)) >>> 32) * sets) >>> 32);     // the high 32 hash bits scaled to [0, sets)
        int base = set * WAYS, lru = base;
        long now = ++clock;
        for (int i = base; i < base + WAYS; i++) {
            if (tags[i] == sector) { stamps[i] = now; hits++; return true; }
            if (stamps[i] < stamps[lru]) lru = i;
        }
        tags[lru] = sector;
        stamps[lru] = now;
        misses++;
        return false;
    }

    /** Zeroes the hit and miss counts, keeping the contents (to count a second launch on a warm L2). */
    public void resetCounts() {
        hits = 0;
        misses = 0;
    }

    public long hits() { return hits; }

    public long misses() { return misses; }
}
