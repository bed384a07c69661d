package dev.prunebench.kernels.mcu;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;

/**
 * One FC layer {@code C = W · X} quantised to q15 and laid out the way its Cortex-M4 kernel reads it.
 *
 * <ul>
 *   <li>{@link Layout#DENSE}: W row-major M × KP, KP = K rounded up to even (zero pad), so a row is KP/2 words of two
 *       q15 weights each, the operand pairs of SMLAD.</li>
 *   <li>{@link Layout#CSR}: values, column indices and row pointers of the {@link Csr} (absolute column indices, each
 *       array at the project's minimal width: 1 byte when the range fits in 256, 2 in 65 536, else 4).</li>
 *   <li>{@link Layout#GCSR2} / {@link Layout#GCSR4}: the {@link GroupedCsr}'s kept groups (g values each, a short last
 *       group zero-padded), one group index per kept group and group row pointers, minimal widths as for CSR.</li>
 * </ul>
 * X (K × N row-major) is held transposed: column n is {@code xStride} consecutive q15 values, zero-padded past K, so a
 * pair (g = 2) or a quad (g = 4, dense) of activations is one aligned word or doubleword. Y is M × N row-major int16.
 *
 * <p>The quantisation is {@link Q15}'s; {@link #reference()} computes the outputs with the kernel's exact integer
 * arithmetic, so a correct kernel matches it bit for bit.
 */
public final class McuLayer {

    /** Which kernel reads the layer, and how W is laid out for it. */
    public enum Layout {
        DENSE(1), CSR(1), GCSR2(2), GCSR4(4);

        final int g;

        Layout(int g) { this.g = g; }
    }

    final Layout layout;
    final int rows, cols, n;
    /** Exponents: W, X, and the output's (e_W + e_X − shift). */
    final int expW, expX, shift;
    /** W values in kernel order (dense: M × kp; sparse: stored values, groups of g). */
    final short[] wq;
    /** Column (CSR) or group (GCSR) indices, row (or group-row) pointers; null for dense. */
    final int[] idx, ptr;
    /** Dense row length in values (K rounded up to even); 0 for sparse. */
    final int kp;
    /** Values per column of the transposed X. */
    final int xStride;
    /** X transposed, N × xStride. */
    final short[] xq;
    /** Accumulators and requantised outputs, M × N row-major. */
    final int[] acc, y;

    private McuLayer(Layout layout, int rows, int cols, int n, int expW, int expX, int shift, short[] wq, int[] idx, int[] ptr,
                     int kp, int xStride, short[] xq, int[] acc, int[] y) {
        this.layout = layout; this.rows = rows; this.cols = cols; this.n = n;
        this.expW = expW; this.expX = expX; this.shift = shift;
        this.wq = wq; this.idx = idx; this.ptr = ptr; this.kp = kp; this.xStride = xStride; this.xq = xq;
        this.acc = acc; this.y = y;
    }

    /** Quantises W (in the layout's format) and X (K × n row-major) and computes the integer reference. */
    public static McuLayer of(Layout layout, SparseFormat w, float[] x, int n) {
        int m = w.rows(), k = w.cols();
        short[] wq;
        int[] idx = null, ptr = null;
        int kp = 0, stride;
        int expW;
        switch (layout) {
            case DENSE -> {
                if (!(w instanceof Dense d)) throw new IllegalArgumentException("layout DENSE needs a Dense W, got " + w.spec());
                kp = (k + 1) & ~1;
                expW = Q15.exponent(Q15.maxAbs(d.data()));
                wq = new short[m * kp];
                for (int r = 0; r < m; r++)
                    for (int c = 0; c < k; c++) wq[r * kp + c] = Q15.quantise(d.data()[r * k + c], expW);
                stride = kp;
            }
            case CSR -> {
                if (!(w instanceof Csr c)) throw new IllegalArgumentException("layout CSR needs a Csr W, got " + w.spec());
                expW = Q15.exponent(Q15.maxAbs(c.values()));
                wq = Q15.quantise(c.values(), expW);
                idx = c.colIndex().clone();
                ptr = c.rowPtr().clone();
                stride = (k + 1) & ~1;
            }
            case GCSR2, GCSR4 -> {
                if (!(w instanceof GroupedCsr gc) || gc.g() != layout.g)
                    throw new IllegalArgumentException("layout " + layout + " needs a GroupedCsr with g = " + layout.g + ", got " + w.spec());
                expW = Q15.exponent(Q15.maxAbs(gc.values()));
                wq = Q15.quantise(gc.values(), expW);
                idx = gc.groupIndex().clone();
                ptr = gc.groupPtr().clone();
                stride = gc.groupsPerRow() * layout.g;
                stride = (stride + 3) & ~3;
            }
            default -> throw new AssertionError(layout);
        }
        int expX = Q15.exponent(Q15.maxAbs(x));
        for (;; expX--) {
            short[] xq = transpose(x, k, n, stride, expX);
            long[] acc = accumulate(layout, m, n, kp, stride, wq, idx, ptr, xq);
            boolean fits = true;
            for (long a : acc) if (a > Integer.MAX_VALUE || a < Integer.MIN_VALUE) { fits = false; break; }
            if (!fits && expX > Q15.MIN_EXP) continue;
            int[] ai = new int[acc.length];
            for (int i = 0; i < acc.length; i++) ai[i] = (int) acc[i];
            int shift = Q15.shiftFor(ai);
            int[] y = new int[ai.length];
            for (int i = 0; i < y.length; i++) y[i] = Q15.requantise(ai[i], shift);
            return new McuLayer(layout, m, k, n, expW, expX, shift, wq, idx, ptr, kp, stride, xq, ai, y);
        }
    }

