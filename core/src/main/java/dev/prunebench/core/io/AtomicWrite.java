package dev.prunebench.core.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a whole file through a temporary sibling and a move, so a reader (or an interrupted run) never sees half a
 * file. The one implementation every writer in prunebench uses (matrices, masks, MNIST cache, reports).
 */
public final class AtomicWrite {
    private AtomicWrite() {}

    /** Writes the content of a file, given its temporary path. */
    @FunctionalInterface
    public interface Body {
        void writeTo(Path tmp) throws IOException;
    }

    /** Creates the parent folders, lets {@code body} write a temporary sibling, then moves it onto {@code file}. */
    public static void write(Path file, Body body) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        try {
            body.writeTo(tmp);
            try {
                // temp files are created owner-only; results and matrices are meant to be read like any other file
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep its defaults
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes {@code data} to {@code file} atomically. */
    public static void write(Path file, byte[] data) throws IOException {
        write(file, tmp -> Files.write(tmp, data));
    }
}
