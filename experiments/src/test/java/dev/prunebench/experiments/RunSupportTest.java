package dev.prunebench.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.RunData;
import dev.prunebench.results.Scale;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSupportTest {

    record Fake(String id, boolean fail) implements Experiment {
        @Override public String paper() { return "test"; }
        @Override public String description() { return "test"; }
        @Override public void run(ExperimentContext ctx) {
            ctx.metric(Metric.exact("nm_sparsity[n=2,m=4]", 0.5, "fraction"));
            ctx.environment("test_library_version", "1.2.3");
            if (fail) throw new IllegalStateException("planted failure");
        }
    }

    @Test void aFailingExperimentIsRecordedAndTheOthersStillRun(@TempDir Path tmp) throws Exception {
        StringWriter err = new StringWriter();
        RunSupport.Outcome o = RunSupport.runAll(List.of(new Fake("formats-storage", false), new Fake("broken", true)), Scale.QUICK,
                tmp, 1, true, new PrintWriter(err, true));
        assertThat(o.failed()).containsExactly("broken");
        assertThat(err.toString()).contains("experiment broken failed", "planted failure");
        RunData run = RunData.read(o.dir());
        assertThat(run.manifest().get("failed_experiments")).isEqualTo(List.of("broken"));
        assertThat(run.environment().get("test_library_version")).isEqualTo("1.2.3");
        assertThat((Map<?, ?>) run.environment().get("backends")).isNotEmpty();
        assertThat(run.experiment("broken").skipped()).singleElement().asString().contains("planted failure");
        String html = Files.readString(o.dir().resolve("index.html"));
        assertThat(html).contains("Failed experiments:", "planted failure", "reproduced");
        assertThat(tmp.resolve("latest")).exists();
    }
}
