package dev.prunebench.kernels.cpu.scalar;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.kernels.cpu.rows.CpuMatMul;
import dev.prunebench.kernels.cpu.rows.RowKernel;
import dev.prunebench.kernels.cpu.rows.RowSplit;

/**
 * {@code gcsr-scalar}: for each kept group (index j, g values) of row i, C[i,:] += Σ_s v_s · X[j·g + s, :],
 * s below the group's real width (a short last group is clamped to K − j·g).
 */
final class GroupedCsrScalar extends CpuMatMul {
    GroupedCsrScalar() { super("gcsr-scalar", ScalarKernels.BACKEND_ID, FormatSpec.Kind.GCSR); }

    @Override protected Prepared bind(SparseFormat w, float[] x, int n, int threads) {
        GroupedCsr s = (GroupedCsr) w;
        int g = s.g(), kk = s.cols();
        int[] ptr = s.groupPtr().clone(), gi = s.groupIndex().clone();
        float[] val = s.values().clone(), xc = x.clone();
        return new RowKernel(s.rows(), n, n, RowSplit.balanced(scaled(ptr, g), threads), id()) {
            @Override protected void rows(int from, int to) {
                for (int i = from; i < to; i++) {
                    int ci = i * n;
                    java.util.Arrays.fill(c, ci, ci + n, 0f);
                    for (int p = ptr[i]; p < ptr[i + 1]; p++) {
                        int c0 = gi[p] * g, width = Math.min(g, kk - c0);
                        for (int t = 0; t < width; t++) {
                            float a = val[p * g + t];
                            int xk = (c0 + t) * n;
                            for (int j = 0; j < n; j++) c[ci + j] += a * xc[xk + j];
                        }
                    }
                }
            }
        };
    }

    /** Group pointers in stored values (g per group), the unit {@link RowSplit} balances. */
    static int[] scaled(int[] groupPtr, int g) {
        int[] p = new int[groupPtr.length];
        for (int i = 0; i < p.length; i++) p[i] = Math.multiplyExact(groupPtr[i], g);
        return p;
    }
}
