package dev.prunebench.kernels.cpu.vector;

import static dev.prunebench.kernels.cpu.vector.Lanes.L;
import static dev.prunebench.kernels.cpu.vector.Lanes.S;
import static dev.prunebench.kernels.cpu.vector.Lanes.S128;
import static dev.prunebench.kernels.cpu.vector.Lanes.S256;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Row loops over (column, value) lists, shared by the CSR and N:M kernels (and gcsr with g = 1, which is CSR).
 *
 * <p>SpMM: one row of C, {@code ld} floats (a whole number of vectors), is built in registers: for each stored
 * (k, v) of the row, v is broadcast and FMA'd into the accumulators against row k of the padded X. Blocks of
 * 4 vectors (64 floats with AVX-512: N = 50 fits one block) keep the row in registers across all its entries;
 * two entries are taken per step into two accumulator sets because an FMA chain of one register waits the FMA
 * latency (4 cycles) while the core issues two a cycle: 8 independent chains keep both ports busy.
 *
 * <p>The same loops on {@link PanelRows}' layout ({@link #panelRow}: X aligned in native memory, 16-bit columns
 * within a panel, C carried from panel to panel) serve C rows of four vectors and more, where they measured faster;
 * narrower rows keep X in a {@code float[]} (there the native segment's loads cost more than the split cache lines
 * they avoid: 0.90 against 0.56 ns per non-zero at 512² · 4, docs/cpu-kernels.md).
 *
 * <p>SpMV (N = 1): the row's values are loaded as vectors and X is gathered at their columns.
 */
final class SparseRows {
    private static final ByteOrder LE = ByteOrder.nativeOrder();

    private SparseRows() {}

    /**
     * {@code c[cOff … cOff+ld) = Σ_{p ∈ [p0, p1)} val[p] · xp[col[p]·ldx … +ld)}; ld a multiple of L, or 4 or 8
     * below L (one vector of a narrower species, see {@link Lanes#rowWidth}). With ldx &lt; ld
     * the lanes past ldx read the next row of X: they land in C's padding columns, which nobody reads.
     */
    static void spmmRow(float[] val, int[] col, int p0, int p1, float[] xp, int ldx, float[] c, int cOff, int ld) {
        if (ld < L) {
            if (ld == 4) narrow4(val, col, p0, p1, xp, ldx, c, cOff);
            else narrow8(val, col, p0, p1, xp, ldx, c, cOff);
            return;
        }
        int j = 0;
        for (; j + 4 * L <= ld; j += 4 * L) row4(val, col, p0, p1, xp, ldx, c, cOff, j);
        for (; j + 2 * L <= ld; j += 2 * L) row2(val, col, p0, p1, xp, ldx, c, cOff, j);
        if (j < ld) row1(val, col, p0, p1, xp, ldx, c, cOff, j);
    }

    /** C row of 4 columns (N ≤ 4) on the 128-bit species. */
    private static void narrow4(float[] val, int[] col, int p0, int p1, float[] xp, int ldx, float[] c, int cOff) {
        FloatVector a = FloatVector.zero(S128), b = a, d = a, e = a;
        int p = p0;
        for (; p + 3 < p1; p += 4) {
            a = FloatVector.fromArray(S128, xp, col[p] * ldx).fma(FloatVector.broadcast(S128, val[p]), a);
            b = FloatVector.fromArray(S128, xp, col[p + 1] * ldx).fma(FloatVector.broadcast(S128, val[p + 1]), b);
            d = FloatVector.fromArray(S128, xp, col[p + 2] * ldx).fma(FloatVector.broadcast(S128, val[p + 2]), d);
            e = FloatVector.fromArray(S128, xp, col[p + 3] * ldx).fma(FloatVector.broadcast(S128, val[p + 3]), e);
        }
        for (; p < p1; p++) a = FloatVector.fromArray(S128, xp, col[p] * ldx).fma(FloatVector.broadcast(S128, val[p]), a);
        a.add(b).add(d.add(e)).intoArray(c, cOff);
    }

