package dev.prunebench.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.results.RunData;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history in a PostgreSQL database, against a real throw-away server ({@link PgServer}); skipped, saying why, where
 * none can be started. The same code path as the SQLite file: the same runs give the same values, checks and pages.
 */
class PgHistoryTest {
    static PgServer server;

    @BeforeAll static void startServer() {
        server = PgServer.start();
    }

    @AfterAll static void stopServer() {
        if (server != null) server.close();
    }

    static String newDatabase() throws Exception {
        assumeTrue(server != null, () -> "no PostgreSQL server for the tests: " + PgServer.whyNot());
        return server.newDatabase();
    }

    static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test void theSameRunsGiveTheSameValuesChecksAndPagesAsAnSqliteFile(@TempDir Path tmp) throws Exception {
        String url = newDatabase();
        List<Path> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) runs.add(HistoryRuns.write(tmp.resolve("r"), "c" + i, 10 + i));
        Path slow = HistoryRuns.write(tmp.resolve("r"), "slow", HistoryRuns.FP, 99, 0.01, Map.of("alpha-vector", 1.5), 1000);
        try (History pg = History.open(url, true); History lite = History.open(tmp.resolve("h.sqlite").toString(), true)) {
            assertThat(pg.shared()).isTrue();
            assertThat(pg.file()).isNull();
            assertThat(pg.name()).contains("password=***").doesNotContain(PgServer.PASSWORD);
            for (Path r : runs) {
                assertThat(pg.add(RunData.read(r)).added()).isTrue();
                assertThat(lite.add(RunData.read(r)).added()).isTrue();
            }
            History.Added again = pg.add(RunData.read(runs.get(2)));
            assertThat(again.added()).isFalse();
            assertThat(pg.runs()).hasSize(5);
            assertThat(pg.schemaVersion()).isEqualTo(History.SCHEMA_VERSION);
            List<History.Value> a = pg.values(HistoryRuns.FP, "quick", null, null), b = lite.values(HistoryRuns.FP, "quick", null, null);
            assertThat(a).hasSameSizeAs(b);
            for (int i = 0; i < a.size(); i++) {
                assertThat(a.get(i).run().runId()).isEqualTo(b.get(i).run().runId());
                assertThat(a.get(i).experiment()).isEqualTo(b.get(i).experiment());
                assertThat(a.get(i).metric().name()).isEqualTo(b.get(i).metric().name());
                assertThat(a.get(i).metric().value()).isEqualTo(b.get(i).metric().value()); // double precision: bit for bit
                assertThat(a.get(i).metric().samples()).containsExactly(b.get(i).metric().samples());
                assertThat(a.get(i).metric().kind()).isEqualTo(b.get(i).metric().kind());
            }
            assertThat(pg.values(HistoryRuns.FP, "quick", "spmm-test", "nnz")).hasSize(5);
            RunData now = RunData.read(slow);
            Check.Result cp = Check.check(pg, now, Check.Options.DEFAULT, false), cl = Check.check(lite, now, Check.Options.DEFAULT, false);
            java.io.StringWriter sp = new java.io.StringWriter(), sl = new java.io.StringWriter();
            Check.print(cp, new java.io.PrintWriter(sp, true), true);
            Check.print(cl, new java.io.PrintWriter(sl, true), true);
            assertThat(sp.toString()).isEqualTo(sl.toString()).contains("alpha-vector");
            Trends.Result t = Trends.write(pg, tmp.resolve("trends.html"), Check.Options.DEFAULT, null, null);
            assertThat(t.plots()).isPositive();
            assertThat(java.nio.file.Files.readString(tmp.resolve("trends.html"))).doesNotContain(PgServer.PASSWORD).contains("password=***");
        }
        assertThat(count(url, "SELECT count(*) FROM runs")).isEqualTo(5);
        try (History r = History.read(url)) { // read-only: a second connection sees the committed runs
            assertThat(r.runs()).hasSize(5);
        }
    }

    @Test void eightWritersAddingFiveRunsEachAndOneRunAllAtOnceLoseNothingAndDuplicateNothing(@TempDir Path tmp) throws Exception {
        String url = newDatabase();
        int writers = 8, each = 5;
        Path shared = HistoryRuns.write(tmp.resolve("shared"), "shared", 1);
        int perRun = RunData.read(shared).experiments().stream().mapToInt(e -> e.metrics().size()).sum();
        List<List<Path>> own = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            List<Path> l = new ArrayList<>();
            for (int i = 0; i < each; i++) l.add(HistoryRuns.write(tmp.resolve("w" + w), "w" + w + "r" + i, 100L * w + i));
            own.add(l);
        }
        CyclicBarrier start = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Integer>> added = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                List<Path> mine = own.get(w);
                added.add(pool.submit(() -> {
                    start.await();
                    int n = 0;
                    try (History h = History.open(url, true)) { // the first writers also race to create the schema
                        if (h.add(RunData.read(shared)).added()) n++;
                        for (Path p : mine) if (h.add(RunData.read(p)).added()) n++;
                        if (h.add(RunData.read(shared)).added()) n++;
                    }
                    return n;
                }));
            }
            int total = 0;
            for (Future<Integer> f : added) total += f.get();
            assertThat(total).isEqualTo(writers * each + 1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count(url, "SELECT count(*) FROM runs")).isEqualTo(writers * each + 1);
        assertThat(count(url, "SELECT count(*) FROM (SELECT DISTINCT run_id, git_commit, scale, fingerprint FROM runs) d")).isEqualTo(writers * each + 1);
        assertThat(count(url, "SELECT count(*) FROM metrics")).isEqualTo((long) (writers * each + 1) * perRun);
        assertThat(count(url, "SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM metrics m WHERE m.run = r.id) <> " + perRun)).isZero();
        assertThat(count(url, "SELECT count(*) FROM schema_version")).isEqualTo(1);
    }

    @Test void aFailureWhileAddingLeavesTheDatabaseAsItWas(@TempDir Path tmp) throws Exception {
        String url = newDatabase();
        Path r = HistoryRuns.write(tmp.resolve("r"), "aaaa111", 1);
        try (History h = History.open(url, true)) {
            int[] n = {0};
            assertThatThrownBy(() -> h.add(RunData.read(r), () -> { if (++n[0] == 5) throw new IllegalStateException("disk on fire"); }))
                    .hasMessageContaining("disk on fire");
            assertThat(h.runs()).isEmpty();
            assertThat(h.add(RunData.read(r)).added()).isTrue();
        }
        assertThat(count(url, "SELECT count(*) FROM runs")).isEqualTo(1);
    }

    @Test void eightProcessesAddingFiveRunsEachGiveFortyRunsAndAKilledWriterLeavesNoPartialRun(@TempDir Path tmp) throws Exception {
        String url = newDatabase();
        History.open(url, true).close();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> ps = new ArrayList<>();
        Path shared = HistoryRuns.write(tmp.resolve("shared"), "shared", 7);
        for (int w = 0; w < 8; w++) {
            List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), AddRuns.class.getName(), url));
            for (int i = 0; i < 5; i++) cmd.add(HistoryRuns.write(tmp.resolve("p" + w), "p" + w + "r" + i, 10L * w + i).toString());
            cmd.add(shared.toString()); // every process also adds the same run
            ps.add(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        }
        for (Process p : ps) {
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
        }
        int perRun = RunData.read(shared).experiments().stream().mapToInt(e -> e.metrics().size()).sum();
        assertThat(count(url, "SELECT count(*) FROM runs")).isEqualTo(41);
        assertThat(count(url, "SELECT count(*) FROM runs WHERE run_id LIKE 'shared%' OR git_commit LIKE 'shared%'")).isEqualTo(1);
        assertThat(count(url, "SELECT count(*) FROM metrics")).isEqualTo(41L * perRun);
        // a writer halted in the middle of an add (no rollback sent): the server drops its transaction
        Path second = HistoryRuns.write(tmp.resolve("k"), "kkkk111", 3);
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HistoryTest.HaltWhileAdding.class.getName(), url, second.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isEqualTo(HistoryTest.HaltWhileAdding.HALTED);
        assertThat(count(url, "SELECT count(*) FROM runs")).isEqualTo(41);
        assertThat(count(url, "SELECT count(*) FROM metrics")).isEqualTo(41L * perRun);
        try (History h = History.open(url, true)) {
            assertThat(h.add(RunData.read(second)).added()).isTrue(); // and the run can be added again
        }
    }

    /** Adds the run folders given after the URL, each once. */
    static final class AddRuns {
        public static void main(String[] args) throws Exception {
            try (History h = History.open(args[0], true)) {
                for (int i = 1; i < args.length; i++) h.add(RunData.read(Path.of(args[i])));
            }
        }
    }

    @Test void aNewerSchemaAnEmptyDatabaseAndOtherTablesAreRefusedByName() throws Exception {
        String url = newDatabase();
        assertThatThrownBy(() -> History.read(url)).isInstanceOf(IOException.class)
                .hasMessageContaining("PostgreSQL database without tables").hasMessageNotContaining(PgServer.PASSWORD);
        assertThat(count(url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")).isZero(); // a reader never writes
        History.open(url, true).close();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("UPDATE schema_version SET version = " + (History.SCHEMA_VERSION + 1));
        }
        assertThatThrownBy(() -> History.open(url, true)).isInstanceOf(IOException.class)
                .hasMessageContaining("history schema version " + (History.SCHEMA_VERSION + 1) + " was written by a newer prunebench")
                .hasMessageContaining("password=***").hasMessageNotContaining(PgServer.PASSWORD);
        String other = newDatabase();
        try (Connection c = DriverManager.getConnection(other); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE invoices (id INTEGER)");
        }
        assertThatThrownBy(() -> History.open(other, true)).hasMessageContaining("not a prunebench history (no schema_version table; tables: invoices)");
    }

    @Test void aWrongPasswordIsRefusedWithoutPrintingIt() throws Exception {
        String url = newDatabase().replace("password=" + PgServer.PASSWORD, "password=wrong-Guess-7");
        assertThatThrownBy(() -> History.open(url, true)).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot connect to PostgreSQL").hasMessageContaining("password=***")
                .hasMessageNotContaining("wrong-Guess-7");
        assertThat(History.display(url)).isEqualTo(url.replace("wrong-Guess-7", "***"));
    }
}
