package dev.prunebench.cli;

import dev.prunebench.experiments.Experiments;
import dev.prunebench.experiments.RunSupport;
import dev.prunebench.results.ModelReport;
import dev.prunebench.results.Published;
import dev.prunebench.results.Report;
import dev.prunebench.results.RunData;
import dev.prunebench.results.Scorecard;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "report", description = {
        "Regenerate index.html and scorecard.csv of a run folder from its CSV and JSON files alone; for a folder of 'model bench'",
        "(latency.csv, timings.txt), the model's page: per-layer table, a latency plot per layer and format, the SPDY profile.",
        "Exit code 1 when a plot could not be drawn (the page is still written, with the error in the plot's place)."})
final class ReportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "a run folder, e.g. results/latest")
    Path runDir;

    @Option(names = "--published", paramLabel = "DIR", description = "published numbers to score against (default: the tables packaged with prunebench, i.e. results/published/*.csv)")
    Path published;

    @Override public Integer call() throws Exception {
        RunFolders.checkFinished("RUN_DIR", runDir);
        if (ModelReport.isModelFolder(runDir)) {
            ModelReport.Result m = ModelReport.write(runDir);
            spec.commandLine().getOut().println("report: " + m.html().toAbsolutePath() + " (model folder of 'model bench', " + m.plots() + " plots)");
            for (String e : m.plotErrors()) spec.commandLine().getErr().println("prunebench: plot not drawn: " + e);
            return m.plotErrors().isEmpty() ? 0 : 1;
        }
        Report.Result r = published == null ? RunSupport.report(runDir)
                : Report.write(runDir, Published.read(published), Experiments.byId().keySet());
        var out = spec.commandLine().getOut();
        out.println("report: " + r.html().toAbsolutePath() + " (" + r.plots() + " plots)");
        out.println("scorecard: " + r.scorecardCsv().toAbsolutePath() + ": " + Scorecard.summary(r.scorecard()));
        for (String e : r.plotErrors()) spec.commandLine().getErr().println("prunebench: plot not drawn: " + e);
        String busy = Report.busyWarning(RunData.read(runDir));
        if (busy != null) spec.commandLine().getErr().println("prunebench: WARNING: while this run was measured, " + busy);
        return r.plotErrors().isEmpty() ? 0 : 1;
    }
}
