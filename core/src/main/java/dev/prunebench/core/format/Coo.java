package dev.prunebench.core.format;

import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.core.storage.StorageCost;
import java.util.Arrays;

/**
 * Coordinate format: one (row, column, value) triple per stored entry.
 *
 * <p>Invariants: entries sorted by row, then column, with no duplicates; row indices in [0, rows), column indices in
 * [0, cols); all three arrays of equal length; values finite. Stored zeros are allowed (they count in
 * {@link #storedValues()}, not in {@link #nnz()}).
 *
 * <p>Storage: values nnz × precision; row indices nnz × width(rows); column indices nnz × width(cols).
 */
public record Coo(int rows, int cols, int[] rowIndex, int[] colIndex, float[] values) implements SparseFormat {

    public Coo {
        Checks.dims(rows, cols);
        if (rowIndex == null) throw new IllegalArgumentException("rowIndex: must not be null");
        Checks.length("colIndex", colIndex, rowIndex.length);
        Checks.length("values", values, rowIndex.length);
        Checks.finite("values", values);
        for (int k = 0; k < rowIndex.length; k++) {
            int r = rowIndex[k], c = colIndex[k];
            if (r < 0 || r >= rows) throw new IllegalArgumentException("rowIndex[" + k + "]: " + r + " out of range [0, " + rows + ")");
            if (c < 0 || c >= cols) throw new IllegalArgumentException("colIndex[" + k + "]: " + c + " out of range [0, " + cols + ")");
            if (k > 0) {
                int pr = rowIndex[k - 1], pc = colIndex[k - 1];
                if (r < pr) throw new IllegalArgumentException("rowIndex[" + k + "]: " + r + " < previous " + pr + " (entries must be sorted by row)");
                if (r == pr && c <= pc)
                    throw new IllegalArgumentException("colIndex[" + k + "]: " + c + " in row " + r + " is "
                            + (c == pc ? "a duplicate" : "not sorted") + " (previous " + pc + ")");
            }
        }
    }

    public static Coo fromDense(float[] dense, int rows, int cols) {
        Checks.dims(rows, cols);
        Checks.length("dense", dense, (long) rows * cols);
        Checks.finite("dense", dense);
        int n = 0;
        for (float v : dense) if (v != 0f) n++;
        int[] ri = new int[n], ci = new int[n];
        float[] vs = new float[n];
        int k = 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) {
                float v = dense[r * cols + c];
                if (v != 0f) { ri[k] = r; ci[k] = c; vs[k++] = v; }
            }
        return new Coo(rows, cols, ri, ci, vs);
    }

    @Override public long nnz() { return Checks.nonZeros(values); }

    @Override public long storedValues() { return values.length; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int k = 0; k < values.length; k++) d[rowIndex[k] * cols + colIndex[k]] = values[k];
        return d;
    }

    @Override public StorageCost storage(Precision precision, IndexPolicy policy) {
        long k = values.length;
        return new StorageCost(k * precision.bytes(), k * (policy.width(rows) + policy.width(cols)), 0, 0);
    }

    @Override public FormatSpec spec() { return FormatSpec.COO; }

    @Override public boolean equals(Object o) {
        return o instanceof Coo x && x.rows == rows && x.cols == cols && Arrays.equals(x.rowIndex, rowIndex)
                && Arrays.equals(x.colIndex, colIndex) && Arrays.equals(x.values, values);
    }

    @Override public int hashCode() { return Arrays.hashCode(values) * 31 + rows * 17 + cols; }

    @Override public String toString() { return "Coo[" + rows + "x" + cols + ", stored=" + values.length + "]"; }
}
