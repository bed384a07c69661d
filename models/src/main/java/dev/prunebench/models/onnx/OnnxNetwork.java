package dev.prunebench.models.onnx;

import dev.prunebench.models.nn.Conv2d;
import dev.prunebench.models.nn.Flatten;
import dev.prunebench.models.nn.Layer;
import dev.prunebench.models.nn.Linear;
import dev.prunebench.models.nn.MaxPool2d;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Relu;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX graph as one of the suite's {@link Network}s, where the suite can run it end to end (through
 * {@code KernelNetwork} on any backend): a chain of Gemm / MatMul (+ Add of a constant bias), Conv (square kernel,
 * stride 1, no padding, no dilation, one group; a following BatchNormalization folded in), Relu, MaxPool (kernel =
 * stride, no padding), Flatten / Reshape to 2-D, Identity, Dropout, and a Softmax at the end (applied to the logits
 * by the caller: {@link Converted#softmax}). Anything else is refused with every op it could not place named.
 */
public final class OnnxNetwork {
    private OnnxNetwork() {}

    /** The network, and whether the graph ends in a Softmax the network leaves out. */
    public record Converted(Network network, boolean softmax, long[] inputShape) {}

    public static Converted convert(OnnxGraph g) {
        OnnxModel m = g.model();
        String file = m.file().toString();
        if (m.inputs().size() != 1 || m.outputs().size() != 1)
            throw new IllegalArgumentException(file + ": end-to-end runs need one input and one output, the graph has "
                    + m.inputs().size() + " and " + m.outputs().size());
        String in = m.inputs().get(0).name();
        long[] inShape = g.shapes().get(in);
        if (inShape == null) throw new IllegalArgumentException(file + ": input '" + in + "' has no known shape (give --input-shape)");
        Map<String, WeightLayer> byNode = new java.util.HashMap<>();
        for (WeightLayer l : g.layers()) byNode.put(l.node().name(), l);
        Set<String> unsupported = new LinkedHashSet<>();
        List<Layer> layers = new ArrayList<>();
        String x = in;
        long[] shape = inShape;
        boolean softmax = false;
        Linear pendingBias = null;
        float[] pendingBiasValues = null;
        for (OnnxNode n : m.nodes()) {
            if (n.opType().equals("Constant")) continue;
            String name = n.name().replaceAll("[^A-Za-z0-9_.-]", "_");
            if (!n.input(0).equals(x) || softmax) {
                if (n.opType().equals("BatchNormalization") && isFolded(g, n)) continue;
                unsupported.add(n.opType() + " '" + n.name() + "' (not on a single chain from the input)");
                continue;
            }
            long[] outShape = g.shapes().get(n.outputs().get(0));
            WeightLayer wl = byNode.get(n.name());
            switch (n.opType()) {
                case "Gemm", "MatMul" -> {
                    if (wl == null) { unsupported.add(n.opType() + " '" + n.name() + "'"); break; }
                    if (n.opType().equals("Gemm") && (n.intAttr("transA", 0) != 0 || n.floatAttr("alpha", 1f) != 1f || n.floatAttr("beta", 1f) != 1f)) {
                        unsupported.add("Gemm '" + n.name() + "' with transA/alpha/beta");
                        break;
                    }
                    if (wl.tensor() != m.tensor(n.input(1)) || shape.length != 2) { unsupported.add(n.opType() + " '" + n.name() + "' (weight not B, or input not 2-D)"); break; }
                    Linear fc = new Linear(name, wl.cols(), wl.rows());
                    fc.weight().set(wl.matrix());
                    if (n.opType().equals("Gemm") && !n.input(2).isEmpty()) {
                        OnnxTensor c = m.tensor(n.input(2));
                        if (c == null || c.elements() != wl.rows()) { unsupported.add("Gemm '" + n.name() + "' bias not a constant of " + wl.rows()); break; }
                        fc.bias().set(c.requireFloats(file));
                    } else {
                        pendingBias = fc;
                    }
                    layers.add(fc);
                }
                case "Add" -> {
                    OnnxTensor c = m.tensor(n.input(1));
                    if (pendingBias != null && c != null && c.elements() == pendingBias.outSize()) {
                        pendingBias.bias().set(c.requireFloats(file));
                        pendingBias = null;
                    } else unsupported.add("Add '" + n.name() + "' (only a constant bias after MatMul)");
                }
                case "Conv" -> {
                    WeightLayer.Conv c = wl == null ? null : wl.conv();
                    if (c == null || c.groups() != 1 || c.kh() != c.kw() || c.strideH() != 1 || c.strideW() != 1 || c.dilationH() != 1 || c.dilationW() != 1
                            || c.padTop() + c.padLeft() + c.padBottom() + c.padRight() != 0 || shape.length != 4) {
                        unsupported.add("Conv '" + n.name() + "' (the suite's conv is square, stride 1, unpadded, one group)");
                        break;
                    }
                    Conv2d conv = new Conv2d(name, c.inChannels(), (int) shape[2], (int) shape[3], c.outChannels(), c.kh());
                    conv.weight().set(wl.matrix());
                    float[] bias = new float[c.outChannels()];
                    if (!n.input(2).isEmpty()) {
                        OnnxTensor bt = m.tensor(n.input(2));
                        if (bt == null) { unsupported.add("Conv '" + n.name() + "' (bias not constant)"); break; }
                        bias = bt.requireFloats(file).clone();
                    }
                    if (wl.foldedBatchNorm() != null) {
                        OnnxNode bn = null;
                        for (OnnxNode q : m.nodes()) if (q.name().equals(wl.foldedBatchNorm())) bn = q;
                        float eps = bn.floatAttr("epsilon", 1e-5f);
                        float[] gm = m.tensor(bn.input(1)).requireFloats(file), beta = m.tensor(bn.input(2)).requireFloats(file),
                                mean = m.tensor(bn.input(3)).requireFloats(file), var = m.tensor(bn.input(4)).requireFloats(file);
                        for (int o = 0; o < bias.length; o++) {
                            float scale = (float) (gm[o] / Math.sqrt(var[o] + eps));
                            bias[o] = (bias[o] - mean[o]) * scale + beta[o];
                        }
                        outShape = g.shapes().get(bn.outputs().get(0));
                        x = bn.outputs().get(0);
                        conv.bias().set(bias);
                        layers.add(conv);
                        shape = outShape;
                        continue;
                    }
                    conv.bias().set(bias);
                    layers.add(conv);
                }
                case "Relu" -> layers.add(new Relu(name, (int) product(shape)));
                case "MaxPool" -> {
                    long[] k = n.intsAttr("kernel_shape", null), s = n.intsAttr("strides", new long[] {1, 1}), p = n.intsAttr("pads", new long[4]);
                    boolean ok = shape.length == 4 && k != null && k.length == 2 && k[0] == k[1] && s[0] == k[0] && s[1] == k[1]
                            && p[0] + p[1] + p[2] + p[3] == 0 && shape[2] % k[0] == 0 && shape[3] % k[0] == 0;
                    if (!ok) { unsupported.add("MaxPool '" + n.name() + "' (the suite's pool has kernel = stride, no padding)"); break; }
                    layers.add(new MaxPool2d(name, (int) shape[1], (int) shape[2], (int) shape[3], (int) k[0]));
                }
                case "Flatten", "Reshape" -> {
                    if (outShape == null || outShape.length != 2 || outShape[0] != shape[0]) { unsupported.add(n.opType() + " '" + n.name() + "' (not to batch x features)"); break; }
                    if (shape.length == 4) layers.add(new Flatten(name, (int) shape[1], (int) shape[2], (int) shape[3]));
                }
                case "Identity", "Dropout" -> { }
                case "Softmax" -> softmax = true;
                default -> unsupported.add(n.opType() + " '" + n.name() + "'");
            }
            if (outShape == null) { unsupported.add("shape after " + n.opType() + " '" + n.name() + "' unknown"); break; }
            x = n.outputs().get(0);
            shape = outShape;
        }
        if (!unsupported.isEmpty())
            throw new IllegalArgumentException(file + ": the suite cannot run this graph end to end: " + String.join(", ", unsupported));
        if (layers.isEmpty()) throw new IllegalArgumentException(file + ": no layers the suite runs");
        String id = m.file().getFileName().toString().replaceAll("\\.onnx$", "");
        return new Converted(new Network(id, new int[0], layers), softmax, inShape);
    }

    private static boolean isFolded(OnnxGraph g, OnnxNode bn) {
        for (WeightLayer l : g.layers()) if (bn.name().equals(l.foldedBatchNorm())) return true;
        return false;
    }

    private static long product(long[] d) {
        long p = 1;
        for (long v : d) p *= v;
        return p;
    }

    /** Row-wise softmax of {@code batch × classes} logits (for a graph that ends in Softmax). */
    public static float[] softmax(float[] logits, int batch, int classes) {
        float[] out = new float[logits.length];
        for (int b = 0; b < batch; b++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < classes; j++) max = Math.max(max, logits[b * classes + j]);
            for (int j = 0; j < classes; j++) sum += Math.exp(logits[b * classes + j] - max);
            for (int j = 0; j < classes; j++) out[b * classes + j] = (float) (Math.exp(logits[b * classes + j] - max) / sum);
        }
        return out;
    }
}
