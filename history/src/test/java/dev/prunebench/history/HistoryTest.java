package dev.prunebench.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.results.RunData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history file read back with plain JDBC (any SQLite client sees the same). */
class HistoryTest {

    static long count(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test void addStoresEveryMetricOnceAndTwiceIsANoOp(@TempDir Path tmp) throws Exception {
        Path runDir = HistoryRuns.write(tmp.resolve("r"), "aaaa111", 1);
        RunData run = RunData.read(runDir);
        int metrics = run.experiments().stream().mapToInt(e -> e.metrics().size()).sum();
        Path db = tmp.resolve("h.sqlite");
        try (History h = History.open(db, true)) {
            History.Added a = h.add(run);
            assertThat(a.added()).isTrue();
            assertThat(a.run().metrics()).isEqualTo(metrics);
            History.Added b = h.add(RunData.read(runDir));
            assertThat(b.added()).isFalse();
            assertThat(b.run().id()).isEqualTo(a.run().id());
        }
        assertThat(Files.readAllBytes(db)).startsWith("SQLite format 3".getBytes());
        assertThat(count(db, "SELECT count(*) FROM runs")).isEqualTo(1);
        assertThat(count(db, "SELECT count(*) FROM metrics")).isEqualTo(metrics);
        assertThat(count(db, "SELECT version FROM schema_version")).isEqualTo(History.SCHEMA_VERSION);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT r.git_commit, r.scale, r.fingerprint, m.kind, m.unit, m.modelled, m.samples, m.n_samples, m.value"
                     + " FROM metrics m JOIN runs r ON r.id = m.run WHERE m.name = 'speedup[kernel=alpha-vector,over=fastest-dense,g=8,rate=0.9,n=50]'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("aaaa111");
            assertThat(rs.getString(2)).isEqualTo("quick");
            assertThat(rs.getString(3)).isEqualTo(HistoryRuns.FP);
            assertThat(rs.getString(4)).isEqualTo("timing");
            assertThat(rs.getString(5)).isEqualTo("x");
            assertThat(rs.getInt(6)).isZero();
            assertThat(rs.getString(7).split(" ")).hasSize(7);
            assertThat(rs.getInt(8)).isEqualTo(7);
            var m = run.experiment("spmm-test").metric("speedup[kernel=alpha-vector,over=fastest-dense,g=8,rate=0.9,n=50]");
            assertThat(History.parseSamples(rs.getString(7))).containsExactly(m.samples());
            assertThat(rs.getDouble(9)).isEqualTo(m.value());
        }
        // the values read back through the API are the run's metrics
        try (History h = History.open(db, false)) {
            assertThat(h.values(HistoryRuns.FP, "quick", "spmm-test", "nnz")).singleElement()
                    .satisfies(v -> assertThat(v.metric().value()).isEqualTo(1000));
            assertThat(h.values("other machine", null, null, null)).isEmpty();
        }
    }

    @Test void aFailureWhileAddingLeavesTheHistoryAsItWas(@TempDir Path tmp) throws Exception {
        Path db = tmp.resolve("h.sqlite");
        try (History h = History.open(db, true)) {
            h.add(RunData.read(HistoryRuns.write(tmp.resolve("r"), "aaaa111", 1)));
        }
        long runs = count(db, "SELECT count(*) FROM runs"), metrics = count(db, "SELECT count(*) FROM metrics");
        RunData second = RunData.read(HistoryRuns.write(tmp.resolve("r"), "bbbb222", 2));
        AtomicInteger n = new AtomicInteger();
        try (History h = History.open(db, false)) {
            assertThatThrownBy(() -> h.add(second, () -> { if (n.incrementAndGet() == 10) throw new IllegalStateException("disk gone"); }))
                    .hasMessageContaining("disk gone");
            assertThat(n.get()).isEqualTo(10);
        }
        assertThat(count(db, "SELECT count(*) FROM runs")).isEqualTo(runs);
        assertThat(count(db, "SELECT count(*) FROM metrics")).isEqualTo(metrics);
        try (History h = History.open(db, false)) {
            assertThat(h.add(second).added()).isTrue(); // and the run can be added afterwards
        }
        assertThat(count(db, "SELECT count(*) FROM runs")).isEqualTo(runs + 1);
    }

    @Test void aKilledAddLeavesTheHistoryAsItWas(@TempDir Path tmp) throws Exception {
        // a separate JVM halts (no shutdown hooks, no rollback) in the middle of adding a run
        Path db = tmp.resolve("h.sqlite");
        try (History h = History.open(db, true)) {
            h.add(RunData.read(HistoryRuns.write(tmp.resolve("r"), "aaaa111", 1)));
        }
        long metrics = count(db, "SELECT count(*) FROM metrics");
        Path second = HistoryRuns.write(tmp.resolve("r"), "bbbb222", 2);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HaltWhileAdding.class.getName(), db.toString(), second.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isEqualTo(HaltWhileAdding.HALTED);
        assertThat(count(db, "SELECT count(*) FROM runs")).isEqualTo(1);
        assertThat(count(db, "SELECT count(*) FROM metrics")).isEqualTo(metrics);
        try (History h = History.open(db, false)) {
            assertThat(h.runs()).hasSize(1);
        }
    }

