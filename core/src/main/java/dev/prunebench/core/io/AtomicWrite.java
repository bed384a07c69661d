package dev.prunebench.core.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        } catch (FileSystemException e) { // an error names the file asked for, never the temporary sibling
            throw named(e, abs, "cannot create a file in " + dir);
        }
        try {
            try {
                body.writeTo(tmp);
            } catch (FileSystemException e) {
                if (e.getFile() != null && Path.of(e.getFile()).toAbsolutePath().equals(tmp.toAbsolutePath())) throw named(e, abs, "cannot write it");
                throw e;
            }
            try {
                // temp files are created owner-only; results and matrices are meant to be read like any other file
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep its defaults
            }
            try {
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (FileSystemException e) {
                throw named(e, abs, "cannot replace it");
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@code e} said of {@code file} instead of the temporary sibling (the kind of error and its reason kept). */
    private static FileSystemException named(FileSystemException e, Path file, String what) {
        String kind = e instanceof NoSuchFileException ? "no such file or directory"
                : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof FileAlreadyExistsException ? "already exists" : null;
        String reason = e.getReason() != null && !e.getReason().isBlank() ? e.getReason() : kind != null ? kind : "file system error";
        FileSystemException n = new FileSystemException(file.toString(), null, what + ": " + reason);
        n.initCause(e);
        return n;
    }

    /** Writes {@code data} to {@code file} atomically. */
    public static void write(Path file, byte[] data) throws IOException {
        write(file, tmp -> Files.write(tmp, data));
    }
}
