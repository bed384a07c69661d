package dev.prunebench.models.data;

import java.util.Arrays;

/**
 * Labelled images held as floats, one sample after the other.
 *
 * <p>Invariants: {@code x.length == n * features}, {@code y.length == n}, every label in {@code [0, classes)}.
 * Pixels are scaled to [0, 1] (MNIST bytes / 255); no mean subtraction, so a saved model needs no statistics beside it.
 *
 * @param x        n × features values, row-major
 * @param y        n labels
 * @param channels image channels (1 for MNIST)
 * @param height   image rows
 * @param width    image columns
 * @param classes  number of label values
 */
public record Dataset(float[] x, int[] y, int channels, int height, int width, int classes) {

    public Dataset {
        if (channels <= 0 || height <= 0 || width <= 0) throw new IllegalArgumentException("dataset: shape must be positive, got " + channels + "×" + height + "×" + width);
        if (classes < 2) throw new IllegalArgumentException("dataset: classes must be >= 2, got " + classes);
        int f = channels * height * width;
        if (x.length != (long) y.length * f)
            throw new IllegalArgumentException("dataset: x has " + x.length + " values, expected labels (" + y.length + ") × features (" + f + ")");
        for (int i = 0; i < y.length; i++)
            if (y[i] < 0 || y[i] >= classes) throw new IllegalArgumentException("dataset: label[" + i + "] = " + y[i] + " outside [0, " + classes + ")");
    }

    public int size() { return y.length; }

    public int features() { return channels * height * width; }

    /** Samples {@code [from, to)} as a new data set (copies). */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > size() || from > to) throw new IllegalArgumentException("slice: [" + from + ", " + to + ") outside [0, " + size() + "]");
        int f = features();
        return new Dataset(Arrays.copyOfRange(x, from * f, to * f), Arrays.copyOfRange(y, from, to), channels, height, width, classes);
    }

    /** The first {@code n} samples (all when n ≥ size). */
    public Dataset head(int n) { return n >= size() ? this : slice(0, n); }

    /** Builds a data set from IDX image and label arrays, scaling bytes to [0, 1]. */
    public static Dataset fromIdx(String what, Idx.Array images, Idx.Array labels, int classes) {
        if (images.dims().length != 3) throw new IllegalArgumentException(what + ": images must have 3 dimensions, got " + images.dims().length);
        if (labels.dims().length != 1) throw new IllegalArgumentException(what + ": labels must have 1 dimension, got " + labels.dims().length);
        if (images.count() != labels.count())
            throw new IllegalArgumentException(what + ": " + images.count() + " images but " + labels.count() + " labels");
        byte[] px = images.data();
        float[] x = new float[px.length];
        for (int i = 0; i < px.length; i++) x[i] = (px[i] & 0xff) / 255f;
        byte[] lb = labels.data();
        int[] y = new int[lb.length];
        for (int i = 0; i < lb.length; i++) {
            y[i] = lb[i] & 0xff;
            if (y[i] >= classes) throw new IllegalArgumentException(what + ": label[" + i + "] = " + y[i] + " outside [0, " + classes + ")");
        }
        return new Dataset(x, y, 1, images.dims()[1], images.dims()[2], classes);
    }
}
