package dev.prunebench.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run that never finishes: started by {@code RunWriterTest}, which interrupts it. It prints {@code sigint …} and then
 * {@code tmp <folder>} once the folder and its first file exist, and waits until a signal ends it; the test waits on
 * those lines and on the exit, never on a clock.
 */
public final class InterruptedRunMain {
    private InterruptedRunMain() {}

    public static void main(String[] args) throws Exception {
        // A JVM that starts with SIGINT ignored (a background job of a non-interactive shell, nohup) installs no
        // handler for it, so the test's signal would do nothing: say so, and the test skips instead of waiting.
        System.out.println("sigint " + sigintDisposition());
        RunWriter w = new RunWriter(Path.of(args[0]), "sig", Scale.QUICK, 1, RunWriter.nullStream(), false);
        RunWriter.Context c = w.experiment("x", "p");
        Files.writeString(c.dir().resolve("part.csv"), "a,b\n1,2\n");
        System.out.println("tmp " + w.tmpDir());
        System.out.flush();
        // no timed sleep: a normal exit after one would also run the shutdown hooks and pass the test without a signal
        new java.util.concurrent.CountDownLatch(1).await();
    }

    /** "ignored", "handled", or "unknown" where there is no /proc (SigIgn is a hex mask, bit 1 is SIGINT = 2). */
    static String sigintDisposition() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status")))
                if (l.startsWith("SigIgn:")) return (Long.parseUnsignedLong(l.substring(7).trim(), 16) & 2L) != 0 ? "ignored" : "handled";
        } catch (IOException | NumberFormatException e) {
            // not Linux: the test sends the signal anyway
        }
        return "unknown";
    }
}
