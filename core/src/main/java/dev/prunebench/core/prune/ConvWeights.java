package dev.prunebench.core.prune;

/**
 * Conv weights as a matrix for pruning. A conv layer's weights (out, in, kh, kw), stored OIHW row-major as in
 * PyTorch, become an out × (in·kh·kw) matrix; the order of the flattened axis decides which weights a group of g
 * adjacent weights in a row covers:
 *
 * <ul>
 *   <li>{@link GroupAxis#IN_KH_KW}: the OIHW order itself; a group runs along kw first, then kh, then input
 *       channels (for a 3×3 kernel and g = 8 a group spans most of one channel's kernel);</li>
 *   <li>{@link GroupAxis#KH_KW_IN}: channels last; a group runs along input channels at one kernel tap, which is
 *       what a SIMD kernel over an NHWC im2col reads (Scalpel's choice for conv on CPU).</li>
 * </ul>
 * Node pruning removes whole rows and does not depend on the order.
 */
public final class ConvWeights {
    private ConvWeights() {}

    public enum GroupAxis { IN_KH_KW, KH_KW_IN }

    private static void check(float[] w, int out, int in, int kh, int kw) {
        if (out < 1 || in < 1 || kh < 1 || kw < 1)
            throw new IllegalArgumentException("conv weights: shape " + out + "x" + in + "x" + kh + "x" + kw + " must be positive");
        long n = (long) out * in * kh * kw;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("conv weights: " + n + " weights is too many");
        if (w == null || w.length != n)
            throw new IllegalArgumentException("conv weights: length " + (w == null ? "null" : w.length) + ", expected "
                    + out + "x" + in + "x" + kh + "x" + kw + " = " + n);
    }

    /** Column of (c, y, x) in the flattened row for the given axis. */
    private static int column(int c, int y, int x, int in, int kh, int kw, GroupAxis axis) {
        return axis == GroupAxis.IN_KH_KW ? (c * kh + y) * kw + x : (y * kw + x) * in + c;
    }

    /** The out × (in·kh·kw) matrix of OIHW weights {@code w}, columns in the order of {@code axis}. */
    public static float[] toMatrix(float[] w, int out, int in, int kh, int kw, GroupAxis axis) {
        check(w, out, in, kh, kw);
        int k = in * kh * kw;
        float[] m = new float[w.length];
        for (int o = 0; o < out; o++)
            for (int c = 0; c < in; c++)
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++)
                        m[o * k + column(c, y, x, in, kh, kw, axis)] = w[((o * in + c) * kh + y) * kw + x];
        return m;
    }

    /** The OIHW weights of a matrix made by {@link #toMatrix} with the same axis. */
    public static float[] fromMatrix(float[] m, int out, int in, int kh, int kw, GroupAxis axis) {
        check(m, out, in, kh, kw);
        int k = in * kh * kw;
        float[] w = new float[m.length];
        for (int o = 0; o < out; o++)
            for (int c = 0; c < in; c++)
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++)
                        w[((o * in + c) * kh + y) * kw + x] = m[o * k + column(c, y, x, in, kh, kw, axis)];
        return w;
    }

    /** A mask over the matrix of {@code axis}, re-expressed over the OIHW order (out × (in·kh·kw), IN_KH_KW). */
    public static Mask maskToOihw(Mask m, int out, int in, int kh, int kw, GroupAxis axis) {
        if (m.rows() != out || m.cols() != in * kh * kw)
            throw new IllegalArgumentException("conv mask: " + m.rows() + "x" + m.cols() + ", expected " + out + "x" + in * kh * kw);
        if (axis == GroupAxis.IN_KH_KW) return m;
        int k = in * kh * kw;
        boolean[] keep = new boolean[out * k];
        for (int o = 0; o < out; o++)
            for (int c = 0; c < in; c++)
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++)
                        keep[o * k + (c * kh + y) * kw + x] = m.keepAt(o * k + column(c, y, x, in, kh, kw, axis));
        return Mask.of(keep, out, k);
    }
}
