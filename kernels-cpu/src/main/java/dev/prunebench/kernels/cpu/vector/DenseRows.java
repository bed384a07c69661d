package dev.prunebench.kernels.cpu.vector;

import static dev.prunebench.kernels.cpu.vector.Lanes.L;
import static dev.prunebench.kernels.cpu.vector.Lanes.S;

import dev.prunebench.core.format.Dense;
import dev.prunebench.kernels.cpu.rows.RowKernel;
import dev.prunebench.kernels.cpu.rows.RowSplit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Prepared dense product.
 *
 * <p>GEMM (N ≥ 2): C has stride {@code ldc = Lanes.padded(n)}, X keeps stride N (see {@link Lanes#pad}). K is cut into
 * panels of {@link #KC} rows of X (KC × N floats stay in L1/L2 while every row of W streams past); inside a panel a register block of 4 rows of W
 * × 4 vectors of C (16 accumulators) takes, per k, 4 loads of X and 4 broadcasts of W for 16 FMAs, so each X vector
 * loaded serves 4 rows. Edges: 4 rows × 1 vector, 1 row × 4 vectors, 1 × 1.
 *
 * <p>GEMV (N = 1): per row, a dot product over K with two accumulators and a scalar tail.
 */
final class DenseRows extends RowKernel {
    /** Rows of X per panel: 256 × 50 floats = 50 KiB at N = 50. */
    static final int KC = 256;

    private final int k;
    private final float[] w;
    private final float[] xp;

    DenseRows(Dense d, float[] x, int n, int threads, String name) {
        super(d.rows(), n, n == 1 ? 1 : Lanes.padded(n), RowSplit.even(d.rows(), threads), name);
        this.k = d.cols();
        this.w = d.data().clone();
        this.xp = n == 1 ? x.clone() : Lanes.pad(x, k, n, k, ldc);
    }

    @Override protected void rows(int from, int to) {
        if (n == 1) {
            for (int i = from; i < to; i++) c[i] = dot(i * k);
            return;
        }
        java.util.Arrays.fill(c, from * ldc, to * ldc, 0f);
        for (int k0 = 0; k0 < k; k0 += KC) {
            int k1 = Math.min(k, k0 + KC);
            int i = from;
            for (; i + 3 < to; i += 4) {
                int j = 0;
                for (; j + 4 * L <= ldc; j += 4 * L) block4x4(i, j, k0, k1);
                for (; j < ldc; j += L) block4x1(i, j, k0, k1);
            }
            for (; i < to; i++) {
                int j = 0;
                for (; j + 4 * L <= ldc; j += 4 * L) block1x4(i, j, k0, k1);
                for (; j < ldc; j += L) block1x1(i, j, k0, k1);
            }
        }
    }

    private float dot(int wOff) {
        FloatVector a = FloatVector.zero(S), b = a;
        int p = 0;
        for (; p + 2 * L <= k; p += 2 * L) {
            a = FloatVector.fromArray(S, w, wOff + p).fma(FloatVector.fromArray(S, xp, p), a);
            b = FloatVector.fromArray(S, w, wOff + p + L).fma(FloatVector.fromArray(S, xp, p + L), b);
        }
        if (p + L <= k) {
            a = FloatVector.fromArray(S, w, wOff + p).fma(FloatVector.fromArray(S, xp, p), a);
            p += L;
        }
        float s = a.add(b).reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) s += w[wOff + p] * xp[p];
        return s;
    }

    private void block4x4(int i, int j, int k0, int k1) {
        final int ld = ldc, kk = k;
        final float[] w = this.w, xp = this.xp, c = this.c;
        int c0 = i * ld + j, c1 = c0 + ld, c2 = c1 + ld, c3 = c2 + ld;
        FloatVector r00 = FloatVector.fromArray(S, c, c0), r01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector r02 = FloatVector.fromArray(S, c, c0 + 2 * L), r03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector r10 = FloatVector.fromArray(S, c, c1), r11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector r12 = FloatVector.fromArray(S, c, c1 + 2 * L), r13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        FloatVector r20 = FloatVector.fromArray(S, c, c2), r21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector r22 = FloatVector.fromArray(S, c, c2 + 2 * L), r23 = FloatVector.fromArray(S, c, c2 + 3 * L);
        FloatVector r30 = FloatVector.fromArray(S, c, c3), r31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector r32 = FloatVector.fromArray(S, c, c3 + 2 * L), r33 = FloatVector.fromArray(S, c, c3 + 3 * L);
        int w0 = i * kk, w1 = w0 + kk, w2 = w1 + kk, w3 = w2 + kk;
        for (int p = k0; p < k1; p++) {
            int xo = p * n + j;
            FloatVector x0 = FloatVector.fromArray(S, xp, xo), x1 = FloatVector.fromArray(S, xp, xo + L);
            FloatVector x2 = FloatVector.fromArray(S, xp, xo + 2 * L), x3 = FloatVector.fromArray(S, xp, xo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, w[w0 + p]);
            r00 = x0.fma(v, r00); r01 = x1.fma(v, r01); r02 = x2.fma(v, r02); r03 = x3.fma(v, r03);
            v = FloatVector.broadcast(S, w[w1 + p]);
            r10 = x0.fma(v, r10); r11 = x1.fma(v, r11); r12 = x2.fma(v, r12); r13 = x3.fma(v, r13);
            v = FloatVector.broadcast(S, w[w2 + p]);
            r20 = x0.fma(v, r20); r21 = x1.fma(v, r21); r22 = x2.fma(v, r22); r23 = x3.fma(v, r23);
            v = FloatVector.broadcast(S, w[w3 + p]);
            r30 = x0.fma(v, r30); r31 = x1.fma(v, r31); r32 = x2.fma(v, r32); r33 = x3.fma(v, r33);
        }
        r00.intoArray(c, c0); r01.intoArray(c, c0 + L); r02.intoArray(c, c0 + 2 * L); r03.intoArray(c, c0 + 3 * L);
        r10.intoArray(c, c1); r11.intoArray(c, c1 + L); r12.intoArray(c, c1 + 2 * L); r13.intoArray(c, c1 + 3 * L);
        r20.intoArray(c, c2); r21.intoArray(c, c2 + L); r22.intoArray(c, c2 + 2 * L); r23.intoArray(c, c2 + 3 * L);
        r30.intoArray(c, c3); r31.intoArray(c, c3 + L); r32.intoArray(c, c3 + 2 * L); r33.intoArray(c, c3 + 3 * L);
    }

    private void block4x1(int i, int j, int k0, int k1) {
        final int ld = ldc, kk = k;
        final float[] w = this.w, xp = this.xp, c = this.c;
        int c0 = i * ld + j, c1 = c0 + ld, c2 = c1 + ld, c3 = c2 + ld;
        FloatVector r0 = FloatVector.fromArray(S, c, c0), r1 = FloatVector.fromArray(S, c, c1);
        FloatVector r2 = FloatVector.fromArray(S, c, c2), r3 = FloatVector.fromArray(S, c, c3);
        int w0 = i * kk, w1 = w0 + kk, w2 = w1 + kk, w3 = w2 + kk;
        for (int p = k0; p < k1; p++) {
            FloatVector x0 = FloatVector.fromArray(S, xp, p * n + j);
            r0 = x0.fma(FloatVector.broadcast(S, w[w0 + p]), r0);
            r1 = x0.fma(FloatVector.broadcast(S, w[w1 + p]), r1);
            r2 = x0.fma(FloatVector.broadcast(S, w[w2 + p]), r2);
            r3 = x0.fma(FloatVector.broadcast(S, w[w3 + p]), r3);
        }
        r0.intoArray(c, c0); r1.intoArray(c, c1); r2.intoArray(c, c2); r3.intoArray(c, c3);
    }

    private void block1x4(int i, int j, int k0, int k1) {
        final int ld = ldc;
        final float[] w = this.w, xp = this.xp, c = this.c;
        int c0 = i * ld + j, w0 = i * k;
        FloatVector r0 = FloatVector.fromArray(S, c, c0), r1 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector r2 = FloatVector.fromArray(S, c, c0 + 2 * L), r3 = FloatVector.fromArray(S, c, c0 + 3 * L);
        for (int p = k0; p < k1; p++) {
            int xo = p * n + j;
            FloatVector v = FloatVector.broadcast(S, w[w0 + p]);
            r0 = FloatVector.fromArray(S, xp, xo).fma(v, r0);
            r1 = FloatVector.fromArray(S, xp, xo + L).fma(v, r1);
            r2 = FloatVector.fromArray(S, xp, xo + 2 * L).fma(v, r2);
            r3 = FloatVector.fromArray(S, xp, xo + 3 * L).fma(v, r3);
        }
        r0.intoArray(c, c0); r1.intoArray(c, c0 + L); r2.intoArray(c, c0 + 2 * L); r3.intoArray(c, c0 + 3 * L);
    }

    private void block1x1(int i, int j, int k0, int k1) {
        final int ld = ldc;
        final float[] w = this.w, xp = this.xp, c = this.c;
        int c0 = i * ld + j, w0 = i * k;
        FloatVector r = FloatVector.fromArray(S, c, c0);
        for (int p = k0; p < k1; p++) r = FloatVector.fromArray(S, xp, p * n + j).fma(FloatVector.broadcast(S, w[w0 + p]), r);
        r.intoArray(c, c0);
    }
}
