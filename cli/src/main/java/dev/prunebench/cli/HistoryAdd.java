package dev.prunebench.cli;

import dev.prunebench.experiments.RunSupport;
import dev.prunebench.history.Check;
import dev.prunebench.history.History;
import dev.prunebench.history.Trends;
import dev.prunebench.results.RunData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** What {@code run --history} does after the run: the history lives beside the results, not in the experiments. */
final class HistoryAdd {
    private HistoryAdd() {}

    /**
     * Adds a finished run to a history (an SQLite file or a PostgreSQL URL), prints its check against the history of its machine (shown only: the
     * caller's exit code does not depend on it), writes {@code trends.html} into the run folder and redoes the report
     * so that it links to it.
     */
    static void addToHistory(Path file, Path runDir, PrintWriter out) throws IOException {
        addToHistory(file.toString(), runDir, out);
    }

    /** The same, for a {@code --history} value: an SQLite file or a {@code jdbc:postgresql:} URL. */
    static void addToHistory(String file, Path runDir, PrintWriter out) throws IOException {
        boolean existed = History.isUrl(file) || Files.exists(Path.of(file));
        try (History h = History.open(file, true)) {
            RunData run = RunData.read(runDir);
            checkWhole("RUN", run);
            var added = h.add(run);
            out.println("history " + h.name() + ": " + (added.added() ? "added " : "already held ") + added.run().runId() + " (" + h.runs().size() + " runs)");
            var check = Check.check(h, run, Check.Options.DEFAULT, false);
            Check.print(check, out, false);
            var t = Trends.write(h, runDir.resolve("trends.html"), Check.Options.DEFAULT, null, null);
            out.println("trends: " + t.file().toAbsolutePath() + " (" + t.plots() + " plots, " + t.changes() + " changes)");
        } catch (IOException | RuntimeException | Error e) {
            if (!existed) HistoryCommand.removeNew(Path.of(file));
            throw e;
        }
        RunSupport.report(runDir);
    }

    /**
     * Refuses a single shard of a sweep ({@code run … --shard I/N}, not merged): it holds only its slice of the points,
     * and in a history it would shrink the common points every later check averages over. A merged run is taken.
     */
    static void checkWhole(String what, RunData run) {
        Object shard = run.manifest().get("shard");
        if (shard != null && String.valueOf(shard).matches("\\s*\\d+\\s*/\\s*\\d+\\s*"))
            throw new IllegalArgumentException(what + " " + run.dir() + ": shard " + shard + " of a sweep holds only part of its points; "
                    + "merge the shards first (prunebench merge RUN… --out DIR) and add the merged run");
    }
}
