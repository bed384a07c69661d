package dev.prunebench.measure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Pins the calling thread (the one that times single-threaded kernels) to one CPU through the OS, as {@code taskset}
 * does: the thread's id comes from {@code /proc/thread-self}, and {@code taskset -p -c CPU TID} sets its affinity. It
 * keeps the timed thread from migrating between cores; it does not keep other processes off that core (on a shared
 * machine the load warning still applies). Linux only; elsewhere, or without {@code taskset}, it says why not.
 */
public final class Isolation {
    private Isolation() {}

    /** The outcome, in words: "timed thread (tid 1240) pinned to CPU 1 (taskset)" or "not pinned: …". */
    public record Result(boolean pinned, String describe) {}

    /** Pins the calling thread to {@code cpu} (the last CPU when negative). Never throws. */
    public static Result pinCallingThread(int cpu) {
        int cores = Runtime.getRuntime().availableProcessors();
        int c = cpu < 0 ? cores - 1 : cpu;
        if (c >= cores) return new Result(false, "not pinned: CPU " + c + " is not one of the " + cores + " this JVM may use");
        String tid;
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString(); // "PID/task/TID"
            tid = link.substring(link.lastIndexOf('/') + 1);
            Long.parseLong(tid);
        } catch (IOException | RuntimeException e) {
            return new Result(false, "not pinned: no /proc/thread-self (" + e.getMessage() + ")");
        }
        try {
            Process p = new ProcessBuilder("taskset", "-p", "-c", Integer.toString(c), tid).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(false, "not pinned: taskset timed out");
            }
            if (p.exitValue() != 0) return new Result(false, "not pinned: taskset exit " + p.exitValue() + ": " + out);
            return new Result(true, "timed thread (tid " + tid + ") pinned to CPU " + c + " of " + cores + " (taskset); other processes may still run there");
        } catch (IOException e) {
            return new Result(false, "not pinned: taskset not found (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "not pinned: interrupted");
        }
    }
}
