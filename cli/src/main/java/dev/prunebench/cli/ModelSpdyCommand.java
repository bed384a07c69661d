package dev.prunebench.cli;

import dev.prunebench.core.spdy.ErrorTable;
import dev.prunebench.core.spdy.LatencyTable;
import dev.prunebench.core.spdy.Spdy;
import dev.prunebench.core.spdy.SpdyFiles;
import dev.prunebench.results.ModelReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "spdy", description = {
        "SPDY's DP on the model's own latency table (from 'model bench'): a sparsity level and a format per layer for a speedup target;",
        "prints the profile (SPDY's 'level layer format' lines) and the predicted end-to-end speedup. --out writes the profile for",
        "'model prune --per-layer'. Errors: SPDY's placeholder (rank/(n-1))^2 unless --errors gives 'layer level error [format]' lines."})
final class ModelSpdyCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the .onnx model (or .safetensors file)") Path file;
    @Option(names = "--target", defaultValue = "2.0", description = "speedup target (default: ${DEFAULT-VALUE})") double target;
    @Option(names = "--timings", paramLabel = "DIR", description = "the folder 'model bench' wrote (default: FILE without .onnx, plus .bench)") Path timings;
    @Option(names = "--errors", paramLabel = "FILE", description = "'layer level error [format]' lines") Path errors;
    @Option(names = "--accounting", defaultValue = "correct", description = "correct | spdy (default: ${DEFAULT-VALUE})") String accounting;
    @Option(names = "--keep-dense", defaultValue = "first,last", paramLabel = "LAYERS", description = "layers left out of the DP (default: ${DEFAULT-VALUE}, as SPDY)") String keepDense;
    @Option(names = "--out", paramLabel = "PROFILE", description = "write the profile here (and, with the prediction, as spdy.txt into the bench folder for its report)") Path out;
    @Option(names = "--layers", paramLabel = "FILE", description = "safetensors only: the --layers file given to 'model bench'") Path layersMap;

    @Override public Integer call() throws Exception {
        if (!(target > 0) || Double.isInfinite(target)) throw new IllegalArgumentException("--target: must be finite and > 0, got " + target);
        Spdy.Accounting acc;
        try {
            acc = Spdy.Accounting.parse(accounting);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--accounting: " + e.getMessage());
        }
        Path dir = timings != null ? timings : ModelBenchCommand.defaultDir(file);
        Path t = Files.isDirectory(dir) ? dir.resolve("timings.txt") : dir;
        if (!Files.exists(t)) throw new IllegalArgumentException("--timings: " + t + " does not exist: run 'prunebench model bench " + file + "' first");
        OnnxArgs.load(file, null, layersMap); // the model must be readable; the table's layers are its layers
        LatencyTable table = SpdyFiles.readTimings(t);
        ErrorTable err = errors == null ? ErrorTable.rankPlaceholder(table) : SpdyFiles.readErrors(errors);
        Set<String> kept = SpdyCommand.Solve.keptLayers(table, keepDense);
        Spdy spdy = new Spdy(table, kept, acc);
        Spdy.Profile p;
        try {
            p = spdy.solve(target, err, null, Spdy.DEFAULT_BUCKETS);
        } catch (Spdy.UnreachableTarget e) {
            throw new IllegalArgumentException("--target: " + e.getMessage() + "; " + t);
        }
        String profile = SpdyFiles.formatProfile(p.picks());
        if (out != null) {
            Outputs.checkFile("--out", out);
            Files.writeString(out, profile);
        }
        PrintWriter o = spec.commandLine().getOut();
        String text = profile + String.format(Locale.ROOT, "# timings: %s (%d layers, formats: %s); errors: %s%n", t, table.layers().size(), String.join(",", table.formats()), err.description())
                + String.format(Locale.ROOT, "# kept dense: %s%n", kept.isEmpty() ? "none" : String.join(", ", kept))
                + String.format(Locale.ROOT, "# target %sx, %s accounting: predicted end-to-end speedup %.4fx (%.6g s of base %.6g s); max target %.4fx%n", StorageCommand.fmt(target),
                acc.id(), p.claimedSpeedup(), p.claimedSeconds(), table.base(), spdy.maxTarget());
        o.print(text);
        // the report of the bench folder shows the profile ('prunebench report DIR')
        if (out != null && Files.isDirectory(dir)) Files.writeString(dir.resolve(ModelReport.SPDY), text);
        if (out != null) o.printf(Locale.ROOT, "# wrote %s: prune with 'prunebench model prune %s --per-layer %s --structure …'%n", out, file, out);
        o.flush();
        return 0;
    }
}
