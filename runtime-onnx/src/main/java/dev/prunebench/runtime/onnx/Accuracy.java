package dev.prunebench.runtime.onnx;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * What pruning did to a model's outputs, measured in ONNX Runtime on the user's data: top-1 accuracy against labels
 * ({@code --eval}) of the pruned and the dense model, or, without labels, the pruned model's output error against the
 * dense one ({@code max |pruned − dense| / max |dense|} over every output value, the cross-check's scale-relative
 * error) on calibration inputs or on generated ones. The suite's accuracy claims stop here: it never trains.
 *
 * <p>Inputs are {@code N × …}: each sample's elements must match the model's first input without its batch dimension
 * (its declared shape, or the array's own where the model leaves dimensions symbolic). Samples run in batches of the
 * model's fixed batch size, else 64.
 */
public final class Accuracy {
    private Accuracy() {}

    public record Top1(int correct, int total) {
        public double rate() { return (double) correct / total; }
    }

    /** @param maxRel max |pruned − dense| / max |dense|; {@code differentTop1} samples whose arg-max changed */
    public record OutputError(double maxRel, double maxAbs, int samples, int differentTop1) {}

    /** The model's first output for every sample, row-major {@code N × outputs}. */
    public static float[] outputs(Path model, long[] declared, NpyArray x, int threads) {
        int n = x.rows();
        int per = n == 0 ? 0 : x.values().length / n;
        long[] sample = sampleShape(model, declared, x, per);
        int batch = declared.length > 0 && declared[0] > 0 ? (int) declared[0] : Math.min(64, Math.max(1, n));
        if (declared.length > 0 && declared[0] > 0 && n % batch != 0)
            throw new IllegalArgumentException(model + ": its batch size is fixed at " + batch + ": give a multiple of " + batch + " samples, not " + n);
        float[] out = null;
        int width = 0;
        try (OrtModel m = OrtModel.open(model, threads)) {
            for (int s = 0; s < n; s += batch) {
                int b = Math.min(batch, n - s);
                long[] shape = new long[sample.length + 1];
                shape[0] = b;
                System.arraycopy(sample, 0, shape, 1, sample.length);
                float[] y = m.run(Arrays.copyOfRange(x.values(), s * per, (s + b) * per), shape);
                if (out == null) {
                    width = y.length / b;
                    out = new float[Math.multiplyExact(n, width)];
                }
                if (y.length != b * width) throw new IllegalArgumentException(model + ": output of " + y.length + " values for " + b + " samples of " + width);
                System.arraycopy(y, 0, out, s * width, y.length);
            }
        }
        return out == null ? new float[0] : out;
    }

    private static long[] sampleShape(Path model, long[] declared, NpyArray x, int per) {
        long[] d = declared.length > 1 ? Arrays.copyOfRange(declared, 1, declared.length) : new long[0];
        boolean known = Arrays.stream(d).allMatch(v -> v > 0);
        long k = Arrays.stream(d).reduce(1, (a, b) -> a * b);
        if (known && k == per) return d;
        if (!known && x.shape().length == declared.length) return Arrays.copyOfRange(x.shape(), 1, x.shape().length);
        throw new IllegalArgumentException("inputs " + Arrays.toString(x.shape()) + ": " + per + " elements a sample, the model " + model.getFileName()
                + " takes " + Arrays.toString(declared) + " (first dimension: the batch)");
    }

    /** Top-1 of {@code model} on {@code x} against {@code labels} (N integers). */
    public static Top1 top1(Path model, long[] declared, NpyArray x, NpyArray labels, int threads) {
        if (labels.values().length != x.rows())
            throw new IllegalArgumentException("labels " + Arrays.toString(labels.shape()) + ": " + labels.values().length + " labels for " + x.rows() + " input samples");
        float[] y = outputs(model, declared, x, threads);
        int classes = y.length / Math.max(1, x.rows()), ok = 0;
        for (int i = 0; i < x.rows(); i++) {
            float l = labels.values()[i];
            if (l != Math.rint(l) || l < 0 || l >= classes)
                throw new IllegalArgumentException("labels: label " + i + " is " + l + ", not a class index in [0, " + classes + ")");
            if (CrossCheck.argmax(y, i, classes) == (int) l) ok++;
        }
        return new Top1(ok, x.rows());
    }

    /** The pruned model's outputs against the dense model's on {@code x}. */
    public static OutputError outputError(Path dense, Path pruned, long[] declared, NpyArray x, int threads) {
        float[] a = outputs(dense, declared, x, threads), b = outputs(pruned, declared, x, threads);
        if (a.length != b.length) throw new IllegalArgumentException(pruned + ": " + b.length + " outputs, the dense model " + a.length);
        double maxAbs = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs((double) a[i] - b[i]));
            scale = Math.max(scale, Math.abs(a[i]));
        }
        int classes = a.length / Math.max(1, x.rows()), diff = 0;
        for (int i = 0; i < x.rows(); i++) if (CrossCheck.argmax(a, i, classes) != CrossCheck.argmax(b, i, classes)) diff++;
        return new OutputError(scale == 0 ? maxAbs : maxAbs / scale, maxAbs, x.rows(), diff);
    }

    /** {@code samples} inputs uniform in [0, 1) for a model whose per-sample dims are all known ({@link CrossCheck#inputs}). */
    public static NpyArray generated(Path model, long[] declared, int samples, long seed) {
        long[] d = declared.length > 1 ? Arrays.copyOfRange(declared, 1, declared.length) : new long[0];
        if (Arrays.stream(d).anyMatch(v -> v <= 0))
            throw new IllegalArgumentException(model + ": input shape " + Arrays.toString(declared) + " has symbolic dimensions: give --calib INPUTS.npy");
        long[] shape = new long[d.length + 1];
        shape[0] = samples;
        System.arraycopy(d, 0, shape, 1, d.length);
        long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        return new NpyArray(shape, CrossCheck.inputs(Math.toIntExact(n), seed));
    }
}
