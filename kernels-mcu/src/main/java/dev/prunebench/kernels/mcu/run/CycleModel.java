package dev.prunebench.kernels.mcu.run;

import dev.prunebench.kernels.mcu.gen.CGenerator;
import dev.prunebench.kernels.mcu.quant.McuLayer;
import dev.prunebench.kernels.mcu.quant.Precision;

/**
 * A static cycle estimate for the generated layers, from the known instruction sequence of each inner loop (see
 * {@link CGenerator}) and the Cortex-M4 timings of its Technical Reference Manual (zero-wait-state memory):
 *
 * <pre>
 * LDR, LDRH, LDRSH, LDRB  2 cycles; 1 when it follows another load (address and data phases pipeline)
 * LDM of 4 registers       1 + 4
 * LDRD                     1 + 2
 * SMLAD, SMLABB            1 (single-cycle MAC)
 * ADD, SUBS                1
 * BNE taken                1 + P with P = 2 (pipeline refill, 1…3 on the M4); not taken 1
 * LDM of 2 registers, STRD 1 + 2
 * SXTB16, PKHBT, PKHTB     1
 * </pre>
 * (q7 layers: the widening of X, once per call, is counted as an inner loop too.)
 *
 * The inner loops' instructions are counted from the layer's shape (trip counts per row and column); every other
 * executed instruction (loop set-up, the row and column loops, requantisation, stores: measured instructions minus
 * the inner ones) is charged {@value #OTHER_CYCLES_PER_INSTRUCTION} cycles. QEMU is not a cycle model and the DWT cycle
 * counter reads 0 under it: this is an estimate, labelled so (the count {@code cycles_estimated}).
 */
public final class CycleModel {
    /** Cycles charged to each instruction outside the modelled inner loops. */
    public static final double OTHER_CYCLES_PER_INSTRUCTION = 1.5;

    private CycleModel() {}

    /** Instructions and cycles of the inner loops and tails of one layer call. */
    public record Inner(long instructions, long cycles) {}

    public static Inner inner(McuLayer l) {
        if (l.precision == Precision.Q7) return innerQ7(l);
        long ins = 0, cyc = 0;
        for (int m = 0; m < l.rows; m++) {
            long i1, c1;
            switch (l.layout) {
                case DENSE -> {
                    int pairs = l.kp / 2, q = pairs / 4, t = pairs % 4;
                    i1 = 8L * q + 3L * t;
                    c1 = loop(q, 5 + 5 + 4 + 1) + 4L * t;
                }
                case CSR, GCSR2 -> {
                    int count = l.ptr[m + 1] - l.ptr[m], q = count / 4;
                    boolean two = (count & 2) != 0, one = (count & 1) != 0;
                    // TWO: 6 loads back to back (7 cycles) + 2 MACs; ONE: 3 loads (4) + 1 MAC
                    i1 = 18L * q + (two ? 8 : 0) + (one ? 4 : 0);
                    c1 = loop(q, 9 + 9 + 1) + (two ? 9 : 0) + (one ? 5 : 0);
                }
                case GCSR4 -> {
                    int count = l.ptr[m + 1] - l.ptr[m], q = count / 4;
                    boolean two = (count & 2) != 0, one = (count & 1) != 0;
                    // ONE: ldrd 3 + ldrb 2 + add 1 + ldrd 3 + 2 MACs = 11 cycles, 6 instructions
                    i1 = 26L * q + (two ? 12 : 0) + (one ? 6 : 0);
                    c1 = loop(q, 4 * 11 + 1) + (two ? 22 : 0) + (one ? 11 : 0);
                }
                default -> throw new AssertionError(l.layout);
            }
            ins += i1 * l.n;
            cyc += c1 * l.n;
        }
        return new Inner(ins, cyc);
    }

    /**
     * q7 (see {@link CGenerator}): widening 8 instructions per word of X (ldr 2, sxtb16 ×2, pkh ×2, strd 3, subs 1:
     * 10 cycles + branch); dense per 8 MACs ldm {2} 3 + ldm {4} 5 + sxtb16 ×4 + smlad ×4 = 16 cycles, 10 instructions
     * (per 4 MACs: ldr 2 + ldm {2} 3 + 4 = 9, 6); CSR as q15; g = 2 TWO ldr 2 + 4 pipelined loads + 4 = 10 cycles,
     * 9 instructions, ONE 8 and 5; g = 4 ONE ldr 2 + ldrb 1 + add 1 + ldrd 3 + 4 = 11 cycles, 8 instructions.
     */
    static Inner innerQ7(McuLayer l) {
        long ins = 0, cyc = 0;
        if (l.widensX()) {
            int words = l.xq.length / 4;
            ins += 8L * words;
            cyc += loop(words, 10);
        }
        for (int m = 0; m < l.rows; m++) {
            long i1, c1;
            switch (l.layout) {
                case DENSE -> {
                    int[] b = CGenerator.denseQ7Blocks(l.kp);
                    i1 = 42L * b[0] + 10L * b[1] + 6L * b[2];
                    c1 = loop(b[0], 4 * 16 + 1) + 16L * b[1] + 9L * b[2];
                }
                case CSR -> {
                    int count = l.ptr[m + 1] - l.ptr[m], q = count / 4;
                    boolean two = (count & 2) != 0, one = (count & 1) != 0;
                    i1 = 18L * q + (two ? 8 : 0) + (one ? 4 : 0);
                    c1 = loop(q, 9 + 9 + 1) + (two ? 9 : 0) + (one ? 5 : 0);
                }
                case GCSR2 -> {
                    int count = l.ptr[m + 1] - l.ptr[m], q = count / 4;
                    boolean two = (count & 2) != 0, one = (count & 1) != 0;
                    i1 = 20L * q + (two ? 9 : 0) + (one ? 5 : 0);
                    c1 = loop(q, 10 + 10 + 1) + (two ? 10 : 0) + (one ? 6 : 0);
                }
                case GCSR4 -> {
                    int count = l.ptr[m + 1] - l.ptr[m], q = count / 4;
                    boolean two = (count & 2) != 0, one = (count & 1) != 0;
                    i1 = 34L * q + (two ? 16 : 0) + (one ? 8 : 0);
                    c1 = loop(q, 4 * 11 + 1) + (two ? 22 : 0) + (one ? 11 : 0);
                }
                default -> throw new AssertionError(l.layout);
            }
            ins += i1 * l.n;
            cyc += c1 * l.n;
        }
        return new Inner(ins, cyc);
    }

    /** A loop of {@code trips} iterations of {@code body} cycles before its branch: taken 3, the last not taken 1. */
    private static long loop(long trips, long body) {
        return trips == 0 ? 0 : trips * (body + 3) - 2;
    }

    /** The estimate for a call that executed {@code measured} instructions. */
    public static long estimate(McuLayer l, long measured) {
        Inner in = inner(l);
        long other = Math.max(0, measured - in.instructions());
        return in.cycles() + Math.round(other * OTHER_CYCLES_PER_INSTRUCTION);
    }
}
