package dev.prunebench.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Checks an output path before any work is done, with a sentence saying what is wrong with it. */
final class Outputs {
    private Outputs() {}

    /** {@code file} will be written (created or replaced): it must not be a folder, and its folder must exist and be writable. */
    static void checkFile(String option, Path file) {
        String what = option + " " + file;
        if (Files.isDirectory(file)) throw new IllegalArgumentException(what + ": is a folder; give a file path to write");
        if (Files.exists(file) && !Files.isRegularFile(file))
            throw new IllegalArgumentException(what + ": exists and is not a regular file (a FIFO, device or socket); give a file path to write");
        if (Files.exists(file) && !Files.isWritable(file)) throw new IllegalArgumentException(what + ": exists and is not writable");
        checkParent(what, file);
    }

    /** {@code dir} is a folder that will be created if missing: it must not be a file, and what holds it must be writable. */
    static void checkFolder(String option, Path dir) {
        String what = option + " " + dir;
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException(what + ": is a file, not a folder");
        if (Files.isDirectory(dir)) {
            if (!Files.isWritable(dir)) throw new IllegalArgumentException(what + ": folder is not writable");
            return;
        }
        Path p = dir.toAbsolutePath().normalize().getParent();
        while (p != null && !Files.exists(p)) p = p.getParent(); // created with its parents: the first existing one decides
        if (p != null && !Files.isDirectory(p)) throw new IllegalArgumentException(what + ": " + p + " is a file, not a folder");
        if (p != null && !Files.isWritable(p)) throw new IllegalArgumentException(what + ": cannot create it, " + p + " is not writable");
    }

    /**
     * {@code file} does not exist and will be created later (after work that must not be wasted): creates it now and
     * removes it again, so that a folder that refuses files (under /proc, a read-only mount) is named before the work.
     */
    static void checkCreatable(String option, Path file) {
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            return;
        } catch (IOException e) {
            String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                    : e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof AccessDeniedException ? "permission denied" : "file system error";
            throw new IllegalArgumentException(option + " " + file + ": cannot be created (" + Failure.oneLine(why) + ")");
        }
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + ": created as a probe but cannot be removed again (" + e.getMessage() + ")");
        }
    }

    private static void checkParent(String what, Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        if (parent == null) return;
        if (!Files.exists(parent)) throw new IllegalArgumentException(what + ": folder " + parent + " does not exist");
        if (!Files.isDirectory(parent)) throw new IllegalArgumentException(what + ": " + parent + " is a file, not a folder");
        if (!Files.isWritable(parent)) throw new IllegalArgumentException(what + ": folder " + parent + " is not writable");
    }
}
