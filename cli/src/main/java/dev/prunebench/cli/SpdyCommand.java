package dev.prunebench.cli;

import dev.prunebench.core.spdy.ErrorTable;
import dev.prunebench.core.spdy.LatencyTable;
import dev.prunebench.core.spdy.Spdy;
import dev.prunebench.core.spdy.SpdyFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prunebench spdy …}: SPDY's per-layer sparsity (and format) by dynamic programming over a latency table. */
@Command(name = "spdy", description = "SPDY (Frantar & Alistarh, ICML 2022): per-layer sparsity and format chosen by a DP over per-layer latencies.",
        subcommands = {SpdyCommand.Solve.class})
final class SpdyCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "solve", description = {
            "Solves SPDY's DP on a timing file (SPDY's text format; a third word on a line names its format) and prints the profile "
                    + "in SPDY's format ('level layer' lines, 'level layer format' when formats are named), then, on lines starting with '#', "
                    + "the predicted speedup and the largest reachable target under both accountings.",
            "Errors: an errors file of 'layer level error [format]' lines, or SPDY's placeholder (rank/(n-1))^2 without one."})
    static final class Solve implements Callable<Integer> {
        /** Past this the DP's table (layers x buckets doubles) is larger than any laptop's heap. */
        static final int MAX_BUCKETS = 100_000_000;

        @Spec CommandSpec spec;

        @Option(names = "--timings", required = true, paramLabel = "FILE", description = "latency table in SPDY's text format") Path timings;
        @Option(names = "--errors", paramLabel = "FILE", description = "'layer level error [format]' lines (default: SPDY's placeholder (rank/(n-1))^2)") Path errors;
        @Option(names = "--target", defaultValue = "2.0", description = "speedup target over the file's base time (default: ${DEFAULT-VALUE})") double target;
        @Option(names = "--buckets", defaultValue = "10000", description = "time buckets of the DP (default: ${DEFAULT-VALUE}, as SPDY)") int buckets;
        @Option(names = "--accounting", defaultValue = "correct", description = "correct: the layers kept dense are fixed time; "
                + "spdy: they count as free, as SPDY's public script (default: ${DEFAULT-VALUE})") String accounting;
        @Option(names = "--keep-dense", defaultValue = "first,last", paramLabel = "LAYERS", description = "layers left out of the DP, comma-separated; "
                + "'first' and 'last' name the table's first and last layer, 'none' keeps none (default: ${DEFAULT-VALUE}, as SPDY)") String keepDense;

        @Override public Integer call() throws Exception {
            if (!(target > 0) || Double.isInfinite(target)) throw new IllegalArgumentException("--target: must be finite and > 0, got " + target);
            if (buckets < 1 || buckets > MAX_BUCKETS) throw new IllegalArgumentException("--buckets: must be in [1, " + MAX_BUCKETS + "], got " + buckets);
            Spdy.Accounting acc;
            try {
                acc = Spdy.Accounting.parse(accounting);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--accounting: " + e.getMessage());
            }
            LatencyTable table = SpdyFiles.readTimings(timings);
            // speedups are base / time: a base that is no time, or less than the layers it holds, gives NaN, negative or infinite ones
            if (!(table.base() > 0))
                throw new IllegalArgumentException("--timings " + timings + ": line 2: base seconds: must be > 0, got " + table.base());
            if (table.prunable() > table.base())
                throw new IllegalArgumentException("--timings " + timings + ": line 4: prunable seconds " + table.prunable() + " is more than the base "
                        + table.base() + " (line 2); the layers of the table are part of the model's time");
            ErrorTable err = errors == null ? ErrorTable.rankPlaceholder(table) : SpdyFiles.readErrors(errors);
            Set<String> kept = keptLayers(table, keepDense);
            Spdy spdy, other;
            try {
                spdy = new Spdy(table, kept, acc);
                other = new Spdy(table, kept, acc == Spdy.Accounting.CORRECT ? Spdy.Accounting.SPDY : Spdy.Accounting.CORRECT);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--keep-dense: " + e.getMessage());
            }
            Spdy.Profile p;
            try {
                p = spdy.solve(target, err, null, buckets);
            } catch (Spdy.UnreachableTarget e) {
                throw new IllegalArgumentException("--target: " + e.getMessage() + "; " + timings);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException((e.getMessage().startsWith("buckets") ? "--" : "") + e.getMessage());
            }
            double[] shown = {p.claimedSpeedup(), p.claimedSeconds(), p.trueSpeedup(), p.trueSeconds(), spdy.maxTarget(), other.maxTarget()};
            for (double d : shown)
                if (!Double.isFinite(d) || d < 0)
                    throw new IllegalArgumentException("--timings " + timings + ": base " + table.base() + " s and prunable " + table.prunable()
                            + " s give a speedup or time of " + d + " (base and layer times must be of one scale; a base this small is no model's time)");
            if (spdy.maxTarget() < 5e-5) // would print as 0.0000x
                throw new IllegalArgumentException("--timings " + timings + ": base " + table.base() + " s is vanishingly small against the layers' "
                        + "fastest times (largest reachable speedup " + spdy.maxTarget() + "x); base and layer times must be in one unit");
            // everything is computed before anything is printed
            StringWriter text = new StringWriter();
            PrintWriter out = new PrintWriter(text);
            out.print(SpdyFiles.formatProfile(p.picks()));
            out.printf(Locale.ROOT, "# timings: %s (%d layers, formats: %s); errors: %s%n", timings, table.layers().size(),
                    String.join(",", table.formats()), err.description());
            out.printf(Locale.ROOT, "# kept dense: %s%n", kept.isEmpty() ? "none" : String.join(", ", kept));
            out.printf(Locale.ROOT, "# target %sx, %d buckets, %s accounting: predicted speedup %.4fx (%.6f s of base %.6f s)%n",
                    num(target), buckets, acc.id(), p.claimedSpeedup(), p.claimedSeconds(), table.base());
            if (acc == Spdy.Accounting.SPDY)
                out.printf(Locale.ROOT, "# true predicted speedup, the kept layers' dense time counted: %.4fx (%.6f s)%n", p.trueSpeedup(), p.trueSeconds());
            out.printf(Locale.ROOT, "# max target: %.4fx (%s accounting); %.4fx under %s accounting%n", spdy.maxTarget(), acc.id(), other.maxTarget(), other.accounting().id());
            out.printf(Locale.ROOT, "# summed error %.6g in %d of %d buckets%n", p.objective(), p.buckets(), buckets);
            for (String n : table.notes()) out.println("# note: " + n);
            out.flush();
            spec.commandLine().getOut().print(text);
            return 0;
        }

        static Set<String> keptLayers(LatencyTable t, String spec) {
            Set<String> kept = new LinkedHashSet<>();
            if (spec.strip().equals("none")) return kept;
            List<String> names = t.names();
            for (String raw : spec.split(",", -1)) {
                String s = raw.strip();
                if (s.isEmpty()) throw new IllegalArgumentException("--keep-dense: an empty layer name in '" + spec + "'");
                String name = switch (s) {
                    case "first" -> names.get(0);
                    case "last" -> names.get(names.size() - 1);
                    default -> s;
                };
                if (!names.contains(name)) throw new IllegalArgumentException("--keep-dense: layer '" + s + "' is not in the timings (first layers: "
                        + String.join(", ", names.subList(0, Math.min(5, names.size()))) + (names.size() > 5 ? ", …" : "") + ")");
                kept.add(name);
            }
            return kept;
        }

        static String num(double d) {
            return StorageCommand.fmt(d);
        }
    }
}
