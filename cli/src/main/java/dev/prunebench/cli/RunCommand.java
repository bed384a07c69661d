package dev.prunebench.cli;

import dev.prunebench.experiments.Experiment;
import dev.prunebench.experiments.Experiments;
import dev.prunebench.experiments.RunSupport;
import dev.prunebench.experiments.Shard;
import dev.prunebench.history.History;
import dev.prunebench.measure.PlantedSlowdown;
import dev.prunebench.results.Compare;
import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", description = "Run experiments and write results/<run-id>/ (CSV, manifest, index.html); results/latest points at it.")
final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", split = ",", paramLabel = "ID", description = "experiment ids (space- or comma-separated), or 'all'")
    List<String> ids;

    @Option(names = "--scale", defaultValue = "standard", description = "quick | standard | full (default: ${DEFAULT-VALUE})")
    String scale;

    @Option(names = "--out", defaultValue = "results", description = "results root folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--seed", defaultValue = "20260101", description = "base seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = {"-q", "--quiet"}, description = "no progress output")
    boolean quiet;

    @Option(names = "--regress", paramLabel = "BASE_DIR",
            description = "after the run, compare it with this baseline run (e.g. results/baseline) and exit 1 on a regression")
    Path regress;

    @Option(names = "--history", paramLabel = "FILE|URL",
            description = "add the finished run to this history (an SQLite file, created if missing, or a PostgreSQL URL jdbc:postgresql://host/db), check it against the history (shown, never failing the run) and write trends.html into the run folder")
    String history;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "measure only the I-th of N deterministic slices of each experiment's points (point k in shard (k mod N) + 1; shards are disjoint and together cover every point); recorded as shard: I/N in the manifest and experiment.json. Only sweeps can be sharded (hartenstein-spmm-cpu, spmm-gate); others are refused")
    String shard;

    @Override public Integer call() throws Exception {
        Scale sc = Scale.parse(scale);
        Shard sh = shard == null ? Shard.WHOLE : Shard.parse(shard);
        if (!sh.whole() && history != null)
            throw new IllegalArgumentException("--history with --shard " + sh + ": a shard holds only part of the sweep's points; "
                    + "merge the shards (prunebench merge RUN… --out DIR) and add the merged run with prunebench history add");
        RunProperties.check(); // every -Dprunebench.* run property, before anything runs or is created
        PlantedSlowdown.Plant plant = PlantedSlowdown.configured(); // a bad value fails here
        if (plant != null)
            spec.commandLine().getErr().printf(Locale.ROOT, "prunebench: PLANTED SLOWDOWN: %s does %.0f %% extra work per timed call (-D%s); this run's timings are not honest%n",
                    plant.kernel(), 100 * plant.fraction(), PlantedSlowdown.PROPERTY);
        Outputs.checkFolder("--out", out);
        for (Path p = out.toAbsolutePath().normalize(); p != null; p = p.getParent()) // results/<run>/x would nest a run in a run
            if (Files.isRegularFile(p.resolve("manifest.json")))
                throw new IllegalArgumentException("--out " + out + ": is inside the finished run folder " + p + "; give a results root such as results");
        RunWriter.checkLatest(out); // before any experiment runs, not at the end
        List<Experiment> selected = new ArrayList<>();
        for (String id : ids) {
            if (id.equals("all")) selected.addAll(Experiments.ALL);
            else selected.add(Experiments.get(id));
        }
        if (selected.isEmpty()) throw new IllegalArgumentException("ID: no experiment named (give ids, or 'all'; see prunebench list)");
        if (!sh.whole()) {
            List<String> not = selected.stream().filter(e -> !e.shardable()).map(Experiment::id).toList();
            if (!not.isEmpty())
                throw new IllegalArgumentException("--shard " + sh + ": " + String.join(", ", not) + " cannot be sharded (shardable: "
                        + String.join(", ", Experiments.ALL.stream().filter(Experiment::shardable).map(Experiment::id).toList()) + ")");
        }
        if (regress != null) RunFolders.read("--regress", regress); // a bad baseline fails before the run, not after
        if (history != null) { // a bad history file fails before the run, not after
            if (History.isUrl(history)) History.open(history, true).close(); // unreachable: refused now
            else {
                Path file = Path.of(history);
                Outputs.checkFile("--history", file);
                if (Files.exists(file) && Files.size(file) > 0) History.read(file).close();
                else Outputs.checkCreatable("--history", file); // /proc/x.sqlite: refused now, not after the run
            }
        }
        RunSupport.Outcome outcome = RunSupport.runAll(selected, sc, out, seed, quiet, spec.commandLine().getErr(), sh);
        Path dest = outcome.dir();
        spec.commandLine().getOut().println("results: " + dest.toAbsolutePath());
        if (history != null) HistoryAdd.addToHistory(history, dest, spec.commandLine().getOut());
        if (regress != null) {
            spec.commandLine().getOut().println("regression check against " + regress + ":");
            if (RunSupport.regress(regress, dest, Compare.Options.DEFAULT, spec.commandLine().getOut())) return 1;
        }
        if (!outcome.failed().isEmpty()) {
            spec.commandLine().getErr().println("prunebench: failed experiments: " + String.join(", ", outcome.failed()) + " (see their sections in the report)");
            return 1;
        }
        return 0;
    }
}
