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

    /** Writes a file, or checks that the experiment it needs wrote one. */
    record Chain(String id, List<String> needs, List<String> uses) implements Experiment {
        @Override public String paper() { return "test"; }
        @Override public String description() { return "test"; }
        @Override public void run(ExperimentContext ctx) throws Exception {
            Files.writeString(ctx.dir().resolve("out.txt"), id);
            for (String n : needs) {
                Path in = ctx.input(n).orElseThrow(() -> new IllegalStateException(id + ": no input " + n));
                ctx.note("read " + Files.readString(in.resolve("out.txt")));
            }
        }
    }

    @Test void whatAnExperimentNeedsIsAddedAndRunFirst() {
        Experiment a = new Chain("a", List.of(), List.of()), b = new Chain("b", List.of("a"), List.of()), c = new Chain("c", List.of(), List.of("b"));
        Map<String, Experiment> known = Map.of("a", a, "b", b, "c", c);
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        List<Experiment> order = RunSupport.order(List.of(c, b), known, new java.io.PrintStream(log, true));
        assertThat(order).extracting(Experiment::id).containsExactly("a", "b", "c");
        assertThat(log.toString()).contains("running a too: b needs its output");
        // uses only orders: c alone runs alone
        assertThat(RunSupport.order(List.of(c), known, new java.io.PrintStream(log, true))).extracting(Experiment::id).containsExactly("c");
        Experiment x = new Chain("x", List.of("y"), List.of()), y = new Chain("y", List.of("x"), List.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunSupport.order(List.of(x), Map.of("x", x, "y", y), new java.io.PrintStream(log, true)))
                .hasMessageContaining("cycle");
    }

    @Test void anExperimentReadsWhatItNeedsThroughTheRun(@TempDir Path tmp) throws Exception {
        Experiment a = new Chain("formats-storage", List.of(), List.of()), b = new Chain("reader", List.of("formats-storage"), List.of());
        RunSupport.Outcome o = RunSupport.runAll(List.of(b, a), Scale.QUICK, tmp, 1, true, new PrintWriter(new StringWriter(), true));
        assertThat(o.failed()).isEmpty();
        assertThat(RunData.read(o.dir()).experiment("reader").notes()).contains("read formats-storage");
    }
}
