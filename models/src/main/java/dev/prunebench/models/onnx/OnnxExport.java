package dev.prunebench.models.onnx;

import dev.prunebench.models.nn.Conv2d;
import dev.prunebench.models.nn.Flatten;
import dev.prunebench.models.nn.Layer;
import dev.prunebench.models.nn.Linear;
import dev.prunebench.models.nn.MaxPool2d;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Relu;
import java.util.List;

/**
 * Writes one of the suite's networks as an ONNX model, as PyTorch's exporter would: fully connected layers as
 * {@code Gemm} with {@code transB = 1} (weights {@code out × in}), convolutions as {@code Conv} (OIHW), ReLU,
 * MaxPool (kernel = stride), Flatten. Input {@code input} of shape {@code N × features} (or {@code N × C × H × W}
 * when the first layer is a conv), output {@code logits}; the batch dimension is symbolic.
 */
public final class OnnxExport {
    private OnnxExport() {}

    /** How the export stores weights: as initializers in a storage, or as Constant nodes. */
    public record Options(OnnxBuilder.Storage storage, boolean constants, boolean matmul) {
        public static final Options DEFAULT = new Options(OnnxBuilder.Storage.RAW, false, false);
    }

    public static OnnxBuilder of(Network net, Options o) {
        OnnxBuilder b = new OnnxBuilder(net.id());
        Layer first = net.layers().get(0);
        if (first instanceof Conv2d c) b.input("input", -1, c.inChannels(), c.inH(), c.inW());
        else b.input("input", -1, first.inSize());
        String x = "input";
        List<Layer> ls = net.layers();
        for (int i = 0; i < ls.size(); i++) {
            Layer l = ls.get(i);
            String y = i == ls.size() - 1 ? "logits" : l.name() + "_out";
            switch (l) {
                case Linear fc -> {
                    String w = fc.name() + ".weight", bias = fc.name() + ".bias";
                    if (o.matmul()) {
                        // MatMul(x, W^T) + bias: the K x N operand of a MatMul
                        float[] wt = OnnxGraph.transpose(fc.weight().values(), fc.outSize(), fc.inSize());
                        weight(b, o, w, new long[] {fc.inSize(), fc.outSize()}, wt);
                        weight(b, o, bias, new long[] {fc.outSize()}, fc.bias().values());
                        b.node("MatMul", fc.name(), List.of(x, w), List.of(fc.name() + "_mm"));
                        b.node("Add", fc.name() + "_bias", List.of(fc.name() + "_mm", bias), List.of(y));
                    } else {
                        weight(b, o, w, new long[] {fc.outSize(), fc.inSize()}, fc.weight().values());
                        weight(b, o, bias, new long[] {fc.outSize()}, fc.bias().values());
                        b.node("Gemm", fc.name(), List.of(x, w, bias), List.of(y), OnnxBuilder.Attr.i("transB", 1));
                    }
                }
                case Conv2d c -> {
                    String w = c.name() + ".weight", bias = c.name() + ".bias";
                    weight(b, o, w, new long[] {c.outChannels(), c.inChannels(), c.kernel(), c.kernel()}, c.weight().values());
                    weight(b, o, bias, new long[] {c.outChannels()}, c.bias().values());
                    b.node("Conv", c.name(), List.of(x, w, bias), List.of(y), OnnxBuilder.Attr.ints("kernel_shape", c.kernel(), c.kernel()));
                }
                case MaxPool2d p -> b.node("MaxPool", p.name(), List.of(x), List.of(y), OnnxBuilder.Attr.ints("kernel_shape", p.size(), p.size()),
                        OnnxBuilder.Attr.ints("strides", p.size(), p.size()));
                case Flatten f -> b.node("Flatten", f.name(), List.of(x), List.of(y), OnnxBuilder.Attr.i("axis", 1));
                case Relu r -> b.node("Relu", r.name(), List.of(x), List.of(y));
                default -> throw new IllegalArgumentException("network " + net.id() + ": layer " + l.name() + " (" + l.describe() + ") has no ONNX export");
            }
            x = y;
        }
        b.output("logits", -1, net.classes());
        return b;
    }

    private static void weight(OnnxBuilder b, Options o, String name, long[] dims, float[] v) {
        if (o.constants()) b.constant(name, dims, v, o.storage());
        else b.initializer(name, dims, v, o.storage());
    }
}