    /** C row of 8 columns (N ≤ 8) on the 256-bit species. */
    private static void narrow8(float[] val, int[] col, int p0, int p1, float[] xp, int ldx, float[] c, int cOff) {
        FloatVector a = FloatVector.zero(S256), b = a, d = a, e = a;
        int p = p0;
        for (; p + 3 < p1; p += 4) {
            a = FloatVector.fromArray(S256, xp, col[p] * ldx).fma(FloatVector.broadcast(S256, val[p]), a);
            b = FloatVector.fromArray(S256, xp, col[p + 1] * ldx).fma(FloatVector.broadcast(S256, val[p + 1]), b);
            d = FloatVector.fromArray(S256, xp, col[p + 2] * ldx).fma(FloatVector.broadcast(S256, val[p + 2]), d);
            e = FloatVector.fromArray(S256, xp, col[p + 3] * ldx).fma(FloatVector.broadcast(S256, val[p + 3]), e);
        }
        for (; p < p1; p++) a = FloatVector.fromArray(S256, xp, col[p] * ldx).fma(FloatVector.broadcast(S256, val[p]), a);
        a.add(b).add(d.add(e)).intoArray(c, cOff);
    }

    private static void row4(float[] val, int[] col, int p0, int p1, float[] xp, int ldx, float[] c, int cOff, int j) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int p = p0;
        for (; p + 1 < p1; p += 2) {
            int x0 = col[p] * ldx + j, x1 = col[p + 1] * ldx + j;
            FloatVector v0 = FloatVector.broadcast(S, val[p]), v1 = FloatVector.broadcast(S, val[p + 1]);
            a0 = FloatVector.fromArray(S, xp, x0).fma(v0, a0);
            a1 = FloatVector.fromArray(S, xp, x0 + L).fma(v0, a1);
            a2 = FloatVector.fromArray(S, xp, x0 + 2 * L).fma(v0, a2);
            a3 = FloatVector.fromArray(S, xp, x0 + 3 * L).fma(v0, a3);
            b0 = FloatVector.fromArray(S, xp, x1).fma(v1, b0);
            b1 = FloatVector.fromArray(S, xp, x1 + L).fma(v1, b1);
            b2 = FloatVector.fromArray(S, xp, x1 + 2 * L).fma(v1, b2);
            b3 = FloatVector.fromArray(S, xp, x1 + 3 * L).fma(v1, b3);
        }
        if (p < p1) {
            int x0 = col[p] * ldx + j;
            FloatVector v0 = FloatVector.broadcast(S, val[p]);
            a0 = FloatVector.fromArray(S, xp, x0).fma(v0, a0);
            a1 = FloatVector.fromArray(S, xp, x0 + L).fma(v0, a1);
            a2 = FloatVector.fromArray(S, xp, x0 + 2 * L).fma(v0, a2);
            a3 = FloatVector.fromArray(S, xp, x0 + 3 * L).fma(v0, a3);
        }
        int o = cOff + j;
        a0.add(b0).intoArray(c, o);
        a1.add(b1).intoArray(c, o + L);
        a2.add(b2).intoArray(c, o + 2 * L);
        a3.add(b3).intoArray(c, o + 3 * L);
    }

    private static void row2(float[] val, int[] col, int p0, int p1, float[] xp, int ldx, float[] c, int cOff, int j) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0, d0 = a0, d1 = a0, e0 = a0, e1 = a0;
        int p = p0;
        for (; p + 3 < p1; p += 4) {
            int x0 = col[p] * ldx + j, x1 = col[p + 1] * ldx + j, x2 = col[p + 2] * ldx + j, x3 = col[p + 3] * ldx + j;
            FloatVector v0 = FloatVector.broadcast(S, val[p]), v1 = FloatVector.broadcast(S, val[p + 1]);
            FloatVector v2 = FloatVector.broadcast(S, val[p + 2]), v3 = FloatVector.broadcast(S, val[p + 3]);
            a0 = FloatVector.fromArray(S, xp, x0).fma(v0, a0);
            a1 = FloatVector.fromArray(S, xp, x0 + L).fma(v0, a1);
            b0 = FloatVector.fromArray(S, xp, x1).fma(v1, b0);
            b1 = FloatVector.fromArray(S, xp, x1 + L).fma(v1, b1);
            d0 = FloatVector.fromArray(S, xp, x2).fma(v2, d0);
            d1 = FloatVector.fromArray(S, xp, x2 + L).fma(v2, d1);
            e0 = FloatVector.fromArray(S, xp, x3).fma(v3, e0);
            e1 = FloatVector.fromArray(S, xp, x3 + L).fma(v3, e1);
        }
        for (; p < p1; p++) {
            int x0 = col[p] * ldx + j;
            FloatVector v0 = FloatVector.broadcast(S, val[p]);
            a0 = FloatVector.fromArray(S, xp, x0).fma(v0, a0);
            a1 = FloatVector.fromArray(S, xp, x0 + L).fma(v0, a1);
        }
        int o = cOff + j;
        a0.add(b0).add(d0.add(e0)).intoArray(c, o);
        a1.add(b1).add(d1.add(e1)).intoArray(c, o + L);
    }

    private static void row1(float[] val, int[] col, int p0, int p1, float[] xp, int ldx, float[] c, int cOff, int j) {
        FloatVector a = FloatVector.zero(S), b = a, d = a, e = a;
        int p = p0;
        for (; p + 3 < p1; p += 4) {
            a = FloatVector.fromArray(S, xp, col[p] * ldx + j).fma(FloatVector.broadcast(S, val[p]), a);
            b = FloatVector.fromArray(S, xp, col[p + 1] * ldx + j).fma(FloatVector.broadcast(S, val[p + 1]), b);
            d = FloatVector.fromArray(S, xp, col[p + 2] * ldx + j).fma(FloatVector.broadcast(S, val[p + 2]), d);
            e = FloatVector.fromArray(S, xp, col[p + 3] * ldx + j).fma(FloatVector.broadcast(S, val[p + 3]), e);
        }
        for (; p < p1; p++) a = FloatVector.fromArray(S, xp, col[p] * ldx + j).fma(FloatVector.broadcast(S, val[p]), a);
        a.add(b).add(d.add(e)).intoArray(c, cOff + j);
    }

    /**
     * {@code c[cOff … cOff+ld) (+)= Σ_{p ∈ [p0, p1)} val[p] · xp[x0 + col[p]·ldx … +ld)} (floats of the segment xp):
     * added to what C holds when {@code acc}, else overwritten. ld a multiple of L; columns are 16-bit offsets from x0
     * (a column panel, {@link PanelRows}). The loops are {@link #spmmRow}'s on the panel layout.
     */
    static void panelRow(float[] val, char[] col, int p0, int p1, MemorySegment xp, int x0, int ldx, float[] c, int cOff, int ld, boolean acc) {
        int j = 0;
        for (; j + 4 * L <= ld; j += 4 * L) panelRow4(val, col, p0, p1, xp, x0 + j, ldx, c, cOff + j, acc);
        for (; j + 2 * L <= ld; j += 2 * L) panelRow2(val, col, p0, p1, xp, x0 + j, ldx, c, cOff + j, acc);
        if (j < ld) panelRow1(val, col, p0, p1, xp, x0 + j, ldx, c, cOff + j, acc);
    }

    private static FloatVector start(float[] c, int o, boolean acc) {
        return acc ? FloatVector.fromArray(S, c, o) : FloatVector.zero(S);
    }

    private static void panelRow4(float[] val, char[] col, int p0, int p1, MemorySegment xp, int x0, int ldx, float[] c, int o, boolean acc) {
        FloatVector a0 = start(c, o, acc), a1 = start(c, o + L, acc), a2 = start(c, o + 2 * L, acc), a3 = start(c, o + 3 * L, acc);
        FloatVector b0 = FloatVector.zero(S), b1 = b0, b2 = b0, b3 = b0;
        int p = p0;
        for (; p + 1 < p1; p += 2) {
            int xa = x0 + col[p] * ldx, xb = x0 + col[p + 1] * ldx;
            FloatVector v0 = FloatVector.broadcast(S, val[p]), v1 = FloatVector.broadcast(S, val[p + 1]);
            a0 = FloatVector.fromMemorySegment(S, xp, 4L * (xa), LE).fma(v0, a0);
            b0 = FloatVector.fromMemorySegment(S, xp, 4L * (xb), LE).fma(v1, b0);
            a1 = FloatVector.fromMemorySegment(S, xp, 4L * (xa + L), LE).fma(v0, a1);
            b1 = FloatVector.fromMemorySegment(S, xp, 4L * (xb + L), LE).fma(v1, b1);
            a2 = FloatVector.fromMemorySegment(S, xp, 4L * (xa + 2 * L), LE).fma(v0, a2);
            b2 = FloatVector.fromMemorySegment(S, xp, 4L * (xb + 2 * L), LE).fma(v1, b2);
            a3 = FloatVector.fromMemorySegment(S, xp, 4L * (xa + 3 * L), LE).fma(v0, a3);
            b3 = FloatVector.fromMemorySegment(S, xp, 4L * (xb + 3 * L), LE).fma(v1, b3);
        }
        if (p < p1) {
            int xa = x0 + col[p] * ldx;
            FloatVector v0 = FloatVector.broadcast(S, val[p]);
            a0 = FloatVector.fromMemorySegment(S, xp, 4L * (xa), LE).fma(v0, a0);
            a1 = FloatVector.fromMemorySegment(S, xp, 4L * (xa + L), LE).fma(v0, a1);
            a2 = FloatVector.fromMemorySegment(S, xp, 4L * (xa + 2 * L), LE).fma(v0, a2);
            a3 = FloatVector.fromMemorySegment(S, xp, 4L * (xa + 3 * L), LE).fma(v0, a3);
        }
        a0.add(b0).intoArray(c, o);
        a1.add(b1).intoArray(c, o + L);
        a2.add(b2).intoArray(c, o + 2 * L);
        a3.add(b3).intoArray(c, o + 3 * L);
    }

    private static void panelRow2(float[] val, char[] col, int p0, int p1, MemorySegment xp, int x0, int ldx, float[] c, int o, boolean acc) {
        FloatVector a0 = start(c, o, acc), a1 = start(c, o + L, acc);
        FloatVector b0 = FloatVector.zero(S), b1 = b0, d0 = b0, d1 = b0, e0 = b0, e1 = b0;
        int p = p0;
        for (; p + 3 < p1; p += 4) {
            int xa = x0 + col[p] * ldx, xb = x0 + col[p + 1] * ldx, xd = x0 + col[p + 2] * ldx, xe = x0 + col[p + 3] * ldx;
            FloatVector v0 = FloatVector.broadcast(S, val[p]), v1 = FloatVector.broadcast(S, val[p + 1]);
            FloatVector v2 = FloatVector.broadcast(S, val[p + 2]), v3 = FloatVector.broadcast(S, val[p + 3]);
            a0 = FloatVector.fromMemorySegment(S, xp, 4L * (xa), LE).fma(v0, a0);
            a1 = FloatVector.fromMemorySegment(S, xp, 4L * (xa + L), LE).fma(v0, a1);
            b0 = FloatVector.fromMemorySegment(S, xp, 4L * (xb), LE).fma(v1, b0);
            b1 = FloatVector.fromMemorySegment(S, xp, 4L * (xb + L), LE).fma(v1, b1);
            d0 = FloatVector.fromMemorySegment(S, xp, 4L * (xd), LE).fma(v2, d0);
            d1 = FloatVector.fromMemorySegment(S, xp, 4L * (xd + L), LE).fma(v2, d1);
            e0 = FloatVector.fromMemorySegment(S, xp, 4L * (xe), LE).fma(v3, e0);
            e1 = FloatVector.fromMemorySegment(S, xp, 4L * (xe + L), LE).fma(v3, e1);
        }
        for (; p < p1; p++) {
            int xa = x0 + col[p] * ldx;
            FloatVector v0 = FloatVector.broadcast(S, val[p]);
            a0 = FloatVector.fromMemorySegment(S, xp, 4L * (xa), LE).fma(v0, a0);
            a1 = FloatVector.fromMemorySegment(S, xp, 4L * (xa + L), LE).fma(v0, a1);
        }
        a0.add(b0).add(d0.add(e0)).intoArray(c, o);
        a1.add(b1).add(d1.add(e1)).intoArray(c, o + L);
    }

    private static void panelRow1(float[] val, char[] col, int p0, int p1, MemorySegment xp, int x0, int ldx, float[] c, int o, boolean acc) {
        FloatVector a = start(c, o, acc), b = FloatVector.zero(S), d = b, e = b;
        int p = p0;
        for (; p + 3 < p1; p += 4) {
            a = FloatVector.fromMemorySegment(S, xp, 4L * (x0 + col[p] * ldx), LE).fma(FloatVector.broadcast(S, val[p]), a);
            b = FloatVector.fromMemorySegment(S, xp, 4L * (x0 + col[p + 1] * ldx), LE).fma(FloatVector.broadcast(S, val[p + 1]), b);
            d = FloatVector.fromMemorySegment(S, xp, 4L * (x0 + col[p + 2] * ldx), LE).fma(FloatVector.broadcast(S, val[p + 2]), d);
            e = FloatVector.fromMemorySegment(S, xp, 4L * (x0 + col[p + 3] * ldx), LE).fma(FloatVector.broadcast(S, val[p + 3]), e);
        }
        for (; p < p1; p++) a = FloatVector.fromMemorySegment(S, xp, 4L * (x0 + col[p] * ldx), LE).fma(FloatVector.broadcast(S, val[p]), a);
        a.add(b).add(d.add(e)).intoArray(c, o);
    }

    /**
     * Σ_{p ∈ [p0, p1)} val[p] · x[col[p]]: values loaded, x gathered, L at a time into four accumulators (a gather
     * has a long latency: four in flight hide it); a scalar tail.
     */
    static float spmvRow(float[] val, int[] col, int p0, int p1, float[] x) {
        FloatVector a = FloatVector.zero(S), b = a, d = a, e = a;
        int p = p0;
        for (; p + 4 * L <= p1; p += 4 * L) {
            a = FloatVector.fromArray(S, val, p).fma(FloatVector.fromArray(S, x, 0, col, p), a);
            b = FloatVector.fromArray(S, val, p + L).fma(FloatVector.fromArray(S, x, 0, col, p + L), b);
            d = FloatVector.fromArray(S, val, p + 2 * L).fma(FloatVector.fromArray(S, x, 0, col, p + 2 * L), d);
            e = FloatVector.fromArray(S, val, p + 3 * L).fma(FloatVector.fromArray(S, x, 0, col, p + 3 * L), e);
        }
        for (; p + L <= p1; p += L) a = FloatVector.fromArray(S, val, p).fma(FloatVector.fromArray(S, x, 0, col, p), a);
        float s = a.add(b).add(d.add(e)).reduceLanes(VectorOperators.ADD);
        for (; p < p1; p++) s += val[p] * x[col[p]];
        return s;
    }
}