    private static short[] transpose(float[] x, int k, int n, int stride, int e) {
        short[] t = new short[n * stride];
        for (int r = 0; r < k; r++)
            for (int c = 0; c < n; c++) t[c * stride + r] = Q15.quantise(x[r * n + c], e);
        return t;
    }

    /** Σ w_q · x_q per output, in 64 bits (the caller checks the int32 range). */
    private static long[] accumulate(Layout layout, int m, int n, int kp, int stride, short[] wq, int[] idx, int[] ptr, short[] xq) {
        long[] acc = new long[m * n];
        for (int r = 0; r < m; r++)
            for (int c = 0; c < n; c++) {
                long a = 0;
                int xb = c * stride;
                switch (layout) {
                    case DENSE -> { for (int j = 0; j < kp; j++) a += wq[r * kp + j] * xq[xb + j]; }
                    case CSR -> { for (int p = ptr[r]; p < ptr[r + 1]; p++) a += wq[p] * xq[xb + idx[p]]; }
                    default -> {
                        int g = layout.g;
                        for (int p = ptr[r]; p < ptr[r + 1]; p++)
                            for (int s = 0; s < g; s++) a += wq[p * g + s] * xq[xb + idx[p] * g + s];
                    }
                }
                acc[r * n + c] = a;
            }
        return acc;
    }

    /** The q15 outputs by the kernel's integer arithmetic, M × N row-major. */
    public int[] reference() { return y.clone(); }

    /** The outputs dequantised: {@code y · 2^−(e_W + e_X − shift)}. */
    public float[] dequantise(int[] outputs) {
        int e = expW + expX - shift;
        float[] f = new float[outputs.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) Math.scalb((double) outputs[i], -e);
        return f;
    }

    /** Multiply-accumulates the kernel executes per column of X: stored W values (dense: M × K, padding excluded). */
    public long macsPerColumn() {
        return layout == Layout.DENSE ? (long) rows * cols : wq.length;
    }

    /** Stored W slots the kernel multiplies, over all N columns (dense: M × KP, padding included). */
    public long executedMacs() {
        return (long) (layout == Layout.DENSE ? rows * kp : wq.length) * n;
    }

    public int rows() { return rows; }
    public int cols() { return cols; }
    public int n() { return n; }
    public int expW() { return expW; }
    public int expX() { return expX; }
    public int shift() { return shift; }
    public Layout layout() { return layout; }

    /** Minimal width in bytes for values 0 … range−1: 1 if range ≤ 256, 2 if ≤ 65 536, else 4. */
    static int width(long range) { return range <= 256 ? 1 : range <= 65_536 ? 2 : 4; }

    int indexWidth() {
        return layout == Layout.CSR ? width(cols) : width((cols + layout.g - 1) / layout.g);
    }

    int pointerWidth() { return width((long) wq.length / layout.g + 1); }

    /** Bytes of W in flash: values, indices and pointers as the generator lays them out. */
    long weightBytes() {
        long b = 2L * wq.length;
        if (idx != null) b += (long) idx.length * indexWidth() + (long) ptr.length * pointerWidth();
        return b;
    }

    /** Bytes of activations in RAM: X (transposed, padded) and Y. */
    long activationBytes() { return 2L * xq.length + 2L * rows * n; }
}
