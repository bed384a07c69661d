package dev.prunebench.core.format;

import java.lang.reflect.Array;

/** Argument checks whose messages name the field, the index and the value; and the formats' one non-zero count. */
final class Checks {
    private Checks() {}

    /** The entries of {@code values} that are not zero: every format's {@link SparseFormat#nnz()} (one scan, no cache). */
    static long nonZeros(float[] values) {
        long n = 0;
        for (float v : values) if (v != 0f) n++;
        return n;
    }

    static void dims(int rows, int cols) {
        if (rows <= 0) throw new IllegalArgumentException("rows: must be > 0, got " + rows);
        if (cols <= 0) throw new IllegalArgumentException("cols: must be > 0, got " + cols);
        if ((long) rows * cols > Integer.MAX_VALUE)
            throw new IllegalArgumentException("rows*cols: " + rows + "x" + cols + " exceeds " + Integer.MAX_VALUE + " elements");
    }

    static void length(String field, Object array, long expected) {
        if (array == null) throw new IllegalArgumentException(field + ": must not be null");
        int len = Array.getLength(array);
        if (len != expected)
            throw new IllegalArgumentException(field + ": length " + len + ", expected " + expected);
    }

    static void finite(String field, float[] a) {
        for (int i = 0; i < a.length; i++)
            if (!Float.isFinite(a[i]))
                throw new IllegalArgumentException(field + "[" + i + "]: not finite (" + a[i] + ")");
    }

    /** Row pointers: ptr[0] == 0, non-decreasing, ptr[rows] == total. */
    static void rowPointers(String field, int[] ptr, int rows, int total) {
        length(field, ptr, rows + 1L);
        if (ptr[0] != 0) throw new IllegalArgumentException(field + "[0]: must be 0, got " + ptr[0]);
        for (int i = 1; i <= rows; i++)
            if (ptr[i] < ptr[i - 1])
                throw new IllegalArgumentException(field + "[" + i + "]: " + ptr[i] + " < " + field + "[" + (i - 1) + "] = " + ptr[i - 1] + " (must be non-decreasing)");
        if (ptr[rows] != total)
            throw new IllegalArgumentException(field + "[" + rows + "]: " + ptr[rows] + ", expected " + total + " (number of stored entries)");
    }

    /** Indices within each row strictly increasing and in [0, bound). */
    static void sortedIndices(String field, int[] idx, int[] ptr, int rows, int bound) {
        for (int r = 0; r < rows; r++) {
            int prev = -1;
            for (int k = ptr[r]; k < ptr[r + 1]; k++) {
                int c = idx[k];
                if (c < 0 || c >= bound)
                    throw new IllegalArgumentException(field + "[" + k + "]: " + c + " out of range [0, " + bound + ") in row " + r);
                if (c <= prev)
                    throw new IllegalArgumentException(field + "[" + k + "]: " + c + " in row " + r + " is "
                            + (c == prev ? "a duplicate" : "not sorted") + " (previous " + prev + ")");
                prev = c;
            }
        }
    }
}
