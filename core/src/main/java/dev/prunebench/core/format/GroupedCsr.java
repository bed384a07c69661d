package dev.prunebench.core.format;

import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.core.storage.StorageCost;
import java.util.Arrays;

/**
 * Grouped CSR with group size g: Hartenstein et al.'s memory-aware and Scalpel's SIMD-aware structure.
 *
 * <p>Each row is cut into {@code groupsPerRow = ceil(cols / g)} groups of g adjacent columns starting at column
 * multiples of g. A group is kept or dropped whole. For each kept group the format stores one index (the group's
 * number within its row, so group j covers columns {@code j*g … j*g+g-1}) and its g values, contiguously.
 *
 * <p><b>Short last group.</b> When {@code cols % g != 0} the last group of every row covers only
 * {@code cols % g} real columns. Its value slot is still g wide so that group k's values always start at
 * {@code values[k * g]}; the slots past the last column are zero-padded, and that padding is counted in
 * {@link #storedValues()} and in storage (it is what a kernel reading g values pays for).
 * Kernels must clamp the width of that group to {@code cols - j*g}.
 *
 * <p>Invariants (checked): g &ge; 1; {@code groupPtr} has rows + 1 non-decreasing entries from 0 to the number of
 * kept groups; group indices strictly increasing within a row and in [0, groupsPerRow);
 * {@code values.length == keptGroups * g}; padding slots are zero; values finite.
 *
 * <p>Storage: values keptGroups × g × precision; group indices keptGroups × width(groupsPerRow);
 * row pointers (rows + 1) × width(keptGroups + 1).
 */
public record GroupedCsr(int rows, int cols, int g, int[] groupPtr, int[] groupIndex, float[] values) implements SparseFormat {

    public GroupedCsr {
        Checks.dims(rows, cols);
        if (g < 1) throw new IllegalArgumentException("g: must be >= 1, got " + g);
        if (groupIndex == null) throw new IllegalArgumentException("groupIndex: must not be null");
        Checks.length("values", values, (long) groupIndex.length * g);
        Checks.rowPointers("groupPtr", groupPtr, rows, groupIndex.length);
        int gpr = (cols + g - 1) / g;
        Checks.sortedIndices("groupIndex", groupIndex, groupPtr, rows, gpr);
        Checks.finite("values", values);
        int tail = cols % g;
        if (tail != 0) {
            for (int k = 0; k < groupIndex.length; k++)
                if (groupIndex[k] == gpr - 1)
                    for (int s = tail; s < g; s++)
                        if (values[k * g + s] != 0f)
                            throw new IllegalArgumentException("values[" + (k * g + s) + "]: padding slot past column " + (cols - 1)
                                    + " of group " + k + " must be 0, got " + values[k * g + s]);
        }
    }

    /** Keeps every group that holds at least one non-zero. */
    public static GroupedCsr fromDense(float[] dense, int rows, int cols, int g) {
        Checks.dims(rows, cols);
        if (g < 1) throw new IllegalArgumentException("g: must be >= 1, got " + g);
        Checks.length("dense", dense, (long) rows * cols);
        Checks.finite("dense", dense);
        int gpr = (cols + g - 1) / g;
        int kept = 0;
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < gpr; j++) if (groupNonZero(dense, r, cols, j, g)) kept++;
        int[] ptr = new int[rows + 1], gi = new int[kept];
        if ((long) kept * g > Integer.MAX_VALUE)
            throw new IllegalArgumentException("values: " + kept + " kept groups x g = " + g + " exceed " + Integer.MAX_VALUE + " slots");
        float[] vs = new float[kept * g];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < gpr; j++) {
                if (!groupNonZero(dense, r, cols, j, g)) continue;
                gi[k] = j;
                int c0 = j * g, w = Math.min(g, cols - c0);
                System.arraycopy(dense, r * cols + c0, vs, k * g, w);
                k++;
            }
            ptr[r + 1] = k;
        }
        return new GroupedCsr(rows, cols, g, ptr, gi, vs);
    }

    private static boolean groupNonZero(float[] d, int r, int cols, int j, int g) {
        int c0 = j * g, end = Math.min(cols, c0 + g), base = r * cols;
        for (int c = c0; c < end; c++) if (d[base + c] != 0f) return true;
        return false;
    }

    public int groupsPerRow() { return (cols + g - 1) / g; }

    public int keptGroups() { return groupIndex.length; }

    /** Real width of group number j of a row: g, or cols % g for a short last group. */
    public int groupWidth(int j) { return Math.min(g, cols - j * g); }

    @Override public long nnz() { return Checks.nonZeros(values); }

    @Override public long storedValues() { return values.length; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int k = groupPtr[r]; k < groupPtr[r + 1]; k++) {
                int j = groupIndex[k];
                System.arraycopy(values, k * g, d, r * cols + j * g, groupWidth(j));
            }
        return d;
    }

    @Override public StorageCost storage(Precision precision, IndexPolicy policy) {
        long kg = groupIndex.length;
        return new StorageCost(kg * g * precision.bytes(), kg * policy.width(groupsPerRow()), (rows + 1L) * policy.width(kg + 1), 0);
    }

    @Override public FormatSpec spec() { return FormatSpec.grouped(g); }

    @Override public boolean equals(Object o) {
        return o instanceof GroupedCsr x && x.rows == rows && x.cols == cols && x.g == g
                && Arrays.equals(x.groupPtr, groupPtr) && Arrays.equals(x.groupIndex, groupIndex)
                && Arrays.equals(x.values, values);
    }

    @Override public int hashCode() { return Arrays.hashCode(values) * 31 + rows * 17 + cols * 7 + g; }

    @Override public String toString() { return "GroupedCsr[" + rows + "x" + cols + ", g=" + g + ", kept=" + groupIndex.length + "]"; }
}
