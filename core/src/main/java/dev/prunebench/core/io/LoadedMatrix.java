package dev.prunebench.core.io;

import dev.prunebench.core.format.SparseFormat;
import java.nio.file.Path;

/**
 * A matrix read from a file.
 *
 * @param file   the file it came from
 * @param matrix {@code Dense} for {@code .npy}, {@code Csr} for {@code .mtx} and {@code .smtx}
 * @param note   non-null only when something was synthesised (values of a pattern-only file drawn from a seeded
 *               normal distribution): the sentence a report must show beside any number computed from it
 */
public record LoadedMatrix(Path file, SparseFormat matrix, String note) {
    public LoadedMatrix {
        if (file == null) throw new IllegalArgumentException("file: must not be null");
        if (matrix == null) throw new IllegalArgumentException("matrix: must not be null");
    }
}
