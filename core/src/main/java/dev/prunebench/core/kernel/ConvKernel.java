package dev.prunebench.core.kernel;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;

/**
 * An optional capability of a {@link MatMul} kernel: it also computes a convolution layer directly from the layer's
 * input image, instead of the caller building the im2col patch matrix and calling {@link MatMul#prepare} on it.
 * A network runner that meets a convolution asks its chosen kernel whether it is a {@code ConvKernel} and whether it
 * takes the layer ({@link #refusesConv}); if so it hands over the image, else it runs im2col + {@link MatMul} as for
 * every other kernel.
 *
 * <p>The contract is the im2col product's: W is the {@code outChannels × patch} weight matrix of {@link ConvShape}
 * (rows = output channels, columns (input channel, kernel row, kernel column)), the input one image CHW, and the
 * prepared kernel's {@link MatMul.Prepared#result()} is {@code outChannels × pixels} row-major (channel, output row,
 * output column) — exactly {@code W · im2col(input)} with N = pixels. A counted or fixed-point prepared kernel is
 * {@link MatMul.Counted} / {@link MatMul.FixedPoint} as for a product, its raw outputs in the same order.
 */
public interface ConvKernel {

    /** Why this kernel does not compute the convolution {@code shape} with W in {@code spec} directly, or null when it does. */
    String refusesConv(FormatSpec spec, ConvShape shape);

    /**
     * Binds W and one input image (copying what it needs) for repeated runs.
     *
     * @param w       the {@code outChannels × patch} weight matrix, in a format {@link #refusesConv} accepts
     * @param shape   the layer's shape
     * @param input   the image, {@code inChannels × inH × inW} CHW, finite
     * @param threads worker threads
     * @throws IllegalArgumentException naming the argument when W's size, the input's length, the format or the shape
     *                                  does not fit
     */
    MatMul.Prepared prepareConv(SparseFormat w, ConvShape shape, float[] input, int threads);

    /** The argument checks every {@link #prepareConv} shares; {@code id} names the kernel in the message. */
    static void checkConvArguments(String id, ConvKernel k, SparseFormat w, ConvShape shape, float[] input) {
        if (w == null) throw new IllegalArgumentException(id + ": w must not be null");
        if (shape == null) throw new IllegalArgumentException(id + ": shape must not be null");
        if (w.rows() != shape.outChannels() || w.cols() != shape.patch())
            throw new IllegalArgumentException(id + ": W is " + w.rows() + "×" + w.cols() + " but the conv " + shape + " needs "
                    + shape.outChannels() + "×" + shape.patch() + " (out channels × in channels·k·k)");
        String why = k.refusesConv(w.spec(), shape);
        if (why != null) throw new IllegalArgumentException(id + ": " + why);
        if (input == null) throw new IllegalArgumentException(id + ": input must not be null");
        if (input.length != shape.inputSize())
            throw new IllegalArgumentException(id + ": input has length " + input.length + " but the conv " + shape + " needs "
                    + shape.inChannels() + "×" + shape.inH() + "×" + shape.inW() + " = " + shape.inputSize() + " values");
        for (int i = 0; i < input.length; i++)
            if (!Float.isFinite(input[i]))
                throw new IllegalArgumentException(id + ": input[" + i + "] is " + input[i] + "; the input must be finite");
    }
}
