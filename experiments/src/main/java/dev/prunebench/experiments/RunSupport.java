package dev.prunebench.experiments;

import dev.prunebench.models.Progress;
import dev.prunebench.models.train.Reproducibility;
import dev.prunebench.results.Compare;
import dev.prunebench.results.Published;
import dev.prunebench.results.Report;
import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import dev.prunebench.results.Scorecard;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Runs a list of experiments into one run folder, with its environment, scorecard and report. */
public final class RunSupport {
    private RunSupport() {}

    /** A finished run: its folder and the experiments that threw (recorded in the manifest and the report). */
    public record Outcome(Path dir, List<String> failed) {}

    /**
     * Runs every experiment even when one throws: a failed experiment keeps what it wrote, is marked skipped with the
     * exception in its report section and listed under {@code failed_experiments} in the manifest, and the caller
     * decides the exit code from {@link Outcome#failed()}.
     */
    public static Outcome runAll(List<Experiment> chosen, Scale scale, Path root, long seed, boolean quiet, PrintWriter err) throws Exception {
        return runAll(chosen, scale, root, seed, quiet, err, Shard.WHOLE);
    }

    /**
     * As {@link #runAll(List, Scale, Path, long, boolean, PrintWriter)}, measuring only the points of one shard of every
     * experiment; an experiment that cannot be sharded (also one added because another needs it) is refused before
     * anything runs. The manifest records {@code shard: I/N}.
     */
    public static Outcome runAll(List<Experiment> chosen, Scale scale, Path root, long seed, boolean quiet, PrintWriter err, Shard shard) throws Exception {
        if (!shard.whole()) {
            List<String> not = order(chosen, Experiments.byId(), RunWriter.nullStream()).stream().filter(e -> !e.shardable()).map(Experiment::id).toList();
            if (!not.isEmpty())
                throw new IllegalArgumentException("--shard " + shard + ": " + String.join(", ", not) + " cannot be sharded (shardable: "
                        + String.join(", ", Experiments.ALL.stream().filter(Experiment::shardable).map(Experiment::id).toList()) + ")");
        }
        // first: the backend probe below runs an MKL sgemm, after which MKL's reproducible mode can no longer be set
        Reproducibility.ensureConditionalNumericalReproducibility();
        Files.createDirectories(root);
        PrintStream log = quiet ? RunWriter.nullStream() : System.err;
        List<Experiment> selected = order(chosen, Experiments.byId(), log);
        boolean interactive = !quiet && Progress.isTerminal();
        List<String> failed = new ArrayList<>();
        try (RunWriter run = new RunWriter(root, GitInfo.shortCommit(), scale, seed, log, interactive)) {
            run.environment().put("mkl_cnr", Reproducibility.status());
            run.kernels(Backends.registry());
            log.println("environment: " + run.environment().fingerprint() + "; " + run.environment().get("jdk_version")
                    + "; vector " + run.environment().get("vector_species"));
            int i = 0;
            for (Experiment e : selected) {
                log.println("== [" + ++i + "/" + selected.size() + "] " + e.id() + " (" + scale.id() + ") — " + e.paper());
                long t0 = System.nanoTime();
                List<String> missing = e.needs().stream().filter(failed::contains).toList();
                try (RunWriter.Context ctx = run.experiment(e.id(), e.paper())) {
                    try {
                        if (!missing.isEmpty()) throw new IllegalStateException("needs " + String.join(", ", missing) + ", which failed in this run");
                        for (String u : e.needs()) log.println("   " + e.id() + " reads " + u + " from this run");
                        for (String u : e.uses())
                            log.println("   " + e.id() + (ctx.input(u).isPresent() ? " uses " + u + " from this run" : " would use " + u + " (not in this run)"));
                        if (shard.whole()) e.run(ctx);
                        else e.run(ctx, shard);
                    } catch (Exception ex) {
                        failed.add(e.id());
                        ctx.skipped("the rest of " + e.id(), "failed: " + ex);
                        err.println("prunebench: experiment " + e.id() + " failed: " + ex);
                        ex.printStackTrace(log);
                    }
                }
                log.printf("   %s done in %.1f s%n", e.id(), (System.nanoTime() - t0) / 1e9);
            }
            Map<String, Object> manifest = new LinkedHashMap<>();
            // git commit and dirty flag are in the run environment (written under "environment")
            manifest.put("failed_experiments", failed);
            if (!shard.whole()) manifest.put("shard", shard.toString());
            manifest.put("command", "prunebench run " + String.join(" ", selected.stream().map(Experiment::id).toList()) + " --scale " + scale.id()
                    + (shard.whole() ? "" : " --shard " + shard));
            Report.Result[] report = new Report.Result[1];
            Path dest = run.finish(manifest, run.environment(), dir -> report[0] = report(dir));
            log.println("scorecard: " + Scorecard.summary(report[0].scorecard()));
            for (String pe : report[0].plotErrors()) log.println("WARNING: plot not drawn: " + pe);
            log.println("report: " + dest.resolve("index.html").toAbsolutePath());
            if (run.environment().get("load") instanceof Map<?, ?> load && load.get("warning") != null)
                err.println("prunebench: WARNING: " + load.get("warning") + " (recorded in the manifest under environment.load)");
            return new Outcome(dest, List.copyOf(failed));
        }
    }

    /**
     * The chosen experiments with everything they need added, each after the experiments it needs or uses (needed
     * ones added to the run are announced on the log); chosen order otherwise kept. A cycle is an error.
     */
    static List<Experiment> order(List<Experiment> chosen, Map<String, Experiment> known, PrintStream log) {
        List<Experiment> all = new ArrayList<>(chosen);
        for (int i = 0; i < all.size(); i++)
            for (String n : all.get(i).needs()) {
                if (all.stream().anyMatch(x -> x.id().equals(n))) continue;
                Experiment d = known.get(n);
                if (d == null) throw new IllegalStateException(all.get(i).id() + " needs unknown experiment " + n);
                {
                    all.add(d);
                    log.println("running " + n + " too: " + all.get(i).id() + " needs its output");
                }
            }
        List<Experiment> out = new ArrayList<>();
        Set<String> visiting = new HashSet<>();
        for (Experiment e : all) visit(e, all, out, visiting);
        return out;
    }

    private static void visit(Experiment e, List<Experiment> all, List<Experiment> out, Set<String> visiting) {
        if (out.contains(e)) return;
        if (!visiting.add(e.id())) throw new IllegalStateException("experiments need each other in a cycle through " + e.id());
        List<String> before = new ArrayList<>(e.needs());
        before.addAll(e.uses());
        for (String id : before)
            for (Experiment d : all) if (d.id().equals(id)) visit(d, all, out, visiting);
        visiting.remove(e.id());
        out.add(e);
    }

    /** Writes (or rewrites) {@code index.html} and {@code scorecard.csv} of a run folder from its files. */
    public static Report.Result report(Path runDir) throws IOException {
        return Report.write(runDir, Published.bundled(), Experiments.byId().keySet());
    }

    /** Compares a finished run with a baseline, prints the table; returns true on regression. */
    public static boolean regress(Path base, Path now, Compare.Options options, PrintWriter out) throws IOException {
        Compare.Result r = Compare.compare(base, now, options);
        Compare.print(r, out, false);
        return r.regressed();
    }
}
