package dev.prunebench.models;

import java.io.Console;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The project's one progress bar (me.tongfei progressbar): drawn on a terminal, silent otherwise (a log file gets
 * the caller's own lines, e.g. one per training epoch, never a redrawn bar).
 *
 * <pre>{@code
 * try (Progress p = Progress.start("lenet5 dense", steps, System.err, interactive)) {
 *     for (...) { train(); p.step(); }
 * }
 * }</pre>
 */
public final class Progress implements AutoCloseable {

    private final ProgressBar bar;
    private long done;

    private Progress(ProgressBar bar) { this.bar = bar; }

    /** A bar on {@code out} with {@code total} steps when {@code interactive} (only for a terminal), else a silent counter. */
    public static Progress start(String task, long total, PrintStream out, boolean interactive) {
        if (total < 0) throw new IllegalArgumentException("progress " + task + ": total must be >= 0, got " + total);
        return new Progress(interactive ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(out)).setUpdateIntervalMillis(250).showSpeed().build() : null);
    }

    /**
     * Whether standard output is a terminal a bar can be redrawn on. From JDK 22 {@code System.console()} exists even
     * when output is redirected, so its {@code isTerminal()} decides.
     */
    public static boolean isTerminal() {
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** True when a bar is drawn. */
    public boolean drawn() { return bar != null; }

    public synchronized void step() {
        done++;
        if (bar != null) bar.step();
    }

    /** Shows {@code message} (e.g. the epoch's loss) beside the bar. */
    public synchronized void message(String message) {
        if (bar != null) bar.setExtraMessage(message);
    }

    public synchronized long done() { return done; }

    @Override public synchronized void close() {
        if (bar != null) bar.close();
    }
}
