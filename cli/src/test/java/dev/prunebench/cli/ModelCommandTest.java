package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prunebench model …} on models the suite writes itself. */
class ModelCommandTest {
    @TempDir Path dir;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.execute(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Result(code, o.toString(), e.toString());
    }

    @Test void exportInfoPruneInfoShowsTheExactRates() throws Exception {
        Path m = dir.resolve("l5.onnx");
        assertThat(run("model", "export", "lenet5", "--out", m.toString()).code()).isZero();
        Result info = run("model", "info", m.toString());
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.out()).contains("conv2", "Conv", "50x20x5x5", "1600000", "fc1", "Gemm", "500x800", "92.92%", "rest      4 nodes");
        Path out = dir.resolve("l5-pruned.onnx");
        Result p = run("model", "prune", m.toString(), "--structure", "group:4", "--rate", "0.75", "--keep", "first", "--out", out.toString());
        assertThat(p.code()).as(p.err()).isZero();
        // group:4 removes exactly 75 % of the groups; conv2 and fc2 have 125 groups a row, so their weight sparsity is 0.750080 and 0.750400
        assertThat(p.out()).contains("kept dense").contains("0.750000").contains("0.750080");
        Result again = run("model", "info", out.toString());
        assertThat(again.out()).containsPattern("conv2 +Conv .* 0\\.750080").containsPattern("fc1 +Gemm .* 0\\.750000").containsPattern("conv1 +Conv .* 0\\.000000");
        Result nm = run("model", "prune", m.toString(), "--structure", "nm:2:4", "--out", dir.resolve("nm.onnx").toString());
        assertThat(nm.code()).as(nm.err()).isZero();
        assertThat(run("model", "info", dir.resolve("nm.onnx").toString(), "--formats", "nm:2:4").out()).containsPattern("fc1 +Gemm .* 0\\.500000 .* 850000");
    }

    @Test void aProfilesFormatsChooseEachLayersStructure() throws Exception {
        Path m = dir.resolve("mlp.onnx");
        run("model", "export", "lenet300", "--out", m.toString());
        Path prof = dir.resolve("p.txt");
        Files.writeString(prof, "0.0000 fc1 dense\n0.7500 fc2 gcsr:4\n0.5000 fc3 nm:2:4\n");
        Path out = dir.resolve("p.onnx");
        Result r = run("model", "prune", m.toString(), "--structure", "unstructured", "--rate", "0", "--per-layer", prof.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("fc2 group:4, fc3 nm:2:4");
        // whole groups of 4 removed: gcsr:4 stores exactly 25 % of fc2's groups
        assertThat(run("model", "info", out.toString(), "--formats", "gcsr:4,nm:2:4").out())
                .containsPattern("fc2 +Gemm .* 0\\.750000 .*").containsPattern("fc3 +Gemm .* 0\\.500000 .*");
    }

    @Test void benchWritesSpdysTimingFileAndSpdySolvesIt() throws Exception {
        Path m = dir.resolve("mlp.onnx");
        run("model", "export", "lenet300", "--out", m.toString());
        Path out = dir.resolve("bench");
        Result b = run("model", "bench", m.toString(), "--formats", "csr", "--levels", "0.5,0.9", "--out", out.toString());
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(b.err()).contains("[1/3] fc1", "[3/3] fc3");
        var table = dev.prunebench.core.spdy.SpdyFiles.readTimings(out.resolve("timings.txt"));
        assertThat(table.names()).containsExactly("fc1", "fc2", "fc3");
        assertThat(table.layer("fc2").timings()).hasSize(3);
        assertThat(table.base()).isGreaterThan(table.prunable());
        assertThat(Files.readAllLines(out.resolve("latency.csv"))).hasSize(1 + 9).first().asString().startsWith("layer,op,rows,cols,n,format,level,seconds");
        Path prof = dir.resolve("p.txt");
        // target 0.5: reachable whatever this machine measured (the budget is twice the base time, far beyond noise and
        // bucket rounding), so the test checks the command's path, never a measured speedup
        Result s = run("model", "spdy", m.toString(), "--timings", out.toString(), "--target", "0.5", "--keep-dense", "none", "--out", prof.toString());
        assertThat(s.code()).as(s.err()).isZero();
        assertThat(s.out()).contains("predicted end-to-end speedup");
        assertThat(Files.readString(prof)).contains("fc1").contains("fc2").contains("fc3");
        // the folder's page: the per-layer table, a plot per layer, the profile spdy --out left beside the tables
        assertThat(Files.readString(out.resolve("spdy.txt"))).isEqualTo(s.out().substring(0, s.out().indexOf("# wrote")));
        Result rep = run("report", out.toString());
        assertThat(rep.code()).as(rep.err()).isZero();
        assertThat(rep.out()).contains("3 plots");
        assertThat(Files.readString(out.resolve("index.html"))).contains("<td>fc2</td><td>Gemm</td><td>100x300</td>").contains("id=\"plot-model-layer-2\"")
                .contains("predicted end-to-end speedup");
        Result missing = run("model", "spdy", m.toString(), "--timings", dir.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("run 'prunebench model bench");
        Result tpu = run("model", "bench", m.toString(), "--platforms", "cpu,tpu");
        assertThat(tpu.code()).isEqualTo(2);
        assertThat(tpu.err()).contains("--platforms: unknown 'tpu'");
    }

    @Test void runCrossChecksTheSuiteAgainstOnnxRuntime() throws Exception {
        Path m = dir.resolve("mlp.onnx");
        run("model", "export", "lenet300", "--out", m.toString(), "--constants");
        Result r = run("model", "run", m.toString(), "--batch", "2", "--format", "csr");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("suite dense vs ONNX Runtime").contains("suite csr vs ONNX Runtime").contains("ok, within").contains("(baseline)");
    }

    /** A MobileNet-like block the suite cannot run end to end: per-layer work goes on, end to end is ONNX Runtime's only. */
    @Test void depthwiseConvGraphIsSizedAndRunInOnnxRuntimeOnly() throws Exception {
        var b = new dev.prunebench.models.onnx.OnnxBuilder("dw");
        b.input("x", -1, 8, 16, 16);
        float[] w = new float[8 * 9];
        for (int i = 0; i < w.length; i++) w[i] = (i % 7) - 3;
        b.initializer("w", new long[] {8, 1, 3, 3}, w);
        b.node("Conv", "dwconv", java.util.List.of("x", "w"), java.util.List.of("c"), dev.prunebench.models.onnx.OnnxBuilder.Attr.i("group", 8),
                dev.prunebench.models.onnx.OnnxBuilder.Attr.ints("pads", 1, 1, 1, 1), dev.prunebench.models.onnx.OnnxBuilder.Attr.ints("kernel_shape", 3, 3));
        b.node("GlobalAveragePool", "gap", java.util.List.of("c"), java.util.List.of("y"));
        b.output("y", -1, 8, 1, 1);
        Path m = b.write(dir.resolve("dw.onnx"));
        Result info = run("model", "info", m.toString());
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.out()).contains("8x1x3x3 dw p1").contains("18432").contains("depthwise, stored as one 8x9 matrix").contains("GlobalAveragePool=1");
        Result r = run("model", "run", m.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("cannot run this graph end to end").contains("Conv 'dwconv'").contains("ONNX Runtime only").contains("(baseline)");
    }

    @Test void badInputIsExitTwoAndOneLine() throws Exception {
        Path text = dir.resolve("notes.onnx");
        Files.writeString(text, "not a model\n");
        for (String[] args : new String[][] {
                {"model", "info", text.toString()},
                {"model", "info", dir.resolve("missing.onnx").toString()},
                {"model", "prune", text.toString(), "--structure", "unstructured", "--rate", "0.5", "--out", dir.resolve("o.onnx").toString()},
                {"model", "run", text.toString()}}) {
            Result r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).isEqualTo(1);
            assertThat(r.err()).containsAnyOf("notes.onnx", "missing.onnx");
        }
        Path m = dir.resolve("mlp.onnx");
        run("model", "export", "lenet300", "--out", m.toString());
        Result keep = run("model", "prune", m.toString(), "--structure", "unstructured", "--rate", "0.5", "--keep", "fc9", "--out", dir.resolve("o.onnx").toString());
        assertThat(keep.code()).isEqualTo(2);
        assertThat(keep.err()).contains("--keep: layer 'fc9' is not a weight layer").contains("fc1, fc2, fc3");
        Result same = run("model", "prune", m.toString(), "--structure", "unstructured", "--rate", "0.5", "--out", m.toString());
        assertThat(same.code()).isEqualTo(2);
        assertThat(same.err()).contains("is the input file");
        Result shape = run("model", "info", m.toString(), "--input-shape", "1,x");
        assertThat(shape.code()).isEqualTo(2);
        assertThat(shape.err()).contains("--input-shape");
    }
}
