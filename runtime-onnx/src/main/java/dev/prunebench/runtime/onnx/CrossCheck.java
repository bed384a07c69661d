package dev.prunebench.runtime.onnx;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.models.infer.KernelNetwork;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.onnx.OnnxGraph;
import dev.prunebench.models.onnx.OnnxNetwork;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The suite's execution of an ONNX model ({@link KernelNetwork}, any backend, any formats) against ONNX Runtime's on
 * the same inputs. The error is relative to the output's scale: {@code max |suite − ort| / max |ort|} over every
 * output value of the batch (an element-wise ratio would blow up on outputs near zero).
 */
public final class CrossCheck {
    private CrossCheck() {}

    /** Agreement the suite promises on supported graphs (MLPs, LeNet-like CNNs). */
    public static final double TOLERANCE = 1e-4;

    /**
     * @param maxRelError     max |suite − ort| / max |ort|
     * @param maxAbsError     max |suite − ort|
     * @param top1Agreement   fraction of samples with the same arg-max
     * @param plan            the suite's plan, described
     */
    public record Result(double maxRelError, double maxAbsError, double top1Agreement, int batch, int outputs, String plan) {
        public boolean ok() { return maxRelError <= TOLERANCE; }
    }

    /** Inputs drawn uniformly from [0, 1) (pixel-like), {@code batch × features}. */
    public static float[] inputs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        return x;
    }

    /**
     * Runs {@code file} (analysed as {@code g}) in ONNX Runtime and through the suite with {@code plan}
     * (a network → a bound {@link KernelNetwork}) on the same seeded inputs, and compares.
     */
    public static Result compare(Path file, OnnxGraph g, int batch, long seed, int threads, Function<Network, KernelNetwork> plan) {
        OnnxNetwork.Converted c = OnnxNetwork.convert(g);
        Network net = c.network();
        long[] shape = c.inputShape().clone();
        shape[0] = batch;
        float[] x = inputs(Math.multiplyExact(batch, net.inSize()), seed);
        float[] ort;
        try (OrtModel m = OrtModel.open(file, threads)) {
            ort = m.run(x, shape);
        }
        float[] suite;
        String described;
        try (KernelNetwork k = plan.apply(net)) {
            suite = k.forward(x);
            described = k.describe();
        }
        int classes = net.classes();
        if (c.softmax()) suite = OnnxNetwork.softmax(suite, batch, classes);
        if (suite.length != ort.length)
            throw new IllegalArgumentException(file + ": the suite gives " + suite.length + " outputs, ONNX Runtime " + ort.length);
        double maxAbs = 0, scale = 0;
        int agree = 0;
        for (int i = 0; i < ort.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs((double) suite[i] - ort[i]));
            scale = Math.max(scale, Math.abs(ort[i]));
        }
        for (int b = 0; b < batch; b++) if (argmax(suite, b, classes) == argmax(ort, b, classes)) agree++;
        return new Result(scale == 0 ? maxAbs : maxAbs / scale, maxAbs, (double) agree / batch, batch, ort.length, described);
    }

    /** The dense plan of the suite's CPU registry ({@code dense-vector}), for {@link #compare}. */
    public static Function<Network, KernelNetwork> densePlan(KernelRegistry reg, int batch, int threads, long seed) {
        return net -> KernelNetwork.dense(net, reg, "dense-vector", batch, threads, null);
    }

    static int argmax(float[] a, int row, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) if (a[row * n + j] > a[row * n + best]) best = j;
        return best;
    }
}
