package dev.prunebench.kernels.cuda.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.NmSparse;
import dev.prunebench.kernels.cuda.model.MemoryTrace.Space;
import dev.prunebench.measure.Patterns;
import org.junit.jupiter.api.Test;

public class WarpModelTest {
    private static MemoryTrace trace() { return new MemoryTrace(new SectorCache(1 << 20)); }

    @Test
    void aFullyCoalescedWarpOf32FloatsIs4SectorsAtFullEfficiency() {
        MemoryTrace t = trace();
        t.contiguous(Space.X, 4096, 32, 4);
        assertThat(t.requests()).isEqualTo(1);
        assertThat(t.sectors()).isEqualTo(4);
        assertThat(t.efficiency()).isEqualTo(1.0);
        // the same through the general path
        MemoryTrace u = trace();
        long[] a = new long[32];
        for (int l = 0; l < 32; l++) a[l] = 4096 + 4L * l;
        u.gather(Space.X, a, 32, 4);
        assertThat(u.sectors()).isEqualTo(4);
    }

    @Test
    void aStridedWarpTouches32SectorsAndAMisalignedOne5() {
        MemoryTrace t = trace();
        long[] a = new long[32];
        for (int l = 0; l < 32; l++) a[l] = 4096 + 128L * l;        // one float every 128 bytes
        t.gather(Space.X, a, 32, 4);
        assertThat(t.sectors()).isEqualTo(32);
        assertThat(t.efficiency()).isEqualTo(128.0 / (32 * 32));     // 12.5 %
        MemoryTrace m = trace();
        m.contiguous(Space.X, 4096 + 8, 32, 4);                     // 128 bytes starting 8 bytes into a sector
        assertThat(m.sectors()).isEqualTo(5);
        assertThat(m.efficiency()).isCloseTo(0.8, within(1e-12));
    }

    @Test
    void aBroadcastCountsEveryLanesBytesSoItCanExceed100Percent() {
        MemoryTrace t = trace();
        long[] a = new long[32];
        java.util.Arrays.fill(a, 256);
        t.gather(Space.ROW_ORDER, a, 32, 4);
        assertThat(t.sectors()).isEqualTo(1);
        assertThat(t.efficiency()).isEqualTo(4.0);
    }

    @Test
    void a50FloatRowOfXReadBy32And18LanesTouches7Or8SectorsByAlignment() {
        // row k of a K×50 fp32 X starts at 200·k bytes: 0, 8, 16, 24 mod 32
        long[] expected = {7, 8, 8, 8};
        long total = 0;
        for (int k = 0; k < 4; k++) {
            MemoryTrace t = trace();
            t.contiguous(Space.X, 200L * k, 32, 4);
            t.contiguous(Space.X, 200L * k + 128, 18, 4);
            assertThat(t.sectors()).as("row %d", k).isEqualTo(expected[k]);
            total += t.sectors();
        }
        assertThat(200.0 * 4 / (total * 32)).isCloseTo(0.806, within(0.001));   // 7.75 sectors per row on average
    }

    @Test
    void theL2HitsOnAReusedSectorAndEvictsTheLeastRecentlyUsed() {
        SectorCache c = new SectorCache(32L * SectorCache.WAYS);     // one set of 16 sectors
        for (int s = 0; s < 16; s++) assertThat(c.access(s)).isFalse();
        assertThat(c.access(0)).isTrue();
        assertThat(c.access(16)).isFalse();                          // evicts sector 1, the least recently used
        assertThat(c.access(0)).isTrue();
        assertThat(c.access(1)).isFalse();
        assertThat(new SectorCache(0).access(3)).isFalse();
    }

    @Test
    void aSecondLaunchOnAWarmL2ReadsNothingFromDramWhenAllFits() {
        int m = 64, k = 64, n = 8;
        Csr w = Csr.fromDense(Patterns.groupRms(m, k, 1, 0.5, 2).data(), m, k);
        WarpModel.Run cold = WarpModel.csrVector(w, n, new SectorCache(1 << 20));
        WarpModel.Run warm = WarpModel.warm(l2 -> WarpModel.csrVector(w, n, l2), 1 << 20);
        assertThat(cold.trace().dramReadBytes()).isPositive();
        assertThat(warm.trace().dramReadBytes()).isZero();             // everything fits in 1 MB
        assertThat(warm.trace().sectors()).isEqualTo(cold.trace().sectors());
        WarpModel.Run none = WarpModel.warm(l2 -> WarpModel.csrVector(w, n, l2), 0);
        assertThat(none.trace().dramReadBytes()).isEqualTo(none.trace().movedBytes());
    }

    @Test
    void badRequestsAreRefusedWithTheReason() {
        MemoryTrace t = trace();
        assertThatThrownBy(() -> t.contiguous(Space.X, 2, 1, 4)).hasMessageContaining("not a multiple of 4");
        assertThatThrownBy(() -> t.contiguous(Space.X, 0, 33, 4)).hasMessageContaining("at most 32 lanes");
        assertThatThrownBy(() -> t.contiguous(Space.X, 0, 1, 3)).hasMessageContaining("bytes per lane");
    }

