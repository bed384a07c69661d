package dev.prunebench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.prunebench.kernels.cuda.model.GpuPreset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPU check's parts that need no GPU: break-even, the preset matched to a device, the model rows, the run folder. */
class GpuCheckTest {
    @TempDir Path tmp;

    static final GpuCheck.Device H100 = new GpuCheck.Device("NVIDIA H100 80GB HBM3", 132, 52_428_800L, 9, 0, 1_980_000, "driver supports CUDA 13.0",
            "CUDA runtime 12.6 (static in JCuda)");

    @Test void breakEvenInterpolatesWhereTheSpeedupCrossesOne() {
        double[] rates = {0.80, 0.84, 0.90, 0.94, 0.98};
        assertThat(GpuCheck.breakEven(rates, new double[] {0.5, 0.8, 1.2, 2, 5})).isCloseTo(0.87, within(1e-9));
        assertThat(GpuCheck.breakEven(rates, new double[] {1.5, 2, 3, 4, 5})).isNaN();
        assertThat(GpuCheck.breakEvenNote(new double[] {1.5, 2, 3, 4, 5})).contains("faster than dense over the whole range");
        assertThat(GpuCheck.breakEvenNote(new double[] {0.1, 0.2, Double.NaN, 0.4, 0.5})).contains("slower");
        assertThat(GpuCheck.breakEvenNote(new double[] {Double.NaN})).isEqualTo("not measured");
    }

    @Test void thePresetIsMatchedToTheDeviceAndCalibrated() {
        GpuPreset p = GpuCheck.preset(H100, null);
        assertThat(p.id()).isEqualTo("h100");
        assertThat(p.l2Bytes()).isEqualTo(52_428_800L);
        assertThat(p.notes()).contains("132 SMs");
        GpuPreset c = GpuCheck.preset(H100, new GpuCheck.Calibration(2.5, 5.0, 6_500, 12 << 20, null));
        assertThat(c.l2GBs()).isEqualTo(6_500);
        assertThat(c.launchNs()).isEqualTo(2_500);
        assertThat(c.notes()).contains("calibrated on NVIDIA H100 80GB HBM3");
        var h200 = new GpuCheck.Device("NVIDIA H200", 132, 62_914_560L, 9, 0, 1_980_000, "", "");
        assertThat(GpuCheck.preset(h200, null).l2Bytes()).isEqualTo(62_914_560L);
        assertThat(GpuPreset.H200.l2Bytes()).isEqualTo(60L << 20);
        assertThat(GpuCheck.preset(new GpuCheck.Device("Some Other GPU", 10, 1 << 20, 8, 0, 1, "", ""), null)).isNull();
    }

