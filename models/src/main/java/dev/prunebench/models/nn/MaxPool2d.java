package dev.prunebench.models.nn;

import java.util.Arrays;
import java.util.stream.IntStream;

/** Non-overlapping max pooling ({@code size × size}, stride {@code size}); ties go to the first maximum. */
public final class MaxPool2d implements Layer {
    private final String name;
    private final int c, h, w, size, oh, ow;
    private int[] argmax;
    private float[] y;
    private float[] dx;

    public MaxPool2d(String name, int c, int h, int w, int size) {
        if (size <= 0 || h % size != 0 || w % size != 0)
            throw new IllegalArgumentException(name + ": " + h + "×" + w + " is not divisible by pool size " + size);
        this.name = name;
        this.c = c;
        this.h = h;
        this.w = w;
        this.size = size;
        this.oh = h / size;
        this.ow = w / size;
    }

    public int channels() { return c; }
    public int outH() { return oh; }
    public int outW() { return ow; }
    public int inH() { return h; }
    public int inW() { return w; }
    /** Window side (and stride). */
    public int size() { return size; }

    @Override public String name() { return name; }
    @Override public int inSize() { return c * h * w; }
    @Override public int outSize() { return c * oh * ow; }
    @Override public String describe() { return "maxpool " + size + "×" + size + " (" + h + "×" + w + "→" + oh + "×" + ow + ")"; }

    @Override public float[] forward(float[] x, int batch, boolean training) {
        int in = inSize(), out = outSize();
        y = Layer.ensure(y, batch * out);
        if (argmax == null || argmax.length != batch * out) argmax = new int[batch * out];
        final float[] ys = y;
        final int[] am = argmax;
        IntStream.range(0, batch).parallel().forEach(n -> {
            for (int ch = 0; ch < c; ch++)
                for (int py = 0; py < oh; py++)
                    for (int px = 0; px < ow; px++) {
                        int base = n * in + (ch * h + py * size) * w + px * size;
                        int best = base;
                        float bv = x[base];
                        for (int dy = 0; dy < size; dy++)
                            for (int dxx = 0; dxx < size; dxx++) {
                                int i = base + dy * w + dxx;
                                if (x[i] > bv) {
                                    bv = x[i];
                                    best = i;
                                }
                            }
                        int o = n * out + (ch * oh + py) * ow + px;
                        ys[o] = bv;
                        am[o] = best;
                    }
        });
        return y;
    }

    @Override public float[] backward(float[] dy, int batch, boolean needInputGrad) {
        if (!needInputGrad) return null;
        int in = inSize(), out = outSize();
        dx = Layer.ensure(dx, batch * in);
        Arrays.fill(dx, 0f);
        // windows do not overlap, so each input receives at most one gradient: a plain store is enough
        for (int o = 0; o < batch * out; o++) dx[argmax[o]] = dy[o];
        return dx;
    }
}
