package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prunebench.core.export.Encoding;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.io.MatrixFiles;
import dev.prunebench.core.io.Npz;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.kernels.mcu.McuExport;
import dev.prunebench.kernels.mcu.McuKernel;
import dev.prunebench.measure.Patterns;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExportCommandTest {
    @TempDir Path dir;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.execute(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Result(code, o.toString(), e.toString());
    }

    /** A 2:4-compatible matrix (so every format holds it) with 37 columns: short last groups and windows. */
    static float[] matrix(int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] w = new float[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int c0 = 0; c0 < cols; c0 += 4) {
                int a = c0 + r.nextInt(4), b = c0 + r.nextInt(4);
                if (a < cols && r.nextDouble() < 0.6) w[i * cols + a] = (float) r.nextGaussian();
                if (b < cols && r.nextDouble() < 0.3) w[i * cols + b] = (float) r.nextGaussian();
            }
        for (int c = 0; c < cols; c++) w[3 * cols + c] = 0; // an empty row: node pruning drops it
        for (int i = 0; i < rows; i++) w[i * cols + 5] = 0;  // an empty column
        return w;
    }

    Path input(int rows, int cols) throws IOException {
        Path f = dir.resolve("W.npy");
        MatrixFiles.write(f, new Dense(rows, cols, matrix(rows, cols, 7)));
        return f;
    }

    static JsonNode manifest(Path out) throws IOException {
        return new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    }

    @ParameterizedTest
    @CsvSource({"dense, fp32", "coo, fp32", "csr, fp32", "gcsr:8, fp32", "gcsr:4, fp16", "nm:2:4, fp32", "nm:2:4, bf16",
            "csr, int8", "node, fp32", "node, int8", "gcsr:2, fp32", "csr, fp16"})
    void npzRoundTripsAndCountsWhatStorageCounts(String format, String precision) throws Exception {
        int rows = 21, cols = 37;
        Path in = input(rows, cols), out = dir.resolve("out");
        Result r = run("export", in.toString(), "--format", format, "--precision", precision, "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode m = manifest(out);
        Precision p = Precision.parse(precision);
        Map<String, Npz.Array> arrays = Npz.read(out.resolve("weights.npz"));
        float[] back = Encoding.decode(m.get("format").asText(), m.get("shape").get(0).asInt(), m.get("shape").get(1).asInt(), p, arrays);
        float[] original = matrix(rows, cols, 7);
        if (p == Precision.FP32) assertThat(back).isEqualTo(original);
        else {
            // the quantised matrix: the same non-zeros (positions), each value as the precision holds it
            float[] expected = Encoding.decode(m.get("format").asText(), rows, cols, p,
                    Encoding.of(new Dense(rows, cols, original), format, p, dev.prunebench.core.storage.IndexPolicy.MINIMAL).arrays());
            assertThat(back).isEqualTo(expected);
            for (int i = 0; i < back.length; i++) assertThat(Math.abs(back[i] - original[i])).isLessThanOrEqualTo(Math.abs(original[i]) * 0.01f + 0.02f);
        }
        // array bytes by role equal the manifest's counts, and those equal storage's and info's for the same file
        long values = 0, indices = 0, pointers = 0, metadata = 0;
        for (JsonNode a : m.get("arrays")) {
            long b = a.get("bytes").asLong();
            assertThat(b).isEqualTo(arrays.get(a.get("name").asText()).data().length);
            switch (a.get("role").asText()) {
                case "values" -> values += b;
                case "indices" -> indices += b;
                case "pointers" -> pointers += b;
                case "metadata" -> metadata += b;
                default -> { }
            }
        }
        JsonNode bytes = m.get("bytes");
        assertThat(List.of(values, indices, pointers, metadata)).containsExactly(bytes.get("values").asLong(), bytes.get("indices").asLong(),
                bytes.get("pointers").asLong(), bytes.get("metadata").asLong());
        long total = bytes.get("total").asLong();
        assertThat(total).isEqualTo(values + indices + pointers + metadata);
        {   // node too: info and storage take --format node and count what export writes
            Result s = run("storage", "--matrix", in.toString(), "--format", format, "--precision", precision, "--policy", "minimal");
            assertThat(s.code()).as(s.err()).isZero();
            Matcher sm = Pattern.compile(Pattern.quote(format) + "\\s+" + precision + "\\s+minimal\\s+\\S+\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(s.out());
            assertThat(sm.find()).as(s.out()).isTrue();
            assertThat(List.of(sm.group(1), sm.group(2), sm.group(3), sm.group(4), sm.group(5)).stream().map(Long::parseLong).toList())
                    .containsExactly(values, indices, pointers, metadata, total);
            Result i = run("info", in.toString(), "--format", format, "--precision", precision);
            assertThat(i.code()).as(i.err()).isZero();
            assertThat(i.out()).contains("bytes at " + precision).containsPattern("(?m)^" + Pattern.quote(format) + "\\s+" + total + "\\s");
        }
        // checksums
        for (JsonNode f : m.get("files"))
            assertThat(ExportCommand.sha256(Files.readAllBytes(out.resolve(f.get("name").asText())))).isEqualTo(f.get("sha256").asText());
        assertThat(m.get("prunebench").get("commit").asText()).isNotBlank();
        assertThat(m.get("prunebench").get("commit_from").asText()).matches("git checkout .*|build .*|none .*");
    }

    @Test
    void storageWithoutAMatrixRefusesNode() {
        Result r = run("storage", "--rows", "8", "--cols", "8", "--sparsity", "0.5", "--format", "csr,node");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--format node: needs --matrix").doesNotContain("Exception");
    }

    @Test
    void numpyReadsTheNpzBackToTheSameMatrix() throws Exception {
        assumeTrue(python("import numpy"), "python3 with numpy is not available: the numpy round trip is skipped");
        int rows = 21, cols = 37;
        Path in = input(rows, cols);
        for (String format : List.of("csr", "gcsr:8", "coo", "node")) {
            Path out = dir.resolve("np-" + format.replace(':', '-'));
            assertThat(run("export", in.toString(), "--format", format, "--out", out.toString()).code()).isZero();
            String script = """
                    import numpy as np, json, sys
                    d = sys.argv[1]; m = json.load(open(d + '/manifest.json')); z = np.load(d + '/weights.npz')
                    R, C = m['shape']; W = np.zeros((R, C), np.float32); f = m['format']
                    if f == 'csr':
                        for r in range(R):
                            s = slice(int(z['row_ptr'][r]), int(z['row_ptr'][r + 1])); W[r, z['col_index'][s]] = z['values'][s]
                    elif f == 'coo':
                        W[z['row_index'].astype(int), z['col_index'].astype(int)] = z['values']
                    elif f.startswith('gcsr:'):
                        g = int(f[5:]); P = np.zeros((R, -(-C // g) * g), np.float32)
                        for r in range(R):
                            for k in range(int(z['row_ptr'][r]), int(z['row_ptr'][r + 1])):
                                j = int(z['group_index'][k]); P[r, j * g:(j + 1) * g] = z['values'][k * g:(k + 1) * g]
                        W = P[:, :C]
                    elif f == 'node':
                        W[np.ix_(z['kept_rows'].astype(int), z['kept_cols'].astype(int))] = z['values'].reshape(len(z['kept_rows']), len(z['kept_cols']))
                    sys.exit(0 if np.array_equal(W, np.load(sys.argv[2])) else 1)
                    """;
            Path py = dir.resolve("check.py");
            Files.writeString(py, script);
            assertThat(python(py.toString(), out.toString(), in.toString())).as(format).isTrue();
        }
    }

    static boolean python(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("python3"));
        if (args.length == 1 && !args[0].endsWith(".py")) cmd.addAll(List.of("-c", args[0]));
        else cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            if (p.exitValue() != 0 && args.length > 1) System.err.println(o);
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void cTargetIsTheMeasuredSourceAndRunsAsMeasured() throws Exception {
        int rows = 16, cols = 40;
        Path in = input(rows, cols), out = dir.resolve("c");
        Result r = run("export", in.toString(), "--format", "gcsr:2", "--precision", "q15", "--target", "c", "--n", "2", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(out.resolve("layer.c")).exists();
        assertThat(out.resolve("layer.h")).exists();
        assertThat(out.resolve("main.c")).exists();
        var w = FormatSpec.parse("gcsr:2").encode(matrix(rows, cols, 7), rows, cols);
        float[] x = Patterns.normalVector(cols * 2, 20260101L);
        McuExport e = McuExport.of(dev.prunebench.kernels.mcu.quant.Precision.Q15, w, x, 2);
        assertThat(Files.readString(out.resolve("layer.c"))).isEqualTo(e.layerSource());
        assertThat(manifest(out).get("kernel").asText()).isEqualTo("mcu-q15-gcsr");
        assumeTrue(McuExport.toolsPresent(), "arm-none-eabi-gcc or qemu-system-arm not on PATH: the exported C is not built here");
        var run = McuExport.buildAndRunFolder(out, rows * 2);
        var measured = (dev.prunebench.core.kernel.MatMul.Counted) McuKernel.gcsr().prepare(w, x, 2, 1);
        assertThat(run.outputs()).isEqualTo(((dev.prunebench.core.kernel.MatMul.FixedPoint) measured).rawResult());
        assertThat(run.instructions()).isEqualTo(measured.counts().values().get("instructions"));
    }

    @Test
    void badInputExitsTwoAndWritesNothing() throws Exception {
        Path in = input(8, 12);
        Path out = dir.resolve("o");
        Result r = run("export", dir.resolve("missing.npy").toString(), "--format", "csr", "--out", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.err()).contains("missing.npy");
        r = run("export", in.toString(), "--format", "csr", "--precision", "fp32", "--target", "c", "--out", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--target c");
        Path ones = dir.resolve("ones.npy");
        float[] all = new float[8 * 12];
        java.util.Arrays.fill(all, 1f);
        MatrixFiles.write(ones, new Dense(8, 12, all));
        r = run("export", ones.toString(), "--format", "nm:1:4", "--out", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("does not fit nm:1:4");
        r = run("export", in.toString(), "--format", "csr", "--precision", "fp64", "--out", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--precision");
        assertThat(out).doesNotExist();
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        r = run("export", in.toString(), "--format", "csr", "--out", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not empty");
        assertThat(Files.readString(out.resolve("keep.txt"))).isEqualTo("mine");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp"))).isEmpty();
        }
    }
}
