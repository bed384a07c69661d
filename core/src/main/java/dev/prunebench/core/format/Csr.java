package dev.prunebench.core.format;

import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.core.storage.StorageCost;
import java.util.Arrays;

/**
 * Compressed sparse rows.
 *
 * <p>Invariants (checked on construction): {@code rowPtr.length == rows + 1}, {@code rowPtr[0] == 0},
 * non-decreasing, {@code rowPtr[rows] == colIndex.length == values.length}; within a row, column indices strictly
 * increasing (sorted, no duplicates) and in [0, cols); values finite. Stored zeros are allowed.
 *
 * <p>Storage: values K × precision; column indices K × width(cols); row pointers (rows + 1) × width(K + 1),
 * with K the number of stored values.
 */
public record Csr(int rows, int cols, int[] rowPtr, int[] colIndex, float[] values) implements SparseFormat {

    public Csr {
        Checks.dims(rows, cols);
        if (values == null) throw new IllegalArgumentException("values: must not be null");
        Checks.length("colIndex", colIndex, values.length);
        Checks.rowPointers("rowPtr", rowPtr, rows, values.length);
        Checks.sortedIndices("colIndex", colIndex, rowPtr, rows, cols);
        Checks.finite("values", values);
    }

    public static Csr fromDense(float[] dense, int rows, int cols) {
        Checks.dims(rows, cols);
        Checks.length("dense", dense, (long) rows * cols);
        Checks.finite("dense", dense);
        int n = 0;
        for (float v : dense) if (v != 0f) n++;
        int[] ptr = new int[rows + 1], ci = new int[n];
        float[] vs = new float[n];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                float v = dense[base + c];
                if (v != 0f) { ci[k] = c; vs[k++] = v; }
            }
            ptr[r + 1] = k;
        }
        return new Csr(rows, cols, ptr, ci, vs);
    }

    /** Number of stored entries in row r. */
    public int rowLength(int r) { return rowPtr[r + 1] - rowPtr[r]; }

    @Override public long nnz() { return Checks.nonZeros(values); }

    @Override public long storedValues() { return values.length; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++) d[r * cols + colIndex[k]] = values[k];
        return d;
    }

    @Override public StorageCost storage(Precision precision, IndexPolicy policy) {
        long k = values.length;
        return new StorageCost(k * precision.bytes(), k * policy.width(cols), (rows + 1L) * policy.width(k + 1), 0);
    }

    @Override public FormatSpec spec() { return FormatSpec.CSR; }

    @Override public boolean equals(Object o) {
        return o instanceof Csr x && x.rows == rows && x.cols == cols && Arrays.equals(x.rowPtr, rowPtr)
                && Arrays.equals(x.colIndex, colIndex) && Arrays.equals(x.values, values);
    }

    @Override public int hashCode() { return Arrays.hashCode(values) * 31 + rows * 17 + cols; }

    @Override public String toString() { return "Csr[" + rows + "x" + cols + ", stored=" + values.length + "]"; }
}
