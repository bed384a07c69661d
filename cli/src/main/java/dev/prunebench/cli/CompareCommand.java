package dev.prunebench.cli;

import dev.prunebench.results.Compare;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "compare", description = {
        "Compare every metric of two runs (e.g. results/baseline and results/latest).",
        "Exact metrics must match; timings fail only when a Mann-Whitney U test over the repeats is significant",
        "AND the median moved by at least the minimum effect in the worse direction. Runs on different hardware",
        "fingerprints compare only the exact metrics, and say so.",
        "Exit code: 0 no regression, 1 regression, 2 bad input."})
final class CompareCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "BASE", defaultValue = "results/baseline",
            description = "baseline run folder (default: ${DEFAULT-VALUE})")
    Path base;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NEW", defaultValue = "results/latest",
            description = "new run folder (default: ${DEFAULT-VALUE})")
    Path now;

    @Option(names = "--alpha", defaultValue = "0.01", description = "significance level of the Mann-Whitney U test (default: ${DEFAULT-VALUE})")
    double alpha;

    @Option(names = "--min-effect", defaultValue = "0.05", description = "smallest relative change of a median that counts (default: ${DEFAULT-VALUE} = 5 %%)")
    double minEffect;

    @Option(names = "--min-repeats", defaultValue = "5", description = "repeats a timing needs on each side to be tested (default: ${DEFAULT-VALUE})")
    int minRepeats;

    @Option(names = "--exact-tolerance", defaultValue = "1e-9",
            description = "relative tolerance for exact metrics, for accuracies that are not bitwise reproducible (default: ${DEFAULT-VALUE})")
    double exactTolerance;

    @Option(names = "--exact-only", description = "list timings but test only exact metrics (a gate that shared-machine noise cannot fail)")
    boolean exactOnly;

    @Option(names = "--all", description = "also list info metrics")
    boolean all;

    static final int MAX_REPEATS = 1_000_000;

    @Option(names = "--csv", paramLabel = "FILE", description = "also write the table as CSV")
    Path csv;

    @Override public Integer call() throws Exception {
        if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("--alpha: must be in (0, 1), got " + alpha);
        if (!(minEffect >= 0 && Double.isFinite(minEffect))) throw new IllegalArgumentException("--min-effect: must be a finite number >= 0, got " + minEffect);
        if (minRepeats < 2 || minRepeats > MAX_REPEATS) throw new IllegalArgumentException("--min-repeats: must be in [2, " + MAX_REPEATS + "], got " + minRepeats);
        if (!(exactTolerance >= 0 && Double.isFinite(exactTolerance)))
            throw new IllegalArgumentException("--exact-tolerance: must be a finite number >= 0, got " + exactTolerance);
        if (csv != null) Outputs.checkFile("--csv", csv);
        if (!Files.exists(base))
            throw new NoSuchFileException(base.toString(), null,
                    "baseline run not found (make one with scripts/refresh-baseline.sh, or name a run folder)");
        Compare.Options o = new Compare.Options(alpha, minEffect, minRepeats, exactTolerance);
        Compare.Result r = Compare.compare(RunFolders.read("BASE", base), RunFolders.read("NEW", now), o, exactOnly);
        PrintWriter out = spec.commandLine().getOut();
        Compare.print(r, out, all);
        if (csv != null) Compare.writeCsv(csv, r);
        return r.regressed() ? 1 : 0;
    }
}
