package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.kernels.cpu.nativeblas.MklBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class SpmmCommandTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.execute(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Run(code, o.toString(), e.toString());
    }

    @Test
    void printsATableForAGeneratedMatrix() {
        assumeTrue(new MklBackend().probe().available(), "MKL: " + new MklBackend().probe());
        Run r = run("spmm", "--shape", "64x48", "--rate", "0.8", "--pattern", "grouped", "--g", "4", "--n", "4",
                "--formats", "csr,gcsr:4", "--repeats", "3", "--min-sample-ms", "0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("generated 64x48").contains("mkl-sparse-csr").contains("speedup over the fastest baseline")
                .contains("dense-vector").contains("openblas-sgemm")
                .contains("gcsr:4").contains(" ok");
    }

    @Test
    void readsAMatrixFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assumeTrue(new MklBackend().probe().available(), "MKL: " + new MklBackend().probe());
        var w = dev.prunebench.measure.Patterns.uniform(40, 30, 0.75, 3);
        var file = dir.resolve("w.mtx");
        dev.prunebench.core.io.MatrixFiles.write(file, w);
        Run r = run("spmm", "--matrix", file.toString(), "--n", "1", "--formats", "csr,gcsr:2", "--repeats", "3", "--min-sample-ms", "0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("w.mtx").contains("40×30, nnz 300").contains("mkl-sgemv").contains("baseline");
    }

    @Test
    void badInputIsNamed() {
        Run f = run("spmm", "--shape", "8x8", "--formats", "zzz");
        assertThat(f.code()).isEqualTo(2);
        assertThat(f.err()).contains("zzz");
        Run s = run("spmm", "--shape", "8by8");
        assertThat(s.code()).isEqualTo(2);
        assertThat(s.err()).contains("--shape");
        Run m = run("spmm", "--matrix", "/nonexistent/w.npy");
        assertThat(m.code()).isEqualTo(2);
        assertThat(m.err()).contains("/nonexistent/w.npy");
        Run b = run("spmm", "--shape", "8x8", "--backends", "gpu9000");
        assertThat(b.code()).isEqualTo(2);
        assertThat(b.err()).contains("gpu9000");
    }

    @Test
    void kernelsThatDoNotApplyAreLeftOutWithTheirReason() {
        Run r = run("spmm", "--shape", "32x24", "--n", "4", "--formats", "dense", "--repeats", "3", "--min-sample-ms", "0");
        assertThat(r.code()).as(r.err()).isZero();
        if (new MklBackend().probe().available()) assertThat(r.err()).contains("left out mkl-sgemv").contains("N = 1");
        assertThat(r.out()).contains("dense-vector").contains("baseline");
    }

    @Test
    void aPatternThatCannotMakeTheFormatIsAnErrorNamingBoth() {
        Run r = run("spmm", "--shape", "32x24", "--rate", "0.5", "--n", "4", "--formats", "nm:2:4", "--repeats", "3", "--min-sample-ms", "0");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("nm:2:4").contains("uniform").doesNotContain("Exception");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void anEmptySelectionIsAnError() {
        assumeTrue(new MklBackend().probe().available(), "MKL: " + new MklBackend().probe());
        Run r = run("spmm", "--shape", "32x24", "--formats", "csr", "--kernels", "mkl-sgemm");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no chosen kernel takes any of the formats [csr]").contains("mkl-sgemm");
        Run u = run("spmm", "--shape", "32x24", "--kernels", "warp-magic");
        assertThat(u.code()).isEqualTo(2);
        assertThat(u.err()).contains("warp-magic").contains("no available backend declares it");
    }

    @Test
    void answersHelp() {
        Run r = run("spmm", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--formats").contains("--baseline");
    }

    @Test
    void helpListsTheBackendsAndKernelsItTakes() {
        Run r = run("spmm", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Backends and kernels").contains("cpu-vector").contains("csr-vector").contains("mkl")
                .contains("cuda-model    gpu, modelled").contains("mcu-qemu      mcu, emulated").contains("--json").contains("--csv");
    }

    @Test
    void gpuModelRowsPrintTheirCountsLabelledModelled() {
        Run r = run("spmm", "--shape", "32x32", "--n", "2", "--backends", "cuda-model", "--formats", "dense,csr,gcsr:4", "--repeats", "3",
                "--min-sample-ms", "0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("NaN").contains("counted").contains("model time us").contains("emulated' = counted under QEMU");
        java.util.List<String> rows = r.out().lines().filter(l -> l.contains("model-")).filter(l -> l.contains(" ok")).toList();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(3).allSatisfy(l -> {
            assertThat(l).contains("modelled").doesNotContain("emulated");
            // a DRAM byte count and a modelled time in microseconds
            assertThat(l).containsPattern("\\s\\d+\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d{3}×");
        });
        assertThat(r.err()).doesNotContain("WARNING: the machine was busy");
    }

    @Test
    void mcuRowsPrintInstructionsCyclesAndFlashLabelledEmulated() throws Exception {
        var qemu = new dev.prunebench.kernels.mcu.QemuCortexM4Backend().probe();
        assumeTrue(qemu.available(), "mcu-qemu (qemu-system-arm, arm-none-eabi-gcc): " + qemu);
        Run r = run("spmm", "--shape", "16x16", "--n", "1", "--backends", "mcu-qemu", "--kernels", "mcu-q15-dense,mcu-q15-csr",
                "--formats", "dense,csr", "--csv");
        assertThat(r.code()).as(r.err()).isZero();
        var rows = csv(r.out());
        // the candidate and every dense kernel of its platform (the baselines)
        assertThat(rows).extracting(m -> m.get("kernel")).contains("mcu-q15-dense", "mcu-q15-csr");
        assertThat(rows).allSatisfy(m -> {
            assertThat(m.get("provenance")).isEqualTo("emulated");
            assertThat(m.get("time_ms")).isEmpty();
            assertThat(Long.parseLong(m.get("count:instructions"))).isPositive();
            assertThat(Long.parseLong(m.get("count:cycles_estimated"))).isPositive();
            assertThat(Long.parseLong(m.get("count:flash_bytes"))).isPositive();
        });
        var dense = rows.stream().filter(m -> m.get("kernel").equals("mcu-q15-dense")).findFirst().orElseThrow();
        var sparse = rows.stream().filter(m -> m.get("kernel").equals("mcu-q15-csr")).findFirst().orElseThrow();
        // the speedup of a counted row is the exact ratio of the instruction counts
        assertThat(Double.parseDouble(sparse.get("speedup")))
                .isCloseTo(Double.parseDouble(dense.get("count:instructions")) / Double.parseDouble(sparse.get("count:instructions")),
                        org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void jsonHoldsEveryRowWithItsCountsOrTimes() throws Exception {
        Run r = run("spmm", "--shape", "24x16", "--n", "2", "--kernels", "dense-vector,csr-vector,model-sgemm,model-csr-vector",
                "--formats", "csr", "--repeats", "3", "--min-sample-ms", "0", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        var j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(j.get("w").get("rows").asInt()).isEqualTo(24);
        assertThat(j.get("load").get("cores").asInt()).isPositive();
        assertThat(r.err()).contains("W: generated 24x16");
        var rows = new java.util.HashMap<String, com.fasterxml.jackson.databind.JsonNode>();
        for (var row : j.get("results")) rows.put(row.get("kernel").asText(), row);
        assertThat(rows).containsKeys("dense-vector", "csr-vector", "model-sgemm", "model-csr-vector");
        var timed = rows.get("csr-vector");
        assertThat(timed.get("provenance").asText()).isEqualTo("measured");
        assertThat(timed.get("time_ms").isNumber()).isTrue();
        assertThat(timed.get("time_low_ms").asDouble()).isLessThanOrEqualTo(timed.get("time_high_ms").asDouble());
        assertThat(timed.get("counts").isNull()).isTrue();
        assertThat(timed.get("control").get("kernel").asText()).isEqualTo("dense-vector");
        var counted = rows.get("model-csr-vector");
        assertThat(counted.get("provenance").asText()).isEqualTo("modelled");
        assertThat(counted.get("time_ms").isNull()).isTrue();
        assertThat(counted.get("cost").asText()).isEqualTo("est_time_ps");
        assertThat(counted.get("counts").get("est_time_ps").asLong()).isPositive();
        assertThat(counted.get("baseline").asText()).isEqualTo("model-sgemm");
    }

    @Test
    void csvHasOneRowPerKernelAndFormat() throws Exception {
        Run r = run("spmm", "--shape", "24x16", "--n", "2", "--kernels", "dense-vector,csr-vector,gcsr-vector", "--formats", "csr,gcsr:4",
                "--repeats", "3", "--min-sample-ms", "0", "--csv");
        assertThat(r.code()).as(r.err()).isZero();
        var rows = csv(r.out());
        assertThat(rows).extracting(m -> m.get("format") + " " + m.get("kernel"))
                .contains("dense dense-vector", "csr csr-vector", "gcsr:4 gcsr-vector");
        assertThat(rows).allSatisfy(m -> {
            assertThat(m.get("provenance")).isEqualTo("measured");
            assertThat(Double.parseDouble(m.get("time_ms"))).isPositive();
        });
        Run both = run("spmm", "--shape", "8x8", "--json", "--csv");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--json and --csv");
    }

    private static java.util.List<java.util.Map<String, String>> csv(String text) throws java.io.IOException {
        var recs = dev.prunebench.results.Csv.parse(text, "stdout");
        var header = recs.get(0).fields();
        java.util.List<java.util.Map<String, String>> out = new java.util.ArrayList<>();
        for (var rec : recs.subList(1, recs.size())) {
            java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) m.put(header.get(i), rec.fields().get(i));
            out.add(m);
        }
        return out;
    }
}
