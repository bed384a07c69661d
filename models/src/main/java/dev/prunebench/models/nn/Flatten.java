package dev.prunebench.models.nn;

/**
 * From {@code c × h × w} feature maps to a vector of {@code c·h·w} (channel-major). Activations are already stored
 * flat per sample, so this only changes the shape the next layer sees; it is kept as a layer so a network reads as
 * the paper draws it, and so node pruning knows that one input channel of it is {@code h·w} consecutive features.
 */
public final class Flatten implements Layer {
    private final String name;
    private final int c, h, w;

    public Flatten(String name, int c, int h, int w) {
        this.name = name;
        this.c = c;
        this.h = h;
        this.w = w;
    }

    public int channels() { return c; }
    /** Features per channel ({@code h·w}). */
    public int spatial() { return h * w; }

    @Override public String name() { return name; }
    @Override public int inSize() { return c * h * w; }
    @Override public int outSize() { return c * h * w; }
    @Override public String describe() { return "flatten " + c + "×" + h + "×" + w + "→" + (c * h * w); }
    @Override public float[] forward(float[] x, int batch, boolean training) { return x; }
    @Override public float[] backward(float[] dy, int batch, boolean needInputGrad) { return needInputGrad ? dy : null; }
}
