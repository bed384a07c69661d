package dev.prunebench.kernels.mcu;

/**
 * The q15 fixed-point scheme of the Cortex-M4 kernels, in Java, operation for operation as the generated C does it.
 *
 * <ul>
 *   <li>A tensor (W or X) is quantised with one power-of-two scale: {@code q = sat16(round(v · 2^e))}, {@code e} the
 *       largest exponent for which the largest |v| still fits 16 bits ({@link #exponent}); round half up
 *       ({@code floor(x + 0.5)}), saturate to [−32768, 32767].</li>
 *   <li>An output is {@code acc = Σ w_q · x_q} in a 32-bit accumulator (SMLAD / SMLABB: two's-complement wrap; the
 *       layer's X exponent is lowered until no accumulator of the layer leaves the int32 range, so none wraps).</li>
 *   <li>Requantisation to q15 by a per-layer right shift {@code s ≥ 0} with round half up and saturation, as two
 *       Cortex-M4 instructions: {@code t = QADD(acc, 2^(s−1))} (saturating add; skipped when s = 0), then
 *       {@code y = SSAT(t ASR s, 16)}. {@code s} is the smallest shift for which no output of the layer saturates.</li>
 *   <li>The output's exponent is {@code e_W + e_X − s}: {@code C ≈ y · 2^−(e_W + e_X − s)}.</li>
 * </ul>
 */
public final class Q15 {
    private Q15() {}

    /** Exponents tried, lowest to highest: covers |v| from about 2^−25 to 2^46. */
    static final int MIN_EXP = -31, MAX_EXP = 40;

    /**
     * The largest exponent e in [{@value #MIN_EXP}, {@value #MAX_EXP}] with {@code round(maxAbs · 2^e) ≤ 32767};
     * 15 for an all-zero tensor.
     */
    public static int exponent(double maxAbs) {
        if (!(maxAbs > 0)) return 15;
        for (int e = MAX_EXP; e > MIN_EXP; e--)
            if (Math.floor(Math.scalb(maxAbs, e) + 0.5) <= 32767) return e;
        return MIN_EXP;
    }

    public static double maxAbs(float[] v) {
        double m = 0;
        for (float f : v) m = Math.max(m, Math.abs(f));
        return m;
    }

    /** {@code sat16(floor(v · 2^e + 0.5))}. */
    public static short quantise(float v, int e) {
        double q = Math.floor(Math.scalb((double) v, e) + 0.5);
        return (short) Math.max(-32768, Math.min(32767, q));
    }

    public static short[] quantise(float[] v, int e) {
        short[] q = new short[v.length];
        for (int i = 0; i < v.length; i++) q[i] = quantise(v[i], e);
        return q;
    }

    /** ARM QADD: 32-bit add saturating to the int32 range. */
    public static int qadd(int a, int b) {
        long s = (long) a + b;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, s));
    }

    /** ARM SSAT #16. */
    public static int ssat16(int v) { return Math.max(-32768, Math.min(32767, v)); }

    /** The requantisation: {@code SSAT(QADD(acc, 2^(s−1)) ASR s, 16)}, or {@code SSAT(acc, 16)} when s = 0. */
    public static int requantise(int acc, int shift) {
        if (shift < 0 || shift > 31) throw new IllegalArgumentException("shift: must be in [0, 31], got " + shift);
        if (shift == 0) return ssat16(acc);
        return ssat16(qadd(acc, 1 << (shift - 1)) >> shift);
    }

    /** The smallest shift s ≥ 0 for which no accumulator in acc saturates when requantised. */
    public static int shiftFor(int[] acc) {
        for (int s = 0; s < 31; s++) {
            boolean fits = true;
            for (int a : acc) {
                int t = s == 0 ? a : qadd(a, 1 << (s - 1)) >> s;
                if (t > 32767 || t < -32768) { fits = false; break; }
            }
            if (fits) return s;
        }
        return 31;
    }
}
