package dev.prunebench.core.kernel;

/**
 * The shape of one convolution layer as the project's networks have it: input {@code inChannels × inH × inW} (CHW,
 * one image), {@code outChannels} output channels, a square {@code kernel × kernel} window, stride 1, no padding, so
 * the output is {@code outChannels × outH × outW} with {@code outH = inH − kernel + 1}, {@code outW = inW − kernel + 1}.
 *
 * <p>The weight of such a layer is the {@code outChannels × (inChannels·kernel·kernel)} matrix whose row holds one
 * output channel's weights in the order (input channel, kernel row, kernel column) — OIHW flattened, the order of
 * {@code models}' {@code Conv2d}.
 *
 * @throws IllegalArgumentException naming the field when a size is not positive or the window is larger than the input
 */
public record ConvShape(int inChannels, int inH, int inW, int outChannels, int kernel) {
    public ConvShape {
        if (inChannels < 1) throw new IllegalArgumentException("conv shape: inChannels must be >= 1, got " + inChannels);
        if (outChannels < 1) throw new IllegalArgumentException("conv shape: outChannels must be >= 1, got " + outChannels);
        if (kernel < 1) throw new IllegalArgumentException("conv shape: kernel must be >= 1, got " + kernel);
        if (inH < kernel || inW < kernel)
            throw new IllegalArgumentException("conv shape: input " + inH + "×" + inW + " is smaller than the " + kernel + "×" + kernel + " kernel");
        if ((long) inChannels * inH * inW > Integer.MAX_VALUE || (long) inChannels * kernel * kernel * outChannels > Integer.MAX_VALUE)
            throw new IllegalArgumentException("conv shape: " + inChannels + "×" + inH + "×" + inW + " → " + outChannels + " is too large for one array");
    }

    public int outH() { return inH - kernel + 1; }

    public int outW() { return inW - kernel + 1; }

    /** Output pixels per channel: outH · outW (the N of the equivalent im2col product). */
    public int pixels() { return outH() * outW(); }

    /** Columns of the weight matrix: inChannels · kernel · kernel (the K of the equivalent im2col product). */
    public int patch() { return inChannels * kernel * kernel; }

    /** Input values: inChannels · inH · inW. */
    public int inputSize() { return inChannels * inH * inW; }

    @Override public String toString() {
        return inChannels + "×" + inH + "×" + inW + " → " + outChannels + "×" + outH() + "×" + outW() + ", " + kernel + "×" + kernel;
    }
}
