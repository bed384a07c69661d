package dev.prunebench.kernels.cpu.vector;

import dev.prunebench.kernels.cpu.rows.RowKernel;
import dev.prunebench.kernels.cpu.rows.RowSplit;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Sparse SpMM (N ≥ 2) over column panels of W, the prepared state of {@code csr-vector}, {@code nm-vector} and
 * {@code gcsr-vector} at g = 1. Three levers, each measured on the 4096² · 50, 90 % point (docs/cpu-kernels.md):
 * <ul>
 *   <li>Column panels: the columns of W are cut into panels of {@code width} columns, so the rows of X a panel reads
 *       ({@code width · ldx · 4} bytes, at most {@link #PANEL_BYTES}) stay in L2 while every row of W passes over
 *       them; C rows are built panel by panel (zero before the first panel, loaded from C before the others).</li>
 *   <li>X rows aligned: X is copied once, at stride {@code ldx = ldc} (whole vectors), into native memory aligned to
 *       64 bytes, so no vector load of a row of X splits a cache line (at stride N = 50 nearly every 512-bit load
 *       did). Its padding columns are zero.</li>
 *   <li>16-bit column indices: a panel is at most 65 536 columns wide, so an entry's column is stored relative to its
 *       panel in a {@code char} (2 bytes streamed per non-zero instead of 4).</li>
 * </ul>
 * Register blocking over two rows sharing a panel (eight accumulators, two rows' FMA chains) was tried and measured
 * 5–10 % slower than one row with two entries a step ({@link SparseRows#spmmRow}), so it is not used.
 *
 * <p>Layout: {@code ptr[p·(rows+1) + i]} starts row i's entries in panel p, entries ordered by panel, then row, then
 * column; {@code col} holds column − p·width.
 */
final class PanelRows extends RowKernel {
    /**
     * The narrowest C row (floats) that runs here: four vectors. Narrower rows ran faster on {@code float[]} X
     * ({@link ListRows}): 512² · N, 90 %, N = 4, 8, 16: 0.56 / 0.56 / 0.80 ns per non-zero there against 0.90 / 0.88 /
     * 1.06 here; at N = 50 (four vectors) panels and alignment gave 19 % (docs/cpu-kernels.md).
     */
    static final int MIN_WIDTH = 4 * Lanes.L;

    /** Bytes of X one panel may hold: a quarter of the L2 read off the machine, or {@code -Dprunebench.panelBytes}. */
    static final long PANEL_BYTES = panelBytes();

    private final int rows;
    private final int width;
    private final int panels;
    private final int[] ptr;
    private final char[] col;
    private final float[] val;
    private final MemorySegment xp;

    PanelRows(int rows, int k, int[] rowPtr, int[] colIndex, float[] values, int width, float[] x, int n, int threads, String name) {
        super(rows, n, Lanes.rowWidth(n), RowSplit.balanced(rowPtr, threads), name);
        if (width < 1 || width > 65_536) throw new IllegalArgumentException("panel width: must be in [1, 65536], got " + width);
        if (ldc < MIN_WIDTH) throw new IllegalArgumentException("N = " + n + ": a C row of " + ldc + " floats is narrower than the " + MIN_WIDTH + " panels take");
        this.rows = rows;
        this.width = width;
        this.panels = Math.max(1, Math.ceilDiv(k, width));
        this.ptr = new int[Math.multiplyExact(panels, rows + 1)];
        this.col = new char[rowPtr[rows] - rowPtr[0]];
        this.val = new float[col.length];
        // an automatic arena: freed when the kernel is collected, never by a close that a caller forgot; its bytes count
        // against -XX:MaxDirectMemorySize, which triggers a collection before native memory piles up
        this.xp = Arena.ofAuto().allocate(4L * Math.addExact(Math.multiplyExact(k, ldc), ldc), 64);
        for (int r = 0; r < k; r++) MemorySegment.copy(x, r * n, xp, ValueLayout.JAVA_FLOAT, 4L * r * ldc, n);
        split(rowPtr, colIndex, values);
    }

    /** Columns per panel at this K and N: as many rows of X as {@link #PANEL_BYTES} holds (at most 65 536), equal panels. */
    static int width(int k, int n) {
        long w = Math.min(65_536, Math.max(1, PANEL_BYTES / (4L * Lanes.rowWidth(n))));
        if (w >= k) return k;
        return Math.ceilDiv(k, Math.ceilDiv(k, (int) w)); // equal panels, none a sliver
    }

    /**
     * Least stored entries a row holds per panel, on average, for cutting W into panels to pay. Every panel after the
     * first reloads and stores each C row (two C-row passes) for the few X rows the row's entries in it read; wide C rows
     * (large N) make panels only a few columns wide (128×128 · N = 3136 at 90 %: 20 columns, 2 entries per row and
     * panel) and the reloads then cost as much as the X reads they save: there the whole W is one panel.
     */
    static final int MIN_ENTRIES_PER_PANEL_ROW = 16;

    /** Whether {@code nnz} entries over {@code rows} rows, cut into panels {@code width} columns wide, hold enough per row and panel. */
    static boolean pays(long nnz, int rows, int k, int width) {
        long panels = Math.ceilDiv(k, width);
        return nnz >= (long) MIN_ENTRIES_PER_PANEL_ROW * rows * panels;
    }

    private static long panelBytes() {
        String p = System.getProperty("prunebench.panelBytes");
        if (p == null) return CacheSizes.l2Bytes() / 4;
        try {
            long v = Long.parseLong(p.trim());
            if (v >= 1) return v;
        } catch (NumberFormatException ignored) {
            // fall through to the error
        }
        throw new IllegalArgumentException("prunebench.panelBytes: must be a positive integer (bytes), got '" + p + "'");
    }

    /** Panel-major copy of the CSR arrays (each CSR row is sorted by column, so its panels are consecutive runs). */
    private void split(int[] rowPtr, int[] colIndex, float[] values) {
        int[] cursor = java.util.Arrays.copyOf(rowPtr, rows);
        int q = 0;
        for (int p = 0; p < panels; p++) {
            long end = (long) (p + 1) * width;
            int base = p * width;
            for (int i = 0; i < rows; i++) {
                ptr[p * (rows + 1) + i] = q;
                int e = cursor[i], stop = rowPtr[i + 1];
                for (; e < stop && colIndex[e] < end; e++, q++) {
                    col[q] = (char) (colIndex[e] - base);
                    val[q] = values[e];
                }
                cursor[i] = e;
            }
            ptr[p * (rows + 1) + rows] = q;
        }
    }

    /** Panels in the outer loop: this chunk's rows all pass over one panel of X before the next is touched. */
    @Override protected void rows(int from, int to) {
        for (int p = 0; p < panels; p++) {
            int off = p * (rows + 1), x0 = p * width * ldc;
            for (int i = from; i < to; i++)
                SparseRows.panelRow(val, col, ptr[off + i], ptr[off + i + 1], xp, x0, ldc, c, i * ldc, ldc, p > 0);
        }
    }
}
