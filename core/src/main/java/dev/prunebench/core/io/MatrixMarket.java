package dev.prunebench.core.io;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.SparseFormat;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * MatrixMarket exchange format ({@code .mtx}).
 *
 * <p>Reads {@code matrix coordinate} with field {@code real}, {@code double}, {@code integer} or {@code pattern} and
 * symmetry {@code general}, {@code symmetric} or {@code skew-symmetric}, and {@code matrix array} with field
 * {@code real}, {@code double} or {@code integer} and the same symmetries. Symmetric files are expanded to both
 * triangles (an entry listed in both triangles is a duplicate). Pattern files get values drawn from a seeded normal
 * distribution, and the {@link LoadedMatrix#note()} says so. {@code complex} and {@code hermitian} are refused.
 * Indices are 1-based; {@code %} comment lines and blank lines are skipped; a duplicate entry is an error naming
 * both lines. Explicit zero entries are kept as stored zeros.
 *
 * <p>Writes {@code matrix coordinate real general}, every stored entry, values printed so they parse back to the
 * same float.
 */
final class MatrixMarket {
    private MatrixMarket() {}

    static final String BANNER = "%%MatrixMarket";

    private enum Field { REAL, INTEGER, PATTERN }

    private enum Symmetry { GENERAL, SYMMETRIC, SKEW }

    static LoadedMatrix read(Path file, long seed) throws IOException {
        long size = Files.size(file);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.ISO_8859_1), 1 << 16)) {
            String header = in.readLine();
            if (header == null) throw FileProblem.atLine(file, 1, "empty file, expected the banner '" + BANNER + " matrix coordinate real general'");
            String[] t = new String[6];
            int nt = Tokens.split(header, t, false);
            if (nt < 1 || !t[0].equalsIgnoreCase(BANNER))
                throw FileProblem.atLine(file, 1, "expected the banner '" + BANNER + " matrix coordinate real general', got '" + clip(header) + "'");
            if (nt != 5) throw FileProblem.atLine(file, 1, "banner must have 5 words (" + BANNER + " object format field symmetry), got " + nt);
            String object = t[1].toLowerCase(Locale.ROOT), format = t[2].toLowerCase(Locale.ROOT);
            String field = t[3].toLowerCase(Locale.ROOT), symmetry = t[4].toLowerCase(Locale.ROOT);
            if (!object.equals("matrix")) throw FileProblem.atLine(file, 1, "object '" + t[1] + "' not supported (expected matrix)");
            boolean array;
            switch (format) {
                case "coordinate" -> array = false;
                case "array" -> array = true;
                default -> throw FileProblem.atLine(file, 1, "format '" + t[2] + "' not supported (expected coordinate or array)");
            }
            Field f = switch (field) {
                case "real", "double" -> Field.REAL;
                case "integer" -> Field.INTEGER;
                case "pattern" -> Field.PATTERN;
                case "complex" -> throw FileProblem.atLine(file, 1, "field 'complex' not supported (prunebench matrices are real)");
                default -> throw FileProblem.atLine(file, 1, "field '" + t[3] + "' not supported (expected real, double, integer or pattern)");
            };
            Symmetry s = switch (symmetry) {
                case "general" -> Symmetry.GENERAL;
                case "symmetric" -> Symmetry.SYMMETRIC;
                case "skew-symmetric" -> Symmetry.SKEW;
                case "hermitian" -> throw FileProblem.atLine(file, 1, "symmetry 'hermitian' not supported (it needs complex values)");
                default -> throw FileProblem.atLine(file, 1, "symmetry '" + t[4] + "' not supported (expected general, symmetric or skew-symmetric)");
            };
            if (array && f == Field.PATTERN) throw FileProblem.atLine(file, 1, "'array pattern' is not a valid MatrixMarket combination");

            // size line: the first line that is neither a comment nor blank
            long lineNo = 1;
            String line;
            while (true) {
                line = in.readLine();
                lineNo++;
                if (line == null) throw FileProblem.atLine(file, lineNo, "file ends before the size line (expected '" + (array ? "rows cols" : "rows cols entries") + "')");
                if (!line.startsWith("%") && !Tokens.blank(line)) break;
            }
            int want = array ? 2 : 3;
            nt = Tokens.split(line, t, false);
            if (nt != want)
                throw FileProblem.atLine(file, lineNo, "size line must hold " + want + " integers (" + (array ? "rows cols" : "rows cols entries") + "), got '" + clip(line) + "'");
            long rows = parseLong(file, lineNo, t[0], "rows"), cols = parseLong(file, lineNo, t[1], "cols");
            FileProblem.checkShape(file, lineNo, rows, cols);
            if (s != Symmetry.GENERAL && rows != cols)
                throw FileProblem.atLine(file, lineNo, symmetry + " matrix must be square, got " + rows + "x" + cols);
            int r = (int) rows, c = (int) cols;
            if (array) return new LoadedMatrix(file, readArray(in, file, lineNo, r, c, s, size), null);
            long entries = parseLong(file, lineNo, t[2], "entries");
            if (entries < 0) throw FileProblem.atLine(file, lineNo, "entries must be >= 0, got " + entries);
            // each entry line takes at least 4 bytes ("1 1\n"): a larger count cannot be honest
            if (entries > size / 4)
                throw FileProblem.atLine(file, lineNo, "entries " + entries + " cannot fit in a file of " + size + " bytes");
            long cap = s == Symmetry.GENERAL ? entries : 2 * entries;
            if (cap > (long) r * c)
                throw FileProblem.atLine(file, lineNo, "entries " + entries + " exceed the " + ((long) r * c) + " elements of a " + r + "x" + c + " matrix");
            Csr m = readCoordinate(in, file, lineNo, r, c, (int) entries, f, s, seed);
            String note = f == Field.PATTERN
                    ? file.getFileName() + " is a pattern file (no values): values drawn from N(0,1) with seed " + seed : null;
            return new LoadedMatrix(file, m, note);
        }
    }

    private static Csr readCoordinate(BufferedReader in, Path file, long lineNo, int rows, int cols, int entries,
                                      Field f, Symmetry s, long seed) throws IOException {
        int cap = s == Symmetry.GENERAL ? entries : Math.toIntExact(2L * entries);
        int[] ri = new int[cap], ci = new int[cap], ln = new int[cap];
        float[] v = new float[cap];
        Random rnd = new Random(seed);
        String[] t = new String[4];
        int want = f == Field.PATTERN ? 2 : 3;
        int n = 0, read = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.startsWith("%") || Tokens.blank(line)) continue;
            if (read == entries)
                throw FileProblem.atLine(file, lineNo, "more entries than the " + entries + " declared in the size line");
            int nt = Tokens.split(line, t, false);
            if (nt != want)
                throw FileProblem.atLine(file, lineNo, "expected " + want + " fields (" + (want == 2 ? "row col" : "row col value") + "), got " + nt + ": '" + clip(line) + "'");
            int i = index(file, lineNo, t[0], "row", rows), j = index(file, lineNo, t[1], "column", cols);
            float x = f == Field.PATTERN ? gaussian(rnd) : value(file, lineNo, t[2], f);
            if (s != Symmetry.GENERAL && i == j && s == Symmetry.SKEW && x != 0f)
                throw FileProblem.atLine(file, lineNo, "skew-symmetric matrix has non-zero diagonal entry (" + (i + 1) + ", " + (j + 1) + ") = " + x);
            ri[n] = i; ci[n] = j; v[n] = x; ln[n] = (int) Math.min(lineNo, Integer.MAX_VALUE); n++;
            if (s != Symmetry.GENERAL && i != j) {
                ri[n] = j; ci[n] = i; v[n] = s == Symmetry.SKEW ? -x : x; ln[n] = ln[n - 1]; n++;
            }
            read++;
        }
        if (read < entries)
            throw FileProblem.atLine(file, lineNo + 1, "file ends after " + read + " entries, the size line declared " + entries);
        return toCsr(file, rows, cols, ri, ci, v, ln, n);
    }

    /** Sorts the entries into CSR order; a repeated (row, column) is an error naming both lines. */
    private static Csr toCsr(Path file, int rows, int cols, int[] ri, int[] ci, float[] v, int[] ln, int n) throws IOException {
        int[] ptr = new int[rows + 1];
        for (int k = 0; k < n; k++) ptr[ri[k] + 1]++;
        for (int r = 0; r < rows; r++) ptr[r + 1] += ptr[r];
        long[] key = new long[n];
        int[] next = Arrays.copyOf(ptr, rows);
        for (int k = 0; k < n; k++) key[next[ri[k]]++] = ((long) ci[k] << 32) | k;
        int[] col = new int[n];
        float[] val = new float[n];
        for (int r = 0; r < rows; r++) {
            Arrays.sort(key, ptr[r], ptr[r + 1]);
            for (int p = ptr[r]; p < ptr[r + 1]; p++) {
                int k = (int) key[p];
                col[p] = ci[k];
                val[p] = v[k];
                if (p > ptr[r] && col[p] == col[p - 1]) {
                    int other = (int) key[p - 1];
                    int a = Math.min(ln[k], ln[other]), b = Math.max(ln[k], ln[other]);
                    throw FileProblem.atLine(file, b, "duplicate entry (" + (r + 1) + ", " + (col[p] + 1) + "), already given on line " + a
                            + (a == b ? " (a symmetric file lists each off-diagonal pair once)" : ""));
                }
            }
        }
        return new Csr(rows, cols, ptr, col, val);
    }

    private static SparseFormat readArray(BufferedReader in, Path file, long lineNo, int rows, int cols, Symmetry s, long size) throws IOException {
        // column-major; symmetric lists the lower triangle with the diagonal, skew-symmetric without it
        long expected = switch (s) {
            case GENERAL -> (long) rows * cols;
            case SYMMETRIC -> (long) rows * (rows + 1) / 2;
            case SKEW -> (long) rows * (rows - 1) / 2;
        };
        if (expected > size / 2)
            throw FileProblem.atLine(file, lineNo, "a " + rows + "x" + cols + " " + s.name().toLowerCase(Locale.ROOT) + " array needs " + expected
                    + " values, which cannot fit in a file of " + size + " bytes");
        float[] d = new float[rows * cols];
        String[] t = new String[2];
        long k = 0;
        int i = s == Symmetry.SKEW ? 1 : 0, j = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.startsWith("%") || Tokens.blank(line)) continue;
            if (k == expected) throw FileProblem.atLine(file, lineNo, "more values than the " + expected + " a " + rows + "x" + cols + " array holds");
            int nt = Tokens.split(line, t, false);
            if (nt != 1) throw FileProblem.atLine(file, lineNo, "expected one value per line in array format, got " + nt + " fields");
            float x = value(file, lineNo, t[0], Field.REAL);
            d[i * cols + j] = x;
            if (s != Symmetry.GENERAL && i != j) d[j * cols + i] = s == Symmetry.SKEW ? -x : x;
            k++;
            if (++i == rows) { j++; i = s == Symmetry.GENERAL ? 0 : s == Symmetry.SYMMETRIC ? j : j + 1; }
        }
        if (k < expected) throw FileProblem.atLine(file, lineNo + 1, "file ends after " + k + " values, a " + rows + "x" + cols + " array needs " + expected);
        return Csr.fromDense(d, rows, cols);
    }

    private static float gaussian(Random rnd) {
        float x;
        do x = (float) rnd.nextGaussian(); while (x == 0f); // a pattern position is a non-zero
        return x;
    }

    private static long parseLong(Path file, long line, String s, String what) throws IOException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw FileProblem.atLine(file, line, what + " '" + clip(s) + "' is not an integer");
        }
    }

    private static int index(Path file, long line, String s, String what, int bound) throws IOException {
        long x = parseLong(file, line, s, what + " index");
        if (x < 1 || x > bound) throw FileProblem.atLine(file, line, what + " index " + x + " out of range [1, " + bound + "]");
        return (int) (x - 1);
    }

    private static float value(Path file, long line, String s, Field f) throws IOException {
        float x;
        try {
            if (f == Field.INTEGER) {
                // integers beyond 2^24 round to the nearest float, as in any fp32 consumer
                x = Long.parseLong(s);
            } else {
                // Java accepts a trailing type suffix and hex floats; MatrixMarket has neither
                char last = s.charAt(s.length() - 1);
                if (last == 'f' || last == 'F' || last == 'd' || last == 'D' || s.startsWith("0x") || s.startsWith("-0x"))
                    throw new NumberFormatException();
                x = Float.parseFloat(s);
            }
        } catch (NumberFormatException e) {
            throw FileProblem.atLine(file, line, "value '" + clip(s) + "' is not " + (f == Field.INTEGER ? "an integer" : "a number"));
        }
        if (Float.isNaN(x)) throw FileProblem.atLine(file, line, "value '" + clip(s) + "' is NaN (values must be finite)");
        if (Float.isInfinite(x)) throw FileProblem.atLine(file, line, "value '" + clip(s) + "' overflows fp32 (values must be finite)");
        return x;
    }

    private static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    static void write(Path tmp, SparseFormat m) throws IOException {
        Csr csr = m instanceof Csr c ? c : Csr.fromDense(m.toDense(), m.rows(), m.cols());
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
            w.write(BANNER + " matrix coordinate real general\n");
            w.write("% written by prunebench from " + m.spec() + "\n");
            w.write(csr.rows() + " " + csr.cols() + " " + csr.values().length + "\n");
            StringBuilder sb = new StringBuilder(64);
            int[] ptr = csr.rowPtr(), col = csr.colIndex();
            float[] val = csr.values();
            for (int r = 0; r < csr.rows(); r++)
                for (int k = ptr[r]; k < ptr[r + 1]; k++) {
                    sb.setLength(0);
                    sb.append(r + 1).append(' ').append(col[k] + 1).append(' ').append(val[k]).append('\n');
                    w.append(sb);
                }
        }
    }
}
