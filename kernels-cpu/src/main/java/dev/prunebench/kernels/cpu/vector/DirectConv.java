package dev.prunebench.kernels.cpu.vector;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.rows.RowPool;
import dev.prunebench.kernels.cpu.rows.RowSplit;

/**
 * {@code csr-direct-conv}: a direct sparse convolution (Park et al., "Faster CNNs with direct sparse convolutions",
 * 2017, done here with the Vector API): W is the {@code cout × (cin·k·k)} weight matrix in CSR over (c, ky, kx), the
 * input one CHW image; no im2col matrix is built.
 *
 * <p>Layout. The zero-padded image is split into stride² phases (phase (py, px) holds the padded pixels whose row is
 * py mod s and column px mod s), each {@code cin × Hq × Wq} with {@code Hq = ⌈Hp/s⌉}, {@code Wq = ⌈Wp/s⌉}. Output pixel
 * (y, x) of channel o is computed at index {@code y·Wq + x} of o's output row; the weight (c, ky, kx) then reads the
 * input at one fixed offset ({@link Geometry#offset}) plus that same index, so a whole stretch of output pixels is one
 * contiguous vector FMA per stored weight, for stride 1 and 2 alike. The {@code Wq − Wout} columns past each output
 * row are scratch (computed, never read): at ResNet-50's 7×7 layers with pad 1 that is 2 of 9 columns.
 *
 * <p>Loop order: output pixels in panels whose input rows fit {@link #PANEL_BYTES} (so the slice of the image a panel
 * reads stays in L2 while every output channel of the thread's share passes over it), channels inside; threads take
 * output channels, split by stored weights ({@link RowSplit#balanced}). The phase split is done once in
 * {@link #prepare} (as the SpMM kernels pad X there); the timed {@code run()} reads only the prepared arrays.
 */
public final class DirectConv {
    /** The id tables print. */
    public static final String ID = "csr-direct-conv";

    /** Bytes of phase-split input one output panel reads, at most (about a quarter of a 1 MiB L2). */
    public static final int PANEL_BYTES = 256 * 1024;

    private DirectConv() {}

    /**
     * One convolution layer: input {@code cin × h × w}, {@code cout} filters of {@code k × k}, stride and zero padding
     * on every side. Output {@code cout × outH × outW}, {@code outH = (h + 2·pad − k) / stride + 1}.
     */
    public record Geometry(int cin, int h, int w, int cout, int k, int stride, int pad) {
        public Geometry {
            if (cin < 1 || h < 1 || w < 1 || cout < 1 || k < 1 || stride < 1 || pad < 0)
                throw new IllegalArgumentException("conv geometry: cin, h, w, cout, k, stride must be >= 1 and pad >= 0, got " + describe(cin, h, w, cout, k,
                        stride, pad));
            if (h + 2L * pad < k || w + 2L * pad < k)
                throw new IllegalArgumentException("conv geometry: the padded input " + (h + 2L * pad) + "×" + (w + 2L * pad) + " is smaller than the "
                        + k + "×" + k + " kernel");
            long phased = (long) stride * stride * cin * ceil(h + 2L * pad, stride) * ceil(w + 2L * pad, stride);
            if (phased + 4096 > Integer.MAX_VALUE || (long) cin * h * w > Integer.MAX_VALUE || (long) cin * k * k > Integer.MAX_VALUE
                    || (long) cout * ceil(h + 2L * pad, stride) * ceil(w + 2L * pad, stride) + 4096 > Integer.MAX_VALUE)
                throw new IllegalArgumentException("conv geometry: " + describe(cin, h, w, cout, k, stride, pad) + " is too large for one array");
        }

        public int outH() { return (h + 2 * pad - k) / stride + 1; }

        public int outW() { return (w + 2 * pad - k) / stride + 1; }

        /** Columns of W: cin · k · k. */
        public int patch() { return cin * k * k; }

        /** Rows and columns of one phase of the padded input. */
        int hq() { return (int) ceil(h + 2L * pad, stride); }

        int wq() { return (int) ceil(w + 2L * pad, stride); }

        /** Offset into the phase-split input of the weight in column {@code col} = (c·k + ky)·k + kx. */
        int offset(int col) {
            int c = col / (k * k), ky = col / k % k, kx = col % k;
            int plane = hq() * wq();
            return ((ky % stride * stride + kx % stride) * cin + c) * plane + ky / stride * wq() + kx / stride;
        }

        @Override public String toString() { return describe(cin, h, w, cout, k, stride, pad); }

        private static String describe(int cin, int h, int w, int cout, int k, int stride, int pad) {
            return cin + "×" + h + "×" + w + " → " + cout + ", " + k + "×" + k + " stride " + stride + " pad " + pad;
        }

        private static long ceil(long a, int b) { return (a + b - 1) / b; }
    }

