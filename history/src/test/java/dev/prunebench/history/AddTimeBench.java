package dev.prunebench.history;

import dev.prunebench.results.RunData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long {@code history add} of one run takes on each store: a benchmark main, never a test (timings depend on the
 * machine and its load). For a finished run folder it measures, on an SQLite file and on a PostgreSQL server started
 * as the tests start one (durable: {@code fsync=on}, the server's default), the add into an empty history (schema
 * created in the same transaction) and the add of one more run into a history already holding many (the run again
 * under new run ids), in one warm JVM; printed as the median and range in milliseconds, with the run's metric and
 * sample counts and the machine's load average.
 *
 * <pre>java -cp … dev.prunebench.history.AddTimeBench RUN [ADDS]</pre>
 * (see docs/history.md for the command that gives the classpath).
 */
public final class AddTimeBench {
    private AddTimeBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) { System.err.println("usage: AddTimeBench RUN [ADDS (default 40)]"); System.exit(2); }
        RunData run = RunData.read(Path.of(args[0]));
        int adds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        long metrics = run.experiments().stream().mapToLong(e -> e.metrics().size()).sum();
        long samples = run.experiments().stream().flatMap(e -> e.metrics().stream()).mapToLong(m -> m.samples() == null ? 0 : m.samples().length).sum();
        System.out.printf(Locale.ROOT, "run %s: %d experiments, %d metrics, %d samples; %d adds per store; load average %s%n", run.runId(),
                run.experiments().size(), metrics, samples, adds, loadAverage());
        Path tmp = Files.createTempDirectory("prunebench-addtime-");
        int[] n = {0};
        measure("SQLite (file on " + tmp + ")", adds, run, () -> tmp.resolve("h" + n[0]++ + ".sqlite").toString());
        try (PgServer pg = PgServer.start(true)) {
            if (pg == null) System.out.println("PostgreSQL: not measured: " + PgServer.whyNot());
            else measure("PostgreSQL (local server, fsync on, loopback TCP)", adds, run, pg::newDatabase);
        }
        System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
        try (var walk = Files.walk(tmp)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    interface Location { String next() throws Exception; }

    /** Adds into fresh histories (the first add creates the schema), then adds into one history that keeps growing. */
    static void measure(String store, int adds, RunData run, Location fresh) throws Exception {
        List<Double> first = new ArrayList<>(), more = new ArrayList<>();
        for (int i = 0; i < Math.max(3, adds / 8); i++) {
            try (History h = History.open(fresh.next(), true)) {
                long t0 = System.nanoTime();
                if (!h.add(renamed(run, "first-" + i)).added()) throw new IllegalStateException("not added");
                first.add((System.nanoTime() - t0) / 1e6);
            }
        }
        try (History h = History.open(fresh.next(), true)) {
            for (int i = 0; i < adds; i++) {
                long t0 = System.nanoTime();
                if (!h.add(renamed(run, "more-" + i)).added()) throw new IllegalStateException("not added");
                more.add((System.nanoTime() - t0) / 1e6);
            }
            System.out.printf(Locale.ROOT, "%s: into an empty history %s ms; one more run (history of 1…%d runs) %s ms%n", store,
                    stats(first), h.runs().size(), stats(more.subList(Math.min(3, more.size() - 1), more.size())));
        }
    }

    /** The run under another run id: a distinct run for the history, the same rows to write. */
    static RunData renamed(RunData run, String suffix) {
        Map<String, Object> m = new LinkedHashMap<>(run.manifest());
        m.put("run_id", run.runId() + "-" + suffix);
        return new RunData(run.dir(), m, run.experiments());
    }

    static String stats(List<Double> ms) {
        List<Double> s = ms.stream().sorted().toList();
        return String.format(Locale.ROOT, "median %.1f (%.1f … %.1f, %d adds)", s.get(s.size() / 2), s.get(0), s.get(s.size() - 1), s.size());
    }

    static String loadAverage() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")).subList(0, 3));
        } catch (Exception e) {
            return "unknown";
        }
    }
}
