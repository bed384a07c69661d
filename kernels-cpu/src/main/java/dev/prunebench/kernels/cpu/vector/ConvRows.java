package dev.prunebench.kernels.cpu.vector;

import static dev.prunebench.kernels.cpu.vector.Lanes.L;
import static dev.prunebench.kernels.cpu.vector.Lanes.S;

import jdk.incubator.vector.FloatVector;

/**
 * The inner loops of {@link DirectConv}: one output channel over a stretch of output pixels. Each stored weight
 * (c, ky, kx) of the channel is an offset into the phase-split padded input ({@link DirectConv.Geometry#offset});
 * the weight is broadcast and FMA'd against the input at that offset plus the pixel index, so the output stretch stays
 * in registers across all the channel's weights (4 vectors, two weights per step into two accumulator sets: eight
 * independent FMA chains, as in the SpMM row loop).
 */
final class ConvRows {
    private ConvRows() {}

    /**
     * {@code c[o … o+len) = Σ_{p ∈ [p0, p1)} val[p] · xp[off[p] + j … + len)}, len = jEnd − j a multiple of L.
     */
    static void channel(float[] val, int[] off, int p0, int p1, float[] xp, int j, int jEnd, float[] c, int o) {
        for (; j + 4 * L <= jEnd; j += 4 * L, o += 4 * L) block4(val, off, p0, p1, xp, j, c, o);
        for (; j < jEnd; j += L, o += L) block1(val, off, p0, p1, xp, j, c, o);
    }

    private static void block4(float[] val, int[] off, int p0, int p1, float[] xp, int j, float[] c, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int p = p0;
        for (; p + 1 < p1; p += 2) {
            int x0 = off[p] + j, x1 = off[p + 1] + j;
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
            int x0 = off[p] + j;
            FloatVector v0 = FloatVector.broadcast(S, val[p]);
            a0 = FloatVector.fromArray(S, xp, x0).fma(v0, a0);
            a1 = FloatVector.fromArray(S, xp, x0 + L).fma(v0, a1);
            a2 = FloatVector.fromArray(S, xp, x0 + 2 * L).fma(v0, a2);
            a3 = FloatVector.fromArray(S, xp, x0 + 3 * L).fma(v0, a3);
        }
        a0.add(b0).intoArray(c, o);
        a1.add(b1).intoArray(c, o + L);
        a2.add(b2).intoArray(c, o + 2 * L);
        a3.add(b3).intoArray(c, o + 3 * L);
    }

    private static void block1(float[] val, int[] off, int p0, int p1, float[] xp, int j, float[] c, int o) {
        FloatVector a = FloatVector.zero(S), b = a, d = a, e = a;
        int p = p0;
        for (; p + 3 < p1; p += 4) {
            a = FloatVector.fromArray(S, xp, off[p] + j).fma(FloatVector.broadcast(S, val[p]), a);
            b = FloatVector.fromArray(S, xp, off[p + 1] + j).fma(FloatVector.broadcast(S, val[p + 1]), b);
            d = FloatVector.fromArray(S, xp, off[p + 2] + j).fma(FloatVector.broadcast(S, val[p + 2]), d);
            e = FloatVector.fromArray(S, xp, off[p + 3] + j).fma(FloatVector.broadcast(S, val[p + 3]), e);
        }
        for (; p < p1; p++) a = FloatVector.fromArray(S, xp, off[p] + j).fma(FloatVector.broadcast(S, val[p]), a);
        a.add(b).add(d.add(e)).intoArray(c, o);
    }
}
