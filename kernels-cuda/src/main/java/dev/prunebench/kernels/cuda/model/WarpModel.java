package dev.prunebench.kernels.cuda.model;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.NmSparse;
import dev.prunebench.kernels.cuda.model.MemoryTrace.Space;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Replays the global loads of our CUDA kernels ({@code kernels-cuda/src/main/cuda/*.cu}) warp by warp, from the
 * same index arithmetic and the same launch constants ({@link KernelShapes}), and turns them into counts and a
 * roofline time estimate for a {@link GpuPreset}.
 *
 * <p>Approximations, all stated: warps are replayed one after the other in launch order (the hardware interleaves
 * many at once; this only changes which sectors are still in the L2), loads go to the L2 directly (no L1 for global
 * loads, the default for {@code ld.global} on Maxwell and what a streaming kernel sees on later GPUs), the L2 is a
 * {@link SectorCache}, every array starts 256-byte aligned (as {@code cudaMalloc} returns it), and a load with no
 * active lane is not a request.
 *
 * <p>The L2 a replay starts with is the caller's: {@link #warm} replays a kernel twice and counts the second launch, the
 * steady state of the back-to-back launches the measured kernels are timed over (what is left in the L2 from the
 * previous launch is reused).
 */
public final class WarpModel {
    private WarpModel() {}

    /** One replay of a kernel on a given L2. */
    @FunctionalInterface
    public interface Replay { Run on(SectorCache l2); }

    /** Replays twice on one L2 of {@code l2Bytes} and returns the second launch (warm L2); the first only fills the cache. */
    public static Run warm(Replay replay, long l2Bytes) {
        SectorCache l2 = new SectorCache(l2Bytes);
        replay.on(l2);
        l2.resetCounts();
        return replay.on(l2);
    }

    /** Device arrays laid out one after the other, each 256-byte aligned, from a non-zero base. */
    static final class Layout {
        private long next = 1L << 32;

        long alloc(long bytes) {
            long at = next;
            next += (bytes + 255) / 256 * 256 + 256;
            return at;
        }
    }

    /** The outcome of one replay: the trace, the floating-point operations and C's size. */
    public record Run(String kernel, MemoryTrace trace, long flops, long cBytes) {
        /** C written once: its sectors are the DRAM write traffic. */
        public long dramWriteBytes() { return (cBytes + MemoryTrace.SECTOR - 1) / MemoryTrace.SECTOR * MemoryTrace.SECTOR; }

        public long dramBytes() { return trace.dramReadBytes() + dramWriteBytes(); }

        /** Bytes through the L2: load sectors moved plus store sectors. */
        public long l2Bytes() { return trace.movedBytes() + trace.storeSectors() * MemoryTrace.SECTOR; }

        /**
         * Counts for {@code MatMul.Counts} (all integers): efficiencies in basis points (10 000 = 100 %), sectors per
         * request in thousandths, times in picoseconds; {@code est_time_ps} is the roofline estimate
         * launch + max(compute, DRAM, L2).
         */
        public Map<String, Long> counts(GpuPreset p) {
            Map<String, Long> c = new LinkedHashMap<>();
            MemoryTrace t = trace;
            c.put("load_requests", t.requests());
            c.put("load_sectors", t.sectors());
            c.put("requested_bytes", t.requestedBytes());
            c.put("moved_bytes", t.movedBytes());
            c.put("gld_efficiency_bp", bp(t.requestedBytes(), t.movedBytes()));
            c.put("sectors_per_request_milli", t.requests() == 0 ? 0 : Math.round(1000.0 * t.sectors() / t.requests()));
            for (Space s : Space.values()) {
                if (t.requests(s) == 0) continue;
                c.put(s.label() + "_requests", t.requests(s));
                c.put(s.label() + "_sectors", t.sectors(s));
                c.put(s.label() + "_gld_efficiency_bp", bp(t.requestedBytes(s), t.sectors(s) * MemoryTrace.SECTOR));
            }
            c.put("store_bytes", t.storeBytes());
            c.put("store_sectors", t.storeSectors());
            c.put("l2_hit_sectors", t.l2Hits());
            c.put("dram_read_bytes", t.dramReadBytes());
            c.put("dram_write_bytes", dramWriteBytes());
            c.put("dram_bytes", dramBytes());
            c.put("flops", flops);
            long compute = p.computePs(flops), dram = p.dramPs(dramBytes()), l2 = p.l2Ps(l2Bytes());
            c.put("est_compute_ps", compute);
            c.put("est_dram_ps", dram);
            c.put("est_l2_ps", l2);
            c.put("est_time_ps", p.launchPs() + Math.max(compute, Math.max(dram, l2)));
            return c;
        }

        /** Which roofline term bounds the estimate: {@code compute}, {@code dram} or {@code l2}. */
        public String bound(GpuPreset p) {
            long compute = p.computePs(flops), dram = p.dramPs(dramBytes()), l2 = p.l2Ps(l2Bytes());
            return compute >= dram && compute >= l2 ? "compute" : dram >= l2 ? "dram" : "l2";
        }
    }

    static long bp(long requested, long moved) { return moved == 0 ? 0 : Math.round(10_000.0 * requested / moved); }

    /** Rows ordered by length, longest first, ties by row number (the {@code row_order} array the kernels read). */
    public static int[] rowOrder(int[] ptr) {
        int rows = ptr.length - 1;
        long[] keys = new long[rows];
        for (int r = 0; r < rows; r++) keys[r] = ((long) (Integer.MAX_VALUE - (ptr[r + 1] - ptr[r])) << 32) | r;
        Arrays.sort(keys);
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) order[i] = (int) keys[i];
        return order;
    }

    /** Subwarp width of {@code csr_spmm_vector} for N columns: the power of two ≥ N, at most 32. */
    public static int subwarp(int n) {
        if (n >= 32) return 32;
        return Integer.highestOneBit(Math.max(1, n - 1)) << (n <= 1 ? 0 : 1);
    }

    // ------------------------------------------------------------------ dense: sgemm_tiled

    /** {@code sgemm_tiled}: 64×64 block tiles of C, K in steps of 16, 256 threads, both tiles staged in shared memory. */
    public static Run sgemm(Dense w, int n, SectorCache l2) {
        int m = w.rows(), k = w.cols();
        Layout lay = new Layout();
        long wb = lay.alloc(4L * m * k), xb = lay.alloc(4L * k * n), cb = lay.alloc(4L * m * n);
        MemoryTrace t = new MemoryTrace(l2);
        final int BM = KernelShapes.SGEMM_BM, BN = KernelShapes.SGEMM_BN, BK = KernelShapes.SGEMM_BK, T = KernelShapes.SGEMM_THREADS;
        long[] addr = new long[32];
        for (int bn = 0; bn * BN < n; bn++)
            for (int bm = 0; bm * BM < m; bm++) {
                int m0 = bm * BM, n0 = bn * BN;
                for (int k0 = 0; k0 < k; k0 += BK) {
                    for (int i = 0; i < BM * BK / T; i++)       // W tile: element e = tid + T*i, row e / BK, column e % BK
                        for (int warp = 0; warp < T / 32; warp++) {
                            int lanes = 0;
                            for (int lane = 0; lane < 32; lane++) {
                                int e = warp * 32 + lane + T * i, row = m0 + e / BK, col = k0 + e % BK;
                                if (row < m && col < k) addr[lanes++] = wb + 4L * ((long) row * k + col);
                            }
                            t.gather(Space.VALUE, addr, lanes, 4);
                        }
                    for (int i = 0; i < BK * BN / T; i++)       // X tile: element e = tid + T*i, row e / BN, column e % BN
                        for (int warp = 0; warp < T / 32; warp++) {
                            int lanes = 0;
                            for (int lane = 0; lane < 32; lane++) {
                                int e = warp * 32 + lane + T * i, row = k0 + e / BN, col = n0 + e % BN;
                                if (row < k && col < n) addr[lanes++] = xb + 4L * ((long) row * n + col);
                            }
                            t.gather(Space.X, addr, lanes, 4);
                        }
                }
                int cols = Math.min(BN, n - n0);
                for (int r = m0; r < Math.min(m, m0 + BM); r++) t.storeContiguous(cb + 4L * ((long) r * n + n0), Math.min(32, cols), 4);
                if (cols > 32)
                    for (int r = m0; r < Math.min(m, m0 + BM); r++) t.storeContiguous(cb + 4L * ((long) r * n + n0 + 32), cols - 32, 4);
            }
        return new Run("sgemm_tiled", t, 2L * m * k * n, 4L * m * n);
    }

    // ------------------------------------------------------------------ CSR, thread per row: csr_spmm_scalar

    /** {@code csr_spmm_scalar}: thread per row (rows in natural order), 8 columns of C per pass in registers. */
    public static Run csrScalar(Csr w, int n, SectorCache l2) {
        int m = w.rows();
        int[] ptr = w.rowPtr(), col = w.colIndex();
        Layout lay = new Layout();
        long pb = lay.alloc(4L * (m + 1)), ib = lay.alloc(4L * col.length), vb = lay.alloc(4L * col.length),
                xb = lay.alloc(4L * w.cols() * n), cb = lay.alloc(4L * m * n);
        MemoryTrace t = new MemoryTrace(l2);
        final int CT = KernelShapes.SCALAR_COLS;
        long[] addr = new long[32];
        int[] start = new int[32], len = new int[32];
        for (int r0 = 0; r0 < m; r0 += 32) {
            int lanes = Math.min(32, m - r0), maxLen = 0;
            t.contiguous(Space.ROW_PTR, pb + 4L * r0, lanes, 4);
            t.contiguous(Space.ROW_PTR, pb + 4L * (r0 + 1), lanes, 4);
            for (int l = 0; l < lanes; l++) {
                start[l] = ptr[r0 + l];
                len[l] = ptr[r0 + l + 1] - start[l];
                maxLen = Math.max(maxLen, len[l]);
            }
            for (int c0 = 0; c0 < n; c0 += CT) {
                for (int kk = 0; kk < maxLen; kk++) {
                    int a = 0;
                    for (int l = 0; l < lanes; l++) if (kk < len[l]) addr[a++] = vb + 4L * (start[l] + kk);
                    t.gather(Space.VALUE, addr, a, 4);
                    a = 0;
                    for (int l = 0; l < lanes; l++) if (kk < len[l]) addr[a++] = ib + 4L * (start[l] + kk);
                    t.gather(Space.INDEX, addr, a, 4);
                    for (int cc = 0; cc < CT && c0 + cc < n; cc++) {
                        a = 0;
                        for (int l = 0; l < lanes; l++)
                            if (kk < len[l]) addr[a++] = xb + 4L * ((long) col[start[l] + kk] * n + c0 + cc);
                        t.gather(Space.X, addr, a, 4);
                    }
                }
                for (int cc = 0; cc < CT && c0 + cc < n; cc++) {
                    for (int l = 0; l < lanes; l++) addr[l] = cb + 4L * ((long) (r0 + l) * n + c0 + cc);
                    t.storeGather(addr, lanes, 4);
                }
            }
        }
        return new Run("csr_spmm_scalar", t, 2L * col.length * n, 4L * m * n);
    }

    // ------------------------------------------------------------------ CSR, subwarp per row: csr_spmm_vector

    /**
     * {@code csr_spmm_vector}: a subwarp of {@link #subwarp(int) sub} lanes per row, rows in {@link #rowOrder} order;
     * the subwarp loads {@code sub} (value, column) pairs coalesced, broadcasts them by shuffles, and for each its lanes
     * read the X row at columns {@code c0 + lane + sub·cc} (8 per lane per pass).
     */
    public static Run csrVector(Csr w, int n, SectorCache l2) {
        int m = w.rows();
        int[] ptr = w.rowPtr(), col = w.colIndex(), order = rowOrder(ptr);
        Layout lay = new Layout();
        long ob = lay.alloc(4L * m), pb = lay.alloc(4L * (m + 1)), ib = lay.alloc(4L * col.length), vb = lay.alloc(4L * col.length),
                xb = lay.alloc(4L * w.cols() * n), cb = lay.alloc(4L * m * n);
        MemoryTrace t = new MemoryTrace(l2);
        final int sub = subwarp(n), rpw = 32 / sub, CPL = KernelShapes.VECTOR_COLS_PER_LANE;
        long[] addr = new long[32];
        int[] start = new int[rpw], len = new int[rpw], row = new int[rpw];
        for (int sw0 = 0; sw0 < m; sw0 += rpw) {
            int rows = Math.min(rpw, m - sw0), maxTiles = 0;
            int a = 0;
            for (int i = 0; i < rows; i++) addr[a++] = ob + 4L * (sw0 + i);          // lane 0 of each subwarp
            t.gather(Space.ROW_ORDER, addr, a, 4);
            a = 0;
            for (int i = 0; i < rows; i++) {
                row[i] = order[sw0 + i];
                start[i] = ptr[row[i]];
                len[i] = ptr[row[i] + 1] - start[i];
                maxTiles = Math.max(maxTiles, (len[i] + sub - 1) / sub);
                addr[a++] = pb + 4L * row[i];                                        // lanes 0 and 1 of each subwarp
                if (sub > 1) addr[a++] = pb + 4L * (row[i] + 1);
            }
            t.gather(Space.ROW_PTR, addr, a, 4);
            if (sub == 1) {                                                           // one lane reads both pointers
                a = 0;
                for (int i = 0; i < rows; i++) addr[a++] = pb + 4L * (row[i] + 1);
                t.gather(Space.ROW_PTR, addr, a, 4);
            }
            for (int c0 = 0; c0 < n; c0 += sub * CPL) {
                for (int tile = 0; tile < maxTiles; tile++) {
                    a = 0;
                    for (int i = 0; i < rows; i++)
                        for (int sl = 0; sl < sub; sl++) if (tile * sub + sl < len[i]) addr[a++] = vb + 4L * (start[i] + tile * sub + sl);
                    t.gather(Space.VALUE, addr, a, 4);
                    for (int j = 0; j < a; j++) addr[j] += ib - vb;
                    t.gather(Space.INDEX, addr, a, 4);
                    for (int tt = 0; tt < sub; tt++)
                        for (int cc = 0; cc < CPL; cc++) {
                            int cFirst = c0 + cc * sub;
                            if (cFirst >= n) break;
                            int cl = Math.min(sub, n - cFirst);
                            if (rpw == 1) {
                                if (tile * sub + tt < len[0])
                                    t.contiguous(Space.X, xb + 4L * ((long) col[start[0] + tile * sub + tt] * n + cFirst), cl, 4);
                                continue;
                            }
                            a = 0;
                            for (int i = 0; i < rows; i++) {
                                if (tile * sub + tt >= len[i]) continue;
                                long xr = xb + 4L * ((long) col[start[i] + tile * sub + tt] * n + cFirst);
                                for (int sl = 0; sl < cl; sl++) addr[a++] = xr + 4L * sl;
                            }
                            t.gather(Space.X, addr, a, 4);
                        }
                }
                for (int cc = 0; cc < CPL; cc++) {
                    int cFirst = c0 + cc * sub;
                    if (cFirst >= n) break;
                    int cl = Math.min(sub, n - cFirst);
                    for (int i = 0; i < rows; i++) t.storeContiguous(cb + 4L * ((long) row[i] * n + cFirst), cl, 4);
                }
            }
        }
        return new Run("csr_spmm_vector", t, 2L * col.length * n, 4L * m * n);
    }

    // ------------------------------------------------------------------ GroupedCsr, warp per row: gcsr_spmm

    /**
     * {@code gcsr_spmm}: a warp per row, rows in {@link #rowOrder} order (by kept groups). Group indices are loaded 32 at
     * a time, values 32 at a time from the row's contiguous value range, both broadcast by shuffles; for each group the
     * warp stages its rows of X ({@code width × ncols} floats, contiguous when one pass covers all N columns) in shared
     * memory with coalesced loads, {@link KernelShapes#GCSR_STAGE} floats at most at a time.
     */
    public static Run gcsr(GroupedCsr w, int n, SectorCache l2) {
        int m = w.rows(), k = w.cols(), g = w.g();
        int[] ptr = w.groupPtr(), gi = w.groupIndex(), order = rowOrder(ptr);
        Layout lay = new Layout();
        long ob = lay.alloc(4L * m), pb = lay.alloc(4L * (m + 1)), ib = lay.alloc(4L * gi.length), vb = lay.alloc(4L * w.values().length),
                xb = lay.alloc(4L * k * n), cb = lay.alloc(4L * m * n);
        MemoryTrace t = new MemoryTrace(l2);
        final int PASS = 32 * KernelShapes.GCSR_COLS_PER_LANE, STAGE = KernelShapes.GCSR_STAGE;
        long[] addr = new long[32];
        for (int wi = 0; wi < m; wi++) {
            int r = order[wi];
            t.contiguous(Space.ROW_ORDER, ob + 4L * wi, 1, 4);
            t.contiguous(Space.ROW_PTR, pb + 4L * r, 2, 4);
            int p0 = ptr[r], p1 = ptr[r + 1];
            long vbase = (long) p0 * g, vend = (long) p1 * g;
            for (int c0 = 0; c0 < n; c0 += PASS) {
                int ncols = Math.min(PASS, n - c0), sr = Math.max(1, STAGE / ncols);
                long vt = -1;
                for (int q = p0; q < p1; q++) {
                    if ((q - p0) % 32 == 0) t.contiguous(Space.INDEX, ib + 4L * q, Math.min(32, p1 - q), 4);
                    int jg = gi[q], width = Math.min(g, k - jg * g);
                    for (int s0 = 0; s0 < width; s0 += sr) {
                        int rows = Math.min(sr, width - s0), total = rows * ncols;
                        long x0 = (long) jg * g + s0;
                        for (int e0 = 0; e0 < total; e0 += 32) {
                            int lanes = Math.min(32, total - e0);
                            if (ncols == n) {
                                t.contiguous(Space.X, xb + 4L * (x0 * n + c0 + e0), lanes, 4);
                            } else {
                                for (int l = 0; l < lanes; l++) {
                                    int e = e0 + l;
                                    addr[l] = xb + 4L * ((x0 + e / ncols) * n + c0 + e % ncols);
                                }
                                t.gather(Space.X, addr, lanes, 4);
                            }
                        }
                        for (int s = s0; s < s0 + rows; s++) {
                            long vi = (long) q * g + s;
                            if (vt < 0 || vi >= vt + 32) {
                                vt = vi - (vi - vbase) % 32;
                                t.contiguous(Space.VALUE, vb + 4L * vt, (int) Math.min(32, vend - vt), 4);
                            }
                        }
                    }
                }
                for (int cc = 0; cc * 32 < ncols; cc++)
                    t.storeContiguous(cb + 4L * ((long) r * n + c0 + cc * 32), Math.min(32, ncols - cc * 32), 4);
            }
        }
        return new Run("gcsr_spmm", t, 2L * w.values().length * n, 4L * m * n);
    }

    // ------------------------------------------------------------------ N:M, warp per row: nm_spmm

    /**
     * {@code nm_spmm}: a warp per row (rows in natural order: all hold {@code windows · N} slots); values 32 slots at a
     * time, two byte loads of the packed positions per slot (the metadata, counted as {@link Space#INDEX}), then the
     * slot's row of X read by the lanes at columns {@code c0 + lane + 32·cc}.
     */
    public static Run nm(NmSparse w, int n, SectorCache l2) {
        int m = w.rows(), nn = w.n(), mm = w.m(), bits = NmSparse.bits(mm);
        long slots = (long) w.windows() * nn, metaLen = w.meta().length;
        int[] pos = w.positions();
        Layout lay = new Layout();
        long vb = lay.alloc(4L * w.values().length), mb = lay.alloc(metaLen), xb = lay.alloc(4L * w.cols() * n), cb = lay.alloc(4L * m * n);
        MemoryTrace t = new MemoryTrace(l2);
        final int PASS = 32 * KernelShapes.NM_COLS_PER_LANE;
        long[] addr = new long[32];
        for (int r = 0; r < m; r++) {
            long base = r * slots;
            for (int c0 = 0; c0 < n; c0 += PASS) {
                int ncols = Math.min(PASS, n - c0);
                for (long t0 = 0; t0 < slots; t0 += 32) {
                    int cnt = (int) Math.min(32, slots - t0);
                    t.contiguous(Space.VALUE, vb + 4L * (base + t0), cnt, 4);
                    if (bits > 0) {
                        for (int l = 0; l < cnt; l++) addr[l] = mb + (base + t0 + l) * bits / 8;
                        t.gather(Space.INDEX, addr, cnt, 1);
                        int a = 0;
                        for (int l = 0; l < cnt; l++) {
                            long byteAt = (base + t0 + l) * bits / 8;
                            if (byteAt + 1 < metaLen) addr[a++] = mb + byteAt + 1;
                        }
                        t.gather(Space.INDEX, addr, a, 1);
                    }
                    for (int tt = 0; tt < cnt; tt++) {
                        long s = t0 + tt;
                        long col = (s / nn) * mm + pos[(int) (base + s)];
                        for (int cc = 0; cc * 32 < ncols; cc++)
                            t.contiguous(Space.X, xb + 4L * (col * n + c0 + cc * 32), Math.min(32, ncols - cc * 32), 4);
                    }
                }
                for (int cc = 0; cc * 32 < ncols; cc++)
                    t.storeContiguous(cb + 4L * ((long) r * n + c0 + cc * 32), Math.min(32, ncols - cc * 32), 4);
            }
        }
        return new Run("nm_spmm", t, 2L * w.values().length * n, 4L * m * n);
    }
}
