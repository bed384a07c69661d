package dev.prunebench.kernels.cpu.vector;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.kernels.cpu.rows.CpuMatMul;
import dev.prunebench.kernels.cpu.rows.RowKernel;

/**
 * {@code gcsr-vector}: GroupedCsr(g) for any g ≥ 1.
 *
 * <p>SpMM (N ≥ 2, {@link GroupRows}): one group index gives g consecutive rows of X, read as one contiguous
 * stretch (what the hardware prefetcher likes), and one index load serves g values. With g = 1 the format is CSR
 * and the CSR loops run (also for N = 1, where the gather beats a scalar loop). X is padded with zero rows up to a whole number of groups, so a short last group needs
 * no clamp: its padding values are zero by the format's invariant.
 *
 * <p>SpMV (N = 1): Scalpel's SIMD-aware case, each group's g weights against g contiguous inputs, vectorised
 * within the group (see {@link GroupRows}); for g = 2 the groups are expanded to (column, value) pairs in prepare
 * and the CSR gather runs instead.
 */
final class GroupedCsrVector extends CpuMatMul {
    GroupedCsrVector() { super("gcsr-vector", VectorKernels.BACKEND_ID, FormatSpec.Kind.GCSR); }

    @Override protected Prepared bind(SparseFormat w, float[] x, int n, int threads) {
        VectorKernels.requireAvailable(id());
        GroupedCsr s = (GroupedCsr) w;
        if (s.g() == 1)
            return ListRows.of(s.rows(), s.cols(), s.groupPtr().clone(), s.groupIndex().clone(), s.values().clone(), 0, x, n, threads, id())
                    .variant("csr path (g = 1)");
        // SpMV with g = 2: a 2-lane group wastes most of a vector, and the scalar group loop ran at half the speed of
        // the CSR gather; so the groups are expanded to (column, value) pairs and the gather runs (values of a kept
        // group that are zero stay as stored zeros: same work as the format pays).
        if (s.g() == 2 && n == 1) return expandedPairs(s, x, threads).variant("csr gather on expanded pairs (g = 2, N = 1)");
        return new GroupRows(s, x, n, threads, id());
    }

    private RowKernel expandedPairs(GroupedCsr s, float[] x, int threads) {
        int g = s.g(), rows = s.rows(), cols = s.cols();
        int[] gp = s.groupPtr(), gi = s.groupIndex();
        float[] gv = s.values();
        int[] ptr = new int[rows + 1];
        int total = 0;
        for (int r = 0; r < rows; r++) {
            for (int k = gp[r]; k < gp[r + 1]; k++) total += s.groupWidth(gi[k]);
            ptr[r + 1] = total;
        }
        int[] col = new int[total];
        float[] val = new float[total];
        int t = 0;
        for (int r = 0; r < rows; r++)
            for (int k = gp[r]; k < gp[r + 1]; k++) {
                int c0 = gi[k] * g, w = s.groupWidth(gi[k]);
                for (int j = 0; j < w; j++) { col[t] = c0 + j; val[t++] = gv[k * g + j]; }
            }
        return ListRows.of(rows, cols, ptr, col, val, 0, x, 1, threads, id());
    }
}
