package dev.prunebench.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import dev.prunebench.models.train.Reproducibility;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code prunebench} command. Each subcommand is its own class in this package; add it to
 * {@code subcommands} below. Bad input: exit code 2 and one line naming what was wrong ({@link Failure} is the one
 * place that turns an exception into that line and the exit code).
 */
@Command(name = "prunebench", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = VersionProvider.class,
        description = "Does this pruning pattern make this model smaller and faster on this hardware, and what does it cost in accuracy?",
        subcommands = {
                ListCommand.class,
                RunCommand.class,
                MergeCommand.class,
                ReportCommand.class,
                CompareCommand.class,
                HistoryCommand.class,
                ListBackendsCommand.class,
                SpmmCommand.class,
                BreakevenCommand.class,
                ThreadsCommand.class,
                TrainCommand.class,
                PruneCommand.class,
                StorageCommand.class,
                ConvertCommand.class,
                InfoCommand.class,
                ModelCommand.class,
                SpdyCommand.class,
                ExportCommand.class,
                RecommendCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    /** Read from the arguments before parsing (so it also applies to errors picocli itself raises); declared for --help. */
    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "on an error, also print the Java stack trace")
    boolean debug;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    /** {@code prunebench} alone: the usage, on the output it was given. */
    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // in the terminal's encoding, with ASCII for the symbols it lacks (LANG=C would print every × as ?)
        ConsoleText.installSystemStreams(); // what commands print to System.out / System.err directly, too
        System.exit(execute(args, ConsoleText.writer(System.out), ConsoleText.writer(System.err)));
    }

    /** Runs the CLI with the given streams; returns the exit code (tests call this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        // before anything touches MKL (a backend probe runs an sgemm, after which the mode can no longer be set)
        Reproducibility.ensureConditionalNumericalReproducibility();
        boolean debug = debugRequested(args);
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        SpmmCommand.describeBackends(cl.getSubcommands().get("spmm"));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> Failure.report(ex, cmd.getErr(), debug));
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            String message = ex.getMessage();
            // a mistyped option is the culprit, not the required options picocli finds missing because of it
            List<String> unmatched = c.getUnmatchedArguments();
            if (ex instanceof CommandLine.MissingParameterException && !unmatched.isEmpty())
                message = (unmatched.get(0).startsWith("-") ? "Unknown option: '" : "Unmatched argument: '") + unmatched.get(0) + "'";
            c.getErr().println("prunebench: " + Failure.oneLine(message) + " (see: " + c.getCommandSpec().qualifiedName() + " --help)");
            if (debug) ex.printStackTrace(c.getErr());
            c.getErr().flush();
            return 2;
        });
        try {
            return cl.execute(args);
        } catch (Throwable t) { // errors (out of memory, stack overflow) pass picocli's handler; they end here, in the same way
            return Failure.report(t, err, debug);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static boolean debugRequested(String[] args) {
        int end = Arrays.asList(args).indexOf("--");
        return Arrays.asList(args).subList(0, end < 0 ? args.length : end).contains("--debug");
    }
}
