package dev.prunebench.models.nn;

import dev.prunebench.kernels.cpu.Blas;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/** Fully connected: {@code y = x · Wᵀ + b}, W is {@code out × in}. GEMMs on {@link Blas}. */
public final class Linear implements Layer {
    private final String name;
    private final int in;
    private final int out;
    private final Param w;
    private final Param b;
    private float[] x;
    private float[] y;
    private float[] dx;

    public Linear(String name, int in, int out) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException(name + ": sizes must be positive, got " + in + "→" + out);
        this.name = name;
        this.in = in;
        this.out = out;
        this.w = new Param(name + ".weight", out, in, true);
        this.b = new Param(name + ".bias", 1, out, false);
    }

    /** He-normal weights (std √(2/in)), zero biases. */
    public Linear init(RandomGenerator rng) {
        w.heNormal(rng, in);
        return this;
    }

    public Param weight() { return w; }
    public Param bias() { return b; }

    @Override public String name() { return name; }
    @Override public int inSize() { return in; }
    @Override public int outSize() { return out; }
    @Override public List<Param> params() { return List.of(w, b); }
    @Override public String describe() { return "fc " + in + "→" + out; }

    @Override public float[] forward(float[] xs, int batch, boolean training) {
        x = xs;
        y = Layer.ensure(y, batch * out);
        float[] bias = b.value;
        for (int r = 0; r < batch; r++) System.arraycopy(bias, 0, y, r * out, out);
        Blas.sgemm(false, true, batch, out, in, 1f, xs, in, w.value, in, 1f, y, out);
        return y;
    }

    @Override public float[] backward(float[] dy, int batch, boolean needInputGrad) {
        Blas.sgemm(true, false, out, in, batch, 1f, dy, out, x, in, 0f, w.grad, in);
        float[] db = b.grad;
        Arrays.fill(db, 0f);
        for (int r = 0; r < batch; r++) {
            int o = r * out;
            for (int j = 0; j < out; j++) db[j] += dy[o + j];
        }
        if (!needInputGrad) return null;
        dx = Layer.ensure(dx, batch * in);
        Blas.sgemm(false, false, batch, in, out, 1f, dy, out, w.value, in, 0f, dx, in);
        return dx;
    }
}
