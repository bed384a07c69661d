package dev.prunebench.core.prune;

/**
 * One weight matrix to prune, with the score that ranks its units.
 *
 * @param name    the layer's name, used in every error message and in per-layer profiles; non-blank, unique within
 *                one call
 * @param weights row-major rows × cols, all finite; held by reference and never modified. A conv layer is flattened
 *                to out × (in·kh·kw), columns in OIHW order (input channel, kernel row, kernel column)
 * @param rows    output neurons / channels, &gt; 0
 * @param cols    inputs per output, &gt; 0
 * @param score   the score; its gradient / curvature must be rows × cols, its activations batch × rows
 */
public record Layer(String name, float[] weights, int rows, int cols, Score score) {

    public Layer {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("layer: name must not be blank");
        if (rows <= 0) throw new IllegalArgumentException("layer " + name + ": rows must be > 0, got " + rows);
        if (cols <= 0) throw new IllegalArgumentException("layer " + name + ": cols must be > 0, got " + cols);
        if ((long) rows * cols > Integer.MAX_VALUE)
            throw new IllegalArgumentException("layer " + name + ": " + rows + "x" + cols + " exceeds " + Integer.MAX_VALUE + " weights");
        if (weights == null) throw new IllegalArgumentException("layer " + name + ": weights must not be null");
        if (weights.length != (long) rows * cols)
            throw new IllegalArgumentException("layer " + name + ": weights length " + weights.length + ", expected "
                    + rows + "x" + cols + " = " + (long) rows * cols);
        finite(name, "weights", weights, cols);
        if (score == null) throw new IllegalArgumentException("layer " + name + ": score must not be null");
        float[] d = score.data();
        switch (score.kind()) {
            case SNIP, OBD -> {
                String what = score.kind() == Score.Kind.SNIP ? "gradient" : "curvature";
                if (d.length != weights.length)
                    throw new IllegalArgumentException("layer " + name + ": " + what + " length " + d.length + ", expected "
                            + rows + "x" + cols + " = " + weights.length + " (same shape as the weights)");
                finite(name, what, d, cols);
                if (score.kind() == Score.Kind.OBD)
                    for (int i = 0; i < d.length; i++)
                        if (d[i] < 0f)
                            throw new IllegalArgumentException("layer " + name + ": curvature[" + i / cols + "][" + i % cols + "] = " + d[i]
                                    + " is negative (OBD needs a non-negative diagonal, e.g. squared gradients)");
            }
            case ACTIVATION -> {
                if (d.length != (long) score.batch() * rows)
                    throw new IllegalArgumentException("layer " + name + ": activations length " + d.length + ", expected batch "
                            + score.batch() + " x rows " + rows + " = " + (long) score.batch() * rows);
                finite(name, "activations", d, rows);
            }
            default -> { }
        }
    }

    /** A layer scored by magnitude (RMS over a unit). */
    public static Layer of(String name, float[] weights, int rows, int cols) {
        return new Layer(name, weights, rows, cols, Score.MAGNITUDE);
    }

    private static void finite(String layer, String field, float[] a, int cols) {
        for (int i = 0; i < a.length; i++)
            if (!Float.isFinite(a[i]))
                throw new IllegalArgumentException("layer " + layer + ": " + field + "[" + i / cols + "][" + i % cols + "] is not finite (" + a[i] + ")");
    }

    @Override public String toString() { return "Layer[" + name + ", " + rows + "x" + cols + ", " + score + "]"; }
}