    @Test void aRunFolderWithManifestTablesAndModelRows() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        GpuCheck check = new GpuCheck(new PrintStream(log, true), 256, 3, 1_000_000L);
        List<GpuCheck.Row> rows = new ArrayList<>();
        for (int n : GpuCheck.NS)
            for (int g : GpuCheck.GROUPS)
                for (double rate : GpuCheck.RATES) {
                    rows.add(new GpuCheck.Row(n, g, rate, "cublas-sgemm", "dense", true, "ok", 100, 99, 101, 110, 20, 1e-7, 1000, "fp32", new double[] {1, 2}));
                    rows.add(new GpuCheck.Row(n, g, rate, "cusparse-csr", "csr", false, "ok", 400 * (1 - rate), 1, 2, 3, 20, 1e-7, 1000, "", new double[] {1, 2}));
                    rows.add(new GpuCheck.Row(n, g, rate, "cusparse-csr-alg2", "csr", false,
                            "unavailable: cusparse-csr-alg2: cusparseSpMM_bufferSize returned CUSPARSE_STATUS_INVALID_VALUE (3)", Double.NaN, Double.NaN,
                            Double.NaN, Double.NaN, 0, Double.NaN, 1000, "", new double[] {1, 2}));
                    rows.add(new GpuCheck.Row(n, g, rate, "cuda-gcsr", "gcsr:" + g, false, "ok", 150 * (1 - rate), 1, 2, 3, 20, 1e-7, 1000, "", new double[] {1, 2}));
                }
        var cal = new GpuCheck.Calibration(2.0, 4.0, 6_000, 1 << 20, null);
        var model = GpuCheck.joinMeasured(check.modelRows(H100, cal, List.of()), rows);
        assertThat(model).hasSize(3 * GpuCheck.GROUPS.length + 1);  // model-sgemm once: dense is the same at every g
        assertThat((Double) model.stream().filter(m -> m.get("kernel").equals("model-gcsr") && m.get("g").equals(8)).findFirst().orElseThrow()
                .get("measured_us")).isCloseTo(15, within(1e-9));
        assertThat(model.get(0)).containsEntry("preset", "h100").containsKey("gld_efficiency_bp");
        Path run = check.write(tmp, Instant.parse("2026-12-07T12:00:00Z"), H100, Map.of("gpu", H100.name()), cal, rows, model);
        assertThat(run.getFileName().toString()).isEqualTo("20261207T120000Z-gpu-check");
        Path exp = run.resolve(GpuCheck.EXPERIMENT);
        for (String f : List.of("speedup.csv", "break_even.csv", "ours_vs_cusparse.csv", "model.csv", "metrics.csv", "experiment.json", "calibration.json"))
            assertThat(exp.resolve(f)).isNotEmptyFile();
        assertThat(Files.readString(run.resolve("manifest.json"))).contains("\"run_id\" : \"20261207T120000Z-gpu-check\"", "\"gpu\" : \"NVIDIA H100 80GB HBM3\"",
                "\"experiments\" : [ \"hartenstein-spmm-gpu\" ]");
        // 400·(1−r) < 100 from r = 0.75: faster than dense over the whole grid; 150·(1−r) too
        assertThat(Files.readString(exp.resolve("break_even.csv"))).contains("50,1,cusparse-csr,,faster than dense over the whole range");
        String sp = Files.readString(exp.resolve("speedup.csv"));
        assertThat(sp).contains("CUSPARSE_STATUS_INVALID_VALUE");
        // at 98 % cuda-gcsr takes 3 us: within 3x of the 2 us empty launch -> launch-bound
        assertThat(sp.lines().filter(l -> l.startsWith("50,32,0.98,cuda-gcsr")).findFirst().orElseThrow()).contains(",true,");
        assertThat(Files.readString(exp.resolve("ours_vs_cusparse.csv"))).contains("50,0.98,cuda-gcsr");
        assertThat(Files.readString(exp.resolve("calibration.json"))).contains("\"label\" : \"measured\"", "\"device\" : \"NVIDIA H100 80GB HBM3\"");
        assertThat(Files.readString(exp.resolve("experiment.json"))).contains("\"scale\" : \"gpu\"", "launch_bound", "\"tables\" : [ \"speedup\"");
        // every skipped entry names what, then why, in that order whatever the JVM (the file compares byte for byte)
        assertThat(Files.readString(exp.resolve("experiment.json"))).containsPattern("\"what\" : \"cusparse-csr-alg2 g=1 rate=0\\.80 n=50\",\\s+\"reason\" : ");
        // metrics.csv as the results module reads it: six fields, samples space-separated numbers
        for (String line : Files.readAllLines(exp.resolve("metrics.csv")).subList(1, Files.readAllLines(exp.resolve("metrics.csv")).size())) {
            assertThat(line).matches("\"[^\"]+\",(exact|timing|info),[-0-9.E]+,[a-z]+,(true|false),([-0-9.E]+( [-0-9.E]+)*)?");
        }
    }

    @Test void jsonEscapesAndWritesNonFiniteAsNull() {
        assertThat(GpuCheck.Json.write(Map.of("a", "x\"y\n"))).isEqualTo("{\n  \"a\" : \"x\\\"y\\n\"\n}");
        assertThat(GpuCheck.Json.write(List.of(1, Double.NaN, true))).isEqualTo("[ 1, null, true ]");
    }
}
