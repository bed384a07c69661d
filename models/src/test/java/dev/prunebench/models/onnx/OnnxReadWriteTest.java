package dev.prunebench.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.prune.Score;
import dev.prunebench.core.prune.Structure;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxReadWriteTest {
    @TempDir Path dir;

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return v;
    }

    Path export(Network net, OnnxExport.Options o, String name) throws Exception {
        return OnnxExport.of(net, o).write(dir.resolve(name));
    }

    @Test void mlpWithGemmTransBReadsTheSuitesWeights() throws Exception {
        Network net = Networks.build("lenet300", 7);
        OnnxGraph g = OnnxGraph.analyze(OnnxModel.read(export(net, OnnxExport.Options.DEFAULT, "mlp.onnx")), null);
        assertThat(g.layers()).extracting(WeightLayer::name).containsExactly("fc1", "fc2", "fc3");
        WeightLayer fc1 = g.layers().get(0);
        assertThat(fc1.rows()).isEqualTo(300);
        assertThat(fc1.cols()).isEqualTo(784);
        assertThat(fc1.transposed()).isFalse();
        assertThat(fc1.matrix()).containsExactly(net.param("fc1.weight").values());
        assertThat(fc1.macs()).isEqualTo(300L * 784);
        assertThat(fc1.parameters()).isEqualTo(300L * 784 + 300);
        assertThat(g.restOps()).containsEntry("Relu", 2);
    }

    @Test void matMulWeightIsTransposedAndAddBiasIsFound() throws Exception {
        Network net = Networks.build("lenet300", 7);
        OnnxGraph g = OnnxGraph.analyze(OnnxModel.read(export(net, new OnnxExport.Options(OnnxBuilder.Storage.RAW, false, true), "mm.onnx")), null);
        WeightLayer fc2 = g.layer("fc2");
        assertThat(fc2.transposed()).isTrue();
        assertThat(fc2.rows()).isEqualTo(100);
        assertThat(fc2.matrix()).containsExactly(net.param("fc2.weight").values());
        OnnxNetwork.Converted c = OnnxNetwork.convert(g);
        float[] x = random(2 * 784, 3);
        assertThat(c.network().forward(x, 2, false)).containsExactly(net.forward(x, 2, false));
    }

    @Test void constantNodesFloat16Bfloat16FloatDataAndExternalDataAllRead() throws Exception {
        Network net = Networks.build("lenet300", 11);
        for (OnnxBuilder.Storage s : OnnxBuilder.Storage.values())
            for (boolean constants : new boolean[] {false, true}) {
                if (s == OnnxBuilder.Storage.EXTERNAL && constants) continue;
                Path sub = Files.createDirectories(dir.resolve(s + "-" + constants));
                Path f = OnnxExport.of(net, new OnnxExport.Options(s, constants, false)).write(sub.resolve("m.onnx"));
                OnnxGraph g = OnnxGraph.analyze(OnnxModel.read(f), null);
                float[] want = net.param("fc1.weight").values();
                float[] got = g.layer("fc1").matrix();
                assertThat(got).hasSameSizeAs(want);
                for (int i = 0; i < want.length; i++) {
                    float w = switch (s) {
                        case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16(want[i]));
                        case BFLOAT16 -> Float.intBitsToFloat(OnnxWriter.bf16(want[i]) << 16);
                        default -> want[i];
                    };
                    assertThat(got[i]).as("%s constants=%s [%d]", s, constants, i).isEqualTo(w);
                }
                if (s == OnnxBuilder.Storage.EXTERNAL) assertThat(g.layer("fc1").tensor().origin()).contains("external data 'weights.bin'");
                if (constants) assertThat(g.layer("fc1").tensor().origin()).contains("Constant node");
            }
    }

    /** A conv with groups, padding and stride, a depthwise conv, BatchNorm after the first: geometry, MACs, folding. */
    static OnnxBuilder convGraph() {
        OnnxBuilder b = new OnnxBuilder("convs");
        b.input("x", 1, 4, 10, 10);
        float[] w1 = random(8 * 2 * 3 * 3, 1);
        b.initializer("w1", new long[] {8, 2, 3, 3}, w1);
        b.node("Conv", "conv_g2", List.of("x", "w1"), List.of("c1"), OnnxBuilder.Attr.i("group", 2), OnnxBuilder.Attr.ints("pads", 1, 1, 1, 1),
                OnnxBuilder.Attr.ints("strides", 2, 2), OnnxBuilder.Attr.ints("kernel_shape", 3, 3));
        b.initializer("gamma", new long[] {8}, new float[] {1, 2, 3, 4, 0.5f, 0.25f, 1, 1});
        b.initializer("beta", new long[] {8}, new float[8]);
        b.initializer("mean", new long[] {8}, random(8, 2));
        b.initializer("var", new long[] {8}, new float[] {1, 1, 1, 1, 4, 4, 0.25f, 1});
        b.node("BatchNormalization", "bn1", List.of("c1", "gamma", "beta", "mean", "var"), List.of("b1"), OnnxBuilder.Attr.f("epsilon", 0f));
        b.node("Relu", "relu1", List.of("b1"), List.of("r1"));
        b.initializer("w2", new long[] {8, 1, 3, 3}, random(8 * 9, 4));
        b.node("Conv", "dw", List.of("r1", "w2"), List.of("c2"), OnnxBuilder.Attr.i("group", 8), OnnxBuilder.Attr.ints("pads", 1, 1, 1, 1));
        b.node("GlobalAveragePool", "gap", List.of("c2"), List.of("p"));
        b.node("Flatten", "flat", List.of("p"), List.of("f"));
        b.initializer("w3", new long[] {5, 8}, random(40, 5));
        b.node("Gemm", "head", List.of("f", "w3"), List.of("y"), OnnxBuilder.Attr.i("transB", 1));
        b.output("y", 1, 5);
        return b;
    }

    @Test void convWithGroupsPaddingStrideAndBatchNormFolding() throws Exception {
        OnnxGraph g = OnnxGraph.analyze(OnnxModel.read(convGraph().write(dir.resolve("conv.onnx"))), null);
        assertThat(g.layers()).extracting(WeightLayer::name).containsExactly("conv_g2", "dw", "head");
        WeightLayer c = g.layer("conv_g2");
        assertThat(c.rows()).isEqualTo(8);
        assertThat(c.cols()).isEqualTo(2 * 9);
        assertThat(c.conv().outH()).isEqualTo(5);
        assertThat(c.macs()).isEqualTo(8L * 5 * 5 * 18);
        assertThat(c.foldedBatchNorm()).isEqualTo("bn1");
        float[] w = c.tensor().floats();
        // channel 1: gamma 2, var 1 → scale 2; channel 4: gamma 0.5, var 4 → 0.25
        assertThat(c.matrix()[18 + 3]).isEqualTo(2 * w[18 + 3]);
        assertThat(c.matrix()[4 * 18 + 7]).isEqualTo(0.25f * w[4 * 18 + 7]);
        WeightLayer dw = g.layer("dw");
        assertThat(dw.conv().depthwise()).isTrue();
        assertThat(dw.cols()).isEqualTo(9);
        assertThat(dw.macs()).isEqualTo(8L * 5 * 5 * 9);
        assertThat(g.layer("head").macs()).isEqualTo(40);
        assertThat(g.restOps()).containsOnlyKeys("Relu", "GlobalAveragePool", "Flatten");
    }

    @Test void inputShapeOverrideChangesMacs() throws Exception {
        Path f = convGraph().write(dir.resolve("conv.onnx"));
        OnnxGraph g = OnnxGraph.analyze(OnnxModel.read(f), new long[] {2, 4, 20, 20});
        assertThat(g.layer("conv_g2").macs()).isEqualTo(2L * 8 * 10 * 10 * 18);
    }

    @Test void rewritingWithTheSameValuesGivesTheSameBytes() throws Exception {
        Network net = Networks.build("lenet5", 3);
        for (OnnxBuilder.Storage s : List.of(OnnxBuilder.Storage.RAW, OnnxBuilder.Storage.FLOAT16)) {
            Path f = export(net, new OnnxExport.Options(s, false, false), "l5-" + s + ".onnx");
            OnnxModel m = OnnxModel.read(f);
            Map<String, float[]> same = new java.util.LinkedHashMap<>();
            for (WeightLayer l : OnnxGraph.analyze(m, null).layers()) same.put(l.tensor().name(), l.tensor().floats());
            assertThat(OnnxWriter.rewrite(m, same)).as("%s", s).isEqualTo(Files.readAllBytes(f));
        }
    }

    @Test void pruneRoundTripGivesExactRatesAndLeavesTheRestUnchanged() throws Exception {
        Network net = Networks.build("lenet5", 5);
        Path f = export(net, new OnnxExport.Options(OnnxBuilder.Storage.RAW, true, false), "lenet5.onnx");
        OnnxGraph g = OnnxGraph.analyze(OnnxModel.read(f), null);
        for (Structure s : List.of(Structure.UNSTRUCTURED, Structure.group(4), Structure.nm(2, 4), Structure.NODE)) {
            List<OnnxPruning.Pruned> p = OnnxPruning.prune(g, s, Score.MAGNITUDE, 0.5, null, Set.of("fc2"));
            Path out = dir.resolve("pruned-" + s.id().replace(':', '_') + ".onnx");
            OnnxPruning.write(g, p, out);
            OnnxGraph h = OnnxGraph.analyze(OnnxModel.read(out), null);
            for (OnnxPruning.Pruned q : p) {
                WeightLayer l = h.layer(q.layer().name());
                long zeros = l.zerosInFile();
                if (q.result() == null) assertThat(zeros).isEqualTo(q.layer().zerosInFile());
                else assertThat(zeros).as("%s %s", s.id(), l.name()).isEqualTo(q.result().mask().removed());
            }
            // biases, the graph's nodes and its inputs are untouched
            assertThat(h.model().tensor("conv1.bias").floats()).containsExactly(g.model().tensor("conv1.bias").floats());
            assertThat(h.model().nodes()).hasSameSizeAs(g.model().nodes());
            assertThat(h.model().nodes().get(3).name()).isEqualTo(g.model().nodes().get(3).name());
        }
    }

    @Test void prunedFloat16AndExternalAndSparseWeightsRoundTrip() throws Exception {
        float[] w = random(6 * 5, 9);
        for (int i = 0; i < w.length; i += 3) w[i] = 0f;
        OnnxBuilder b = new OnnxBuilder("mixed");
        b.input("x", 1, 5);
        b.sparseInitializer("ws", new long[] {6, 5}, w);
        b.node("Gemm", "a", List.of("x", "ws"), List.of("h"), OnnxBuilder.Attr.i("transB", 1));
        b.initializer("wh", new long[] {6, 4}, random(24, 1), OnnxBuilder.Storage.FLOAT16);
        b.node("MatMul", "b", List.of("h", "wh"), List.of("g"));
        b.initializer("we", new long[] {3, 4}, random(12, 2), OnnxBuilder.Storage.EXTERNAL);
        b.node("Gemm", "c", List.of("g", "we"), List.of("y"), OnnxBuilder.Attr.i("transB", 1));
        b.output("y", 1, 3);
        Path f = b.write(dir.resolve("mixed.onnx"));
        OnnxGraph g = OnnxGraph.analyze(OnnxModel.read(f), null);
        assertThat(g.layer("a").matrix()).containsExactly(w);
        assertThat(g.layer("a").tensor().origin()).isEqualTo("sparse_initializer");
        List<OnnxPruning.Pruned> p = OnnxPruning.prune(g, Structure.UNSTRUCTURED, Score.MAGNITUDE, 0.75, null, Set.of());
        Path out = Files.createDirectories(dir.resolve("o")).resolve("p.onnx");
        OnnxPruning.write(g, p, out);
        OnnxGraph h = OnnxGraph.analyze(OnnxModel.read(out), null);
        for (OnnxPruning.Pruned q : p) {
            WeightLayer l = h.layer(q.layer().name());
            assertThat(l.zerosInFile()).isEqualTo(q.result().mask().removed());
            assertThat(l.tensor().dataType()).isEqualTo(q.layer().tensor().dataType());
            // kept weights are the same values (float16 bits included)
            for (int i = 0; i < l.matrix().length; i++)
                if (q.result().mask().keepAt(i)) assertThat(l.matrix()[i]).isEqualTo(q.layer().matrix()[i]);
        }
        assertThat(h.layer("c").tensor().origin()).doesNotContain("external"); // written inline
    }

    @Test void badInputIsOneLineNamingFileAndPlace() throws Exception {
        Network net = Networks.build("lenet300", 1);
        Path good = export(net, OnnxExport.Options.DEFAULT, "good.onnx");
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.onnx");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> OnnxModel.read(truncated)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated.onnx").hasMessageContaining("truncated");
        Path text = dir.resolve("text.onnx");
        Files.writeString(text, "this is not a model at all\n");
        assertThatThrownBy(() -> OnnxModel.read(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an ONNX model");

        // an unknown data type
        Wire.Out t = new Wire.Out().packedInt64(1, new long[] {2}).int64(2, 99).string(8, "odd").bytes(9, new byte[8]);
        Wire.Out gr = new Wire.Out().string(2, "g").message(5, t);
        Path odd = dir.resolve("odd.onnx");
        Files.write(odd, new Wire.Out().int64(1, 8).message(7, gr).toByteArray());
        assertThatThrownBy(() -> OnnxModel.read(odd)).hasMessageContaining("odd.onnx").hasMessageContaining("initializer 'odd'")
                .hasMessageContaining("unknown data type 99");

        // raw_data of the wrong length
        Wire.Out t2 = new Wire.Out().packedInt64(1, new long[] {3}).int64(2, 1).string(8, "short").bytes(9, new byte[8]);
        Path shortF = dir.resolve("short.onnx");
        Files.write(shortF, new Wire.Out().int64(1, 8).message(7, new Wire.Out().message(5, t2)).toByteArray());
        assertThatThrownBy(() -> OnnxModel.read(shortF)).hasMessageContaining("'short'").hasMessageContaining("raw_data holds 8 bytes");

        // a huge shape with little data is refused before anything is allocated
        Wire.Out t3 = new Wire.Out().packedInt64(1, new long[] {1L << 20, 1L << 10}).int64(2, 1).string(8, "huge").message(4, new Wire.Out().float32(1, 1f));
        Path huge = dir.resolve("huge.onnx");
        Files.write(huge, new Wire.Out().int64(1, 8).message(7, new Wire.Out().message(5, t3)).toByteArray());
        assertThatThrownBy(() -> OnnxModel.read(huge)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'huge'")
                .hasMessageContaining("needs 1073741824");
        Wire.Out t4 = new Wire.Out().packedInt64(1, new long[] {1L << 40, 1L << 40}).int64(2, 1).string(8, "overflow");
        Path over = dir.resolve("over.onnx");
        Files.write(over, new Wire.Out().int64(1, 8).message(7, new Wire.Out().message(5, t4)).toByteArray());
        assertThatThrownBy(() -> OnnxModel.read(over)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'overflow'");

        // quantized graph
        OnnxBuilder q = new OnnxBuilder("q");
        q.input("x", 1, 4);
        q.node("DequantizeLinear", "deq", List.of("x", "s"), List.of("y"));
        q.output("y", 1, 4);
        Path qf = q.write(dir.resolve("q.onnx"));
        assertThatThrownBy(() -> OnnxGraph.analyze(OnnxModel.read(qf), null)).hasMessageContaining("q.onnx")
                .hasMessageContaining("node 'deq' (DequantizeLinear)").hasMessageContaining("int8-quantized");

        // external data missing
        Path sub = Files.createDirectories(dir.resolve("ext"));
        Path ext = OnnxExport.of(net, new OnnxExport.Options(OnnxBuilder.Storage.EXTERNAL, false, false)).write(sub.resolve("e.onnx"));
        Files.delete(sub.resolve("weights.bin"));
        assertThatThrownBy(() -> OnnxModel.read(ext)).hasMessageContaining("e.onnx").hasMessageContaining("'fc1.weight'")
                .hasMessageContaining("external data file 'weights.bin' is missing");
    }

    @Test void suiteNetworksConvertBackExactly() throws Exception {
        for (String id : List.of("lenet300", "lenet5")) {
            Network net = Networks.build(id, 21);
            OnnxGraph g = OnnxGraph.analyze(OnnxModel.read(export(net, OnnxExport.Options.DEFAULT, id + ".onnx")), null);
            Network back = OnnxNetwork.convert(g).network();
            float[] x = random(3 * net.inSize(), 4);
            for (int i = 0; i < x.length; i++) x[i] = Math.abs(x[i]);
            assertThat(back.forward(x, 3, false)).containsExactly(net.forward(x, 3, false));
        }
        OnnxGraph conv = OnnxGraph.analyze(OnnxModel.read(convGraph().write(dir.resolve("c.onnx"))), null);
        assertThatThrownBy(() -> OnnxNetwork.convert(conv)).hasMessageContaining("cannot run this graph end to end")
                .hasMessageContaining("Conv 'conv_g2'").hasMessageContaining("GlobalAveragePool 'gap'");
    }
}
