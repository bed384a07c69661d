package dev.prunebench.kernels.mcu.quant;

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
 * The q7 precision ({@link Precision#Q7}) is the same scheme at 8 bits; {@link Precision} holds the general form.
 */
public final class Q15 {
    private Q15() {}

    /** Exponents tried, lowest to highest: covers |v| from about 2^−25 to 2^46. */
    static final int MIN_EXP = -31, MAX_EXP = 40;

    /**
     * The largest exponent e in [{@value #MIN_EXP}, {@value #MAX_EXP}] with {@code round(maxAbs · 2^e) ≤ 32767};
     * 15 for an all-zero tensor.
     */
    public static int exponent(double maxAbs) { return Precision.Q15.exponent(maxAbs); }

    public static double maxAbs(float[] v) {
        double m = 0;
        for (float f : v) m = Math.max(m, Math.abs(f));
        return m;
    }

    /** {@code sat16(floor(v · 2^e + 0.5))}. */
    public static short quantise(float v, int e) { return Precision.Q15.quantise(v, e); }

    public static short[] quantise(float[] v, int e) { return Precision.Q15.quantise(v, e); }

    /** ARM QADD: 32-bit add saturating to the int32 range. */
    public static int qadd(int a, int b) {
        long s = (long) a + b;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, s));
    }

    /** The requantisation: {@code SSAT(QADD(acc, 2^(s−1)) ASR s, 16)}, or {@code SSAT(acc, 16)} when s = 0. */
    public static int requantise(int acc, int shift) { return Precision.Q15.requantise(acc, shift); }

    /** The smallest shift s ≥ 0 for which no accumulator in acc saturates when requantised. */
    public static int shiftFor(int[] acc) { return Precision.Q15.shiftFor(acc); }
}
