package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.results.Environment;
import dev.prunebench.results.Metric;
import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** history add / list / show / check / trends / evaluate end to end, the file read back with plain JDBC. */
class HistoryCommandTest {

    static final String FP = "cpu | 2 cores | avx2";

    /** A run of one experiment: one kernel's speedups over fastest-dense at 6 points (run noise 1 %), slowed by {@code slowdown}. */
    static Path run(Path root, String commit, long seed, double slowdown, double nnz) throws Exception {
        return run(root, commit, seed, slowdown, nnz, FP);
    }

    /** The same on the machine class {@code fingerprint}. */
    static Path run(Path root, String commit, long seed, double slowdown, double nnz, String fingerprint) throws Exception {
        Random r = new Random(seed);
        try (RunWriter w = new RunWriter(root.resolve(commit + seed), commit, Scale.QUICK, seed, RunWriter.nullStream(), false)) {
            try (RunWriter.Context c = w.experiment("hartenstein-spmm-cpu", "paper")) {
                double runFactor = Math.exp(0.01 * r.nextGaussian()) / slowdown;
                for (int g : new int[] {1, 8})
                    for (double rate : new double[] {0.8, 0.9, 0.98}) {
                        double[] s = new double[7];
                        for (int i = 0; i < s.length; i++) s[i] = (1 + g / 8.0 + rate) * runFactor * Math.exp(0.02 * r.nextGaussian());
                        double[] sorted = s.clone();
                        java.util.Arrays.sort(sorted);
                        c.metric(Metric.timing("speedup[kernel=gcsr-vector,over=fastest-dense,g=" + g + ",rate=" + rate + ",n=50]", sorted[3], "x", s));
                    }
                c.metric(Metric.exact("nnz[g=1,rate=0.80]", nnz, "count"));
            }
            Map<String, Object> env = new LinkedHashMap<>();
            env.put("fingerprint", fingerprint);
            env.put("git_commit", commit);
            env.put("git_dirty", "false");
            return w.finish(Map.of(), Environment.of(env), d -> {});
        }
    }

    record Out(int code, String out, String err) {}

    static Out exec(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.execute(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Out(code, o.toString(), e.toString());
    }

    static final String FAMILY = "geomean:speedup[kernel=gcsr-vector,over=fastest-dense,n=50]";

    @Test void trackARunsHistory(@TempDir Path tmp) throws Exception {
        Path h = tmp.resolve("results").resolve("history.sqlite");
        Files.createDirectories(h.getParent());
        String[] runs = new String[6];
        for (int i = 0; i < runs.length; i++) runs[i] = run(tmp, "c" + i, i, 1.0, 1000).toString();
        Out add = exec("history", "add", "--history", h.toString(), runs[0], runs[1], runs[2], runs[3], runs[4], runs[5]);
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains("added ").contains(": 6 runs");
        Out again = exec("history", "add", "--history", h.toString(), runs[5]);
        assertThat(again.out()).contains("already in the history").contains(": 6 runs");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + h); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(DISTINCT run), count(*) FROM metrics")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(6);
            assertThat(rs.getInt(2)).isEqualTo(6 * 7);
        }

        Out list = exec("history", "list", "--history", h.toString());
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("c5").contains("m1: " + FP + " (6 runs)").contains("schema version 1");