    @Test
    void csrVectorOnOneRowIsCountedByHand() {
        // one row, non-zeros in columns 0 and 1, N = 50: X rows start at bytes 0 and 200 of X
        float[] d = new float[8];
        d[0] = 1; d[1] = 2;
        Csr w = Csr.fromDense(d, 1, 8);
        WarpModel.Run r = WarpModel.csrVector(w, 50, new SectorCache(1 << 20));
        MemoryTrace t = r.trace();
        assertThat(t.requests(Space.ROW_ORDER)).isEqualTo(1);
        assertThat(t.requests(Space.ROW_PTR)).isEqualTo(1);
        assertThat(t.sectors(Space.ROW_PTR)).isEqualTo(1);
        assertThat(t.requestedBytes(Space.VALUE)).isEqualTo(8);
        assertThat(t.sectors(Space.INDEX)).isEqualTo(1);
        assertThat(t.requests(Space.X)).isEqualTo(4);               // 32 + 18 lanes per X row
        assertThat(t.sectors(Space.X)).isEqualTo(7 + 8);
        assertThat(t.storeBytes()).isEqualTo(200);
        assertThat(r.flops()).isEqualTo(2 * 2 * 50);
    }

    @Test
    void subwarpWidthIsThePowerOfTwoAtLeastNCappedAt32() {
        assertThat(new int[]{WarpModel.subwarp(1), WarpModel.subwarp(2), WarpModel.subwarp(3), WarpModel.subwarp(4), WarpModel.subwarp(5),
                WarpModel.subwarp(16), WarpModel.subwarp(17), WarpModel.subwarp(50)}).containsExactly(1, 2, 4, 4, 8, 16, 32, 32);
    }

    @Test
    void groupsOf8ReadXFullyCoalescedAndG1MatchesCsrVectorOnX() {
        int m = 256, k = 256, n = 50;
        Dense d8 = Patterns.groupRms(m, k, 8, 0.9, 7);
        WarpModel.Run g8 = WarpModel.gcsr(GroupedCsr.fromDense(d8.data(), m, k, 8), n, new SectorCache(1 << 21));
        assertThat(g8.trace().efficiency(Space.X)).isEqualTo(1.0);        // 8 × 200 bytes, 32-byte aligned
        // overall: the per-row loads (row order, row pointers: 4 and 8 bytes in a sector) weigh more with only 3.2
        // kept groups per row here than at the paper's 4096 columns (51 per row, > 99 %)
        assertThat(g8.trace().efficiency()).isGreaterThan(0.98);
        Dense d1 = Patterns.groupRms(m, k, 1, 0.9, 7);
        WarpModel.Run g1 = WarpModel.gcsr(GroupedCsr.fromDense(d1.data(), m, k, 1), n, new SectorCache(1 << 21));
        WarpModel.Run cv = WarpModel.csrVector(Csr.fromDense(d1.data(), m, k), n, new SectorCache(1 << 21));
        assertThat(g1.trace().sectors(Space.X)).isEqualTo(cv.trace().sectors(Space.X));
        assertThat(g1.trace().efficiency(Space.X)).isCloseTo(0.806, within(0.02));
    }

    @Test
    void thread_per_row_csr_reads_x_scattered() {
        int m = 128, k = 128, n = 8;
        Dense d = Patterns.groupRms(m, k, 1, 0.9, 3);
        WarpModel.Run s = WarpModel.csrScalar(Csr.fromDense(d.data(), m, k), n, new SectorCache(1 << 21));
        WarpModel.Run v = WarpModel.csrVector(Csr.fromDense(d.data(), m, k), n, new SectorCache(1 << 21));
        assertThat(s.trace().efficiency(Space.X)).isLessThan(0.25);
        assertThat(v.trace().efficiency(Space.X)).isGreaterThan(s.trace().efficiency(Space.X));
    }

    @Test
    void denseTilesReadWFullyCoalescedAndTheEstimateIsBoundedBelowByEachTerm() {
        int m = 128, k = 64, n = 50;
        Dense w = Patterns.uniform(m, k, 0.0, 1);
        WarpModel.Run r = WarpModel.sgemm(w, n, new SectorCache(1 << 21));
        assertThat(r.trace().efficiency(Space.VALUE)).isEqualTo(1.0);
        assertThat(r.trace().requestedBytes(Space.VALUE)).isEqualTo(4L * m * k * 1);   // one block column (N ≤ 64)
        assertThat(r.dramBytes()).isEqualTo(4L * m * k + 4L * k * n + 4L * m * n);      // everything fits in the L2
        var c = r.counts(GpuPreset.V100);
        assertThat(c.get("est_time_ps")).isGreaterThanOrEqualTo(c.get("est_compute_ps") + GpuPreset.V100.launchPs());
        assertThat(c.get("est_time_ps")).isGreaterThanOrEqualTo(c.get("est_dram_ps"));
        assertThat(c.get("gld_efficiency_bp")).isBetween(0L, 10_000L);
    }

