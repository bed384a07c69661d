package dev.prunebench.kernels.cpu.vector;

import static dev.prunebench.kernels.cpu.vector.Lanes.L;
import static dev.prunebench.kernels.cpu.vector.Lanes.S;

import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.kernels.cpu.rows.RowKernel;
import dev.prunebench.kernels.cpu.rows.RowSplit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Prepared GroupedCsr(g) product.
 *
 * <p>SpMM (N ≥ 2): X keeps stride N, with zero rows appended up to {@code groupsPerRow · g} rows (see
 * {@link Lanes#pad}); C has stride {@code ldc = Lanes.rowWidth(n)}. For each kept group q (index j) of row i and each
 * s &lt; g: broadcast v[q·g+s], FMA against row j·g+s of X into a register block of C (4, 2 or 1 preferred vectors,
 * or one 128/256-bit vector when N ≤ 8), two values per step into two accumulator sets (8 FMA chains).
 *
 * <p>SpMV (N = 1): the values are re-laid out with a group stride {@code gs ≥ g} that is a whole number of vectors
 * of the species used, zero-padded, and x is padded with zeros so that a group's gs inputs can always be loaded:
 * <ul>
 *   <li>g = 2: not used ({@code GroupedCsrVector} expands g = 2 SpMV to (column, value) pairs for the CSR gather, which
 *       ran twice as fast as a scalar group loop; g = 1 runs the CSR gather too);</li>
 *   <li>3 ≤ g ≤ 4: one 128-bit (4-lane) vector per group; 5 ≤ g ≤ 8: one 256-bit (8-lane) vector (when the CPU
 *       has them);</li>
 *   <li>otherwise ⌈g / L⌉ vectors of the preferred species per group.</li>
 * </ul>
 * Each row keeps four vector accumulators (groups taken four at a time, so four FMA chains overlap their latency)
 * and reduces them once at the end of the row; with more than one vector per group, two.
 */
final class GroupRows extends RowKernel {
    private static final VectorSpecies<Float> S128 = Lanes.S128;
    private static final VectorSpecies<Float> S256 = Lanes.S256;

    private final int g;
    private final int gs;
    private final int[] ptr;
    private final int[] gi;
    private final float[] val;
    private final float[] xp;
    private final int ldx;

    GroupRows(GroupedCsr s, float[] x, int n, int threads, String name) {
        super(s.rows(), n, Lanes.rowWidth(n), RowSplit.balanced(scaled(s.groupPtr(), s.g()), threads), name);
        this.g = s.g();
        this.ptr = s.groupPtr().clone();
        this.gi = s.groupIndex().clone();
        int kp = Math.multiplyExact(s.groupsPerRow(), g);
        if (n == 1) {
            this.gs = spmvStride(g);
            this.val = restride(s.values(), g, gs);
            this.xp = new float[Math.addExact(kp, gs - g)];
            System.arraycopy(x, 0, xp, 0, s.cols());
            this.ldx = 1;
        } else {
            this.gs = g;
            this.val = s.values().clone();
            this.xp = Lanes.pad(x, s.cols(), n, kp, ldc);
            this.ldx = n;
        }
    }

    static int spmvStride(int g) {
        if (g <= 2) return g;
        if (g <= 4 && L >= 4) return 4;
        if (g <= 8 && L >= 8) return 8;
        return Lanes.padded(g);
    }

    private static float[] restride(float[] v, int g, int gs) {
        if (gs == g) return v.clone();
        int groups = v.length / g;
        float[] out = new float[Math.multiplyExact(groups, gs)];
        for (int q = 0; q < groups; q++) System.arraycopy(v, q * g, out, q * gs, g);
        return out;
    }

    private static int[] scaled(int[] groupPtr, int g) {
        int[] p = new int[groupPtr.length];
        for (int i = 0; i < p.length; i++) p[i] = Math.multiplyExact(groupPtr[i], g);
        return p;
    }

    @Override protected void rows(int from, int to) {
        if (n > 1) {
            for (int i = from; i < to; i++) spmmRow(ptr[i], ptr[i + 1], i * ldc);
        } else if (gs <= 2) {
            for (int i = from; i < to; i++) c[i] = spmvScalar(ptr[i], ptr[i + 1]);
        } else if (gs == 4 && L > 4) {
            for (int i = from; i < to; i++) c[i] = spmv128(ptr[i], ptr[i + 1]);
        } else if (gs == 8 && L > 8) {
            for (int i = from; i < to; i++) c[i] = spmv256(ptr[i], ptr[i + 1]);
        } else if (gs == L) {
            for (int i = from; i < to; i++) c[i] = spmvOne(ptr[i], ptr[i + 1]);
        } else {
            for (int i = from; i < to; i++) c[i] = spmvPreferred(ptr[i], ptr[i + 1]);
        }
    }

    private void spmmRow(int q0, int q1, int cOff) {
        if (ldc < L) {
            if (ldc == 4) narrow4(q0, q1, cOff);
            else narrow8(q0, q1, cOff);
            return;
        }
        int j = 0;
        for (; j + 4 * L <= ldc; j += 4 * L) row4(q0, q1, cOff, j);
        for (; j + 2 * L <= ldc; j += 2 * L) row2(q0, q1, cOff, j);
        if (j < ldc) row1(q0, q1, cOff, j);
    }

    private void row4(int q0, int q1, int cOff, int j) {
        final int ld = ldx, g = this.g;
        final float[] xp = this.xp, val = this.val;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int q = q0; q < q1; q++) {
            int xb = gi[q] * g * ld + j, vb = q * g, s = 0;
            for (; s + 1 < g; s += 2) {
                int x0 = xb + s * ld, x1 = x0 + ld;
                FloatVector v0 = FloatVector.broadcast(S, val[vb + s]), v1 = FloatVector.broadcast(S, val[vb + s + 1]);
                a0 = FloatVector.fromArray(S, xp, x0).fma(v0, a0);
                a1 = FloatVector.fromArray(S, xp, x0 + L).fma(v0, a1);
                a2 = FloatVector.fromArray(S, xp, x0 + 2 * L).fma(v0, a2);
                a3 = FloatVector.fromArray(S, xp, x0 + 3 * L).fma(v0, a3);
                b0 = FloatVector.fromArray(S, xp, x1).fma(v1, b0);
                b1 = FloatVector.fromArray(S, xp, x1 + L).fma(v1, b1);
                b2 = FloatVector.fromArray(S, xp, x1 + 2 * L).fma(v1, b2);
                b3 = FloatVector.fromArray(S, xp, x1 + 3 * L).fma(v1, b3);
            }
            if (s < g) {
                int x0 = xb + s * ld;
                FloatVector v0 = FloatVector.broadcast(S, val[vb + s]);
                a0 = FloatVector.fromArray(S, xp, x0).fma(v0, a0);
                a1 = FloatVector.fromArray(S, xp, x0 + L).fma(v0, a1);
                a2 = FloatVector.fromArray(S, xp, x0 + 2 * L).fma(v0, a2);
                a3 = FloatVector.fromArray(S, xp, x0 + 3 * L).fma(v0, a3);
            }
        }
        int o = cOff + j;
        a0.add(b0).intoArray(c, o);
        a1.add(b1).intoArray(c, o + L);
        a2.add(b2).intoArray(c, o + 2 * L);
        a3.add(b3).intoArray(c, o + 3 * L);
    }

    private void row2(int q0, int q1, int cOff, int j) {
        final int ld = ldx, g = this.g;
        final float[] xp = this.xp, val = this.val;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0;
        for (int q = q0; q < q1; q++) {
            int xb = gi[q] * g * ld + j, vb = q * g, s = 0;
            for (; s + 1 < g; s += 2) {
                int x0 = xb + s * ld, x1 = x0 + ld;
                FloatVector v0 = FloatVector.broadcast(S, val[vb + s]), v1 = FloatVector.broadcast(S, val[vb + s + 1]);
                a0 = FloatVector.fromArray(S, xp, x0).fma(v0, a0);
                a1 = FloatVector.fromArray(S, xp, x0 + L).fma(v0, a1);
                b0 = FloatVector.fromArray(S, xp, x1).fma(v1, b0);
                b1 = FloatVector.fromArray(S, xp, x1 + L).fma(v1, b1);
            }
            if (s < g) {
                int x0 = xb + s * ld;
                FloatVector v0 = FloatVector.broadcast(S, val[vb + s]);
                a0 = FloatVector.fromArray(S, xp, x0).fma(v0, a0);
                a1 = FloatVector.fromArray(S, xp, x0 + L).fma(v0, a1);
            }
        }
        int o = cOff + j;
        a0.add(b0).intoArray(c, o);
        a1.add(b1).intoArray(c, o + L);
    }

    private void row1(int q0, int q1, int cOff, int j) {
        final int ld = ldx, g = this.g;
        final float[] xp = this.xp, val = this.val;
        FloatVector a = FloatVector.zero(S), b = a;
        for (int q = q0; q < q1; q++) {
            int xb = gi[q] * g * ld + j, vb = q * g, s = 0;
            for (; s + 1 < g; s += 2) {
                int x0 = xb + s * ld;
                a = FloatVector.fromArray(S, xp, x0).fma(FloatVector.broadcast(S, val[vb + s]), a);
                b = FloatVector.fromArray(S, xp, x0 + ld).fma(FloatVector.broadcast(S, val[vb + s + 1]), b);
            }
            if (s < g) a = FloatVector.fromArray(S, xp, xb + s * ld).fma(FloatVector.broadcast(S, val[vb + s]), a);
        }
        a.add(b).intoArray(c, cOff + j);
    }

    /** C row of 4 columns (N ≤ 4) on the 128-bit species. */
    private void narrow4(int q0, int q1, int cOff) {
        final int ld = ldx, g = this.g;
        final float[] xp = this.xp, val = this.val;
        FloatVector a = FloatVector.zero(S128), b = a;
        for (int q = q0; q < q1; q++) {
            int xb = gi[q] * g * ld, vb = q * g, s = 0;
            for (; s + 1 < g; s += 2) {
                int x0 = xb + s * ld;
                a = FloatVector.fromArray(S128, xp, x0).fma(FloatVector.broadcast(S128, val[vb + s]), a);
                b = FloatVector.fromArray(S128, xp, x0 + ld).fma(FloatVector.broadcast(S128, val[vb + s + 1]), b);
            }
            if (s < g) a = FloatVector.fromArray(S128, xp, xb + s * ld).fma(FloatVector.broadcast(S128, val[vb + s]), a);
        }
        a.add(b).intoArray(c, cOff);
    }

    /** C row of 8 columns (N ≤ 8) on the 256-bit species. */
    private void narrow8(int q0, int q1, int cOff) {
        final int ld = ldx, g = this.g;
        final float[] xp = this.xp, val = this.val;
        FloatVector a = FloatVector.zero(S256), b = a;
        for (int q = q0; q < q1; q++) {
            int xb = gi[q] * g * ld, vb = q * g, s = 0;
            for (; s + 1 < g; s += 2) {
                int x0 = xb + s * ld;
                a = FloatVector.fromArray(S256, xp, x0).fma(FloatVector.broadcast(S256, val[vb + s]), a);
                b = FloatVector.fromArray(S256, xp, x0 + ld).fma(FloatVector.broadcast(S256, val[vb + s + 1]), b);
            }
            if (s < g) a = FloatVector.fromArray(S256, xp, xb + s * ld).fma(FloatVector.broadcast(S256, val[vb + s]), a);
        }
        a.add(b).intoArray(c, cOff);
    }

    private float spmvScalar(int q0, int q1) {
        float s = 0f;
        for (int q = q0; q < q1; q++) {
            int xb = gi[q] * g, vb = q * gs;
            for (int t = 0; t < g; t++) s += val[vb + t] * xp[xb + t];
        }
        return s;
    }

    private float spmv128(int q0, int q1) {
        final int g = this.g;
        final int[] gi = this.gi;
        final float[] val = this.val, xp = this.xp;
        FloatVector a = FloatVector.zero(S128), b = a, d = a, e = a;
        int q = q0;
        for (; q + 3 < q1; q += 4) {
            int v = q * 4;
            a = FloatVector.fromArray(S128, val, v).fma(FloatVector.fromArray(S128, xp, gi[q] * g), a);
            b = FloatVector.fromArray(S128, val, v + 4).fma(FloatVector.fromArray(S128, xp, gi[q + 1] * g), b);
            d = FloatVector.fromArray(S128, val, v + 8).fma(FloatVector.fromArray(S128, xp, gi[q + 2] * g), d);
            e = FloatVector.fromArray(S128, val, v + 12).fma(FloatVector.fromArray(S128, xp, gi[q + 3] * g), e);
        }
        for (; q < q1; q++) a = FloatVector.fromArray(S128, val, q * 4).fma(FloatVector.fromArray(S128, xp, gi[q] * g), a);
        return a.add(b).add(d.add(e)).reduceLanes(VectorOperators.ADD);
    }

    private float spmv256(int q0, int q1) {
        final int g = this.g;
        final int[] gi = this.gi;
        final float[] val = this.val, xp = this.xp;
        FloatVector a = FloatVector.zero(S256), b = a, d = a, e = a;
        int q = q0;
        for (; q + 3 < q1; q += 4) {
            int v = q * 8;
            a = FloatVector.fromArray(S256, val, v).fma(FloatVector.fromArray(S256, xp, gi[q] * g), a);
            b = FloatVector.fromArray(S256, val, v + 8).fma(FloatVector.fromArray(S256, xp, gi[q + 1] * g), b);
            d = FloatVector.fromArray(S256, val, v + 16).fma(FloatVector.fromArray(S256, xp, gi[q + 2] * g), d);
            e = FloatVector.fromArray(S256, val, v + 24).fma(FloatVector.fromArray(S256, xp, gi[q + 3] * g), e);
        }
        for (; q < q1; q++) a = FloatVector.fromArray(S256, val, q * 8).fma(FloatVector.fromArray(S256, xp, gi[q] * g), a);
        return a.add(b).add(d.add(e)).reduceLanes(VectorOperators.ADD);
    }

    /** One vector per group (g = L, Scalpel's group = SIMD width): four groups per step, four accumulators. */
    private float spmvOne(int q0, int q1) {
        final int g = this.g;
        final int[] gi = this.gi;
        final float[] val = this.val, xp = this.xp;
        FloatVector a = FloatVector.zero(S), b = a, d = a, e = a;
        int q = q0;
        for (; q + 3 < q1; q += 4) {
            int v = q * L;
            a = FloatVector.fromArray(S, val, v).fma(FloatVector.fromArray(S, xp, gi[q] * g), a);
            b = FloatVector.fromArray(S, val, v + L).fma(FloatVector.fromArray(S, xp, gi[q + 1] * g), b);
            d = FloatVector.fromArray(S, val, v + 2 * L).fma(FloatVector.fromArray(S, xp, gi[q + 2] * g), d);
            e = FloatVector.fromArray(S, val, v + 3 * L).fma(FloatVector.fromArray(S, xp, gi[q + 3] * g), e);
        }
        for (; q < q1; q++) a = FloatVector.fromArray(S, val, q * L).fma(FloatVector.fromArray(S, xp, gi[q] * g), a);
        return a.add(b).add(d.add(e)).reduceLanes(VectorOperators.ADD);
    }

    private float spmvPreferred(int q0, int q1) {
        final int gs = this.gs, g = this.g;
        FloatVector a = FloatVector.zero(S), b = a;
        int q = q0;
        for (; q + 1 < q1; q += 2) {
            int v0 = q * gs, x0 = gi[q] * g, v1 = v0 + gs, x1 = gi[q + 1] * g;
            for (int t = 0; t < gs; t += L) {
                a = FloatVector.fromArray(S, val, v0 + t).fma(FloatVector.fromArray(S, xp, x0 + t), a);
                b = FloatVector.fromArray(S, val, v1 + t).fma(FloatVector.fromArray(S, xp, x1 + t), b);
            }
        }
        if (q < q1) {
            int v0 = q * gs, x0 = gi[q] * g;
            for (int t = 0; t < gs; t += L) a = FloatVector.fromArray(S, val, v0 + t).fma(FloatVector.fromArray(S, xp, x0 + t), a);
        }
        return a.add(b).reduceLanes(VectorOperators.ADD);
    }
}
