package dev.prunebench.cli;

import dev.prunebench.history.Check;
import dev.prunebench.history.EDivisive;
import dev.prunebench.history.Evaluate;
import dev.prunebench.history.History;
import dev.prunebench.history.Series;
import dev.prunebench.history.Trends;
import dev.prunebench.results.MetricName;
import dev.prunebench.results.RunData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.apache.commons.math3.stat.StatUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "history", description = {
        "Regression tracking over a history of runs.",
        "One SQLite file (default results/history.sqlite), or a shared PostgreSQL database (--history",
        "jdbc:postgresql://host/db), holds every run added, keyed by commit, run id, scale and hardware fingerprint. A run is checked against the runs of its own machine: a noise model learned from them and",
        "E-Divisive change points (Matteson & James 2014). Exit codes: 0 fine, 1 flagged (check), 2 bad input."},
        subcommands = {HistoryCommand.Add.class, HistoryCommand.ListRuns.class, HistoryCommand.Show.class, HistoryCommand.CheckRun.class,
                HistoryCommand.TrendsPage.class, HistoryCommand.EvaluateGate.class})
final class HistoryCommand implements Runnable {
    @Spec CommandSpec spec;

    static final String DEFAULT_HISTORY = "results/history.sqlite";

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    /** Options every subcommand shares: the history file and the gate's parameters. */
    static final class Gate {
        @Option(names = "--alpha", defaultValue = "0.05",
                description = "false-alarm level of a check: each of the m gated kernel families is tested at alpha / m (default: ${DEFAULT-VALUE})")
        double alpha;

        @Option(names = "--min-effect", defaultValue = "0.05", description = "smallest relative change that is flagged (default: ${DEFAULT-VALUE} = 5 %%)")
        double minEffect;

        @Option(names = "--min-runs", defaultValue = "3", description = "history runs on this machine before timings are judged (default: ${DEFAULT-VALUE})")
        int minRuns;

        Check.Options options() {
            if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("--alpha: must be in (0, 1), got " + alpha);
            if (!(minEffect >= 0 && Double.isFinite(minEffect))) throw new IllegalArgumentException("--min-effect: must be a finite number >= 0, got " + minEffect);
            if (minRuns < 3 || minRuns > 100_000) throw new IllegalArgumentException("--min-runs: must be in [3, 100000], got " + minRuns);
            return new Check.Options(alpha, minEffect, minRuns, Check.Options.DEFAULT.permutations());
        }
    }

    /** Removes a history file this command created (and SQLite's journal beside it). */
    static void removeNew(Path file) {
        for (String suffix : List.of("", "-journal", "-wal", "-shm"))
            try {
                Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
            } catch (IOException ignored) { // the error being reported matters more
            }
    }

    /**
     * Opens the history a {@code --history} value names: a {@code jdbc:postgresql:} URL (credentials from the URL's
     * properties, PGPASSWORD or ~/.pgpass; never printed) or an SQLite file.
     */
    static History open(String location, boolean create) throws IOException {
        if (History.isUrl(location)) return create ? History.open(location, true) : History.read(location);
        Path file = Path.of(location);
        if (create) Outputs.checkFile("--history", file);
        else if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such history file (prunebench history add creates one)");
        return create ? History.open(file, true) : History.read(file);
    }

