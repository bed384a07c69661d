package dev.prunebench.experiments.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code prunebench} command. Each subcommand is its own class in this package; add it to
 * {@code subcommands} below. Bad input: exit code 2 and one line naming what was wrong.
 */
@Command(name = "prunebench", mixinStandardHelpOptions = true, version = "prunebench 0.1.0",
        description = "Does this pruning pattern make this model smaller and faster on this hardware, and what does it cost in accuracy?",
        subcommands = {
                ListCommand.class,
                RunCommand.class,
                ReportCommand.class,
                CompareCommand.class,
                ListBackendsCommand.class,
                SpmmCommand.class,
                TrainCommand.class,
                PruneCommand.class,
                StorageCommand.class,
                ConvertCommand.class,
                InfoCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @Override public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams; returns the exit code (tests call this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            if (t instanceof java.io.UncheckedIOException && t.getCause() != null) t = t.getCause();
            if (t instanceof IllegalArgumentException || t instanceof java.io.IOException) {
                cmd.getErr().println("prunebench: " + t.getMessage());
                return 2;
            }
            cmd.getErr().println("prunebench: internal error: " + t);
            t.printStackTrace(cmd.getErr());
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("prunebench: " + ex.getMessage() + " (see: prunebench help " + ex.getCommandLine().getCommandName() + ")");
            return 2;
        });
        return cl.execute(args);
    }
}