    @Test
    void presetsAreNamedAndUnknownOnesListTheChoices() {
        assertThat(GpuPreset.named("GTX950M")).isSameAs(GpuPreset.GTX_950M);
        assertThat(GpuPreset.ALL).extracting(GpuPreset::id).contains("gtx950m", "v100", "a100", "h100", "h200");
        assertThatThrownBy(() -> GpuPreset.named("rtx")).hasMessageContaining("gtx950m");
        assertThat(GpuPreset.matching("NVIDIA H200")).contains(GpuPreset.H200);
        assertThat(GpuPreset.matching("Tesla V100-SXM2-16GB")).contains(GpuPreset.V100);
        assertThat(GpuPreset.matching("NVIDIA GeForce GTX 950M")).contains(GpuPreset.GTX_950M);
        assertThat(GpuPreset.matching("NVIDIA GeForce RTX 4090")).isEmpty();
        assertThat(GpuPreset.V100.computePs(15_700)).isEqualTo(1000);    // 15 700 flops at 15.7 TFLOP/s: 1 ns
    }

    /**
     * The model's figures at 1024×1024 · 50 (the paper's 4096 takes a minute; docs/gpu.md has those): g = 1 stays near the
     * 80.6 % that 7.75 sectors per 200-byte row of X give, at 80 % and at 98 % pruning (the paper's nvprof: 67 % → 82 %);
     * for g = 8 and 32, X fully coalesced and over 99 % in all at 80 % (paper: ≥ 99 % from g = 8). A regression check of the model, not a fit to the paper.
     */
    @Test
    void efficiencyAcrossGroupSizesAndRatesAt1024() {
        int m = 1024, k = 1024, n = 50;
        float[] base = Patterns.normalVector(m * k, 1);
        for (int g : new int[]{1, 8, 32}) {
            Patterns.GroupRanking rank = new Patterns.GroupRanking(base, m, k, g);
            for (double rate : new double[]{0.8, 0.98}) {
                WarpModel.Run r = WarpModel.gcsr(GroupedCsr.fromDense(rank.prune(rate), m, k, g), n, new SectorCache(2 << 20));
                if (g == 1) assertThat(r.trace().efficiency()).as("g=1 at %s", rate).isBetween(0.79, 0.81);
                else {
                    assertThat(r.trace().efficiency(Space.X)).as("g=%d at %s, X", g, rate).isEqualTo(1.0);
                    // at 98 % only 20 / g groups are kept per row of 1024, so the per-row loads (row order, row pointers,
                    // 12 bytes in 2 sectors) weigh more than at 4096 columns, where it is 99.5 %
                    assertThat(r.trace().efficiency()).as("g=%d at %s", g, rate).isGreaterThan(rate < 0.9 ? 0.99 : 0.98);
                }
            }
        }
    }

    /** N(0, 1) weights with all but the n largest of every window of m cleared: an n:m matrix. */
    public static float[] nmPattern(int rows, int cols, int n, int m, long seed) {
        float[] w = Patterns.normalVector(rows * cols, seed);
        for (int r = 0; r < rows; r++)
            for (int c0 = 0; c0 < cols; c0 += m) {
                int end = Math.min(cols, c0 + m);
                while (true) {
                    int kept = 0, smallest = -1;
                    for (int c = c0; c < end; c++)
                        if (w[r * cols + c] != 0) {
                            kept++;
                            if (smallest < 0 || Math.abs(w[r * cols + c]) < Math.abs(w[r * cols + smallest])) smallest = c;
                        }
                    if (kept <= n) break;
                    w[r * cols + smallest] = 0;
                }
            }
        return w;
    }

    @Test
    void nmOnOneRowIsCountedByHand() {
        // one row of 8, 2:4: 4 slots, positions 2 bits each, all in meta byte 0; X rows of 50 floats
        NmSparse w = NmSparse.fromDense(nmPattern(1, 8, 2, 4, 5), 1, 8, 2, 4);
        WarpModel.Run r = WarpModel.nm(w, 50, new SectorCache(1 << 20));
        MemoryTrace t = r.trace();
        assertThat(t.requests(Space.VALUE)).isEqualTo(1);
        assertThat(t.requestedBytes(Space.VALUE)).isEqualTo(16);
        assertThat(t.requests(Space.INDEX)).isEqualTo(1);            // the second byte would be past the 1-byte meta
        assertThat(t.sectors(Space.INDEX)).isEqualTo(1);
        assertThat(t.requestedBytes(Space.INDEX)).isEqualTo(4);
        assertThat(t.requests(Space.X)).isEqualTo(4 * 2);
        long expected = 0;
        int[] pos = w.positions();
        for (int s = 0; s < 4; s++) {
            long col = (s / 2) * 4 + pos[s], start = col * 200 % 32;
            expected += (start + 128 + 31) / 32 + (start + 72 + 31) / 32;   // 32 lanes from start, 18 lanes from start + 128
        }
        assertThat(t.sectors(Space.X)).isEqualTo(expected);
        assertThat(r.flops()).isEqualTo(2L * 4 * 50);
    }
}
