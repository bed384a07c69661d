package dev.prunebench.kernels.mcu;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.ConvShape;

/**
 * One convolution layer (input C × H × W CHW, C' output channels, k × k, stride 1, no padding; {@link ConvShape})
 * quantised to q15 and laid out the way its generated Cortex-M4 kernel ({@link ConvGenerator}) reads it. W is the
 * C' × (C·k·k) matrix of the core format, columns (c, ky, kx).
 *
 * <ul>
 *   <li>{@link Layout#DENSE}: W row-major C' × KP, KP = C·k·k rounded up to even (zero pad), as the FC dense kernel; the
 *       kernel copies each output pixel's patch into a q15 column buffer (the on-device im2col) and runs the SMLAD dot
 *       product of every output channel over it.</li>
 *   <li>{@link Layout#CSR}: the {@link Csr}'s values and row pointers; each column index j = (c, ky, kx) replaced at
 *       generation by its input offset {@code c·H·W + ky·W + kx} (in q15 elements), stored at the minimal width for
 *       offsets below C·H·W. Per output pixel the kernel adds the pixel's base {@code oy·W + ox}: direct sparse
 *       convolution, no im2col.</li>
 *   <li>{@link Layout#GCSR2}: the {@link GroupedCsr} (g = 2) kept pairs, columns (2j, 2j+1). A pair whose two columns are
 *       neighbours in one kernel row ({@code kx < k−1}) reads two input values adjacent in memory: one 32-bit
 *       (unaligned) LDR at the offset of its first column, one SMLAD. A pair that crosses a kernel row or channel
 *       boundary (its inputs are {@code W − k + 1} or more apart), and the last pair of a row of odd length, is split
 *       into its real halves, run as CSR entries (one SMLABB each). So the kernel holds two lists per row: pairs (values
 *       two per pair, the offset of the first) and singles (value, offset).</li>
 * </ul>
 * X is the input image CHW, quantised, in RAM; Y is C' × (outH·outW) row-major int16 — the order of the im2col
 * product {@code W · im2col(X)} with N = outH·outW.
 *
 * <p>The quantisation is {@link Q15}'s and {@link McuLayer}'s: one exponent for W (largest |value| of the format's
 * stored values), one for X (largest |input|, which equals the largest |patch value|: with stride 1 and no padding
 * every input value lies in some patch), lowered until no accumulator leaves int32, one requantisation shift for the
 * layer. The accumulators are exactly those of the im2col product, so {@link #reference()} equals
 * {@code McuLayer.of(layout, W, im2col(x), pixels).reference()} bit for bit — what {@code mcu-q15-java} computes for
 * a network's conv layers (tested).
 */
public final class McuConv {

    /** Which kernel reads the layer. */
    public enum Layout { DENSE, CSR, GCSR2 }

    final Layout layout;
    final ConvShape shape;
    final int expW, expX, shift;
    /** Dense row length (K rounded up to even); 0 for sparse. */
    final int kp;
    /** Dense: C' × kp; CSR: stored values; GCSR2: kept adjacent pairs, two values each. */
    final short[] wq;
    /** Input offsets (CSR: per stored value; GCSR2: of each pair's first value) and row pointers (entries); null for dense. */
    final int[] off, ptr;
    /** GCSR2 only: the split pairs' halves as single entries (values, offsets, row pointers); null otherwise. */
    final short[] sq;
    final int[] soff, sptr;
    /** The input image, quantised, CHW. */
    final short[] xq;
    /** Accumulators and requantised outputs, C' × pixels. */
    final int[] acc, y;

    private McuConv(Layout layout, ConvShape shape, int expW, int expX, int shift, int kp, short[] wq, int[] off, int[] ptr,
                    short[] sq, int[] soff, int[] sptr, short[] xq, int[] acc, int[] y) {
        this.layout = layout; this.shape = shape; this.expW = expW; this.expX = expX; this.shift = shift; this.kp = kp;
        this.wq = wq; this.off = off; this.ptr = ptr; this.sq = sq; this.soff = soff; this.sptr = sptr; this.xq = xq;
        this.acc = acc; this.y = y;
    }

