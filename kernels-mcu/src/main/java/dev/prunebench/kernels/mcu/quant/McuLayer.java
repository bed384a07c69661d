package dev.prunebench.kernels.mcu.quant;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import java.io.ByteArrayOutputStream;
import java.util.Objects;

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
 * <p>The quantisation is {@link Q15}'s at the layer's {@link Precision}; {@link #reference()} computes the outputs with the
 * kernel's exact integer arithmetic, so a correct kernel matches it bit for bit. At q7 ({@link Precision#Q7}) the values
 * are 8 bits, {@link #wq} holds them in logical order and {@link #q7Values()} in the byte order the q7 kernels load
 * (dense rows and X's columns padded to a multiple of 4 values); see {@code mcu.gen.CGenerator}.
 *
 * <p>Scales are chosen for the input at hand ({@link #of(Precision, Layout, SparseFormat, float[], int)}: X's exponent
 * and the output shift from this X), or fixed ({@link #of(Precision, Layout, SparseFormat, float[], int, Scales)}:
 * calibrated once, X saturating where it exceeds them, outputs saturating at the fixed shift).
 */
public final class McuLayer {

    /** Which kernel reads the layer, and how W is laid out for it. */
    public enum Layout {
        DENSE(1), CSR(1), GCSR2(2), GCSR4(4);

        public final int g;

        Layout(int g) { this.g = g; }
    }

    /** X's exponent and the output shift of a layer, fixed in advance (calibrated) instead of chosen per input. */
    public record Scales(int expX, int shift) {
        public Scales {
            if (expX < Q15.MIN_EXP || expX > Q15.MAX_EXP)
                throw new IllegalArgumentException("expX: must be in [" + Q15.MIN_EXP + ", " + Q15.MAX_EXP + "], got " + expX);
            if (shift < 0 || shift > 31) throw new IllegalArgumentException("shift: must be in [0, 31], got " + shift);
        }

        /**
         * Fixed scales from calibration statistics: X's exponent the largest that holds {@code maxAbsX} (the largest |x|
         * seen), lowered while the largest output seen ({@code maxAbsOut}, real units) would not keep a factor 2 of
         * headroom in the int32 accumulator; the shift the smallest that holds {@code maxAbsOut} without saturating.
         */
        public static Scales calibrated(Precision p, int expW, double maxAbsX, double maxAbsOut) {
            if (!(maxAbsX >= 0) || !(maxAbsOut >= 0) || Double.isInfinite(maxAbsX) || Double.isInfinite(maxAbsOut))
                throw new IllegalArgumentException("calibration: maxAbsX and maxAbsOut must be finite and ≥ 0, got " + maxAbsX + ", " + maxAbsOut);
            int e = p.exponent(maxAbsX);
            while (e > Q15.MIN_EXP && Math.scalb(maxAbsOut, expW + e) >= 0x1p30) e--;
            int s = 0;
            while (s < 31 && Math.floor(Math.scalb(maxAbsOut, expW + e - s) + 0.5) > p.max) s++;
            return new Scales(e, s);
        }
    }

    public final Precision precision;
    public final Layout layout;
    public final int rows, cols, n;
    /** Exponents: W, X, and the output's (e_W + e_X − shift). */
    public final int expW, expX, shift;
    /** W values in kernel order (dense: M × kp; sparse: stored values, groups of g). */
    public final short[] wq;
    /** Column (CSR) or group (GCSR) indices, row (or group-row) pointers; null for dense. */
    public final int[] idx, ptr;
    /** Dense row length in values (K rounded up to even); 0 for sparse. */
    public final int kp;
    /** Values per column of the transposed X. */
    public final int xStride;
    /** X transposed, N × xStride. */
    public final short[] xq;
    /** Accumulators and requantised outputs, M × N row-major. */
    public final int[] acc, y;

    private McuLayer(Precision precision, Layout layout, int rows, int cols, int n, int expW, int expX, int shift, short[] wq, int[] idx, int[] ptr,
                     int kp, int xStride, short[] xq, int[] acc, int[] y) {
        this.precision = precision; this.layout = layout; this.rows = rows; this.cols = cols; this.n = n;
        this.expW = expW; this.expX = expX; this.shift = shift;
        this.wq = wq; this.idx = idx; this.ptr = ptr; this.kp = kp; this.xStride = xStride; this.xq = xq;
        this.acc = acc; this.y = y;
    }

    /** Quantises W (in the layout's format) and X (K × n row-major) to q15 and computes the integer reference. */
    public static McuLayer of(Layout layout, SparseFormat w, float[] x, int n) { return of(Precision.Q15, layout, w, x, n, null); }

    /** The same at a precision, with X's exponent and the shift chosen for this X. */
    public static McuLayer of(Precision p, Layout layout, SparseFormat w, float[] x, int n) { return of(p, layout, w, x, n, null); }

    /**
     * The same with fixed scales ({@code null}: chosen for this X). With fixed scales X saturates where it exceeds
     * X's exponent, and the accumulators are the kernel's 32-bit sums (two's-complement wrap, as SMLAD's; calibration
     * keeps a factor 2 of headroom over what it saw).
     */
    public static McuLayer of(Precision p, Layout layout, SparseFormat w, float[] x, int n, Scales fixed) {
        Objects.requireNonNull(p, "precision");
        int m = w.rows(), k = w.cols();
        int pad = p == Precision.Q7 ? 3 : 1;
        short[] wq;
        int[] idx = null, ptr = null;
        int kp = 0, stride;
        int expW;
        switch (layout) {
            case DENSE -> {
                if (!(w instanceof Dense d)) throw new IllegalArgumentException("layout DENSE needs a Dense W, got " + w.spec());
                kp = (k + pad) & ~pad;
                expW = p.exponent(Q15.maxAbs(d.data()));
                wq = new short[m * kp];
                for (int r = 0; r < m; r++)
                    for (int c = 0; c < k; c++) wq[r * kp + c] = p.quantise(d.data()[r * k + c], expW);
                stride = kp;
            }
            case CSR -> {
                if (!(w instanceof Csr c)) throw new IllegalArgumentException("layout CSR needs a Csr W, got " + w.spec());
                expW = p.exponent(Q15.maxAbs(c.values()));
                wq = p.quantise(c.values(), expW);
                idx = c.colIndex().clone();
                ptr = c.rowPtr().clone();
                stride = (k + pad) & ~pad;
            }
            case GCSR2, GCSR4 -> {
                if (!(w instanceof GroupedCsr gc) || gc.g() != layout.g)
                    throw new IllegalArgumentException("layout " + layout + " needs a GroupedCsr with g = " + layout.g + ", got " + w.spec());
                expW = p.exponent(Q15.maxAbs(gc.values()));
                wq = p.quantise(gc.values(), expW);
                idx = gc.groupIndex().clone();
                ptr = gc.groupPtr().clone();
                stride = gc.groupsPerRow() * layout.g;
                stride = (stride + 3) & ~3;
            }
            default -> throw new AssertionError(layout);
        }
        if (fixed != null) {
            short[] xq = transpose(p, x, k, n, stride, fixed.expX());
            long[] acc = accumulate(layout, m, n, kp, stride, wq, idx, ptr, xq);
            int[] ai = new int[acc.length];
            for (int i = 0; i < acc.length; i++) ai[i] = (int) acc[i]; // the 32-bit accumulator's wrap
            int[] y = new int[ai.length];
            for (int i = 0; i < y.length; i++) y[i] = p.requantise(ai[i], fixed.shift());
            return new McuLayer(p, layout, m, k, n, expW, fixed.expX(), fixed.shift(), wq, idx, ptr, kp, stride, xq, ai, y);
        }
        int expX = p.exponent(Q15.maxAbs(x));
        for (;; expX--) {
            short[] xq = transpose(p, x, k, n, stride, expX);
            long[] acc = accumulate(layout, m, n, kp, stride, wq, idx, ptr, xq);
            boolean fits = true;
            for (long a : acc) if (a > Integer.MAX_VALUE || a < Integer.MIN_VALUE) { fits = false; break; }
            if (!fits && expX > Q15.MIN_EXP) continue;
            int[] ai = new int[acc.length];
            for (int i = 0; i < acc.length; i++) ai[i] = (int) acc[i];
            int shift = p.shiftFor(ai);
            int[] y = new int[ai.length];
            for (int i = 0; i < y.length; i++) y[i] = p.requantise(ai[i], shift);
            return new McuLayer(p, layout, m, k, n, expW, expX, shift, wq, idx, ptr, kp, stride, xq, ai, y);
        }
    }

    private static short[] transpose(Precision p, float[] x, int k, int n, int stride, int e) {
        short[] t = new short[n * stride];
        for (int r = 0; r < k; r++)
            for (int c = 0; c < n; c++) t[c * stride + r] = p.quantise(x[r * n + c], e);
        return t;
    }

    /** Σ w_q · x_q per output, in 64 bits (the caller checks the int32 range). */
    private static long[] accumulate(Layout layout, int m, int n, int kp, int stride, short[] wq, int[] idx, int[] ptr, short[] xq) {
        if (narrow(wq, xq, stride)) return accumulateNarrow(layout, m, n, kp, stride, wq, idx, ptr, xq);
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

    /**
     * Whether every sum fits an int exactly: all values within ±128 (q7, or q15 values that small) and at most
     * {@code stride} terms per output (each product ≤ 2^14, so fewer than 2^17 terms cannot leave the int range).
     */
    private static boolean narrow(short[] wq, short[] xq, int stride) {
        if (stride >= 1 << 17) return false;
        for (short v : wq) if (v > 128 || v < -128) return false;
        for (short v : xq) if (v > 128 || v < -128) return false;
        return true;
    }

    /** {@link #accumulate} in 32 bits, for {@link #narrow} operands (the same sums, faster on the host). */
    private static long[] accumulateNarrow(Layout layout, int m, int n, int kp, int stride, short[] wq, int[] idx, int[] ptr, short[] xq) {
        long[] acc = new long[m * n];
        for (int r = 0; r < m; r++)
            for (int c = 0; c < n; c++) {
                int a = 0;
                int xb = c * stride;
                switch (layout) {
                    case DENSE -> { int wb = r * kp; for (int j = 0; j < kp; j++) a += wq[wb + j] * xq[xb + j]; }
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
    public float[] dequantise(int[] outputs) { return dequantise(outputs, expW + expX - shift); }

    /** Fixed-point outputs with {@code e} fraction bits as floats: {@code y · 2^−e} (FC and conv layers alike). */
    static float[] dequantise(int[] outputs, int e) {
        float[] f = new float[outputs.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) Math.scalb((double) outputs[i], -e);
        return f;
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
    public Precision precision() { return precision; }

    /** The largest |accumulator| of this call in real units, {@code max |acc| · 2^−(e_W + e_X)}: a calibration statistic. */
    public double maxAbsOutput() {
        long m = 0;
        for (int a : acc) m = Math.max(m, Math.abs((long) a));
        return Math.scalb((double) m, -(expW + expX));
    }

    /** Minimal width in bytes for values 0 … range−1: 1 if range ≤ 256, 2 if ≤ 65 536, else 4. */
    static int width(long range) { return range <= 256 ? 1 : range <= 65_536 ? 2 : 4; }

    public int indexWidth() {
        return layout == Layout.CSR ? width(cols) : width((cols + layout.g - 1) / layout.g);
    }

    public int pointerWidth() { return width((long) wq.length / layout.g + 1); }

    /**
     * The q7 values in the order the q7 kernels load them (4 per word, so that SXTB16 and SXTB16 ROR #8 give the q15
     * pairs SMLAD multiplies with X's pairs): dense, each aligned quad {@code (w0, w2, w1, w3)}; CSR, as stored;
     * g = 2, a row's groups two per word {@code (a0, b0, a1, b1)}, a lone last group {@code (a0, 0, a1, 0)};
     * g = 4, each group {@code (a0, a2, a1, a3)}.
     */
    public byte[] q7Values() {
        if (precision != Precision.Q7) throw new IllegalStateException("q7Values: the layer is " + precision);
        switch (layout) {
            case CSR -> {
                byte[] b = new byte[wq.length];
                for (int i = 0; i < b.length; i++) b[i] = (byte) wq[i];
                return b;
            }
            case DENSE, GCSR4 -> {
                byte[] b = new byte[wq.length];
                for (int i = 0; i < b.length; i += 4) {
                    b[i] = (byte) wq[i]; b[i + 1] = (byte) wq[i + 2]; b[i + 2] = (byte) wq[i + 1]; b[i + 3] = (byte) wq[i + 3];
                }
                return b;
            }
            case GCSR2 -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int r = 0; r < rows; r++)
                    for (int gi = ptr[r]; gi < ptr[r + 1]; gi += 2) {
                        boolean two = gi + 1 < ptr[r + 1];
                        out.write(wq[2 * gi]); out.write(two ? wq[2 * gi + 2] : 0);
                        out.write(wq[2 * gi + 1]); out.write(two ? wq[2 * gi + 3] : 0);
                    }
                return out.toByteArray();
            }
            default -> throw new AssertionError(layout);
        }
    }

    /** Bytes of W's values in flash. */
    long valueBytes() { return precision == Precision.Q7 ? q7Values().length : 2L * wq.length; }

    /** Bytes of W in flash: values, indices and pointers as the generator lays them out. */
    public long weightBytes() {
        long b = valueBytes();
        if (idx != null) b += (long) idx.length * indexWidth() + (long) ptr.length * pointerWidth();
        return b;
    }

    /** Whether the kernel widens X to q15 once per call (q7 dense and grouped CSR; q7 CSR reads X's bytes directly). */
    public boolean widensX() { return precision == Precision.Q7 && layout != Layout.CSR; }

    /** Bytes of activations in RAM: X (transposed, padded) and Y, and at q7 the widened q15 copy of X where one is made. */
    public long activationBytes() {
        long b = (long) precision.bytes() * xq.length + (long) precision.bytes() * rows * n;
        return widensX() ? b + 2L * xq.length : b;
    }
}
