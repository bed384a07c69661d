package dev.prunebench.results;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a sweep or a training loop, in the form the output allows: a redrawn bar on a terminal, a plain line
 * every tenth of the way (and at the end) when the output is a log file (CI logs stay readable), nothing with
 * {@code --quiet} (the context's log is then a null stream).
 *
 * <pre>{@code
 * try (Progress p = Progress.start(ctx, "spmm g=8", points.size())) {
 *     for (var pt : points) { measure(pt); p.step(); }
 * }
 * }</pre>
 *
 * Not thread-safe for the plain form's line decisions beyond ordering: calls from several threads are serialised.
 */
public final class Progress implements AutoCloseable {

    private final String task;
    private final long total;
    private final PrintStream log;
    private final ProgressBar bar;
    private final long t0 = System.nanoTime();
    private long done;
    private long lastTenth = 0;
    private boolean closed;

    private Progress(String task, long total, PrintStream log, boolean interactive) {
        if (total < 0) throw new IllegalArgumentException("progress " + task + ": total must be >= 0, got " + total);
        this.task = task;
        this.total = total;
        this.log = log;
        this.bar = interactive ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(log))
                .setUpdateIntervalMillis(250).build() : null;
    }

    /** Progress through an experiment's log, drawn as a bar when {@link ExperimentContext#interactive()}. */
    public static Progress start(ExperimentContext ctx, String task, long total) {
        return new Progress(task, total, ctx.log(), ctx.interactive());
    }

    /** Progress to any stream; {@code interactive} draws a redrawn bar (only for a terminal). */
    public static Progress start(String task, long total, PrintStream log, boolean interactive) {
        return new Progress(task, total, log, interactive);
    }

    /**
     * Whether standard output is a terminal a bar can be redrawn on. From JDK 22 {@code System.console()} exists even
     * when output is redirected, so its {@code isTerminal()} (looked up reflectively: this code targets 21) decides.
     */
    public static boolean isTerminal() {
        java.io.Console c = System.console();
        if (c == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // JDK 21: a console exists only for a terminal
        }
    }

    public void step() { stepBy(1); }

    /** Advances by one and shows {@code message} (e.g. the point just measured) beside the bar. */
    public synchronized void step(String message) {
        if (bar != null) bar.setExtraMessage(message);
        stepBy(1);
    }

    public synchronized void stepBy(long n) {
        done += n;
        if (bar != null) {
            bar.stepBy(n);
            return;
        }
        if (total > 0) {
            long tenth = Math.min(10, done * 10 / total);
            if (tenth > lastTenth && done < total) {
                lastTenth = tenth;
                line();
            }
        }
    }

    public synchronized long done() { return done; }

    private void line() {
        double s = (System.nanoTime() - t0) / 1e9;
        if (total > 0) log.printf(Locale.ROOT, "  %s: %d/%d (%d %%) %.1f s%n", task, done, total, done * 100 / total, s);
        else log.printf(Locale.ROOT, "  %s: %d done %.1f s%n", task, done, s);
    }

    @Override public synchronized void close() {
        if (closed) return;
        closed = true;
        if (bar != null) bar.close();
        else line();
    }
}
