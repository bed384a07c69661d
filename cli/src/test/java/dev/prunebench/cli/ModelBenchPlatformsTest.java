package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.experiments.Backends;
import dev.prunebench.models.onnx.OnnxBuilder;
import dev.prunebench.results.Csv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model bench --platforms cpu,mcu,gpu}: MCU rows emulated (or skipped with the reason), GPU rows modelled, a layer too big for the board named. */
class ModelBenchPlatformsTest {
    @TempDir Path dir;

    /** x[1,1024] → Gemm big (2100x1024: 4.3 MB at q15, over the board's 4 MB flash) → Relu → Gemm small (10x2100). */
    private Path model() throws Exception {
        OnnxBuilder b = new OnnxBuilder("two");
        b.input("x", 1, 1024);
        b.initializer("wb", new long[] {2100, 1024}, weights(2100 * 1024, 1));
        b.initializer("ws", new long[] {10, 2100}, weights(10 * 2100, 2));
        b.node("Gemm", "big", List.of("x", "wb"), List.of("h"), OnnxBuilder.Attr.i("transB", 1));
        b.node("Relu", "relu", List.of("h"), List.of("r"));
        b.node("Gemm", "small", List.of("r", "ws"), List.of("y"), OnnxBuilder.Attr.i("transB", 1));
        b.output("y", 1, 10);
        return b.write(dir.resolve("two.onnx"));
    }

    private static float[] weights(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float) r.nextGaussian() * 0.05f;
        return w;
    }

    @Test void mcuRowsAreEmulatedCountsGpuRowsModelledAndTheBigLayerIsNamed() throws Exception {
        Path out = dir.resolve("bench");
        ModelCommandTest.Result r = ModelCommandTest.run("model", "bench", model().toString(), "--platforms", "cpu,mcu,gpu", "--formats", "csr",
                "--mcu-formats", "csr", "--levels", "0.9", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String summary = Files.readString(out.resolve("summary.txt"));
        List<Map<String, String>> rows = Csv.readMaps(out.resolve("latency.csv"));
        assertThat(rows).filteredOn(m -> m.get("platform").equals("cpu")).hasSize(4);
        // SPDY's file holds the CPU rows only: two layers, dense + csr at 0.9 each
        assertThat(dev.prunebench.core.spdy.SpdyFiles.readTimings(out.resolve("timings.txt")).layer("big").timings()).hasSize(2);

        List<Map<String, String>> gpu = rows.stream().filter(m -> m.get("platform").startsWith("gpu")).toList();
        assertThat(gpu).isNotEmpty().allSatisfy(m -> {
            assertThat(m.get("platform")).isEqualTo("gpu-modelled");
            assertThat(Double.parseDouble(m.get("seconds"))).isPositive();
        });
        assertThat(gpu).extracting(m -> m.get("layer") + " " + m.get("format")).contains("big dense", "big csr", "small dense", "small csr");
        assertThat(summary).contains("gpu-modelled: MODELLED");
        // the folder's page: the CPU's plots (one per layer) and the other platforms' rows in their own labelled table
        ModelCommandTest.Result rep = ModelCommandTest.run("report", out.toString());
        assertThat(rep.code()).as(rep.err()).isZero();
        assertThat(rep.out()).contains("2 plots");
        assertThat(Files.readString(out.resolve("index.html"))).contains("id=\"model-platforms\"").contains("<td>gpu-modelled</td><td>small</td><td>csr</td>");

        KernelRegistry reg = Backends.registry();
        var qemu = reg.entry("mcu-qemu").orElseThrow();
        if (!qemu.usable()) {
            assertThat(summary).contains("mcu-emulated: skipped: unavailable: " + qemu.status());
            return;
        }
        List<Map<String, String>> mcu = rows.stream().filter(m -> m.get("platform").equals("mcu-emulated")).toList();
        assertThat(mcu).allSatisfy(m -> {
            assertThat(Long.parseLong(m.get("count"))).isPositive();
            assertThat(m.get("count_unit")).isEqualTo("instructions");
            assertThat(m.get("kernel")).startsWith("mcu-q15-");
        });
        // small fits dense and sparse; big's dense weights do not fit the flash (named with its bytes), its csr at 0.9 does
        assertThat(mcu).extracting(m -> m.get("layer") + " " + m.get("format")).containsExactly("big csr", "small dense", "small csr")
                .doesNotContain("big dense");
        assertThat(summary).contains("mcu-emulated: EMULATED").containsPattern("layer big dense \\(2100x1024, N=1\\) not counted: .*does not fit the Cortex-M4's flash.* [0-9]+ > 4194304 bytes");
        // no dense count for big: its sparse rows carry counts and no speedup
        assertThat(mcu).filteredOn(m -> m.get("layer").equals("big")).singleElement().satisfies(m -> assertThat(m.get("speedup")).isEmpty());
        Map<String, String> small = mcu.stream().filter(m -> m.get("layer").equals("small") && m.get("format").equals("csr")).findFirst().orElseThrow();
        assertThat(Long.parseLong(small.get("dense_count"))).isPositive();
        assertThat(Double.parseDouble(small.get("speedup"))).isEqualTo(Double.parseDouble(small.get("dense_count")) / Double.parseDouble(small.get("count")),
                org.assertj.core.api.Assertions.within(1e-3));
    }

    @Test void withoutTheEmulatorTheMcuRowsAreSkippedWithTheReason() {
        ModelBenchPlatforms.Result r = ModelBenchPlatforms.count(List.of(), KernelRegistry.probe(List.of()), "mcu", "q15", 1, List.of("csr"), new double[] {0.5}, null);
        assertThat(r.platform()).isEqualTo("mcu-emulated");
        assertThat(r.rows()).isEmpty();
        assertThat(r.notes()).containsExactly("mcu-emulated: skipped: unavailable: no backend");
    }

    @Test void longLevelListsAreCutToARepresentativeSubsetOnTheMcu() {
        double[] spdy = ModelBenchCommand.levels("spdy");
        double[] cut = ModelBenchPlatforms.mcuLevels(spdy);
        assertThat(cut).hasSize(11).startsWith(spdy[0]).endsWith(spdy[40]);
        assertThat(ModelBenchPlatforms.mcuLevels(ModelBenchCommand.levels("quick"))).containsExactly(0.5, 0.7, 0.9);
    }

    @Test void anUnknownPlatformIsExitTwo() {
        ModelCommandTest.Result r = ModelCommandTest.run("model", "bench", dir.resolve("none.onnx").toString(), "--platforms", "cpu,tpu");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--platforms: unknown 'tpu'");
        ModelCommandTest.Result d = ModelCommandTest.run("model", "bench", dir.resolve("none.onnx").toString(), "--platforms", "mcu", "--mcu-formats", "dense");
        assertThat(d.code()).isEqualTo(2);
        assertThat(d.err()).contains("--mcu-formats: dense is the baseline");
    }
}
