package dev.prunebench.kernels.cuda.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * Global-memory loads of one kernel launch at warp granularity, as the hardware counters see them.
 *
 * <p>One call = one warp-level load instruction (a <em>request</em>) with the byte addresses of its active lanes.
 * The memory system serves a request in 32-byte <em>sectors</em>: every distinct sector any active lane touches
 * is moved once. Definitions (the ones nvprof and Nsight Compute use):
 * <ul>
 *   <li><b>requested bytes</b>: active lanes × bytes per lane, summed over requests (a lane reading an address
 *       another lane also reads still counts its own bytes, so a broadcast can exceed 100 %);</li>
 *   <li><b>moved bytes</b>: sectors × 32;</li>
 *   <li><b>global load efficiency</b> ({@code gld_efficiency}; Nsight Compute's
 *       {@code smsp__sass_average_data_bytes_per_sector_mem_global_op_ld.pct}): requested / moved;</li>
 *   <li><b>sectors per request</b>: sectors / requests (4 for 32 coalesced floats, 32 for 32 scattered ones).</li>
 * </ul>
 * Every sector moved is looked up in the L2 ({@link SectorCache}); a miss is 32 bytes read from DRAM.
 * Counts are kept per {@link Space} (which array a load reads) and in total.
 */
public final class MemoryTrace {
    public static final int SECTOR = 32;

    /** The arrays a kernel reads. */
    public enum Space {
        ROW_ORDER, ROW_PTR, INDEX, VALUE, X;

        public String label() { return name().toLowerCase(Locale.ROOT); }
    }

    private final SectorCache l2;
    private final long[] requests = new long[Space.values().length];
    private final long[] requested = new long[Space.values().length];
    private final long[] sectors = new long[Space.values().length];
    private long storeBytes, storeSectors;
    private final long[] scratch = new long[64];
    /** The distinct sectors of the current request: a 64-slot open-addressing set, emptied by bumping the generation. */
    private final long[] seen = new long[64];
    private final int[] seenGen = new int[64];
    private int generation;

    public MemoryTrace(SectorCache l2) { this.l2 = l2; }

    /**
     * One request whose active lanes read {@code width} bytes each at {@code addr[0 … lanes)} (any addresses,
     * each a multiple of width, width ≤ 32). No request is recorded when no lane is active.
     */
    public void gather(Space s, long[] addr, int lanes, int width) {
        if (lanes == 0) return;
        if (lanes > 32) throw new IllegalArgumentException("a warp has at most 32 lanes, got " + lanes);
        checkWidth(width);
        if (++generation == 0) {                                           // after 2^32 requests: start the stamps afresh
            Arrays.fill(seenGen, 0);
            generation = 1;
        }
        int gen = generation, unique = 0;
        for (int i = 0; i < lanes; i++) {
            long a = addr[i];
            if (a % width != 0) throw new IllegalArgumentException("lane " + i + ": address " + a + " is not a multiple of " + width);
            long sec = a / SECTOR;
            int h = (int) ((sec * 0x9E3779B97F4A7C15L) >>> 58);          // 64 slots, at most 32 sectors: probes stay short
            while (seenGen[h] == gen && seen[h] != sec) h = (h + 1) & 63;
            if (seenGen[h] == gen) continue;                               // a sector this request already moves
            seenGen[h] = gen;
            seen[h] = sec;
            unique++;
            l2.access(sec);
        }
        record(s, (long) lanes * width, unique);
    }

    /** One request whose {@code lanes} active lanes read consecutive elements of {@code width} bytes from {@code first}. */
    public void contiguous(Space s, long first, int lanes, int width) {
        if (lanes == 0) return;
        if (lanes > 32) throw new IllegalArgumentException("a warp has at most 32 lanes, got " + lanes);
        checkWidth(width);
        if (first % width != 0) throw new IllegalArgumentException("address " + first + " is not a multiple of " + width);
        long s0 = first / SECTOR, s1 = (first + (long) lanes * width - 1) / SECTOR;
        for (long x = s0; x <= s1; x++) l2.access(x);
        record(s, (long) lanes * width, s1 - s0 + 1);
    }

    /** One store request of C: {@code lanes} lanes writing consecutive elements of {@code width} bytes from {@code first}. */
    public void storeContiguous(long first, int lanes, int width) {
        if (lanes == 0) return;
        storeBytes += (long) lanes * width;
        storeSectors += (first + (long) lanes * width - 1) / SECTOR - first / SECTOR + 1;
    }

    /** One store request of C at the active lanes' addresses. */
    public void storeGather(long[] addr, int lanes, int width) {
        if (lanes == 0) return;
        int n = 0;
        for (int i = 0; i < lanes; i++) scratch[n++] = addr[i] / SECTOR;
        Arrays.sort(scratch, 0, n);
        int unique = 0;
        for (int i = 0; i < n; i++) if (i == 0 || scratch[i] != scratch[i - 1]) unique++;
        storeBytes += (long) lanes * width;
        storeSectors += unique;
    }

    private static void checkWidth(int width) {
        if (width != 1 && width != 2 && width != 4 && width != 8 && width != 16)
            throw new IllegalArgumentException("bytes per lane: 1, 2, 4, 8 or 16, got " + width);
    }

    private void record(Space s, long bytes, long sec) {
        requests[s.ordinal()]++;
        requested[s.ordinal()] += bytes;
        sectors[s.ordinal()] += sec;
    }

    public long requests(Space s) { return requests[s.ordinal()]; }

    public long requestedBytes(Space s) { return requested[s.ordinal()]; }

    public long sectors(Space s) { return sectors[s.ordinal()]; }

    public long requests() { return Arrays.stream(requests).sum(); }

    public long requestedBytes() { return Arrays.stream(requested).sum(); }

    public long sectors() { return Arrays.stream(sectors).sum(); }

    public long movedBytes() { return sectors() * SECTOR; }

    /** Load sectors that missed in the L2, times 32. */
    public long dramReadBytes() { return l2.misses() * SECTOR; }

    public long l2Hits() { return l2.hits(); }

    public long storeBytes() { return storeBytes; }

    public long storeSectors() { return storeSectors; }

    /** requested / moved, in [0, ∞); 0 without loads. */
    public double efficiency() { return sectors() == 0 ? 0 : (double) requestedBytes() / movedBytes(); }

    public double efficiency(Space s) { return sectors(s) == 0 ? 0 : (double) requestedBytes(s) / (sectors(s) * SECTOR); }

    public double sectorsPerRequest() { return requests() == 0 ? 0 : (double) sectors() / requests(); }
}
