package dev.prunebench.kernels.mcu.quant;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.ConvShape;
import java.util.Arrays;

/**
 * One convolution layer (input C × H × W CHW, C' output channels, k × k, stride 1, no padding; {@link ConvShape})
 * quantised to q15 and laid out the way its generated Cortex-M4 kernel ({@code mcu.gen.ConvGenerator}) reads it. W is the
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
 *   <li>{@link Layout#GCSR2}: the {@link GroupedCsr} (g = 2) kept pairs, columns (2j, 2j+1), each one SMLAD on one
 *       aligned 32-bit load of its two inputs. The kernel first builds, once per call in RAM, a <em>pair image</em> of
 *       the input: {@code P[i] = (x[i], x[i+1])} for i &lt; N = C·H·W (one unaligned LDR and a STR per value), and —
 *       when the layer has pairs that cross a kernel row — {@code S[i] = (x[i], x[i+d])}, d = W − k + 1, the distance
 *       from a kernel row's last column to the next row's first. A pair within one kernel row ({@code kx < k−1}) reads
 *       word {@code o} of P, a pair crossing a kernel row reads word {@code N + o} of P‖S (o: the input offset of its
 *       first column). A pair crossing a channel boundary (at most one per channel in a row) and the last half-pair of an
 *       odd-length row are split: each real half is an entry {@code (w, 0)} at its own offset in P. So every entry is
 *       one word offset, one weight pair, one LDR and one SMLAD, with per pixel the base {@code PS + oy·W + ox}
 *       (words). X gets two zero values past its end (P's last word reads one).</li>
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

    public final Layout layout;
    public final ConvShape shape;
    public final int expW, expX, shift;
    /** Dense row length (K rounded up to even); 0 for sparse. */
    public final int kp;
    /** Dense: C' × kp; CSR: stored values; GCSR2: pair entries, two values each. */
    public final short[] wq;
    /** Input offsets (CSR: per stored value; GCSR2: of each entry's first value) and row pointers (entries); null for dense. */
    public final int[] off, ptr;
    /** Values per entry: 1 (CSR), 2 (GCSR2). */
    public final int g;
    /** GCSR2: whether any entry reads S (the row-crossing pair image), and S's distance d = W − k + 1. */
    public final boolean rowPairs;
    public final int d;
    /** Weights multiplied per output pixel, padding and split pairs' zero partners excluded (dense: C' × K). */
    final long keptPerPixel;
    /** The input image, quantised, CHW (GCSR2: two zeros past the end). */
    public final short[] xq;
    /** Accumulators and requantised outputs, C' × pixels. */
    final int[] acc, y;

    private McuConv(Layout layout, ConvShape shape, int expW, int expX, int shift, int kp, short[] wq, int[] off, int[] ptr,
                    long keptPerPixel, short[] xq, int[] acc, int[] y) {
        this.layout = layout; this.shape = shape; this.expW = expW; this.expX = expX; this.shift = shift; this.kp = kp;
        this.wq = wq; this.off = off; this.ptr = ptr; this.g = layout == Layout.GCSR2 ? 2 : 1; this.keptPerPixel = keptPerPixel;
        this.d = shape.inW() - shape.kernel() + 1;
        boolean rp = false;
        if (layout == Layout.GCSR2) for (int o : off) rp |= o >= shape.inputSize();
        this.rowPairs = rp;
        this.xq = xq; this.acc = acc; this.y = y;
    }

    /** Input offset (q15 elements from the pixel's base) of weight column {@code j} = (c, ky, kx). */
    public static int offset(ConvShape s, int j) {
        int kk = s.kernel() * s.kernel(), c = j / kk, r = j % kk, ky = r / s.kernel(), kx = r % s.kernel();
        return c * s.inH() * s.inW() + ky * s.inW() + kx;
    }

    /** Whether columns j and j+1 are neighbours in one kernel row (so their inputs are adjacent in memory). */
    public static boolean adjacent(ConvShape s, int j) {
        return j + 1 < s.patch() && (j % s.kernel()) < s.kernel() - 1;
    }

    /** Whether column j is the last of a kernel row and j+1 the first of the next row of the same channel. */
    public static boolean crossesRow(ConvShape s, int j) {
        int kk = s.kernel() * s.kernel();
        return j + 1 < s.patch() && j % s.kernel() == s.kernel() - 1 && j % kk != kk - 1;
    }

    /** Quantises W (in the layout's format) and the input image, lays W out, and computes the integer reference. */
    public static McuConv of(Layout layout, SparseFormat w, ConvShape s, float[] input) {
        int m = s.outChannels(), k = s.patch();
        if (w.rows() != m || w.cols() != k)
            throw new IllegalArgumentException("conv " + s + ": W is " + w.rows() + "×" + w.cols() + ", expected " + m + "×" + k);
        if (input.length != s.inputSize())
            throw new IllegalArgumentException("conv " + s + ": input has " + input.length + " values, expected " + s.inputSize());
        short[] wq;
        int[] off = null, ptr = null;
        int kp = 0, expW;
        long kept;
        switch (layout) {
            case DENSE -> {
                if (!(w instanceof Dense d)) throw new IllegalArgumentException("conv layout DENSE needs a Dense W, got " + w.spec());
                kp = (k + 1) & ~1;
                expW = Q15.exponent(Q15.maxAbs(d.data()));
                wq = new short[m * kp];
                for (int r = 0; r < m; r++)
                    for (int c = 0; c < k; c++) wq[r * kp + c] = Q15.quantise(d.data()[r * k + c], expW);
                kept = (long) m * k;
            }
            case CSR -> {
                if (!(w instanceof Csr c)) throw new IllegalArgumentException("conv layout CSR needs a Csr W, got " + w.spec());
                expW = Q15.exponent(Q15.maxAbs(c.values()));
                wq = Q15.quantise(c.values(), expW);
                off = new int[c.colIndex().length];
                for (int i = 0; i < off.length; i++) off[i] = offset(s, c.colIndex()[i]);
                ptr = c.rowPtr().clone();
                kept = wq.length;
            }
            case GCSR2 -> {
                if (!(w instanceof GroupedCsr gc) || gc.g() != 2)
                    throw new IllegalArgumentException("conv layout GCSR2 needs a GroupedCsr with g = 2, got " + w.spec());
                expW = Q15.exponent(Q15.maxAbs(gc.values()));
                GroupedLayout l = gcsr2(gc, s, Q15.quantise(gc.values(), expW));
                wq = l.wq();
                off = l.off();
                ptr = l.ptr();
                kept = l.kept();
            }
            default -> throw new AssertionError(layout);
        }
        int expX = Q15.exponent(Q15.maxAbs(input));
        for (;; expX--) {
            short[] xq = Q15.quantise(input, expX);
            if (layout == Layout.GCSR2) xq = Arrays.copyOf(xq, xq.length + 2);
            long[] acc = accumulate(layout, s, kp, wq, off, ptr, xq);
            boolean fits = true;
            for (long v : acc) if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) { fits = false; break; }
            if (!fits && expX > Q15.MIN_EXP) continue;
            int[] ai = new int[acc.length];
            for (int i = 0; i < acc.length; i++) ai[i] = (int) acc[i];
            int shift = Q15.shiftFor(ai);
            int[] y = new int[ai.length];
            for (int i = 0; i < y.length; i++) y[i] = Q15.requantise(ai[i], shift);
            return new McuConv(layout, s, expW, expX, shift, kp, wq, off, ptr, kept, xq, ai, y);
        }
    }

    /** A grouped (g = 2) W laid out for the kernel: its entries' q15 pairs, input offsets, row pointers, and the weights it keeps. */
    private record GroupedLayout(short[] wq, int[] off, int[] ptr, long kept) {}

    /**
     * Lays out a grouped CSR W with g = 2 ({@code all}: its values quantised): a pair of adjacent pixels is one entry, a
     * pair across a kernel row reads the pair image (offset + inputSize), any other pair splits into two entries (w, 0).
     */
    private static GroupedLayout gcsr2(GroupedCsr gc, ConvShape s, short[] all) {
        int m = s.outChannels(), k = s.patch();
        int[] gi = gc.groupIndex(), gp = gc.groupPtr();
        int entries = 0;
        long kept = 0;
        for (int p = 0; p < gi.length; p++) {
            int j = 2 * gi[p];
            entries += adjacent(s, j) || crossesRow(s, j) || j + 1 >= k ? 1 : 2;
            kept += j + 1 < k ? 2 : 1;
        }
        short[] wq = new short[2 * entries];
        int[] off = new int[entries], ptr = new int[m + 1];
        int a = 0;
        for (int r = 0; r < m; r++) {
            for (int p = gp[r]; p < gp[r + 1]; p++) {
                int j = 2 * gi[p];
                wq[2 * a] = all[2 * p];
                off[a] = offset(s, j);
                if (adjacent(s, j)) {
                    wq[2 * a + 1] = all[2 * p + 1];
                } else if (crossesRow(s, j)) { // word o of S = (x[o], x[o + d])
                    wq[2 * a + 1] = all[2 * p + 1];
                    off[a] += s.inputSize();
                } else if (j + 1 < k) { // split: the second half is an entry of its own, (w, 0)
                    a++;
                    wq[2 * a] = all[2 * p + 1];
                    off[a] = offset(s, j + 1);
                }
                a++;
            }
            ptr[r + 1] = a;
        }
        return new GroupedLayout(wq, off, ptr, kept);
    }

    /** The direct convolution in 64 bits, entry by entry as the kernel reads them (the caller checks the int32 range). */
    private static long[] accumulate(Layout layout, ConvShape s, int kp, short[] wq, int[] off, int[] ptr, short[] xq) {
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
                            int n = s.inputSize(), dist = s.inW() - s.kernel() + 1;
                            for (int p = ptr[r]; p < ptr[r + 1]; p++) {
                                int o = off[p] < n ? off[p] : off[p] - n, second = off[p] < n ? 1 : dist;
                                a += wq[2 * p] * xq[base + o] + wq[2 * p + 1] * xq[base + o + second];
                            }
                        }
                    }
                    acc[r * px + oy * ow + ox] = a;
                }
        return acc;
    }

    /** The q15 outputs by the kernel's integer arithmetic, C' × pixels row-major. */
    public int[] reference() { return y.clone(); }

    /** The outputs dequantised: {@code y · 2^−(e_W + e_X − shift)}. */
    public float[] dequantise(int[] outputs) { return McuLayer.dequantise(outputs, expW + expX - shift); }

    /**
     * Multiply-accumulates one call executes, counted per weight: dense C' × KP × pixels (padding included, as the FC
     * dense kernel); sparse the kept weights × pixels (for gcsr:2 the split pairs' zero partners excluded).
     */
    public long executedMacs() {
        return (layout == Layout.DENSE ? (long) shape.outChannels() * kp : keptPerPixel) * shape.pixels();
    }

    /** Entries per output pixel (CSR: non-zeros; GCSR2: pair entries, one SMLAD each). */
    public int entries() { return off == null ? 0 : off.length; }

    public ConvShape shape() { return shape; }
    public Layout layout() { return layout; }
    public int expW() { return expW; }
    public int expX() { return expX; }
    public int shift() { return shift; }

    /** Offsets are below C·H·W (gcsr:2: 2·C·H·W, P‖S): 1 byte when that fits in 256, 2 in 65 536, else 4. */
    public int offsetWidth() { return McuLayer.width((long) shape.inputSize() * (layout == Layout.GCSR2 ? 2 : 1)); }

    /** GCSR2: words of the pair image P (and S when used). */
    public int pairImageWords() { return layout != Layout.GCSR2 ? 0 : shape.inputSize() * (rowPairs ? 2 : 1); }

    public int pointerWidth() { return McuLayer.width((long) entries() + 1); }

    /** Bytes of W in flash: values, offsets and pointers. */
    public long weightBytes() {
        long b = 2L * wq.length;
        if (off != null) b += (long) off.length * offsetWidth() + (long) ptr.length * pointerWidth();
        return b;
    }

    /** Bytes of the patch buffer (dense only): KP q15 values. */
    long patchBytes() { return layout == Layout.DENSE ? 2L * kp : 0; }

    /** Bytes in RAM: X, Y, the patch buffer (dense) and the pair image (gcsr:2). */
    public long activationBytes() { return 2L * xq.length + 2L * shape.outChannels() * shape.pixels() + patchBytes() + 4L * pairImageWords(); }
}
