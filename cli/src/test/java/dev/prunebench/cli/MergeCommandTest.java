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

    /** Six points; a shard writes the metrics of its own points (and, when {@code overlap}, point 0 in every shard). */
    record Sharded(String id, boolean overlap) implements Experiment {
        Sharded(String id) { this(id, false); }

        @Override public String paper() { return "test"; }
        @Override public String description() { return "test"; }
        @Override public boolean shardable() { return true; }
        @Override public void run(ExperimentContext ctx) throws Exception { run(ctx, Shard.WHOLE); }
        @Override public void run(ExperimentContext ctx, Shard shard) {
            for (int k = 0; k < 6; k++) if (shard.owns(k) || (overlap && k == 0)) ctx.metric(Metric.exact("point[k=" + k + "]", k, "count"));
        }
    }

    static Path run(Path root, Shard shard) throws Exception { return run(root, shard, new Sharded("formats-storage")); }

    static Path run(Path root, Shard shard, Experiment e) throws Exception {
        return RunSupport.runAll(List.of(e), Scale.QUICK, root, 1, true, new PrintWriter(new StringWriter(), true), shard).dir();
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
        // a history takes the merged run, never a single shard (it would shrink the points every later check averages over)
        Path h = tmp.resolve("h.sqlite");
        err = new StringWriter();
        assertThat(Main.execute(new String[] {"history", "add", "--history", h.toString(), out.toString(), s1.toString()},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))).isEqualTo(2);
        assertThat(err.toString()).contains("RUN " + s1).contains("shard 1/2").contains("merge the shards first").hasLineCount(1);
        assertThat(h).doesNotExist();
        err = new StringWriter();
        assertThat(Main.execute(new String[] {"run", "spmm-gate", "--scale", "quick", "--shard", "1/2", "--history", h.toString(), "--out", tmp.resolve("never").toString()},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))).isEqualTo(2);
        assertThat(err.toString()).contains("--history with --shard 1/2").hasLineCount(1);
        assertThat(tmp.resolve("never")).doesNotExist();
        assertThat(h).doesNotExist();
        StringWriter ok = new StringWriter();
        assertThat(Main.execute(new String[] {"history", "add", "--history", h.toString(), out.toString()}, new PrintWriter(ok, true), new PrintWriter(ok, true)))
                .as(ok.toString()).isZero();
    }

    /** A copy of a run folder whose manifest.json is changed by {@code edit} (another commit, machine, scale…). */
    static Path edited(Path run, Path to, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit) throws Exception {
        try (var walk = Files.walk(run)) {
            for (Path p : walk.toList()) {
                Path t = to.resolve(run.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var m = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(to.resolve("manifest.json").toFile());
        edit.accept(m);
        json.writeValue(to.resolve("manifest.json").toFile(), m);
        return to;
    }

    /** Each mismatch refused with exit 2 and one line naming what differs; neither --out nor anything beside it written. */
    @Test void shardsOfAnotherSweepOrAnIncompleteSetAreRefusedByNameAndNothingIsWritten(@TempDir Path tmp) throws Exception {
        Path s1 = run(tmp.resolve("a"), new Shard(1, 2)), s2 = run(tmp.resolve("b"), new Shard(2, 2));
        Path t1 = run(tmp.resolve("c"), new Shard(1, 3)), t3 = run(tmp.resolve("d"), new Shard(3, 3));
        Path otherExperiment = run(tmp.resolve("e"), new Shard(2, 2), new Sharded("hartenstein-spmm-cpu"));
        Path overlapping = run(tmp.resolve("f"), new Shard(2, 2), new Sharded("formats-storage", true));
        Path x = Files.createDirectories(tmp.resolve("x"));
        Path otherCommit = edited(s2, x.resolve("commit"), m -> m.with("environment").put("git_commit", "0123456789abcdef0123456789abcdef01234567"));
        Path otherMachine = edited(s2, x.resolve("machine"), m -> m.with("environment").put("fingerprint", "Other CPU | 64 cores | avx2 fma"));
        Path otherScale = edited(s2, x.resolve("scale"), m -> m.put("scale", "standard"));
        Path otherSeed = edited(s2, x.resolve("seed"), m -> m.put("seed", 7));
        Path failed = edited(s2, x.resolve("failed"), m -> m.putArray("failed_experiments").add("formats-storage"));
        Path merged = tmp.resolve("ok");
        assertThat(merge(new StringWriter(), s1.toString(), s2.toString(), "--out", merged.toString())).isZero();
        Object[][] cases = {
                {otherCommit, "commit 0123456789abcdef0123456789abcdef01234567 differs"},
                {otherMachine, "machine class (fingerprint) Other CPU | 64 cores | avx2 fma differs"},
                {otherScale, "scale standard differs"},
                {otherSeed, "seed 7 differs"},
                {otherExperiment, "experiments [hartenstein-spmm-cpu] differs"},
                {failed, "experiments failed in this shard: [formats-storage]"},
                {overlapping, "metric point[k=0] of formats-storage is also in"},
                {s1, "shard 1/2 given twice"},
                {t3, "shard 3/3 is not of 2 shards"},
                {merged, "not I/N (a merged run cannot be merged again)"},
        };
        Path out = tmp.resolve("new/merged");
        for (Object[] c : cases) {
            StringWriter err = new StringWriter();
            assertThat(merge(err, s1.toString(), c[0].toString(), "--out", out.toString())).as(c[1] + ": " + err).isEqualTo(2);
            assertThat(err.toString()).as(c[1].toString()).contains(c[1].toString()).contains(c[0].toString()).hasLineCount(1).doesNotContain("Exception");
            assertThat(tmp.resolve("new")).as("nothing written for " + c[1]).doesNotExist();
        }
        StringWriter inside = new StringWriter();
        assertThat(merge(inside, s1.toString(), s2.toString(), "--out", s1.resolve("merged").toString())).isEqualTo(2);
        assertThat(inside.toString()).contains("is inside the shard run folder").hasLineCount(1);
        assertThat(s1.resolve("merged")).doesNotExist();
        // a missing shard: named, refused unless --partial (then merged with a warning naming it)
        StringWriter err = new StringWriter();
        assertThat(merge(err, t1.toString(), t3.toString(), "--out", out.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("shard 2/3 missing").contains("--partial").hasLineCount(1);
        assertThat(tmp.resolve("new")).doesNotExist();
        err = new StringWriter();
        assertThat(merge(err, t3.toString(), t1.toString(), "--partial", "--out", out.toString())).isZero();
        assertThat(err.toString()).contains("merged 2 of 3 shards").contains("2/3");
        assertThat(Files.readString(out.resolve("manifest.json"))).contains("merged 1/3 + 3/3").contains("-partial\"");
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(RunFolders.UNFINISHED));
        }
    }
}
