package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.experiments.Experiment;
import dev.prunebench.experiments.RunSupport;
import dev.prunebench.experiments.Shard;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricsCsv;
import dev.prunebench.results.Scale;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergeCommandTest {

    /** Six points; a shard writes the metrics of its own points. */
    record Sharded(String id) implements Experiment {
        @Override public String paper() { return "test"; }
        @Override public String description() { return "test"; }
        @Override public boolean shardable() { return true; }
        @Override public void run(ExperimentContext ctx) throws Exception { run(ctx, Shard.WHOLE); }
        @Override public void run(ExperimentContext ctx, Shard shard) {
            for (int k = 0; k < 6; k++) if (shard.owns(k)) ctx.metric(Metric.exact("point[k=" + k + "]", k, "count"));
        }
    }

    static Path run(Path root, Shard shard) throws Exception {
        return RunSupport.runAll(List.of(new Sharded("formats-storage")), Scale.QUICK, root, 1, true, new PrintWriter(new StringWriter(), true), shard).dir();
    }

    static int merge(StringWriter err, String... args) {
        String[] a = new String[args.length + 1];
        a[0] = "merge";
        System.arraycopy(args, 0, a, 1, args.length);
        return Main.execute(a, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    }

    @Test void shardRunsMergeIntoOneRunWithEveryPointOnce(@TempDir Path tmp) throws Exception {
        Path whole = run(tmp.resolve("w"), Shard.WHOLE), s1 = run(tmp.resolve("a"), new Shard(1, 2)), s2 = run(tmp.resolve("b"), new Shard(2, 2));
        assertThat(Files.readString(s2.resolve("manifest.json"))).contains("\"shard\" : \"2/2\"");
        StringWriter err = new StringWriter();
        Path out = tmp.resolve("merged");
        assertThat(merge(err, s1.toString(), s2.toString(), "--out", out.toString())).as(err.toString()).isZero();
        var names = MetricsCsv.read(out.resolve("formats-storage/metrics.csv")).stream().map(Metric::name).sorted().toList();
        var wholeNames = MetricsCsv.read(whole.resolve("formats-storage/metrics.csv")).stream().map(Metric::name).sorted().toList();
        assertThat(names).isEqualTo(wholeNames).hasSize(6);
        assertThat(Files.readString(out.resolve("manifest.json"))).contains("merged 1/2 + 2/2");
        assertThat(out.resolve("index.html")).exists();
        // the same shard twice, an unsharded run, an existing --out: refused with exit 2 and one line
        err = new StringWriter();
        assertThat(merge(err, s1.toString(), s1.toString(), "--out", tmp.resolve("m2").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("given twice").hasLineCount(1);
        err = new StringWriter();
        assertThat(merge(err, s1.toString(), whole.toString(), "--out", tmp.resolve("m3").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("not a shard run");
        err = new StringWriter();
        assertThat(merge(err, s1.toString(), s2.toString(), "--out", out.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("exists");
        assertThat(tmp.resolve("m2")).doesNotExist();
    }
}
