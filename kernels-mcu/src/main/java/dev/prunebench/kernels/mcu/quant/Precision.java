package dev.prunebench.kernels.mcu.quant;

import java.util.Locale;

/**
 * The fixed-point precisions of the Cortex-M4 kernels: q15 (16-bit weights and activations) and q7 (8-bit), both in
 * the scheme {@link Q15} describes — one power-of-two scale per tensor, round half up, saturation, a 32-bit
 * accumulator that never wraps, requantisation by a per-layer shift with {@code qadd} + {@code ssat #bits}.
 * The operations here are the generated code's, operation for operation; {@link Q15}'s static methods are those of
 * {@link #Q15}.
 */
public enum Precision {
    /** 16-bit values: SMLAD on two q15 lanes. */
    Q15(16),
    /** 8-bit values: four per word, widened to two q15 pairs with SXTB16, then SMLAD (as CMSIS-NN's q7 kernels). */
    Q7(8);

    /** Bits per value, the {@code ssat} width of the requantisation. */
    public final int bits;
    /** The largest and smallest representable value: 2^(bits−1) − 1 and −2^(bits−1). */
    public final int max, min;

    Precision(int bits) {
        this.bits = bits;
        this.max = (1 << (bits - 1)) - 1;
        this.min = -(1 << (bits - 1));
    }

    /** Bytes per stored value. */
    public int bytes() { return bits / 8; }

    /** Lower-case name as the kernel ids spell it ({@code q15}, {@code q7}). */
    public String label() { return name().toLowerCase(Locale.ROOT); }

    /**
     * The largest exponent e in [{@value dev.prunebench.kernels.mcu.quant.Q15#MIN_EXP}, {@value dev.prunebench.kernels.mcu.quant.Q15#MAX_EXP}] with {@code round(maxAbs · 2^e) ≤ max};
     * bits − 1 for an all-zero tensor.
     */
    public int exponent(double maxAbs) {
        if (!(maxAbs > 0)) return bits - 1;
        for (int e = dev.prunebench.kernels.mcu.quant.Q15.MAX_EXP; e > dev.prunebench.kernels.mcu.quant.Q15.MIN_EXP; e--)
            if (Math.floor(Math.scalb(maxAbs, e) + 0.5) <= max) return e;
        return dev.prunebench.kernels.mcu.quant.Q15.MIN_EXP;
    }

    /** {@code sat(floor(v · 2^e + 0.5))} to [min, max]. */
    public short quantise(float v, int e) {
        double q = Math.floor(Math.scalb((double) v, e) + 0.5);
        return (short) Math.max(min, Math.min(max, q));
    }

    public short[] quantise(float[] v, int e) {
        short[] q = new short[v.length];
        for (int i = 0; i < v.length; i++) q[i] = quantise(v[i], e);
        return q;
    }

    /** ARM {@code SSAT #bits}. */
    public int ssat(int v) { return Math.max(min, Math.min(max, v)); }

    /** The requantisation: {@code SSAT(QADD(acc, 2^(s−1)) ASR s, bits)}, or {@code SSAT(acc, bits)} when s = 0. */
    public int requantise(int acc, int shift) {
        if (shift < 0 || shift > 31) throw new IllegalArgumentException("shift: must be in [0, 31], got " + shift);
        if (shift == 0) return ssat(acc);
        return ssat(dev.prunebench.kernels.mcu.quant.Q15.qadd(acc, 1 << (shift - 1)) >> shift);
    }

    /** The smallest shift s ≥ 0 for which no accumulator in acc saturates when requantised. */
    public int shiftFor(int[] acc) {
        for (int s = 0; s < 31; s++) {
            boolean fits = true;
            for (int a : acc) {
                int t = s == 0 ? a : dev.prunebench.kernels.mcu.quant.Q15.qadd(a, 1 << (s - 1)) >> s;
                if (t > max || t < min) { fits = false; break; }
            }
            if (fits) return s;
        }
        return 31;
    }
}
