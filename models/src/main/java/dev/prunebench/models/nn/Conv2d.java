package dev.prunebench.models.nn;

import dev.prunebench.kernels.cpu.Blas;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * 2-D convolution, stride 1, no padding (as in Caffe's LeNet), by im2col and one GEMM per batch.
 *
 * <p>The batch's patches form {@code cols}, {@code (batch·P) × K} with {@code P = oh·ow} output pixels and
 * {@code K = inC·k·k}; then {@code Y_nhwc = cols · Wᵀ} and a transpose to NCHW. One large GEMM keeps MKL's two
 * threads busy where a GEMM per image (P × K × outC = 576 × 25 × 20 for conv1) would be too small to split.
 * im2col, col2im and the transposes run per image in parallel (disjoint output ranges, so deterministic).
 */
public final class Conv2d implements Layer {
    private final String name;
    private final int inC, inH, inW, outC, k, outH, outW;
    private final Param w;
    private final Param b;
    private float[] cols;
    private float[] ynhwc;
    private float[] y;
    private float[] dyNhwc;
    private float[] dcols;
    private float[] dx;

    public Conv2d(String name, int inC, int inH, int inW, int outC, int k) {
        if (inC <= 0 || outC <= 0 || k <= 0 || inH < k || inW < k)
            throw new IllegalArgumentException(name + ": bad shape in " + inC + "×" + inH + "×" + inW + ", out " + outC + ", kernel " + k);
        this.name = name;
        this.inC = inC;
        this.inH = inH;
        this.inW = inW;
        this.outC = outC;
        this.k = k;
        this.outH = inH - k + 1;
        this.outW = inW - k + 1;
        this.w = new Param(name + ".weight", outC, inC * k * k, true);
        this.b = new Param(name + ".bias", 1, outC, false);
    }

    /** He-normal weights (std √(2/(inC·k·k))), zero biases. */
    public Conv2d init(RandomGenerator rng) {
        double std = Math.sqrt(2.0 / (inC * k * k));
        float[] v = w.values();
        for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * std);
        w.enforceMask();
        return this;
    }

    public Param weight() { return w; }
    public Param bias() { return b; }
    public int inChannels() { return inC; }
    public int outChannels() { return outC; }
    public int kernel() { return k; }
    public int outH() { return outH; }
    public int outW() { return outW; }
    public int inH() { return inH; }
    public int inW() { return inW; }

    @Override public String name() { return name; }
    @Override public int inSize() { return inC * inH * inW; }
    @Override public int outSize() { return outC * outH * outW; }
    @Override public List<Param> params() { return List.of(w, b); }
    @Override public String describe() { return "conv " + inC + "→" + outC + " " + k + "×" + k + " (" + inH + "×" + inW + "→" + outH + "×" + outW + ")"; }

    @Override public float[] forward(float[] x, int batch, boolean training) {
        int P = outH * outW, K = inC * k * k, in = inSize(), out = outSize();
        cols = Layer.ensure(cols, batch * P * K);
        ynhwc = Layer.ensure(ynhwc, batch * P * outC);
        y = Layer.ensure(y, batch * out);
        final float[] cs = cols;
        IntStream.range(0, batch).parallel().forEach(n -> {
            int xo = n * in;
            int row = n * P * K;
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++) {
                    int r = row + (oy * outW + ox) * K;
                    for (int c = 0; c < inC; c++)
                        for (int ky = 0; ky < k; ky++) {
                            System.arraycopy(x, xo + (c * inH + oy + ky) * inW + ox, cs, r, k);
                            r += k;
                        }
                }
        });
        Blas.sgemm(false, true, batch * P, outC, K, 1f, cs, K, w.value, K, 0f, ynhwc, outC);
        final float[] yn = ynhwc, ys = y, bias = b.value;
        IntStream.range(0, batch).parallel().forEach(n -> {
            for (int p = 0; p < P; p++) {
                int src = (n * P + p) * outC;
                for (int o = 0; o < outC; o++) ys[n * out + o * P + p] = yn[src + o] + bias[o];
            }
        });
        return y;
    }

    @Override public float[] backward(float[] dy, int batch, boolean needInputGrad) {
        int P = outH * outW, K = inC * k * k, in = inSize(), out = outSize();
        dyNhwc = Layer.ensure(dyNhwc, batch * P * outC);
        final float[] dn = dyNhwc;
        IntStream.range(0, batch).parallel().forEach(n -> {
            for (int o = 0; o < outC; o++) {
                int src = n * out + o * P;
                for (int p = 0; p < P; p++) dn[(n * P + p) * outC + o] = dy[src + p];
            }
        });
        Blas.sgemm(true, false, outC, K, batch * P, 1f, dn, outC, cols, K, 0f, w.grad, K);
        float[] db = b.grad;
        java.util.Arrays.fill(db, 0f);
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outC; o++) {
                int src = n * out + o * P;
                float s = 0f;
                for (int p = 0; p < P; p++) s += dy[src + p];
                db[o] += s;
            }
        if (!needInputGrad) return null;
        dcols = Layer.ensure(dcols, batch * P * K);
        Blas.sgemm(false, false, batch * P, K, outC, 1f, dn, outC, w.value, K, 0f, dcols, K);
        dx = Layer.ensure(dx, batch * in);
        final float[] dc = dcols, dxs = dx;
        IntStream.range(0, batch).parallel().forEach(n -> {
            int xo = n * in;
            java.util.Arrays.fill(dxs, xo, xo + in, 0f);
            int row = n * P * K;
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++) {
                    int r = row + (oy * outW + ox) * K;
                    for (int c = 0; c < inC; c++)
                        for (int ky = 0; ky < k; ky++) {
                            int d = xo + (c * inH + oy + ky) * inW + ox;
                            for (int kx = 0; kx < k; kx++) dxs[d + kx] += dc[r + kx];
                            r += k;
                        }
                }
        });
        return dx;
    }
}
