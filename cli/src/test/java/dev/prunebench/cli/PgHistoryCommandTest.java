package dev.prunebench.cli;

import static dev.prunebench.cli.HistoryCommandTest.exec;
import static dev.prunebench.cli.HistoryCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.cli.HistoryCommandTest.Out;
import dev.prunebench.history.PgServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history commands on a PostgreSQL URL, against a throw-away server; the same runs print the same show and check
 * as on an SQLite file, and the password never appears. Skipped, saying why, where no server can be started.
 */
class PgHistoryCommandTest {
    static PgServer server;

    @BeforeAll static void startServer() { server = PgServer.start(); }

    @AfterAll static void stopServer() { if (server != null) server.close(); }

    @Test void everyHistoryCommandOnAUrlPrintsWhatItPrintsOnAFile(@TempDir Path tmp) throws Exception {
        assumeTrue(server != null, () -> "no PostgreSQL server for the tests: " + PgServer.whyNot());
        String url = server.newDatabase();
        Path file = tmp.resolve("history.sqlite");
        String[] runs = new String[6];
        for (int i = 0; i < runs.length; i++) runs[i] = run(tmp, "c" + i, i, 1.0, 1000).toString();
        for (String h : new String[] {url, file.toString()}) {
            Out add = exec("history", "add", "--history", h, runs[0], runs[1], runs[2], runs[3], runs[4], runs[5]);
            assertThat(add.code()).as(add.err()).isZero();
            assertThat(add.out()).contains("added ").contains(": 6 runs");
            Out again = exec("history", "add", "--history", h, runs[5]);
            assertThat(again.out()).contains("already in the history").contains(": 6 runs");
        }
        Out list = exec("history", "list", "--history", url);
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("password=***").contains("6 runs, schema version").doesNotContain(PgServer.PASSWORD);
        assertThat(list.out().lines().filter(l -> l.startsWith("   ")).toList())
                .isEqualTo(exec("history", "list", "--history", file.toString()).out().lines().filter(l -> l.startsWith("   ")).toList());
        Out show = exec("history", "show", HistoryCommandTest.FAMILY, "--history", url);
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).isEqualTo(exec("history", "show", HistoryCommandTest.FAMILY, "--history", file.toString()).out());
        String slow = run(tmp, "slow", 200, 1.3, 1000).toString();
        Out bad = exec("history", "check", slow, "--history", url);
        assertThat(bad.code()).as(bad.err()).isEqualTo(1);
        assertThat(bad.out()).isEqualTo(exec("history", "check", slow, "--history", file.toString()).out());
        Out trends = exec("history", "trends", "--history", url, "--out", tmp.resolve("t.html").toString());
        assertThat(trends.code()).as(trends.err()).isZero();
        assertThat(Files.readString(tmp.resolve("t.html"))).doesNotContain(PgServer.PASSWORD);
        Out wrong = exec("history", "list", "--history", url.replace(PgServer.PASSWORD, "not-It-9"));
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("cannot connect to PostgreSQL").contains("password=***").doesNotContain("not-It-9");
    }
}
