package dev.prunebench.experiments.formats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricsCsv;
import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

class FormatsStorageTest {

    @TempDir Path root;

    @Test
    void tablesMetricsAndBreakEvenOnSmallShapes() throws Exception {
        // 64x64 is the headline shape; 10x100 has tails for every gcsr and for nm:4:8 (100 % 8 = 4)
        List<FormatsStorage.Shape> shapes = List.of(new FormatsStorage.Shape("t", "a", 64, 64), new FormatsStorage.Shape("t", "b", 10, 100));
        Path dir;
        try (RunWriter run = new RunWriter(root, "test", Scale.QUICK, 5, RunWriter.nullStream(), false)) {
            try (RunWriter.Context ctx = run.experiment("formats-storage", "x")) {
                new FormatsStorage(shapes, new double[] {0, 0.5, 0.9}).run(ctx);
                dir = ctx.dir();
            }
            dir = run.finish(Map.of()).resolve("formats-storage");
        }
        Table bytes = Table.read().csv(dir.resolve("bytes.csv").toFile());
        Table be = Table.read().csv(dir.resolve("break_even.csv").toFile());

        // every row agrees with the closed form, and a CSR row matches the lecture formula computed here
        assertThat(bytes.booleanColumn("agrees").asList()).containsOnly(true).isNotEmpty();
        for (Row r : bytes) {
            if (!r.getString("format").equals("csr")) continue;
            long k = ((Number) r.getObject("kept_units")).longValue(), rows = r.getInt("rows"), cols = r.getInt("cols");
            int vb = switch (r.getString("precision")) { case "fp32" -> 4; case "int8" -> 1; default -> 2; };
            boolean min = r.getString("policy").equals("minimal");
            long idx = min ? (cols <= 256 ? 1 : 2) : 4, ptr = min ? (k <= 255 ? 1 : k <= 65_535 ? 2 : 4) : 4;
            assertThat(((Number) r.getObject("bytes")).longValue()).isEqualTo(k * vb + k * idx + (rows + 1) * ptr);
            assertThat(k).isEqualTo(rows * cols - Math.round(r.getDouble("sparsity") * rows * cols));
        }
        // N:M only where it can hold the sparsity: 2:4 from 0.5, 1:4 from 0.75
        assertThat(bytes.where(bytes.stringColumn("format").isEqualTo("nm:1:4")).doubleColumn("sparsity").asList()).containsOnly(0.9);
        assertThat(bytes.where(bytes.stringColumn("format").isEqualTo("nm:2:4")).doubleColumn("sparsity").asList()).containsOnly(0.5, 0.9);

        assertThat(be.rowCount()).isEqualTo(2 * FormatsStorage.FORMATS.size() * 8);
        assertThat(be.stringColumn("confirmation").asList()).containsOnly(FormatsStorage.CONFIRMED);

        Map<String, Metric> m = MetricsCsv.read(dir.resolve("metrics.csv")).stream().collect(Collectors.toMap(Metric::name, Function.identity()));
        assertThat(m.get("formula_disagreements").value()).isZero();
        assertThat(m.get(FormatsStorage.metric("nm_metadata_bits_per_value", "n=2", "m=4")).value()).isEqualTo(2.0);
        assertThat(m.get(FormatsStorage.metric("nm_metadata_bits_per_value", "n=4", "m=8")).value()).isEqualTo(3.0);
        assertThat(m.get(FormatsStorage.metric("nm_sparsity", "n=2", "m=4")).value()).isEqualTo(0.5);
        // CSR 64x64 fp32 minimal: 4K + 1K + 65 * w(K+1) < 16384 → K = 3250 (pointers 2 bytes): sparsity 1 - 3250/4096
        double csr = m.get(FormatsStorage.metric("break_even_sparsity", "format=csr", "shape=64x64", "precision=fp32", "policy=minimal")).value();
        assertThat(csr).isEqualTo(1 - 3250 / 4096.0);
        assertThat(5 * 3250 + 65 * 2).isLessThan(16384);
        assertThat(5 * 3251 + 65 * 2).isGreaterThanOrEqualTo(16384);
        assertThat(m.get(FormatsStorage.metric("bytes", "format=csr", "rows=64", "cols=64", "precision=fp32", "policy=minimal", "sparsity=0.90")).value())
                .isEqualTo(410 * 5 + 65 * 2);
        assertThat(m.get(FormatsStorage.metric("bytes_rel_dense", "format=nm:2:4", "shape=64x64", "precision=fp32", "policy=minimal")).value()).isEqualTo((2048 * 4 + 512) / 16384.0);
        assertThat(Files.readString(dir.resolve("experiment.json"))).contains("bytes-64x64-fp32-minimal").contains("agree on all");
    }

    @Test
    void prunedMatricesKeepExactlyTheUnitsAsked() {
        for (FormatSpec f : List.of(FormatSpec.CSR, FormatSpec.grouped(3), FormatSpec.nm(2, 4), FormatSpec.nm(4, 8))) {
            long max = f.kind() == FormatSpec.Kind.NM ? PrunedMatrices.maxNonZerosNm(f, 7, 13) : f.kind() == FormatSpec.Kind.GCSR ? 7 * 5 : 91;
            for (long k = 0; k <= max; k += 3) {
                Encoded e = Encoded.atKept(f, 7, 13, Double.NaN, k, k, new float[91]);
                assertThat(e.keptMeasured()).as("%s kept %d", f, k).isEqualTo(k);
            }
        }
        assertThat(PrunedMatrices.keptFor(FormatSpec.nm(2, 4), 4, 8, 0.4)).isEqualTo(-1);
        assertThat(PrunedMatrices.keptFor(FormatSpec.nm(2, 4), 4, 8, 0.5)).isEqualTo(16);
        assertThat(PrunedMatrices.minSparsityNm(FormatSpec.nm(2, 4), 1, 10)).isEqualTo(0.4);
    }
}
