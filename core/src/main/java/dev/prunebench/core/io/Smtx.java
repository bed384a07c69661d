package dev.prunebench.core.io;

import dev.prunebench.core.format.Csr;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * The pattern-only {@code .smtx} of the Deep Learning Matrix Collection (DLMC): line 1 {@code rows, cols, nnz};
 * line 2 the rows + 1 row offsets; line 3 the nnz column indices (0-based), separated by blanks (or commas).
 * The files carry no values: each stored position gets a value drawn from N(0,1) with the given seed (never 0), and
 * {@link LoadedMatrix#note()} says so. Column indices within a row are sorted on reading; a repeated one is an error.
 */
final class Smtx {
    private Smtx() {}

    static LoadedMatrix read(Path file, long seed) throws IOException {
        long size = Files.size(file);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.ISO_8859_1), 1 << 16)) {
            String l1 = in.readLine();
            if (l1 == null) throw FileProblem.atLine(file, 1, "empty file, expected 'rows, cols, nnz'");
            String[] t = new String[4];
            int nt = Tokens.split(l1, t, true);
            if (nt != 3) throw FileProblem.atLine(file, 1, "expected 'rows, cols, nnz' (3 integers), got '" + clip(l1) + "'");
            long rows = parse(file, 1, t[0], "rows"), cols = parse(file, 1, t[1], "cols"), nnz = parse(file, 1, t[2], "nnz");
            FileProblem.checkShape(file, 1, rows, cols);
            if (nnz < 0) throw FileProblem.atLine(file, 1, "nnz must be >= 0, got " + nnz);
            if (nnz > rows * cols) throw FileProblem.atLine(file, 1, "nnz " + nnz + " exceeds the " + (rows * cols) + " elements of a " + rows + "x" + cols + " matrix");
            // every number takes at least 2 bytes (a digit and a separator): larger counts cannot be honest
            if (rows + 1 + nnz > size / 2 + 1)
                throw FileProblem.atLine(file, 1, "rows " + rows + " and nnz " + nnz + " cannot fit in a file of " + size + " bytes");
            int r = (int) rows, c = (int) cols, k = (int) nnz;

            int[] ptr = ints(file, in, 2, r + 1, "row offsets", rows + 1 + " row offsets");
            if (ptr[0] != 0) throw FileProblem.atLine(file, 2, "row offset 0 must be 0, got " + ptr[0]);
            for (int i = 1; i <= r; i++)
                if (ptr[i] < ptr[i - 1])
                    throw FileProblem.atLine(file, 2, "row offset " + i + " = " + ptr[i] + " is less than row offset " + (i - 1) + " = " + ptr[i - 1]);
            if (ptr[r] != k) throw FileProblem.atLine(file, 2, "last row offset " + ptr[r] + " disagrees with nnz " + k + " on line 1");

            int[] col = k == 0 ? readOptionalEmpty(file, in) : ints(file, in, 3, k, "column indices", k + " column indices");
            for (int i = 0; i < k; i++)
                if (col[i] < 0 || col[i] >= c)
                    throw FileProblem.atLine(file, 3, "column index " + i + " = " + col[i] + " out of range [0, " + c + ")");
            for (int row = 0; row < r; row++) {
                Arrays.sort(col, ptr[row], ptr[row + 1]);
                for (int p = ptr[row] + 1; p < ptr[row + 1]; p++)
                    if (col[p] == col[p - 1])
                        throw FileProblem.atLine(file, 3, "column " + col[p] + " appears twice in row " + row);
            }
            String extra;
            while ((extra = in.readLine()) != null)
                if (!Tokens.blank(extra)) throw FileProblem.atLine(file, 4, "unexpected content after the column indices: '" + clip(extra) + "'");

            Random rnd = new Random(seed);
            float[] v = new float[k];
            for (int i = 0; i < k; i++) {
                float x;
                do x = (float) rnd.nextGaussian(); while (x == 0f);
                v[i] = x;
            }
            return new LoadedMatrix(file, new Csr(r, c, ptr, col, v),
                    file.getFileName() + " is a .smtx pattern (no values): values drawn from N(0,1) with seed " + seed);
        }
    }

    private static int[] readOptionalEmpty(Path file, BufferedReader in) throws IOException {
        String l = in.readLine();
        if (l != null && !Tokens.blank(l)) throw FileProblem.atLine(file, 3, "nnz is 0 but line 3 holds column indices");
        return new int[0];
    }

    /** Reads one line of exactly {@code n} non-negative integers, without splitting it into strings. */
    private static int[] ints(Path file, BufferedReader in, int lineNo, int n, String what, String expected) throws IOException {
        String line = in.readLine();
        if (line == null) throw FileProblem.atLine(file, lineNo, "file ends, expected " + expected);
        int[] out = new int[n];
        int count = 0, i = 0, len = line.length();
        while (i < len) {
            char ch = line.charAt(i);
            if (ch == ' ' || ch == ',' || ch == '\t' || ch == '\r') { i++; continue; }
            boolean neg = ch == '-';
            int start = i;
            if (neg) i++;
            long v = 0;
            int digits = 0;
            while (i < len && Character.isDigit(line.charAt(i)) && digits < 12) { v = v * 10 + (line.charAt(i) - '0'); i++; digits++; }
            if (digits == 0 || (i < len && !isSep(line.charAt(i))))
                throw FileProblem.atLine(file, lineNo, what + ": entry " + count + " '" + clip(token(line, start)) + "' is not an integer");
            if (neg) v = -v;
            if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE)
                throw FileProblem.atLine(file, lineNo, what + ": entry " + count + " = " + v + " out of int range");
            if (count == n) throw FileProblem.atLine(file, lineNo, "more than the " + expected + " expected");
            out[count++] = (int) v;
        }
        if (count < n) throw FileProblem.atLine(file, lineNo, "holds " + count + " " + what + ", expected " + expected);
        return out;
    }

    private static boolean isSep(char c) { return c == ' ' || c == ',' || c == '\t' || c == '\r'; }

    private static String token(String line, int start) {
        int e = start;
        while (e < line.length() && !isSep(line.charAt(e))) e++;
        return line.substring(start, e);
    }

    private static long parse(Path file, long line, String s, String what) throws IOException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw FileProblem.atLine(file, line, what + " '" + clip(s) + "' is not an integer");
        }
    }

    private static String clip(String s) { return s.length() <= 80 ? s : s.substring(0, 77) + "..."; }
}
