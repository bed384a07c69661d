package dev.prunebench.core.io;

import dev.prunebench.core.format.SparseFormat;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads and writes matrices by file extension.
 *
 * <table>
 *   <caption>Supported files</caption>
 *   <tr><th>extension</th><th>read</th><th>write</th></tr>
 *   <tr><td>{@code .npy}</td><td>2-D float32/float64, either byte order, C or Fortran order, versions 1–3 → {@code Dense}</td>
 *       <td>float32, little-endian, C order, version 1.0</td></tr>
 *   <tr><td>{@code .mtx}</td><td>MatrixMarket coordinate or array; real, integer or pattern; general, symmetric or
 *       skew-symmetric → {@code Csr}</td><td>coordinate real general</td></tr>
 *   <tr><td>{@code .smtx}</td><td>DLMC pattern → {@code Csr}, values from a seeded N(0,1)</td><td>no</td></tr>
 * </table>
 *
 * <p>A malformed file gives an {@link IOException} naming the file, the line (text formats) or byte offset
 * ({@code .npy}) and what was expected; an unsupported extension an {@link IllegalArgumentException}. Writes go to a
 * temporary file in the target's folder, moved into place when complete: a failed write leaves nothing behind.
 */
public final class MatrixFiles {
    private MatrixFiles() {}

    /** Kinds of file by extension. */
    public enum Kind { NPY, MTX, SMTX }

    /** The kind of file a path names, by extension (case-insensitive). */
    public static Kind kind(Path file) {
        if (file == null) throw new IllegalArgumentException("file: must not be null");
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) return Kind.NPY;
        if (name.endsWith(".mtx")) return Kind.MTX;
        if (name.endsWith(".smtx")) return Kind.SMTX;
        int dot = name.lastIndexOf('.');
        throw new IllegalArgumentException("file " + file + ": unsupported extension '" + (dot < 0 ? "" : name.substring(dot))
                + "' (expected .npy, .mtx or .smtx)");
    }

    /**
     * Reads a matrix.
     *
     * @param seed seeds the values drawn for pattern-only files ({@code .smtx}, {@code .mtx} pattern); ignored otherwise
     */
    public static LoadedMatrix read(Path file, long seed) throws IOException {
        Kind k = kind(file);
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such file");
        if (Files.isDirectory(file)) throw new IOException(file + ": is a directory, expected a " + k.name().toLowerCase(Locale.ROOT) + " file");
        // a FIFO would block the read forever, a device (a link to /dev/zero) never ends: only regular files, links resolved
        if (!Files.isRegularFile(file))
            throw new IOException(file + ": not a regular file (a FIFO, device or socket), expected a " + k.name().toLowerCase(Locale.ROOT) + " file");
        if (!Files.isReadable(file)) throw new AccessDeniedException(file.toString(), null, "not readable");
        return switch (k) {
            case NPY -> Npy.read(file);
            case MTX -> MatrixMarket.read(file, seed);
            case SMTX -> Smtx.read(file, seed);
        };
    }

    /** Writes {@code m} as {@code .npy} (dense float32) or {@code .mtx} (coordinate real general), atomically. */
    public static void write(Path file, SparseFormat m) throws IOException {
        if (m == null) throw new IllegalArgumentException("matrix: must not be null");
        Kind k = kind(file);
        if (k == Kind.SMTX) throw new IllegalArgumentException("file " + file + ": writing .smtx is not supported (it holds no values); write .mtx or .npy");
        AtomicWrite.write(file, tmp -> {
            if (k == Kind.NPY) Npy.write(tmp, m);
            else MatrixMarket.write(tmp, m);
        });
    }
}
