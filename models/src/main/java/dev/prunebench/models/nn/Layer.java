package dev.prunebench.models.nn;

import java.util.List;

/**
 * One layer on a batch of samples stored one after the other ({@code batch × inSize()} floats; images channel-major,
 * i.e. NCHW). {@link #forward} keeps what {@link #backward} needs; {@code backward} must follow the {@code forward}
 * of the same batch. Output arrays belong to the layer and are reused by its next call.
 */
public interface Layer {
    String name();

    /** Values per sample going in. */
    int inSize();

    /** Values per sample coming out. */
    int outSize();

    float[] forward(float[] x, int batch, boolean training);

    /**
     * Gradient with respect to the input, given the gradient with respect to the output; writes (not accumulates) the
     * gradients of {@link #params()}. With {@code needInputGrad == false} it may skip the input gradient and return null.
     */
    float[] backward(float[] dy, int batch, boolean needInputGrad);

    default List<Param> params() { return List.of(); }

    /** Short description, e.g. {@code fc 784→300}. */
    String describe();

    static float[] ensure(float[] buf, int n) { return buf != null && buf.length == n ? buf : new float[n]; }
}
