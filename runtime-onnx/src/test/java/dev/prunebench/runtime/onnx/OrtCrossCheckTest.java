package dev.prunebench.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.prune.Score;
import dev.prunebench.core.prune.Structure;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.models.infer.KernelNetwork;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.onnx.OnnxBuilder;
import dev.prunebench.models.onnx.OnnxExport;
import dev.prunebench.models.onnx.OnnxGraph;
import dev.prunebench.models.onnx.OnnxModel;
import dev.prunebench.models.onnx.OnnxPruning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader and the suite's execution checked against ONNX Runtime's execution of the same files. */
class OrtCrossCheckTest {
    static final KernelRegistry CPU = CpuBackends.registry();
    @TempDir Path dir;

    static float[] random(int n, long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return v;
    }

    CrossCheck.Result dense(Path f) throws Exception {
        OnnxGraph g = OnnxGraph.analyze(OnnxModel.read(f), null);
        return CrossCheck.compare(f, g, 4, 7, 1, net -> KernelNetwork.dense(net, CPU, "dense-vector", 4, 1, null));
    }

    @Test void mlpAndLenet5AgreeWithOnnxRuntimeInEveryStorage() throws Exception {
        for (String id : List.of("lenet300", "lenet5"))
            for (OnnxExport.Options o : List.of(OnnxExport.Options.DEFAULT, new OnnxExport.Options(OnnxBuilder.Storage.RAW, true, false),
                    new OnnxExport.Options(OnnxBuilder.Storage.EXTERNAL, false, false), new OnnxExport.Options(OnnxBuilder.Storage.FLOAT_DATA, false, true))) {
                Network net = Networks.build(id, 3);
                Path sub = Files.createDirectories(dir.resolve(id + o.storage() + o.constants() + o.matmul()));
                CrossCheck.Result r = dense(OnnxExport.of(net, o).write(sub.resolve(id + ".onnx")));
                assertThat(r.maxRelError()).as("%s %s", id, o).isLessThanOrEqualTo(CrossCheck.TOLERANCE);
                assertThat(r.top1Agreement()).isEqualTo(1.0);
            }
    }

    @Test void prunedModelRunsSparseInTheSuiteAndAgrees() throws Exception {
        Network net = Networks.build("lenet5", 9);
        Path f = OnnxExport.of(net, OnnxExport.Options.DEFAULT).write(dir.resolve("l5.onnx"));
        OnnxGraph g = OnnxGraph.analyze(OnnxModel.read(f), null);
        Path out = dir.resolve("l5-pruned.onnx");
        OnnxPruning.write(g, OnnxPruning.prune(g, Structure.UNSTRUCTURED, Score.MAGNITUDE, 0.8, null, Set.of()), out);
        OnnxGraph p = OnnxGraph.analyze(OnnxModel.read(out), null);
        CrossCheck.Result r = CrossCheck.compare(out, p, 4, 11, 1,
                n -> KernelNetwork.uniform(n, CPU, "cpu-vector", layer -> FormatSpec.CSR, 4, 1, null));
        assertThat(r.plan()).contains("csr");
        assertThat(r.maxRelError()).isLessThanOrEqualTo(CrossCheck.TOLERANCE);
    }

    /** A LeNet-like graph as exporters write it: Conv + BatchNorm + Relu, MaxPool, Reshape, Gemm, Softmax. */
    @Test void batchNormFoldingAndSoftmaxAgree() throws Exception {
        OnnxBuilder b = new OnnxBuilder("bnnet");
        b.input("x", -1, 2, 12, 12);
        b.initializer("w1", new long[] {6, 2, 3, 3}, random(6 * 18, 1, 0.5));
        b.initializer("b1", new long[] {6}, random(6, 2, 0.1));
        b.node("Conv", "conv1", List.of("x", "w1", "b1"), List.of("c1"), OnnxBuilder.Attr.ints("kernel_shape", 3, 3));
        b.initializer("g", new long[] {6}, new float[] {1, 2, 0.5f, 1.5f, 1, 0.75f});
        b.initializer("be", new long[] {6}, random(6, 3, 0.2));
        b.initializer("mu", new long[] {6}, random(6, 4, 0.3));
        b.initializer("va", new long[] {6}, new float[] {1, 0.5f, 2, 1, 0.25f, 1});
        b.node("BatchNormalization", "bn1", List.of("c1", "g", "be", "mu", "va"), List.of("n1"), OnnxBuilder.Attr.f("epsilon", 1e-5f));
        b.node("Relu", "relu1", List.of("n1"), List.of("r1"));
        b.node("MaxPool", "pool1", List.of("r1"), List.of("p1"), OnnxBuilder.Attr.ints("kernel_shape", 2, 2), OnnxBuilder.Attr.ints("strides", 2, 2));
        b.int64Initializer("shape", new long[] {2}, new long[] {-1, 6 * 5 * 5});
        b.node("Reshape", "flat", List.of("p1", "shape"), List.of("f"));
        b.initializer("w2", new long[] {150, 10}, random(1500, 5, 0.2));
        b.node("MatMul", "fc", List.of("f", "w2"), List.of("m"));
        b.initializer("b2", new long[] {10}, random(10, 6, 0.1));
        b.node("Add", "fc_bias", List.of("m", "b2"), List.of("logits"));
        b.node("Softmax", "softmax", List.of("logits"), List.of("y"), OnnxBuilder.Attr.i("axis", 1));
        b.output("y", -1, 10);
        Path f = b.write(dir.resolve("bn.onnx"));
        CrossCheck.Result r = dense(f);
        assertThat(r.maxRelError()).isLessThanOrEqualTo(CrossCheck.TOLERANCE);
    }

    @Test void perNodeProfileNamesTheWeightLayers() throws Exception {
        Network net = Networks.build("lenet300", 1);
        Path f = OnnxExport.of(net, OnnxExport.Options.DEFAULT).write(dir.resolve("mlp.onnx"));
        try (OrtModel m = OrtModel.profiled(f, 1, dir.resolve("prof"))) {
            float[] x = CrossCheck.inputs(784, 1);
            m.time(x, new long[] {1, 784}, 2, 5);
            List<OrtModel.NodeTime> t = m.endProfile();
            assertThat(t).extracting(OrtModel.NodeTime::graphNode).contains("fc1", "fc2", "fc3");
            assertThat(t).allSatisfy(n -> assertThat(n.meanNs()).isPositive());
        }
        assertThat(OrtModel.version()).isNotBlank();
    }

    @Test void aModelOnnxRuntimeCannotLoadIsOneLine() throws Exception {
        Path f = dir.resolve("bad.onnx");
        Files.write(f, new byte[] {8, 8, 0x3a, 0});
        assertThatThrownBy(() -> OrtModel.open(f, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad.onnx")
                .hasMessageContaining("ONNX Runtime cannot load it");
    }
}
