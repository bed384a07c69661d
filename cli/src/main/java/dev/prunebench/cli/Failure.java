package dev.prunebench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;

/**
 * The one place where the CLI turns an exception into its one line on stderr and its exit code.
 *
 * <ul>
 *   <li>Bad input — {@link IllegalArgumentException}, {@link IOException} and its file-system kinds, also inside an
 *       {@link UncheckedIOException} — exit 2 with one line naming the path, field or value.</li>
 *   <li>Anything else is a bug: exit 1 with {@code prunebench: internal error: <type>: <message> (run with --debug for
 *       the trace)}.</li>
 * </ul>
 * No stack trace is printed unless {@code --debug} was given.
 */
final class Failure {
    private Failure() {}

    static final int BAD_INPUT = 2, INTERNAL = 1;

    /** Prints the line for {@code thrown} (and its trace with {@code debug}) and returns the exit code. */
    static int report(Throwable thrown, PrintWriter err, boolean debug) {
        Throwable t = unwrap(thrown);
        String line = badInput(t);
        int code = BAD_INPUT;
        if (line == null) {
            code = INTERNAL;
            line = "internal error: " + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + oneLine(t.getMessage()))
                    + (debug ? "" : " (run with --debug for the trace)");
        }
        err.println("prunebench: " + line);
        if (debug) thrown.printStackTrace(err);
        err.flush();
        return code;
    }

    private static Throwable unwrap(Throwable t) {
        while (t.getCause() != null && (t instanceof UncheckedIOException || t instanceof ExecutionException
                || t instanceof CommandLine.ExecutionException))
            t = t.getCause();
        return t;
    }

    /** The message for bad input, or null when {@code t} is not bad input. */
    static String badInput(Throwable t) {
        if (t instanceof NoSuchFileException e) return "no such file: " + e.getFile() + reason(e, "no such file");
        if (t instanceof AccessDeniedException e) return "permission denied: " + e.getFile() + reason(e, null);
        if (t instanceof FileAlreadyExistsException e) return "already exists: " + e.getFile() + reason(e, null);
        if (t instanceof NotDirectoryException e) return "not a directory: " + e.getFile() + reason(e, null);
        if (t instanceof DirectoryNotEmptyException e) return "folder not empty: " + e.getFile() + reason(e, null);
        if (t instanceof FileSystemException e)
            return e.getFile() + (e.getOtherFile() == null ? "" : " -> " + e.getOtherFile()) + ": " + (e.getReason() == null ? "file system error" : oneLine(e.getReason()));
        if (t instanceof IOException || t instanceof IllegalArgumentException)
            return t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : oneLine(t.getMessage());
        return null;
    }

    private static String reason(FileSystemException e, String redundant) {
        String r = e.getReason();
        return r == null || r.isBlank() || r.equals(redundant) ? "" : " (" + oneLine(r) + ")";
    }

    /** A message on one line: line breaks and the indentation after them become one space. */
    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
