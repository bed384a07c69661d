package dev.prunebench.core.format;

import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.core.storage.StorageCost;
import java.util.Arrays;

/**
 * A dense row-major matrix.
 *
 * @param rows number of rows, &gt; 0
 * @param cols number of columns, &gt; 0
 * @param data row-major values, length rows × cols, all finite; element (i, j) at {@code data[i * cols + j]}.
 *             Held by reference: callers must not mutate it after construction.
 */
public record Dense(int rows, int cols, float[] data) implements SparseFormat {

    public Dense {
        Checks.dims(rows, cols);
        Checks.length("data", data, (long) rows * cols);
        Checks.finite("data", data);
    }

    public static Dense zeros(int rows, int cols) {
        Checks.dims(rows, cols);
        return new Dense(rows, cols, new float[rows * cols]);
    }

    public float get(int r, int c) { return data[r * cols + c]; }

    @Override public long nnz() { return Checks.nonZeros(data); }

    @Override public long storedValues() { return (long) rows * cols; }

    @Override public float[] toDense() { return data.clone(); }

    @Override public StorageCost storage(Precision precision, IndexPolicy policy) {
        return new StorageCost((long) rows * cols * precision.bytes(), 0, 0, 0);
    }

    @Override public FormatSpec spec() { return FormatSpec.DENSE; }

    @Override public boolean equals(Object o) {
        return o instanceof Dense d && d.rows == rows && d.cols == cols && Arrays.equals(d.data, data);
    }

    @Override public int hashCode() { return 31 * (31 * rows + cols) + Arrays.hashCode(data); }

    @Override public String toString() { return "Dense[" + rows + "x" + cols + "]"; }
}
