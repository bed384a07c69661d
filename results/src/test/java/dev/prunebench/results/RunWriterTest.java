package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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

    @Test void failureBeforeTheMoveRemovesTheTempFolder(@TempDir Path tmp) throws Exception {
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        try (RunWriter w = new RunWriter(tmp, "abc", Scale.QUICK, 1, new java.io.PrintStream(log, true), false)) {
            try (RunWriter.Context c = w.experiment("x", "p")) {
                c.metric(Metric.exact("a[b=1]", 1, ""));
            }
            assertThat(w.tmpDir()).isDirectory();
            assertThatThrownBy(() -> w.finish(Map.of(), Environment.of(Map.of()), dir -> { throw new IOException("report failed"); }))
                    .hasMessage("report failed");
        }
        try (var s = Files.list(tmp)) {
            assertThat(s.toList()).isEmpty();
        }
        assertThat(log.toString()).contains("did not finish").contains("was removed").doesNotContain("partial output left");
    }

    @Test void aLatestThatIsARealFolderIsRefusedBeforeTheRunStarts(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("latest").resolve("mine"));
        assertThatThrownBy(() -> new RunWriter(tmp, "abc", Scale.QUICK, 1, RunWriter.nullStream(), false))
                .hasMessageContaining("latest").hasMessageContaining("is a real folder");
        assertThatThrownBy(() -> RunWriter.checkLatest(tmp)).isInstanceOf(IOException.class);
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("latest");
        }
        assertThat(tmp.resolve("latest").resolve("mine")).isDirectory();
    }

    @Test void aLatestMadeARealFolderDuringTheRunKeepsTheRunAndLeavesNoStrayLink(@TempDir Path tmp) throws Exception {
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        Path dest;
        try (RunWriter w = new RunWriter(tmp, "abc", Scale.QUICK, 1, new java.io.PrintStream(log, true), false)) {
            w.experiment("x", "p").close();
            Files.createDirectories(tmp.resolve("latest"));
            assertThatThrownBy(() -> w.finish(Map.of(), Environment.of(Map.of()), dir -> {})).hasMessageContaining("is a real folder");
            dest = tmp.resolve(w.runId());
        }
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("latest", dest.getFileName().toString());
        }
        assertThat(dest.resolve("manifest.json")).isRegularFile();
        assertThat(log.toString()).contains("is complete in").doesNotContain("partial output").doesNotContain("removed");
    }

    /** The child JVM of {@link #sigintRemovesTheTempFolder}, ended after each test whatever happened to it. */
    private Process child;

    @AfterEach void endTheChild() {
        if (child != null) child.destroyForcibly();
    }

    /**
     * SIGINT ends the JVM through its shutdown hooks: the run's temporary folder goes with it, and nothing else.
     * Every wait is on an event (the child's lines, its exit): a JVM starting on a busy machine can take any time, so
     * only the generous timeout of the whole test bounds it.
     */
    @Test @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sigintRemovesTheTempFolder(@TempDir Path tmp) throws Exception {
        Path kill = Path.of("/bin/kill");
        assumeTrue(Files.isExecutable(kill) || Files.isExecutable(Path.of("/usr/bin/kill")), "no kill command");
        Path other = Files.createDirectories(tmp.resolve(".tmp-someone-else"));
        child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                InterruptedRunMain.class.getName(), tmp.toString()).redirectErrorStream(true).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        // the JVM may print warnings first (JAVA_TOOL_OPTIONS, CDS): wait for the line that says the folder exists
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null && !line.startsWith("tmp ")) {
            assumeFalse(line.equals("sigint ignored"), "this JVM was started with SIGINT ignored (a background job, nohup), "
                    + "so its child ignores it too and installs no handler");
            seen.append(line).append('\n');
        }
        assertThat(line).as("the child's 'tmp' line; it printed:%n%s", seen).isNotNull();
        Path runTmp = Path.of(line.substring(4));
        assertThat(runTmp.resolve("x").resolve("part.csv")).isRegularFile();
        assertThat(new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor()).isZero();
        // the JVM's SIGINT handler exits with 128 + 2 after the hooks; the child never ends on its own
        assertThat(child.waitFor()).as("child's exit status").isEqualTo(130);
        assertThat(runTmp).doesNotExist();
        assertThat(other).isDirectory();
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