        Out show = exec("history", "show", FAMILY, "--history", h.toString());
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).contains("band for the next run").contains("c0").contains("c5");
        Out one = exec("history", "show", "speedup[kernel=gcsr-vector,over=fastest-dense,g=8,rate=0.9,n=50]", "--history", h.toString());
        assertThat(one.out()).contains("interval of the median").contains(" … ");

        // an honest run passes; a 10 % slower kernel is flagged (exit 1), shown only with --warn-only (exit 0)
        Out ok = exec("history", "check", run(tmp, "new", 100, 1.0, 1000).toString(), "--history", h.toString());
        assertThat(ok.code()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("against 6 history runs").contains("no change flagged");
        String slow = run(tmp, "slow", 101, 1.10, 1000).toString();
        Out bad = exec("history", "check", slow, "--history", h.toString());
        assertThat(bad.code()).as(bad.out()).isEqualTo(1);
        assertThat(bad.out()).contains("REGRESSION [gate]").contains(FAMILY);
        assertThat(exec("history", "check", slow, "--history", h.toString(), "--warn-only").code()).isZero();
        // an exact change names old and new value
        Out exact = exec("history", "check", run(tmp, "nnz", 102, 1.0, 999).toString(), "--history", h.toString());
        assertThat(exact.code()).isEqualTo(1);
        assertThat(exact.out()).contains("CHANGED").contains("was 1000 count").contains("now 999 count");

        Out trends = exec("history", "trends", "--history", h.toString());
        assertThat(trends.code()).as(trends.err()).isZero();
        assertThat(h.resolveSibling("trends.html")).exists();
        assertThat(Files.readString(h.resolveSibling("trends.html"))).contains(FAMILY).contains("<svg class=\"plot\"");

        // the page it wrote is replaced on the next call; the history file and other files are not (without --force)
        assertThat(exec("history", "trends", "--history", h.toString()).code()).isZero();
        Path notes = Files.writeString(tmp.resolve("notes.html"), "<p>mine</p>\n");
        Out refused = exec("history", "trends", "--history", h.toString(), "--out", notes.toString());
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("not a trends page prunebench wrote").contains("--force");
        assertThat(Files.readString(notes)).isEqualTo("<p>mine</p>\n");
        assertThat(exec("history", "trends", "--history", h.toString(), "--out", notes.toString(), "--force").code()).isZero();
        assertThat(Files.readString(notes)).contains("<title>prunebench trends</title>");
        assertThat(exec("history", "trends", "--history", h.toString(), "--out", h.toString(), "--force").err()).contains("is the history file itself");
        assertThat(exec("history", "list", "--history", h.toString()).code()).as("the history is still a database").isZero();

        Out eval = exec("history", "evaluate", "--history", h.toString(), "--subsets", "3");
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("planted slowdown 10 %").contains("false alarms").contains("detected");
    }

    /** A commit that is no hash ("unknown (not a git work tree)") widens its column; every row stays aligned with the header. */
    @Test void showByMachinePutsEachMachineClassOnItsOwnLineWithItsOwnBand(@TempDir Path tmp) throws Exception {
        Path h = tmp.resolve("h.sqlite");
        for (int i = 0; i < 5; i++) {
            assertThat(exec("history", "add", "--history", h.toString(), run(tmp, "c" + i, i, 1.0, 1000).toString()).code()).isZero();
            assertThat(exec("history", "add", "--history", h.toString(), run(tmp.resolve("arm"), "c" + i, 50 + i, 2.0, 1000, "arm board | 4 cores | neon").toString()).code()).isZero();
        }
        assertThat(exec("history", "add", "--history", h.toString(), run(tmp.resolve("gpu"), "c9", 90, 1.0, 1000, "gpu box | 8 cores | avx2").toString()).code()).isZero();
        Out by = exec("history", "show", FAMILY, "--history", h.toString(), "--by", "machine");
        assertThat(by.code()).as(by.err()).isZero();
        java.util.List<String> lines = by.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("== " + FAMILY + " by machine class");
        assertThat(lines.get(1)).startsWith("machine").contains("band for the next run");
        assertThat(lines).hasSize(5);
        String x86 = lines.stream().filter(l -> l.startsWith(FP)).findFirst().orElseThrow(), arm = lines.stream().filter(l -> l.startsWith("arm board")).findFirst().orElseThrow();
        assertThat(x86).contains(" 5  ").contains(" … ").contains("%");
        assertThat(arm).contains(" 5  ").contains(" … ");
        assertThat(lines.stream().filter(l -> l.startsWith("gpu box")).findFirst().orElseThrow()).contains(" 1  ").contains("(needs 3 runs)");
        // each band from its own runs: the arm board's kernel is half as fast, so its band lies below the x86 one
        java.util.regex.Pattern band = java.util.regex.Pattern.compile("([0-9.]+) … ([0-9.]+)");
        java.util.regex.Matcher mx = band.matcher(x86), ma = band.matcher(arm);
        assertThat(mx.find() && ma.find()).isTrue();
        assertThat(Double.parseDouble(ma.group(2))).isLessThan(Double.parseDouble(mx.group(1)));
        assertThat(exec("history", "show", FAMILY, "--history", h.toString(), "--by", "commit").code()).isEqualTo(2);
    }

    @Test void listColumnsStayAlignedWithALongCommitText(@TempDir Path tmp) throws Exception {
        Path h = tmp.resolve("h.sqlite");
        String a = run(tmp, "unknown (not a git work tree)", 1, 1.0, 1000).toString(), b = run(tmp, "c1", 2, 1.0, 1000).toString();
        assertThat(exec("history", "add", "--history", h.toString(), a, b).code()).isZero();
        Out list = exec("history", "list", "--history", h.toString());
        java.util.List<String> lines = list.out().lines().toList();
        String head = lines.get(0);
        for (String row : lines.subList(1, 3)) {
            // the column after the commit (dirty: false) starts where its header does
            assertThat(row.indexOf(" false ") + 1).as(list.out()).isEqualTo(head.indexOf("dirty"));
            assertThat(row.indexOf(" quick ") + 1).as(list.out()).isEqualTo(head.indexOf("scale"));
        }
        assertThat(list.out()).contains("unknown (not a git work tree) false");
    }

    /** Two history add of one run at once: both exit 0, the run is there once (no SQLITE_CONSTRAINT_UNIQUE). */
    @Test void twoAddsOfOneRunAtOnceBothSucceed(@TempDir Path tmp) throws Exception {
        Path h = tmp.resolve("h.sqlite");
        String r = run(tmp, "c0", 1, 1.0, 1000).toString();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<Out>> f = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 4; i++) f.add(pool.submit(() -> { go.await(); return exec("history", "add", "--history", h.toString(), r); }));
            go.countDown();
            int added = 0;
            for (var x : f) {
                Out o = x.get();
                assertThat(o.code()).as(o.err()).isZero();
                assertThat(o.err()).doesNotContain("SQLITE");
                if (o.out().startsWith("added ")) added++;
            }
            assertThat(added).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + h); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM runs")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }
}
