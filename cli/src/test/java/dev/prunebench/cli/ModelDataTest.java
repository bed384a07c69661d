package dev.prunebench.cli;

import static dev.prunebench.cli.ModelCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.models.onnx.OnnxBuilder;
import dev.prunebench.models.onnx.OnnxModel;
import dev.prunebench.models.safetensors.Safetensors;
import dev.prunebench.runtime.onnx.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user's own data and files: --eval/--calib accuracy in ONNX Runtime, safetensors in and out, the model report. */
class ModelDataTest {
    @TempDir Path dir;

    static final int IN = 6, HID = 12, OUT = 3, N = 40;

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextDouble(-1, 1);
        return v;
    }

    /** A small MLP: Gemm (transB, PyTorch's Linear) → Relu → Gemm, batch symbolic. */
    Path mlp() throws Exception {
        OnnxBuilder b = new OnnxBuilder("mlp");
        b.input("x", -1, IN);
        b.initializer("w1", new long[] {HID, IN}, random(HID * IN, 1));
        b.initializer("b1", new long[] {HID}, random(HID, 2));
        b.initializer("w2", new long[] {OUT, HID}, random(OUT * HID, 3));
        b.initializer("b2", new long[] {OUT}, random(OUT, 4));
        b.node("Gemm", "fc1", List.of("x", "w1", "b1"), List.of("h"), OnnxBuilder.Attr.i("transB", 1));
        b.node("Relu", "relu", List.of("h"), List.of("r"));
        b.node("Gemm", "fc2", List.of("r", "w2", "b2"), List.of("y"), OnnxBuilder.Attr.i("transB", 1));
        b.output("y", -1, OUT);
        return b.write(dir.resolve("mlp.onnx"));
    }

    /** The MLP's class for every sample, computed here from the file's weights (not through ONNX Runtime). */
    static int[] predict(Path model, float[] x) throws Exception {
        OnnxModel m = OnnxModel.read(model);
        float[] w1 = m.tensor("w1").floats(), b1 = m.tensor("b1").floats(), w2 = m.tensor("w2").floats(), b2 = m.tensor("b2").floats();
        int[] c = new int[N];
        for (int s = 0; s < N; s++) {
            double[] h = new double[HID];
            for (int j = 0; j < HID; j++) {
                double a = b1[j];
                for (int i = 0; i < IN; i++) a += (double) w1[j * IN + i] * x[s * IN + i];
                h[j] = Math.max(0, a);
            }
            double best = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < OUT; k++) {
                double a = b2[k];
                for (int j = 0; j < HID; j++) a += (double) w2[k * HID + j] * h[j];
                if (a > best) { best = a; c[s] = k; }
            }
        }
        return c;
    }

    @Test void evalReportsTop1OfDenseAndPrunedAndCalibTheOutputError() throws Exception {
        Path m = mlp();
        float[] x = random(N * IN, 9);
        int[] dense = predict(m, x);
        // labels: the dense model's own classes, but the first 5 samples get another class, so dense top-1 is 35/40
        float[] labels = new float[N];
        for (int i = 0; i < N; i++) labels[i] = i < 5 ? (dense[i] + 1) % OUT : dense[i];
        Path xs = Files.write(dir.resolve("x.npy"), NpyArray.encode(new long[] {N, IN}, x, false));
        Path ys = Files.write(dir.resolve("y.npy"), NpyArray.encode(new long[] {N}, labels, true));
        Path out = dir.resolve("p.onnx");
        ModelCommandTest.Result r = run("model", "prune", m.toString(), "--structure", "unstructured", "--rate", "0.6", "--out", out.toString(),
                "--eval", xs.toString(), ys.toString());
        assertThat(r.code()).as(r.err()).isZero();
        int[] pruned = predict(out, x);
        int ok = 0;
        for (int i = 0; i < N; i++) if (pruned[i] == (int) labels[i]) ok++;
        assertThat(r.out()).contains(String.format(java.util.Locale.ROOT, "dense 0.8750 (35 of 40), pruned %.4f (%d of 40)", ok / 40.0, ok));
        assertThat(r.out()).contains("on " + xs + " (40 samples)").doesNotContain("GENERATED");

        ModelCommandTest.Result c = run("model", "prune", m.toString(), "--structure", "unstructured", "--rate", "0.6", "--out", dir.resolve("c.onnx").toString(),
                "--calib", xs.toString());
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).containsPattern("on " + java.util.regex.Pattern.quote(xs.toString()) + " \\(40 samples\\): max error [0-9.e-]+ relative");
        ModelCommandTest.Result g = run("model", "prune", m.toString(), "--structure", "unstructured", "--rate", "0", "--out", dir.resolve("g.onnx").toString());
        // rate 0: nothing pruned, the outputs agree exactly
        assertThat(g.out()).contains("64 GENERATED inputs").contains("max error 0.000 relative").contains("(max abs 0.000)").contains("top-1 changed on 0 of 64");

        ModelCommandTest.Result runEval = run("model", "run", out.toString(), "--eval", xs.toString(), ys.toString(), "--dense", m.toString());
        assertThat(runEval.code()).as(runEval.err()).isZero();
        assertThat(runEval.out()).contains("dense 0.8750 (35 of 40)");

        Path badLabels = Files.write(dir.resolve("bad.npy"), NpyArray.encode(new long[] {N - 1}, new float[N - 1], true));
        Path never = dir.resolve("never.onnx");
        ModelCommandTest.Result bad = run("model", "prune", m.toString(), "--structure", "unstructured", "--rate", "0.5", "--out", never.toString(),
                "--eval", xs.toString(), badLabels.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip().lines().count()).isEqualTo(1);
        assertThat(bad.err()).contains("bad.npy: 39 labels for the 40 samples");
        assertThat(never).doesNotExist();
    }

    /** model export --from: a saved network's own weights go into the ONNX file. */
    @Test void exportFromASavedModelFolder() throws Exception {
        var net = dev.prunebench.models.nn.Networks.build("lenet300", 7);
        Path saved = dir.resolve("saved");
        dev.prunebench.models.io.ModelFiles.save(net, saved, Map.of());
        Path m = dir.resolve("l300.onnx");
        ModelCommandTest.Result r = run("model", "export", "lenet300", "--from", saved.toString(), "--out", m.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("weights from " + saved);
        var g = dev.prunebench.models.onnx.OnnxGraph.analyze(OnnxModel.read(m), null);
        assertThat(g.layer("fc2").matrix()).containsExactly(net.weights().get(1).values());
        ModelCommandTest.Result wrong = run("model", "export", "lenet5", "--from", saved.toString(), "--out", dir.resolve("x.onnx").toString());
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("holds a lenet300 network, not lenet5");
    }

    @Test void safetensorsInfoPruneBenchAndTheReport() throws Exception {
        Path st = Files.write(dir.resolve("m.safetensors"), Safetensors.encode(List.of(
                new Safetensors.Item("fc1.weight", "F32", new long[] {HID, IN}, random(HID * IN, 1)),
                new Safetensors.Item("fc1.bias", "F32", new long[] {HID}, random(HID, 2)),
                new Safetensors.Item("conv.weight", "F16", new long[] {8, 4, 3, 3}, random(8 * 36, 3)),
                new Safetensors.Item("fc2.weight", "BF16", new long[] {OUT, HID}, random(OUT * HID, 4))), Map.of()));
        ModelCommandTest.Result info = run("model", "info", st.toString());
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.out()).contains("safetensors, 4 tensors").containsPattern("fc1.weight +FC +12x6 +72 +84 ").containsPattern("conv.weight +Conv +8x4x3x3 +\\? ");
        Path out = dir.resolve("p.safetensors");
        ModelCommandTest.Result p = run("model", "prune", st.toString(), "--structure", "unstructured", "--rate", "0.5", "--out", out.toString());
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out()).contains("no graph to run");
        assertThat(run("model", "info", out.toString()).out()).containsPattern("fc1.weight +FC .* 0\\.500000").containsPattern("fc2.weight +FC .* 0\\.500000");
        assertThat(run("model", "prune", st.toString(), "--structure", "unstructured", "--rate", "0.5", "--out", dir.resolve("x.onnx").toString()).err())
                .contains("must end in .safetensors");
        // bench needs the conv's input size: refused by name, then given in --layers
        ModelCommandTest.Result noSize = run("model", "bench", st.toString(), "--formats", "csr", "--levels", "0.5");
        assertThat(noSize.code()).isEqualTo(2);
        assertThat(noSize.err()).contains("conv tensor 'conv.weight': its input size is not known");
        Path map = Files.writeString(dir.resolve("layers.txt"), "conv.weight conv in=6x6 pad=1\n");
        Path bench = dir.resolve("m.bench");
        ModelCommandTest.Result b = run("model", "bench", st.toString(), "--layers", map.toString(), "--formats", "csr", "--levels", "0.5", "--out", bench.toString());
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(b.err()).contains("no end-to-end time");
        assertThat(Files.readString(bench.resolve("summary.txt"))).contains("safetensors (no graph)");
        assertThat(Files.readAllLines(bench.resolve("layers.csv"))).hasSize(4).first().asString().startsWith("layer,op,shape,macs,params,sparsity,share,precision,bytes_dense,bytes_csr");
        assertThat(Files.readString(bench.resolve("layers.csv"))).contains("conv.weight,Conv,8x4x3x3 p1,10368,");
        ModelCommandTest.Result s = run("model", "spdy", st.toString(), "--layers", map.toString(), "--timings", bench.toString(), "--target", "0.5",
                "--keep-dense", "none", "--out", dir.resolve("p.txt").toString());
        assertThat(s.code()).as(s.err()).isZero();
        assertThat(bench.resolve("spdy.txt")).exists();
        ModelCommandTest.Result rep = run("report", bench.toString());
        assertThat(rep.code()).as(rep.err()).isZero();
        String html = Files.readString(bench.resolve("index.html"));
        assertThat(html).contains("id=\"model-layers\"").contains("id=\"plot-model-layer-2\"").contains("predicted end-to-end speedup").contains("<td>conv.weight</td>");
    }
}
