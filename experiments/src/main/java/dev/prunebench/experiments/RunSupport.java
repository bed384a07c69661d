package dev.prunebench.experiments;

import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a list of experiments into one run folder. */
public final class RunSupport {
    private RunSupport() {}

    public static Path run(List<Experiment> todo, Scale scale, Path root, long seed, boolean quiet, PrintWriter err) throws Exception {
        Files.createDirectories(root);
        PrintStream log = quiet ? RunWriter.nullStream() : System.err;
        boolean interactive = !quiet && System.console() != null;
        try (RunWriter run = new RunWriter(root, GitInfo.shortCommit(), scale, seed, log, interactive)) {
            for (Experiment e : todo) {
                log.println("== " + e.id() + " (" + scale.id() + ") — " + e.paper());
                long t0 = System.nanoTime();
                try (RunWriter.Context ctx = run.experiment(e.id(), e.paper())) {
                    e.run(ctx);
                }
                log.printf("   %s done in %.1f s%n", e.id(), (System.nanoTime() - t0) / 1e9);
            }
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("git_commit", GitInfo.commit());
            manifest.put("git_dirty", GitInfo.dirty());
            return run.finish(manifest);
        }
    }
}