    /**
     * Binds W and one image for repeated runs; the prepared kernel's result is {@code cout × outH × outW} row-major,
     * exactly {@code W · im2col(input)}.
     *
     * @throws IllegalArgumentException naming the argument when W's size, the input's length or a value does not fit
     * @throws IllegalStateException    when the Vector API is not usable here (the probe's reason)
     */
    public static MatMul.Prepared prepare(Csr w, Geometry g, float[] input, int threads) {
        if (w == null || g == null || input == null) throw new IllegalArgumentException(ID + ": w, geometry and input must not be null");
        if (w.rows() != g.cout() || w.cols() != g.patch())
            throw new IllegalArgumentException(ID + ": W is " + w.rows() + "×" + w.cols() + " but the conv " + g + " needs " + g.cout() + "×" + g.patch()
                    + " (out channels × in channels·k·k)");
        long want = (long) g.cin() * g.h() * g.w();
        if (input.length != want)
            throw new IllegalArgumentException(ID + ": input has length " + input.length + " but the conv " + g + " needs " + want + " values (CHW)");
        for (int i = 0; i < input.length; i++)
            if (!Float.isFinite(input[i])) throw new IllegalArgumentException(ID + ": input[" + i + "] is " + input[i] + "; the input must be finite");
        if (threads < 1 || threads > MatMul.MAX_THREADS)
            throw new IllegalArgumentException(ID + ": threads must be in [1, " + MatMul.MAX_THREADS + "], got " + threads);
        VectorKernels.requireAvailable(ID);
        return new Bound(w, g, input, threads);
    }

    /** The image zero-padded and split into stride² phases, followed by {@code tail} zeros (the lanes a panel reads past the end). */
    static float[] phases(float[] in, Geometry g, int tail) {
        int s = g.stride(), hq = g.hq(), wq = g.wq(), plane = hq * wq;
        float[] xp = new float[s * s * g.cin() * plane + tail];
        for (int c = 0; c < g.cin(); c++)
            for (int y = 0; y < g.h(); y++) {
                int py = y + g.pad(), src = (c * g.h() + y) * g.w();
                for (int x = 0; x < g.w(); x++) {
                    int px = x + g.pad();
                    xp[((py % s * s + px % s) * g.cin() + c) * plane + py / s * wq + px / s] = in[src + x];
                }
            }
        return xp;
    }

    /** The prepared convolution: offsets, values, phase-split input, output rows of {@code ld} floats. */
    private static final class Bound implements MatMul.Prepared {
        private final Geometry g;
        private final int[] ptr, off, bounds;
        private final float[] val, xp, c;
        private final int ld, panel;
        private final RowPool pool;
        private boolean ran, closed;

        Bound(Csr w, Geometry g, float[] input, int threads) {
            this.g = g;
            this.ptr = w.rowPtr().clone();
            this.val = w.values().clone();
            this.off = new int[w.colIndex().length];
            for (int p = 0; p < off.length; p++) off[p] = g.offset(w.colIndex()[p]);
            int wq = g.wq();
            this.ld = Lanes.padded(g.outH() * wq);
            this.xp = phases(input, g, ld + wq);
            int inRows = Math.max(1, PANEL_BYTES / (4 * g.stride() * g.stride() * g.cin() * wq) - (g.k() - 1) / g.stride() - 1);
            this.panel = Math.min(ld, Math.max(4 * Lanes.L, inRows * wq / (4 * Lanes.L) * (4 * Lanes.L)));
            this.c = new float[Math.multiplyExact(g.cout(), ld)];
            this.bounds = RowSplit.balanced(ptr, threads);
            this.pool = threads > 1 ? new RowPool(threads, t -> channels(bounds[t], bounds[t + 1]), ID) : null;
        }

        private void channels(int from, int to) {
            for (int j0 = 0; j0 < ld; j0 += panel) {
                int j1 = Math.min(ld, j0 + panel);
                for (int o = from; o < to; o++) ConvRows.channel(val, off, ptr[o], ptr[o + 1], xp, j0, j1, c, o * ld + j0);
            }
        }

        @Override public void run() {
            if (closed) throw new IllegalStateException("run(): this prepared kernel is closed");
            if (pool == null) channels(0, g.cout());
            else pool.runAll();
            ran = true;
        }

        @Override public float[] result() {
            if (!ran) throw new IllegalStateException("result(): run() has not been called");
            int oh = g.outH(), ow = g.outW(), wq = g.wq();
            float[] out = new float[g.cout() * oh * ow];
            for (int o = 0; o < g.cout(); o++)
                for (int y = 0; y < oh; y++) System.arraycopy(c, o * ld + y * wq, out, (o * oh + y) * ow, ow);
            return out;
        }

        @Override public String variant() {
            return "panel " + panel + " px of " + ld + ", phase width " + g.wq();
        }

        @Override public void close() {
            if (pool != null) pool.close();
            closed = true;
        }
    }
}
