package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.experiments.Experiment;
import dev.prunebench.experiments.RunSupport;
import dev.prunebench.history.History;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.Scale;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryAddTest {

    record Fake(String id) implements Experiment {
        @Override public String paper() { return "test"; }
        @Override public String description() { return "test"; }
        @Override public void run(ExperimentContext ctx) {
            ctx.metric(Metric.exact("nm_sparsity[n=2,m=4]", 0.5, "fraction"));
        }
    }

    @Test void aRunAddedToAHistoryGetsItsCheckAndATrendsPageLinkedFromItsReport(@TempDir Path tmp) throws Exception {
        Path history = tmp.resolve("history.sqlite");
        StringWriter out = new StringWriter();
        Path first = RunSupport.runAll(List.of(new Fake("formats-storage")), Scale.QUICK, tmp.resolve("a"), 1, true,
                new PrintWriter(new StringWriter(), true)).dir();
        HistoryAdd.addToHistory(history, first, new PrintWriter(out, true));
        assertThat(out.toString()).contains("added ").contains("(1 runs)").contains("history check of").contains("trends: ");
        assertThat(first.resolve("trends.html")).exists();
        assertThat(Files.readString(first.resolve("index.html"))).contains("href=\"trends.html\"");
        HistoryAdd.addToHistory(history, first, new PrintWriter(out, true));
        assertThat(out.toString()).contains("already held ");
        try (var h = History.open(history, false)) {
            assertThat(h.runs()).hasSize(1);
        }
    }
}