    /** Input offset (q15 elements from the pixel's base) of weight column {@code j} = (c, ky, kx). */
    static int offset(ConvShape s, int j) {
        int kk = s.kernel() * s.kernel(), c = j / kk, r = j % kk, ky = r / s.kernel(), kx = r % s.kernel();
        return c * s.inH() * s.inW() + ky * s.inW() + kx;
    }

    /** Whether columns j and j+1 are neighbours in one kernel row (so their inputs are adjacent in memory). */
    static boolean adjacent(ConvShape s, int j) {
        return j + 1 < s.patch() && (j % s.kernel()) < s.kernel() - 1;
    }

    /** Quantises W (in the layout's format) and the input image, lays W out, and computes the integer reference. */
    public static McuConv of(Layout layout, SparseFormat w, ConvShape s, float[] input) {
        int m = s.outChannels(), k = s.patch();
        if (w.rows() != m || w.cols() != k)
            throw new IllegalArgumentException("conv " + s + ": W is " + w.rows() + "×" + w.cols() + ", expected " + m + "×" + k);
        if (input.length != s.inputSize())
            throw new IllegalArgumentException("conv " + s + ": input has " + input.length + " values, expected " + s.inputSize());
        short[] wq, sq = null;
        int[] off = null, ptr = null, soff = null, sptr = null;
        int kp = 0, expW;
        switch (layout) {
            case DENSE -> {
                if (!(w instanceof Dense d)) throw new IllegalArgumentException("conv layout DENSE needs a Dense W, got " + w.spec());
                kp = (k + 1) & ~1;
                expW = Q15.exponent(Q15.maxAbs(d.data()));
                wq = new short[m * kp];
                for (int r = 0; r < m; r++)
                    for (int c = 0; c < k; c++) wq[r * kp + c] = Q15.quantise(d.data()[r * k + c], expW);
            }
            case CSR -> {
                if (!(w instanceof Csr c)) throw new IllegalArgumentException("conv layout CSR needs a Csr W, got " + w.spec());
                expW = Q15.exponent(Q15.maxAbs(c.values()));
                wq = Q15.quantise(c.values(), expW);
                off = new int[c.colIndex().length];
                for (int i = 0; i < off.length; i++) off[i] = offset(s, c.colIndex()[i]);
                ptr = c.rowPtr().clone();
            }
            case GCSR2 -> {
                if (!(w instanceof GroupedCsr gc) || gc.g() != 2)
                    throw new IllegalArgumentException("conv layout GCSR2 needs a GroupedCsr with g = 2, got " + w.spec());
                expW = Q15.exponent(Q15.maxAbs(gc.values()));
                short[] all = Q15.quantise(gc.values(), expW);
                int[] gi = gc.groupIndex(), gp = gc.groupPtr();
                int pairs = 0, singles = 0;
                for (int p = 0; p < gi.length; p++) {
                    int j = 2 * gi[p];
                    if (adjacent(s, j)) pairs++;
                    else singles += j + 1 < k ? 2 : 1;
                }
                wq = new short[2 * pairs];
                off = new int[pairs];
                ptr = new int[m + 1];
                sq = new short[singles];
                soff = new int[singles];
                sptr = new int[m + 1];
                int a = 0, b = 0;
                for (int r = 0; r < m; r++) {
                    for (int p = gp[r]; p < gp[r + 1]; p++) {
                        int j = 2 * gi[p];
                        if (adjacent(s, j)) {
                            wq[2 * a] = all[2 * p];
                            wq[2 * a + 1] = all[2 * p + 1];
                            off[a++] = offset(s, j);
                        } else {
                            sq[b] = all[2 * p];
                            soff[b++] = offset(s, j);
                            if (j + 1 < k) {
                                sq[b] = all[2 * p + 1];
                                soff[b++] = offset(s, j + 1);
                            }
                        }
                    }
                    ptr[r + 1] = a;
                    sptr[r + 1] = b;
                }
            }
            default -> throw new AssertionError(layout);
        }
        int expX = Q15.exponent(Q15.maxAbs(input));
        for (;; expX--) {
            short[] xq = Q15.quantise(input, expX);
            long[] acc = accumulate(layout, s, kp, wq, off, ptr, sq, soff, sptr, xq);
            boolean fits = true;
            for (long v : acc) if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) { fits = false; break; }
            if (!fits && expX > Q15.MIN_EXP) continue;
            int[] ai = new int[acc.length];
            for (int i = 0; i < acc.length; i++) ai[i] = (int) acc[i];
            int shift = Q15.shiftFor(ai);
            int[] y = new int[ai.length];
            for (int i = 0; i < y.length; i++) y[i] = Q15.requantise(ai[i], shift);
            return new McuConv(layout, s, expW, expX, shift, kp, wq, off, ptr, sq, soff, sptr, xq, ai, y);
        }
    }

    /** The direct convolution in 64 bits, entry by entry as the kernel reads them (the caller checks the int32 range). */
    private static long[] accumulate(Layout layout, ConvShape s, int kp, short[] wq, int[] off, int[] ptr, short[] sq, int[] soff,
                                     int[] sptr, short[] xq) {
        int m = s.outChannels(), k = s.patch(), oh = s.outH(), ow = s.outW(), px = s.pixels();
        int[] dOff = null;
        if (layout == Layout.DENSE) {
            dOff = new int[k];
            for (int j = 0; j < k; j++) dOff[j] = offset(s, j);
        }
        long[] acc = new long[m * px];
        for (int r = 0; r < m; r++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    int base = oy * s.inW() + ox;
                    long a = 0;
                    switch (layout) {
                        case DENSE -> { for (int j = 0; j < k; j++) a += wq[r * kp + j] * xq[base + dOff[j]]; }
                        case CSR -> { for (int p = ptr[r]; p < ptr[r + 1]; p++) a += wq[p] * xq[base + off[p]]; }
                        case GCSR2 -> {
                            for (int p = ptr[r]; p < ptr[r + 1]; p++)
                                a += wq[2 * p] * xq[base + off[p]] + wq[2 * p + 1] * xq[base + off[p] + 1];
                            for (int p = sptr[r]; p < sptr[r + 1]; p++) a += sq[p] * xq[base + soff[p]];
                        }
                    }
                    acc[r * px + oy * ow + ox] = a;
                }
        return acc;
    }

    /** The q15 outputs by the kernel's integer arithmetic, C' × pixels row-major. */
    public int[] reference() { return y.clone(); }

    /** The outputs dequantised: {@code y · 2^−(e_W + e_X − shift)}. */
    public float[] dequantise(int[] outputs) {
        int e = expW + expX - shift;
        float[] f = new float[outputs.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) Math.scalb((double) outputs[i], -e);
        return f;
    }

    /** Multiply-accumulates one call executes: dense C' × KP × pixels (padding included); sparse stored entries × pixels. */
    public long executedMacs() {
        long perPixel = switch (layout) {
            case DENSE -> (long) shape.outChannels() * kp;
            case CSR -> wq.length;
            case GCSR2 -> wq.length + sq.length;
        };
        return perPixel * shape.pixels();
    }

    /** GCSR2: pairs run as one SMLAD each; singles (halves of split pairs) as one SMLABB each. */
    public int pairs() { return layout == Layout.GCSR2 ? off.length : 0; }

    public int singles() { return layout == Layout.GCSR2 ? sq.length : 0; }

    public ConvShape shape() { return shape; }
    public Layout layout() { return layout; }
    public int expW() { return expW; }
    public int expX() { return expX; }
    public int shift() { return shift; }

    /** Offsets are below C·H·W: 1 byte when that fits in 256, 2 in 65 536, else 4. */
    int offsetWidth() { return McuLayer.width(shape.inputSize()); }

    int pointerWidth() { return McuLayer.width((long) Math.max(off == null ? 0 : off.length, sq == null ? 0 : sq.length) + 1); }

    /** Bytes of W in flash: values, offsets and pointers (both lists for GCSR2). */
    long weightBytes() {
        long b = 2L * wq.length;
        if (off != null) b += (long) off.length * offsetWidth() + (long) ptr.length * pointerWidth();
        if (sq != null) b += 2L * sq.length + (long) soff.length * offsetWidth() + (long) sptr.length * pointerWidth();
        return b;
    }

    /** Bytes of the patch buffer (dense only): KP q15 values. */
    long patchBytes() { return layout == Layout.DENSE ? 2L * kp : 0; }

    /** Bytes in RAM: X, Y and the patch buffer. */
    long activationBytes() { return 2L * xq.length + 2L * shape.outChannels() * shape.pixels() + patchBytes(); }
}
