package dev.prunebench.core.io;

import java.io.IOException;
import java.nio.file.Path;

/** Builds the IOExceptions of the readers, so every message names the file and where in it the problem is. */
final class FileProblem {
    private FileProblem() {}

    static IOException atLine(Path file, long line, String what) {
        return new IOException(file + ": line " + line + ": " + what);
    }

    static IOException atByte(Path file, long offset, String what) {
        return new IOException(file + ": byte " + offset + ": " + what);
    }

    static IOException whole(Path file, String what) {
        return new IOException(file + ": " + what);
    }

    /**
     * Refuses allocations a malformed header could ask for: the formats need {@code rows * cols} to fit an int
     * (their dense form is one {@code float[]}), and a pointer array must fit comfortably in the heap.
     */
    static void checkShape(Path file, long line, long rows, long cols) throws IOException {
        if (rows <= 0) throw atLine(file, line, "rows must be > 0, got " + rows);
        if (cols <= 0) throw atLine(file, line, "cols must be > 0, got " + cols);
        if (rows * cols > Integer.MAX_VALUE || rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE)
            throw atLine(file, line, "shape " + rows + "x" + cols + " has more than " + Integer.MAX_VALUE
                    + " elements (prunebench matrices convert to one dense float array)");
        long need = (rows + 1) * 4L;
        long heap = Runtime.getRuntime().maxMemory();
        if (need > heap / 4)
            throw atLine(file, line, "shape " + rows + "x" + cols + " needs " + need + " bytes of row pointers, more than a quarter of the "
                    + heap + "-byte heap (raise -Xmx)");
    }
}
