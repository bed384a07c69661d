package dev.prunebench.kernels.cpu.vector;

import dev.prunebench.kernels.cpu.rows.RowKernel;
import dev.prunebench.kernels.cpu.rows.RowSplit;

/**
 * Prepared state of a kernel over (column, value) lists per row: CSR (explicit row pointers) or N:M
 * (every row holds exactly {@code rowLength} slots, so no pointers are read). {@link #of} picks the code path: C rows
 * of four vectors or more run over column panels ({@link PanelRows}), narrower ones and SpMV here.
 *
 * <p>Invariants: for N ≥ 2, {@code xp} is X at stride N followed by {@code ldc − N} zeros (see {@link Lanes#pad}) and
 * C has stride {@code ldc = Lanes.rowWidth(n)}; for N = 1, {@code xp} is a copy of x and C has stride 1. Column
 * indices are within [0, K).
 */
final class ListRows extends RowKernel {
    private final int[] ptr;
    private final int[] col;
    private final float[] val;
    private final int rowLength;
    private final float[] xp;

    /**
     * @param ptr       row pointers (rows + 1), or null when every row holds {@code rowLength} entries
     * @param rowLength entries per row when ptr is null
     */
    static RowKernel of(int rows, int k, int[] ptr, int[] col, float[] val, int rowLength, float[] x, int n, int threads, String name) {
        if (n == 1 || Lanes.rowWidth(n) < PanelRows.MIN_WIDTH) return new ListRows(rows, k, ptr, col, val, rowLength, x, n, threads, name);
        int[] p = ptr;
        if (p == null) {
            p = new int[rows + 1];
            for (int i = 0; i <= rows; i++) p[i] = Math.multiplyExact(i, rowLength);
        }
        int width = PanelRows.width(k, n);
        if (width < k && !PanelRows.pays(p[rows] - p[0], rows, k, width)) {
            if (k > 65_536) return new ListRows(rows, k, ptr, col, val, rowLength, x, n, threads, name);
            width = k; // one panel: aligned X and 16-bit columns, no C row reloaded per panel
        }
        return new PanelRows(rows, k, p, col, val, width, x, n, threads, name);
    }

    private ListRows(int rows, int k, int[] ptr, int[] col, float[] val, int rowLength, float[] x, int n, int threads, String name) {
        super(rows, n, Lanes.rowWidth(n),
                ptr != null ? RowSplit.balanced(ptr, threads) : RowSplit.even(rows, threads), name);
        this.ptr = ptr;
        this.col = col;
        this.val = val;
        this.rowLength = rowLength;
        this.xp = n == 1 ? x.clone() : Lanes.pad(x, k, n, k, ldc);
    }

    @Override protected void rows(int from, int to) {
        int[] ptr = this.ptr;
        if (n == 1) {
            if (ptr != null) for (int i = from; i < to; i++) c[i] = SparseRows.spmvRow(val, col, ptr[i], ptr[i + 1], xp);
            else for (int i = from; i < to; i++) c[i] = SparseRows.spmvRow(val, col, i * rowLength, (i + 1) * rowLength, xp);
        } else {
            if (ptr != null) for (int i = from; i < to; i++) SparseRows.spmmRow(val, col, ptr[i], ptr[i + 1], xp, n, c, i * ldc, ldc);
            else for (int i = from; i < to; i++) SparseRows.spmmRow(val, col, i * rowLength, (i + 1) * rowLength, xp, n, c, i * ldc, ldc);
        }
    }
}