    @Command(name = "add", description = "Add finished run folders to the history (one transaction each; a run already there is left as it is).")
    static final class Add implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--history", defaultValue = DEFAULT_HISTORY, paramLabel = "FILE|URL",
                description = "history: an SQLite file (created if missing) or a PostgreSQL URL jdbc:postgresql://host[:port]/db (its tables created if it has none; default: ${DEFAULT-VALUE})")
        String file;

        @Parameters(arity = "1..*", paramLabel = "RUN", description = "run folders (e.g. results/latest)")
        List<Path> runs;

        @Override public Integer call() throws Exception {
            List<RunData> data = new ArrayList<>();
            for (Path r : runs) data.add(RunFolders.read("RUN", r)); // every folder is read before anything is added
            for (RunData d : data) HistoryAdd.checkWhole("RUN", d);
            boolean url = History.isUrl(file);
            if (!url) Outputs.checkFile("--history", Path.of(file));
            boolean existed = url || Files.exists(Path.of(file));
            try (History h = open(file, true)) {
                PrintWriter out = spec.commandLine().getOut();
                for (RunData d : data) {
                    History.Added a = h.add(d);
                    out.println((a.added() ? "added " : "already in the history: ") + a.run().runId() + " (" + a.run().shortCommit() + ", "
                            + a.run().scale() + ", " + a.run().metrics() + " metrics) on [" + a.run().fingerprint() + "]");
                }
                out.println(h.name() + ": " + h.runs().size() + " runs");
            } catch (Exception | Error e) {
                if (!existed) removeNew(Path.of(file)); // a refused add leaves no new history file behind
                throw e;
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List the runs in the history, oldest first, and the machines they ran on.")
    static final class ListRuns implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--history", defaultValue = DEFAULT_HISTORY, paramLabel = "FILE|URL",
                description = "history: an SQLite file or a PostgreSQL URL jdbc:postgresql://host[:port]/db (default: ${DEFAULT-VALUE})")
        String file;

        @Override public Integer call() throws Exception {
            try (History h = open(file, false)) {
                PrintWriter out = spec.commandLine().getOut();
                List<History.Run> runs = h.runs();
                Map<String, Integer> machines = new LinkedHashMap<>();
                // columns as wide as their longest entry ("unknown (not a git work tree)" is a commit too)
                int wRun = width(28, runs.stream().map(History.Run::runId)), wCommit = width(9, runs.stream().map(History.Run::shortCommit)),
                        wDirty = width(6, runs.stream().map(History.Run::dirty)), wScale = width(9, runs.stream().map(History.Run::scale));
                String head = "%4s  %-" + wRun + "s %-" + wCommit + "s %-" + wDirty + "s %-" + wScale + "s %8s  %s%n";
                String row = "%4d  %-" + wRun + "s %-" + wCommit + "s %-" + wDirty + "s %-" + wScale + "s %8d  m%d%n";
                out.printf(Locale.ROOT, head, "#", "run", "commit", "dirty", "scale", "metrics", "machine");
                int i = 0;
                for (History.Run r : runs) {
                    machines.merge(r.fingerprint(), 1, Integer::sum);
                    out.printf(Locale.ROOT, row, ++i, r.runId(), r.shortCommit(), r.dirty(), r.scale(), r.metrics(),
                            new ArrayList<>(machines.keySet()).indexOf(r.fingerprint()) + 1);
                }
                int m = 0;
                for (var e : machines.entrySet()) out.printf(Locale.ROOT, "m%d: %s (%d runs)%n", ++m, e.getKey(), e.getValue());
                out.println(h.name() + ": " + runs.size() + " runs, schema version " + h.schemaVersion());
            }
            return 0;
        }
    }

    @Command(name = "show", description = {"Show one metric over the runs, per machine and scale.",
            "Each run's value with the interval of its median, the change points between segments and the band for the next",
            "run. METRIC is a metric name from metrics.csv, or a kernel family such as",
            "geomean:speedup[kernel=gcsr-vector,over=fastest-dense,n=50]."})
    static final class Show implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--history", defaultValue = DEFAULT_HISTORY, paramLabel = "FILE|URL",
                description = "history: an SQLite file or a PostgreSQL URL jdbc:postgresql://host[:port]/db (default: ${DEFAULT-VALUE})")
        String file;

        @Parameters(index = "0", paramLabel = "METRIC", description = "metric or family name")
        String metric;

        @Option(names = "--machine", paramLabel = "TEXT", description = "only machines whose fingerprint contains TEXT")
        String machine;

        @Option(names = "--experiment", paramLabel = "ID", description = "only this experiment")
        String experiment;

        @Option(names = "--scale", paramLabel = "SCALE", description = "only this scale")
        String scale;

        @Option(names = "--by", paramLabel = "machine",
                description = "machine: one line per machine class (fingerprint) and scale, side by side: runs, latest value, its own band and noise")
        String by;

        @picocli.CommandLine.Mixin Gate gate = new Gate();

        @Override public Integer call() throws Exception {
            Check.Options o = gate.options();
            if (by != null && !by.equals("machine")) throw new IllegalArgumentException("--by " + by + ": only 'machine' is known");
            try (History h = open(file, false)) {
                PrintWriter out = spec.commandLine().getOut();
                List<String[]> rows = new ArrayList<>();
                boolean family = metric.startsWith(Series.GEOMEAN);
                String rest = metric.substring(family ? Series.GEOMEAN.length() : 0);
                String prefix = family ? MetricName.tryParse(rest).map(MetricName::base).orElse(rest) : metric;
                List<History.Value> vs = h.values(null, scale, experiment, prefix);
                Map<String, List<History.Value>> groups = new LinkedHashMap<>();
                for (History.Value v : vs)
                    if (machine == null || v.run().fingerprint().contains(machine))
                        groups.computeIfAbsent(v.run().fingerprint() + " · scale " + v.run().scale(), k -> new ArrayList<>()).add(v);
                int shown = 0;
                for (var g : groups.entrySet()) {
                    for (var e : Series.of(g.getValue(), true).entrySet()) {
                        if (!e.getKey().name().equals(metric)) continue;
                        shown++;
                        if (by != null) rows.add(row(g.getKey(), e.getKey(), e.getValue(), o));
                        else show(out, g.getKey(), e.getKey(), e.getValue(), o);
                    }
                }
                if (shown == 0)
                    throw new IllegalArgumentException("METRIC " + metric + ": not in the history" + (machine != null ? " on a machine matching '" + machine + "'" : "")
                            + (experiment != null ? " for experiment " + experiment : "") + (scale != null ? " at scale " + scale : "")
                            + " (names as in metrics.csv, or geomean:<prefix>[kernel=…,over=…,n=…])");
                if (by != null) {
                    out.println("== " + metric + " by machine class");
                    int w = width(7, rows.stream().map(r -> r[0]));
                    String f = "%-" + w + "s %5s  %-14s %-27s %s%n";
                    out.printf(Locale.ROOT, f, "machine", "runs", "latest", "band for the next run", "run-to-run sd");
                    for (String[] r : rows) out.printf(Locale.ROOT, f, (Object[]) r);
                }
            }
            return 0;
        }

        /** One machine class's line of {@code --by machine}: its runs, latest value, and the band learned from its own runs. */
        private static String[] row(String group, Series.Key k, List<Series.Point> pts, Check.Options o) {
            List<Series.Point> fin = pts.stream().filter(p -> Double.isFinite(p.value())).toList();
            String latest = fin.isEmpty() ? "" : num(fin.get(fin.size() - 1).value()) + " " + fin.get(fin.size() - 1).unit();
            String band = "", sd = "";
            boolean exact = pts.stream().allMatch(p -> Double.isNaN(p.lo())) && !k.aggregate() && pts.stream().allMatch(p -> p.count() == 0);
            if (!exact && fin.size() >= o.minRuns()) {
                Check.Band b = Check.band(fin.stream().mapToDouble(Series.Point::value).toArray(), o, o.eDivisive());
                if (b != null) {
                    band = num(b.lo()) + " … " + num(b.hi());
                    sd = String.format(Locale.ROOT, "%.1f %%", 100 * b.sigma());
                }
            } else if (!exact) band = "(needs " + o.minRuns() + " runs)";
            return new String[] {group, Integer.toString(fin.size()), latest, band, sd};
        }

        private static void show(PrintWriter out, String group, Series.Key k, List<Series.Point> pts, Check.Options o) {
            out.println("== " + k.experiment() + " " + k.name() + " on " + group);
            List<Series.Point> fin = pts.stream().filter(p -> Double.isFinite(p.value())).toList();
            boolean exact = pts.stream().allMatch(p -> Double.isNaN(p.lo())) && !k.aggregate() && pts.stream().allMatch(p -> p.count() == 0);
            Set<Integer> starts = new HashSet<>();
            Map<Integer, String> cpText = new LinkedHashMap<>();
            if (!exact && fin.size() >= 4) {
                double[] v = fin.stream().mapToDouble(Series.Point::value).toArray();
                boolean log = Arrays.stream(v).allMatch(d -> d > 0);
                double[] z = new double[v.length];
                for (int i = 0; i < v.length; i++) z[i] = log ? Math.log(v[i]) : v[i];
                int prev = 0;
                List<EDivisive.ChangePoint> cps = new EDivisive(0.05, 199, 2, 20260101L).changePoints(z);
                for (int c = 0; c < cps.size(); c++) {
                    EDivisive.ChangePoint cp = cps.get(c);
                    int next = c + 1 < cps.size() ? cps.get(c + 1).index() : z.length;
                    double before = StatUtils.mean(v, prev, cp.index() - prev), after = StatUtils.mean(v, cp.index(), next - cp.index());
                    cpText.put(cp.index(), String.format(Locale.ROOT, "---- change point (E-Divisive p = %.3f): mean %s → %s (%+.1f%%)", cp.p(),
                            num(before), num(after), 100 * (after / before - 1)));
                    starts.add(cp.index());
                    prev = cp.index();
                }
            }
            out.printf(Locale.ROOT, "%4s  %-28s %-9s %14s  %-27s %s%n", "#", "run", "commit", "value", "interval of the median", k.aggregate() ? "points" : "repeats");
            for (int i = 0; i < fin.size(); i++) {
                if (cpText.containsKey(i)) out.println(cpText.get(i));
                Series.Point p = fin.get(i);
                out.printf(Locale.ROOT, "%4d  %-28s %-9s %14s  %-27s %d%n", i + 1, p.run().runId(), p.run().shortCommit(), num(p.value()) + " " + p.unit(),
                        Double.isFinite(p.lo()) ? num(p.lo()) + " … " + num(p.hi()) : "", p.count());
            }
            if (!exact && fin.size() >= o.minRuns()) {
                Check.Band b = Check.band(fin.stream().mapToDouble(Series.Point::value).toArray(), o, o.eDivisive());
                if (b != null)
                    out.printf(Locale.ROOT, "band for the next run: %s … %s (centre %s over the last %d runs; run-to-run sd %.1f %%, df %d)%n",
                            num(b.lo()), num(b.hi()), num(b.center()), b.lastSegment(), 100 * b.sigma(), b.df());
            }
        }
    }

    @Command(name = "check", description = {"Check a run against the history of its machine.",
            "Kernel families are flagged when outside the band by at least the minimum effect or when they complete a change",
            "point; exact metrics on any change (old and new value named). Exit code 1 when something is flagged, unless",
            "--warn-only."})
    static final class CheckRun implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--history", defaultValue = DEFAULT_HISTORY, paramLabel = "FILE|URL",
                description = "history: an SQLite file or a PostgreSQL URL jdbc:postgresql://host[:port]/db (default: ${DEFAULT-VALUE})")
        String file;

        @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", defaultValue = "results/latest", description = "run folder (default: ${DEFAULT-VALUE})")
        Path run;

        @Option(names = "--all", description = "also list unchanged exact metrics and a row per timing metric (those never decide)")
        boolean all;

        @Option(names = "--warn-only", description = "print the check, always exit 0 (for a CI job that shows timings without failing on them)")
        boolean warnOnly;

        @picocli.CommandLine.Mixin Gate gate = new Gate();

        @Override public Integer call() throws Exception {
            Check.Options o = gate.options();
            RunData data = RunFolders.read("RUN", run);
            try (History h = open(file, false)) {
                Check.Result r = Check.check(h, data, o, all);
                Check.print(r, spec.commandLine().getOut(), all);
                return r.flagged() && !warnOnly ? 1 : 0;
            }
        }
    }

    @Command(name = "trends", description = "Write the trends page: one plot per kernel family and changed exact metric over the runs, band, change points, recent changes first.")
    static final class TrendsPage implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--history", defaultValue = DEFAULT_HISTORY, paramLabel = "FILE|URL",
                description = "history: an SQLite file or a PostgreSQL URL jdbc:postgresql://host[:port]/db (default: ${DEFAULT-VALUE})")
        String file;

        @Option(names = "--out", paramLabel = "FILE", description = "page to write (default: trends.html beside the history file; for a PostgreSQL history, in the working folder)")
        Path out;

        @Option(names = "--machine", paramLabel = "FINGERPRINT", description = "only this machine (its fingerprint as history list shows it)")
        String machine;

        @Option(names = "--metric", paramLabel = "REGEX", description = "also plot the single timing metrics whose name matches REGEX")
        String metric;

        @Option(names = "--force", description = "replace an existing --out file that is not a trends page prunebench wrote (never the history file itself)")
        boolean force;

        @picocli.CommandLine.Mixin Gate gate = new Gate();

        @Override public Integer call() throws Exception {
            Check.Options o = gate.options();
            Pattern p = null;
            if (metric != null) {
                try {
                    p = Pattern.compile(metric);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("--metric " + metric + ": not a regular expression: " + e.getDescription());
                }
            }
            boolean url = History.isUrl(file);
            Path page = out != null ? out : url ? Path.of("trends.html") : Path.of(file).toAbsolutePath().resolveSibling("trends.html");
            Outputs.checkFile("--out", page);
            if (!url && Files.exists(Path.of(file)) && Files.exists(page) && Files.isSameFile(Path.of(file), page))
                throw new IllegalArgumentException("--out " + page + ": is the history file itself; give another file for the page");
            if (Files.exists(page) && !force && !Trends.isTrendsPage(page))
                throw new IllegalArgumentException("--out " + page + ": exists and is not a trends page prunebench wrote; give a new file, or --force to replace it");
            try (History h = open(file, false)) {
                Trends.Result r = Trends.write(h, page, o, machine, p);
                spec.commandLine().getOut().println("trends: " + r.file().toAbsolutePath() + " (" + r.plots() + " plots, " + r.changes() + " changes)");
            }
            return 0;
        }
    }

    @Command(name = "evaluate", description = {"Measure the check's false-alarm and detection rates on honest runs of one commit.",
            "Leave one run out, draw histories from the others, and count false alarms (the run as measured) and detections (the run with one kernel family's measured samples",
            "scaled by the planted slowdown). Every run of the machine and scale is taken as an honest rerun."})
    static final class EvaluateGate implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--history", defaultValue = DEFAULT_HISTORY, paramLabel = "FILE|URL",
                description = "history: an SQLite file or a PostgreSQL URL jdbc:postgresql://host[:port]/db (default: ${DEFAULT-VALUE})")
        String file;

        @Option(names = "--machine", paramLabel = "TEXT", description = "the machine whose fingerprint contains TEXT (default: the one with most runs)")
        String machine;

        @Option(names = "--scale", defaultValue = "quick", paramLabel = "SCALE", description = "scale of the runs (default: ${DEFAULT-VALUE})")
        String scale;

        @Option(names = "--slowdown", defaultValue = "0.10", description = "planted slowdown (default: ${DEFAULT-VALUE} = 10 %%)")
        double slowdown;

        @Option(names = "--subsets", defaultValue = "20", description = "histories drawn per held-out run and size (default: ${DEFAULT-VALUE})")
        int subsets;

        @picocli.CommandLine.Mixin Gate gate = new Gate();

        @Override public Integer call() throws Exception {
            Check.Options o = gate.options();
            if (!(slowdown > 0 && slowdown < 10)) throw new IllegalArgumentException("--slowdown: must be in (0, 10), got " + slowdown);
            if (subsets < 1 || subsets > 10_000) throw new IllegalArgumentException("--subsets: must be in [1, 10000], got " + subsets);
            try (History h = open(file, false)) {
                Map<String, Integer> counts = new LinkedHashMap<>();
                for (History.Run r : h.runs())
                    if (r.scale().equals(scale) && (machine == null || r.fingerprint().contains(machine))) counts.merge(r.fingerprint(), 1, Integer::sum);
                String fp = counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
                if (fp == null || counts.get(fp) < o.minRuns() + 1)
                    throw new IllegalArgumentException("--history " + History.display(file) + ": needs at least " + (o.minRuns() + 1) + " runs at scale " + scale + " on one machine"
                            + (machine != null ? " matching '" + machine + "'" : "") + ", has " + (fp == null ? 0 : counts.get(fp)));
                List<Map<Series.Key, Double>> runs = Evaluate.families(h.values(fp, scale, null, null));
                long gated = runs.isEmpty() ? 0 : runs.get(0).keySet().stream()
                        .filter(k -> k.name().startsWith(Series.GEOMEAN + "speedup[") && runs.stream().allMatch(x -> x.containsKey(k))).count();
                if (gated == 0)
                    throw new IllegalArgumentException("--history " + History.display(file) + ": the " + runs.size() + " runs at scale " + scale + " on [" + fp
                            + "] hold no gated kernel family (speedup over fastest-dense measured in every run); history evaluate needs runs of a"
                            + " timed SpMM experiment such as spmm-gate (prunebench run spmm-gate --history FILE)");
                List<Integer> sizes = new ArrayList<>();
                for (int s = o.minRuns(); s <= runs.size() - 1; s++) sizes.add(s);
                Evaluate.Result r = Evaluate.evaluate(runs, slowdown, sizes.stream().mapToInt(Integer::intValue).toArray(), subsets, o, 20260101L);
                PrintWriter out = spec.commandLine().getOut();
                List<History.Run> theRuns = h.runs().stream().filter(x -> x.fingerprint().equals(fp) && x.scale().equals(scale)).toList();
                out.println("machine [" + fp + "], scale " + scale + ": " + runs.size() + " runs, commits "
                        + String.join(" ", theRuns.stream().map(History.Run::shortCommit).distinct().toList()));
                Evaluate.print(r, o, out);
            }
            return 0;
        }
    }

    static int width(int min, Stream<String> texts) {
        return Math.max(min, texts.mapToInt(String::length).max().orElse(0));
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v); // counts and bytes in full
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
