package dev.prunebench.models.nn;

import dev.prunebench.kernels.cpu.Blas;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * 2-D convolution, stride 1, no padding (as in Caffe's LeNet), by im2col and one GEMM per batch.
 *
 * <p>The batch's patches form {@code cols}, {@code K × (batch·P)} with {@code K = inC·k·k} rows (channel, kernel
 * row, kernel column) and {@code P = oh·ow} output pixels per image; then {@code Y = W · cols} is
 * {@code outC × (batch·P)} and each (channel, image) block of P values is copied into NCHW. This layout makes every
 * im2col write, col2im read and transpose a contiguous run (of {@code ow} or {@code P} floats), and one large GEMM
 * keeps MKL's two threads busy where a GEMM per image (20 × 576 × 25 for conv1) would be too small to split.
 * im2col, col2im and the copies run per image in parallel (disjoint output ranges, so deterministic).
 */
public final class Conv2d implements Layer {
    private final String name;
    private final int inC, inH, inW, outC, k, outH, outW;
    private final Param w;
    private final Param b;
    private float[] cols;
    private float[] ycnp;
    private float[] y;
    private float[] dyCnp;
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
        w.heNormal(rng, inC * k * k);
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
        int P = outH * outW, K = inC * k * k, in = inSize(), out = outSize(), BP = batch * P;
        cols = Layer.ensure(cols, K * BP);
        ycnp = Layer.ensure(ycnp, outC * BP);
        y = Layer.ensure(y, batch * out);
        final float[] cs = cols;
        // cols row (c, ky, kx), column (n, oy, ox) = x[n][c][oy + ky][ox + kx]: each write is a contiguous run of outW
        IntStream.range(0, batch).parallel().forEach(n -> Im2col.image(x, n * in, inH * inW, inC, inH, inW, k, 0, cs, n * P, BP));
        Blas.sgemm(false, false, outC, BP, K, 1f, w.value, K, cs, BP, 0f, ycnp, BP);
        final float[] yc = ycnp, ys = y, bias = b.value;
        IntStream.range(0, batch).parallel().forEach(n -> {
            for (int o = 0; o < outC; o++) {
                int src = o * BP + n * P, dst = n * out + o * P;
                float bo = bias[o];
                for (int p = 0; p < P; p++) ys[dst + p] = yc[src + p] + bo;
            }
        });
        return y;
    }

    @Override public float[] backward(float[] dy, int batch, boolean needInputGrad) {
        int P = outH * outW, K = inC * k * k, in = inSize(), out = outSize(), BP = batch * P;
        dyCnp = Layer.ensure(dyCnp, outC * BP);
        final float[] dc = dyCnp;
        IntStream.range(0, batch).parallel().forEach(n -> {
            for (int o = 0; o < outC; o++) System.arraycopy(dy, n * out + o * P, dc, o * BP + n * P, P);
        });
        Blas.sgemm(false, true, outC, K, BP, 1f, dc, BP, cols, BP, 0f, w.grad, K);
        float[] db = b.grad;
        for (int o = 0; o < outC; o++) {
            float s = 0f;
            for (int i = o * BP, e = i + BP; i < e; i++) s += dc[i];
            db[o] = s;
        }
        if (!needInputGrad) return null;
        dcols = Layer.ensure(dcols, K * BP);
        Blas.sgemm(true, false, K, BP, outC, 1f, w.value, K, dc, BP, 0f, dcols, BP);
        dx = Layer.ensure(dx, batch * in);
        final float[] dcs = dcols, dxs = dx;
        IntStream.range(0, batch).parallel().forEach(n -> {
            int xo = n * in;
            Arrays.fill(dxs, xo, xo + in, 0f);
            for (int c = 0; c < inC; c++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++) {
                        int row = ((c * k + ky) * k + kx) * BP + n * P;
                        for (int oy = 0; oy < outH; oy++) {
                            int d = xo + (c * inH + oy + ky) * inW + kx, sidx = row + oy * outW;
                            for (int ox = 0; ox < outW; ox++) dxs[d + ox] += dcs[sidx + ox];
                        }
                    }
        });
        return dx;
    }
}
