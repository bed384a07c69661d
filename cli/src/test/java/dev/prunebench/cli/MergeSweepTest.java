package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.experiments.RunSupport;
import dev.prunebench.experiments.Shard;
import dev.prunebench.experiments.hartenstein.HartensteinSpmmCpu;
import dev.prunebench.experiments.sweep.SpmmSweep;
import dev.prunebench.measure.Budget;
import dev.prunebench.results.Metric;
import dev.prunebench.results.RunData;
import dev.prunebench.results.Scale;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

/**
 * A real sweep ({@code hartenstein-spmm-cpu}'s code, this machine's CPU kernels: gcsr-vector, csr-vector, MKL's sparse
 * CSR against every dense kernel) run whole and as shards 1/2 and 2/2, the shards merged: the merged folder's exact
 * metrics and per-point table entries equal the whole run's, and report, compare and history add take it. The sweep is
 * the quick one made smaller (512², N = 16, 4 and 1, g = 1 and 8, rates 0.80 and 0.98: 12 points, 3 repeats) so the test takes
 * seconds; timings are compared by name only, never by value.
 */
class MergeSweepTest {

    static final String ID = "hartenstein-spmm-cpu";

    static final SpmmSweep.Config CFG = new SpmmSweep.Config(512, 512, new int[] {16, 4, 1}, new double[] {0.80, 0.98}, new int[] {1, 8},
            new Budget(1, 3, 1_000_000L, 200, 1L, 10_000_000L), 1, HartensteinSpmmCpu.DEFAULT_KERNELS, new double[0], new double[0], "cpu");

    static Path run(Path root, Shard shard) throws Exception {
        return RunSupport.runAll(List.of(new HartensteinSpmmCpu(CFG)), Scale.QUICK, root, 20260101, true, new PrintWriter(new StringWriter(), true), shard).dir();
    }

    static int cli(StringWriter out, String... args) {
        StringWriter err = new StringWriter();
        int rc = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        out.append(err.toString());
        return rc;
    }

    /** Per-point metrics (what a shard measures): the speedups, counts and nnz of the fixed grid. */
    static boolean perPoint(String name) { return name.startsWith("speedup[") || name.startsWith("count[") || name.startsWith("nnz["); }

    static Map<String, Double> exact(RunData r) {
        return r.experiment(ID).metrics().stream().filter(m -> m.kind() == Metric.Kind.EXACT)
                .collect(Collectors.toMap(Metric::name, Metric::value, (a, b) -> a, TreeMap::new));
    }

    static TreeSet<String> pointNames(RunData r) {
        return r.experiment(ID).metrics().stream().map(Metric::name).filter(MergeSweepTest::perPoint).collect(Collectors.toCollection(TreeSet::new));
    }

    /** speedup.csv's exact columns per (n, g, rate, kernel): non-zeros and storage bytes of the format each kernel ran. */
    static Map<String, String> storage(RunData r) throws Exception {
        Table t = r.experiment(ID).table("speedup");
        Map<String, String> out = new TreeMap<>();
        for (Row row : t)
            if (row.getString("status").equals("ok"))
                out.put(row.getObject("n") + " " + row.getObject("g") + " " + row.getObject("rate") + " " + row.getString("kernel"),
                        row.getObject("nnz") + " nnz, " + row.getObject("bytes") + " bytes, " + row.getString("format"));
        return out;
    }

    @Test void mergedShardsOfARealSweepHoldTheWholeRunsExactMetricsAndEveryCommandTakesThem(@TempDir Path tmp) throws Exception {
        Path whole = run(tmp.resolve("whole"), Shard.WHOLE), s1 = run(tmp.resolve("s1"), new Shard(1, 2)), s2 = run(tmp.resolve("s2"), new Shard(2, 2));
        Path merged = tmp.resolve("merged");
        StringWriter out = new StringWriter();
        assertThat(cli(out, "merge", s2.toString(), s1.toString(), "--out", merged.toString())).as(out.toString()).isZero();
        RunData w = RunData.read(whole), m = RunData.read(merged), a = RunData.read(s1), b = RunData.read(s2);

        assertThat(exact(w)).hasSize(CFG.groups().length * CFG.rates().length); // nnz of each (g, rate)
        assertThat(exact(m)).isEqualTo(exact(w));
        // the shards hold disjoint parts of them (a (g, rate)'s nnz is in the shard of its first N: 1, 2, 1, 2)
        assertThat(exact(a)).hasSize(2).doesNotContainKeys(exact(b).keySet().toArray(String[]::new));
        assertThat(exact(b)).hasSize(2);
        assertThat(pointNames(m)).isEqualTo(pointNames(w));
        assertThat(storage(m)).isEqualTo(storage(w))
                // CSR at rate 0.80 of 512²: 4-byte value and 4-byte column index per non-zero, 513 4-byte row pointers
                .containsEntry("16 1 0.8 csr-vector", "52429 nnz, " + (8 * 52429 + 4 * 513) + " bytes, csr");
        assertThat(storage(a).size() + storage(b).size()).isEqualTo(storage(m).size());
        assertThat(m.manifest().get("shard")).isEqualTo("merged 1/2 + 2/2");

        out = new StringWriter();
        assertThat(cli(out, "report", merged.toString())).as(out.toString()).isZero();
        out = new StringWriter();
        assertThat(cli(out, "compare", "--exact-only", whole.toString(), merged.toString())).as(out.toString()).isZero();
        Path h = tmp.resolve("h.sqlite");
        out = new StringWriter();
        assertThat(cli(out, "history", "add", "--history", h.toString(), merged.toString())).as(out.toString()).isZero();
        assertThat(out.toString()).contains("added " + m.runId());
        out = new StringWriter();
        assertThat(cli(out, "history", "check", "--history", h.toString(), merged.toString())).as(out.toString()).isZero();
    }
}
