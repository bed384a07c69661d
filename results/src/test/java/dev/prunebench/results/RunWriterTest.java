package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunWriterTest {

    @Test void finishedRunHasManifestEnvironmentReportAndLatest(@TempDir Path tmp) throws Exception {
        Path run = SyntheticRun.write(tmp, 3, 1.0, SyntheticRun.FINGERPRINT);
        assertThat(tmp.resolve("latest").toRealPath()).isEqualTo(run.toRealPath());
        RunData d = RunData.read(tmp.resolve("latest"));
        assertThat(d.environment().fingerprint()).isEqualTo(SyntheticRun.FINGERPRINT);
        assertThat(d.experiments()).extracting(RunData.ExperimentData::id).containsExactly("hartenstein-spmm-cpu", "formats-storage");
        RunData.ExperimentData e = d.experiment("hartenstein-spmm-cpu");
        assertThat(e.plots()).hasSize(3);
        assertThat(e.plots().get(0).refY()).isEqualTo(1.0);
        assertThat(e.plots().get(1).refY()).isNaN();
        assertThat(e.plots().get(1).filter()).containsExactly("g=8");
        assertThat(e.metric("time[kernel=gcsr-vector,g=32,rate=0.90,n=50]").samples()).hasSize(20);
        // the manifest alone names each experiment's parameters, seed and times
        @SuppressWarnings("unchecked") Map<String, Object> details = (Map<String, Object>) d.manifest().get("experiment_details");
        assertThat(details.keySet()).containsExactly("hartenstein-spmm-cpu", "formats-storage");
        @SuppressWarnings("unchecked") Map<String, Object> h = (Map<String, Object>) details.get("hartenstein-spmm-cpu");
        assertThat(h.get("parameters")).isEqualTo(Map.of("n", 50));
        assertThat(h.keySet()).contains("seed", "started", "finished", "skipped", "notes");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
        }
    }

    @Test void failureBeforeTheMoveLeavesOnlyATempFolder(@TempDir Path tmp) throws Exception {
        try (RunWriter w = new RunWriter(tmp, "abc", Scale.QUICK, 1, RunWriter.nullStream(), false)) {
            try (RunWriter.Context c = w.experiment("x", "p")) {
                c.metric(Metric.exact("a[b=1]", 1, ""));
            }
            assertThatThrownBy(() -> w.finish(Map.of(), Environment.of(Map.of()), dir -> { throw new IOException("report failed"); }))
                    .hasMessage("report failed");
        }
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).singleElement().asString().startsWith(".tmp-");
        }
        assertThat(Files.exists(tmp.resolve("latest"))).isFalse();
    }

    @Test void readingSomethingThatIsNotARunNamesIt(@TempDir Path tmp) throws IOException {
        assertThatThrownBy(() -> RunData.read(tmp.resolve("nope"))).hasMessageContaining("nope");
        assertThatThrownBy(() -> RunData.read(tmp)).hasMessageContaining("not a run folder");
        Files.writeString(tmp.resolve("manifest.json"), "{ broken");
        assertThatThrownBy(() -> RunData.read(tmp)).hasMessageContaining("manifest.json: malformed JSON");
    }

    @Test void metricNamesWithCommasRoundTrip(@TempDir Path tmp) throws IOException {
        Metric m = Metric.timing("speedup[kernel=gcsr-vector,over=fastest-dense,g=8,rate=0.90,n=50]", 1.5, "x", new double[] {1.4, 1.5, 1.6});
        MetricsCsv.write(tmp.resolve("metrics.csv"), java.util.List.of(m, Metric.exact("bytes[format=csr]", 12, "bytes")));
        assertThat(MetricsCsv.read(tmp.resolve("metrics.csv"))).containsExactly(m, Metric.exact("bytes[format=csr]", 12, "bytes"));
        assertThatThrownBy(() -> Metric.exact("a\"b", 1, "")).hasMessageContaining("double quotes");
    }
}
