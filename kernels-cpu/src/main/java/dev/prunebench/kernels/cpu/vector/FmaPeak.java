package dev.prunebench.kernels.cpu.vector;

import static dev.prunebench.kernels.cpu.vector.Lanes.L;
import static dev.prunebench.kernels.cpu.vector.Lanes.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Microbenchmarks of this core, run in the same JVM as the kernels they judge: the fp32 FMA peak (twelve independent
 * accumulator chains of the preferred species, {@code a = a·b + c}: enough chains to hide a 4-cycle FMA latency on
 * two FMA ports with room to spare, and constants that converge, so no value overflows or goes subnormal), and the
 * read bandwidth of a buffer that stays in L2 (what a gathered row of X costs when it comes from L2), and the
 * throughput of the Vector API's gather from an L1-resident vector at random indices (what SpMV's x costs).
 */
final class FmaPeak {
    private FmaPeak() {}

    static final int CHAINS = 12;

    /** FMA vector instructions per call of {@link #fmaLoop}: iterations × chains. */
    static long fmas(int iterations) { return (long) iterations * CHAINS; }

    /** The FMA loop; returns a sum of the accumulators so the JIT cannot drop it. */
    static float fmaLoop(int iterations) {
        FloatVector b = FloatVector.broadcast(S, 0.999_999f), c = FloatVector.broadcast(S, 1e-6f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(b, c); a1 = a1.fma(b, c); a2 = a2.fma(b, c); a3 = a3.fma(b, c);
            a4 = a4.fma(b, c); a5 = a5.fma(b, c); a6 = a6.fma(b, c); a7 = a7.fma(b, c);
            a8 = a8.fma(b, c); a9 = a9.fma(b, c); a10 = a10.fma(b, c); a11 = a11.fma(b, c);
        }
        return a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7))).add(a8.add(a9).add(a10.add(a11))).reduceLanes(VectorOperators.ADD);
    }

    /** Sums {@code buf} {@code passes} times with four vector accumulators (whole vectors only). */
    static float readLoop(float[] buf, int passes) {
        FloatVector a = FloatVector.zero(S), b = a, c = a, d = a;
        int end = buf.length - buf.length % (4 * L);
        for (int r = 0; r < passes; r++)
            for (int i = 0; i < end; i += 4 * L) {
                a = a.add(FloatVector.fromArray(S, buf, i));
                b = b.add(FloatVector.fromArray(S, buf, i + L));
                c = c.add(FloatVector.fromArray(S, buf, i + 2 * L));
                d = d.add(FloatVector.fromArray(S, buf, i + 3 * L));
            }
        return a.add(b).add(c.add(d)).reduceLanes(VectorOperators.ADD);
    }

    /** Gathers {@code x} at {@code idx} (whole vectors) {@code passes} times into four accumulators. */
    static float gatherLoop(float[] x, int[] idx, int passes) {
        FloatVector a = FloatVector.zero(S), b = a, c = a, d = a;
        int end = idx.length - idx.length % (4 * L);
        for (int r = 0; r < passes; r++)
            for (int i = 0; i < end; i += 4 * L) {
                a = a.add(FloatVector.fromArray(S, x, 0, idx, i));
                b = b.add(FloatVector.fromArray(S, x, 0, idx, i + L));
                c = c.add(FloatVector.fromArray(S, x, 0, idx, i + 2 * L));
                d = d.add(FloatVector.fromArray(S, x, 0, idx, i + 3 * L));
            }
        return a.add(b).add(c.add(d)).reduceLanes(VectorOperators.ADD);
    }
}