    @Test void otherSchemaVersionsAndOtherFilesAreRefused(@TempDir Path tmp) throws Exception {
        Path db = tmp.resolve("h.sqlite");
        try (History h = History.open(db, true)) { h.add(RunData.read(HistoryRuns.write(tmp.resolve("r"), "aaaa111", 1))); }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("UPDATE schema_version SET version = 7");
        }
        assertThatThrownBy(() -> History.open(db, false)).hasMessageContaining("schema version 7").hasMessageContaining("newer prunebench")
                .hasMessageContaining(db.toString());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("UPDATE schema_version SET version = 0");
        }
        assertThatThrownBy(() -> History.open(db, false)).hasMessageContaining("schema version 0").hasMessageContaining("no migration");
        Path other = tmp.resolve("other.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE runs (x INTEGER)");
        }
        assertThatThrownBy(() -> History.open(other, false)).hasMessageContaining("not a prunebench history");
        Path text = Files.writeString(tmp.resolve("notes.txt"), "hello, this is not a database at all");
        assertThatThrownBy(() -> History.open(text, false)).hasMessageContaining("not an SQLite database");
        assertThatThrownBy(() -> History.open(tmp.resolve("missing.sqlite"), false)).hasMessageContaining("no such history file");
        assertThat(tmp.resolve("missing.sqlite")).doesNotExist();
    }

    /** Adds a run and halts the JVM after the 10th metric row, inside the transaction. */
    static final class HaltWhileAdding {
        static final int HALTED = 77;

        public static void main(String[] args) throws Exception {
            AtomicInteger n = new AtomicInteger();
            try (History h = History.open(args[0], false)) { // an SQLite file or a PostgreSQL URL
                h.add(RunData.read(Path.of(args[1])), () -> { if (n.incrementAndGet() == 10) Runtime.getRuntime().halt(HALTED); });
            }
            System.exit(1);
        }
    }

    @Test void twoRacingAddsOfTheSameRunAreBothANoOpForTheSecond(@TempDir Path tmp) throws Exception {
        Path db = tmp.resolve("h.sqlite");
        History.open(db, true).close();
        RunData run = RunData.read(HistoryRuns.write(tmp.resolve("r"), "aaaa111", 1));
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<History.Added> second = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> secondFailed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                inside.await();
                try (History h = History.open(db, true)) {
                    second.set(h.add(run)); // looks while the first is inside its transaction
                }
            } catch (Throwable t) {
                secondFailed.set(t);
            }
        });
        other.start();
        History.Added first;
        AtomicInteger n = new AtomicInteger();
        try (History h = History.open(db, true)) {
            first = h.add(run, () -> {
                if (n.incrementAndGet() == 1) {
                    inside.countDown();
                    try { Thread.sleep(1500); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                }
            });
        }
        other.join(30_000);
        assertThat(secondFailed.get()).as("the second add").isNull();
        assertThat(first.added()).isTrue();
        assertThat(second.get().added()).isFalse();
        assertThat(second.get().run().id()).isEqualTo(first.run().id());
        assertThat(count(db, "SELECT count(*) FROM runs")).isEqualTo(1);
    }

    @Test void readersNeverWriteAndRefuseAnEmptyFile(@TempDir Path tmp) throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.sqlite"));
        assertThatThrownBy(() -> History.read(empty)).hasMessageContaining(empty + ": an empty file, not a prunebench history");
        assertThat(Files.size(empty)).isZero();
        Path missing = tmp.resolve("missing.sqlite");
        assertThatThrownBy(() -> History.read(missing)).hasMessageContaining("no such history file");
        assertThat(missing).doesNotExist();
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("empty.sqlite");
        }
    }

    @Test void editedRowsAreACorruptHistoryNamingTheRowAndTheField(@TempDir Path tmp) throws Exception {
        Path db = tmp.resolve("h.sqlite");
        try (History h = History.open(db, true)) {
            h.add(RunData.read(HistoryRuns.write(tmp.resolve("r"), "aaaa111", 1)));
        }
        String[][] edits = {
            {"UPDATE metrics SET kind = 'bogus' WHERE name = 'threads'", "metric 'threads' of experiment 'spmm-test' in run", "unknown kind 'bogus'"},
            {"UPDATE metrics SET value = 'abc' WHERE name = 'nnz[g=1]'", "metric 'nnz[g=1]'", "value is text 'abc', expected a number"},
            {"UPDATE metrics SET modelled = NULL WHERE name = 'threads'", "metric 'threads'", "modelled is null"},
            {"UPDATE metrics SET samples = '1 x 2' WHERE name = 'threads'", "metric 'threads'", "samples '1 x 2' are not numbers"},
        };
        for (String[] e : edits) {
            Path copy = tmp.resolve("copy-" + Math.abs(e[0].hashCode()) + ".sqlite");
            Files.copy(db, copy);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy); Statement s = c.createStatement()) {
                s.execute("PRAGMA ignore_check_constraints = ON");
                if (e[0].contains("NULL")) { // NOT NULL cannot be switched off: the table is rebuilt as an edit would
                    s.execute("PRAGMA writable_schema = ON");
                    s.execute("UPDATE sqlite_master SET sql = replace(sql, 'modelled INTEGER NOT NULL', 'modelled INTEGER') WHERE name = 'metrics'");
                    s.execute("PRAGMA writable_schema = OFF");
                }
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy); Statement s = c.createStatement()) {
                s.execute("PRAGMA ignore_check_constraints = ON");
                s.execute(e[0]);
            }
            try (History h = History.read(copy)) {
                assertThatThrownBy(() -> h.values(null, null, null, null)).as(e[0])
                        .hasMessageContaining(copy + ": corrupt history: ").hasMessageContaining(e[1]).hasMessageContaining(e[2]);
            }
        }
    }
}
