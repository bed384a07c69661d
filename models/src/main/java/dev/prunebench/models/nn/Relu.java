package dev.prunebench.models.nn;

/** {@code max(0, x)}; the gradient at 0 is taken as 0. */
public final class Relu implements Layer {
    private final String name;
    private final int size;
    private float[] y;
    private float[] dx;

    public Relu(String name, int size) {
        this.name = name;
        this.size = size;
    }

    @Override public String name() { return name; }
    @Override public int inSize() { return size; }
    @Override public int outSize() { return size; }
    @Override public String describe() { return "relu"; }

    @Override public float[] forward(float[] x, int batch, boolean training) {
        int n = batch * size;
        y = Layer.ensure(y, n);
        for (int i = 0; i < n; i++) y[i] = x[i] > 0f ? x[i] : 0f;
        return y;
    }

    @Override public float[] backward(float[] dy, int batch, boolean needInputGrad) {
        if (!needInputGrad) return null;
        int n = batch * size;
        dx = Layer.ensure(dx, n);
        for (int i = 0; i < n; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
        return dx;
    }
}
