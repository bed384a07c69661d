package dev.prunebench.kernels.cpu.vector;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.kernels.cpu.rows.CpuMatMul;

/**
 * {@code gcsr-vector}: GroupedCsr(g) for any g ≥ 1.
 *
 * <p>SpMM (N ≥ 2, {@link GroupRows}): one group index gives g consecutive rows of X, read as one contiguous
 * stretch (what the hardware prefetcher likes), and one index load serves g values. With g = 1 the format is CSR
 * and the CSR loops run (also for N = 1, where the gather beats a scalar loop). X is padded with zero rows up to a whole number of groups, so a short last group needs
 * no clamp: its padding values are zero by the format's invariant.
 *
 * <p>SpMV (N = 1): Scalpel's SIMD-aware case, each group's g weights against g contiguous inputs, vectorised
 * within the group (see {@link GroupRows}).
 */
final class GroupedCsrVector extends CpuMatMul {
    GroupedCsrVector() { super("gcsr-vector", VectorKernels.BACKEND_ID, FormatSpec.Kind.GCSR); }

    @Override protected Prepared bind(SparseFormat w, float[] x, int n, int threads) {
        VectorKernels.requireAvailable(id());
        GroupedCsr s = (GroupedCsr) w;
        if (s.g() == 1)
            return new ListRows(s.rows(), s.cols(), s.groupPtr().clone(), s.groupIndex().clone(), s.values().clone(), 0, x, n, threads, id());
        return new GroupRows(s, x, n, threads, id());
    }
}
