package dev.prunebench.results;

import dev.prunebench.core.io.AtomicWrite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Writes whole files through a temporary sibling and a move, so a reader never sees half a file. */
final class AtomicFiles {
    private AtomicFiles() {}

    static void writeString(Path file, String text) throws IOException {
        AtomicWrite.write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
