package dev.prunebench.kernels.cpu.scalar;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.kernels.cpu.rows.CpuMatMul;
import dev.prunebench.kernels.cpu.rows.RowKernel;
import dev.prunebench.kernels.cpu.rows.RowSplit;

/** {@code csr-scalar}: C[i,:] = Σ over stored (k, v) of row i of v · X[k,:]. */
final class CsrScalar extends CpuMatMul {
    CsrScalar() { super("csr-scalar", ScalarKernels.BACKEND_ID, FormatSpec.Kind.CSR); }

    @Override protected Prepared bind(SparseFormat w, float[] x, int n, int threads) {
        Csr s = (Csr) w;
        int[] ptr = s.rowPtr().clone(), col = s.colIndex().clone();
        float[] val = s.values().clone(), xc = x.clone();
        return new RowKernel(s.rows(), n, n, RowSplit.balanced(ptr, threads), id()) {
            @Override protected void rows(int from, int to) {
                for (int i = from; i < to; i++) {
                    int ci = i * n;
                    java.util.Arrays.fill(c, ci, ci + n, 0f);
                    for (int p = ptr[i]; p < ptr[i + 1]; p++) {
                        float a = val[p];
                        int xk = col[p] * n;
                        for (int j = 0; j < n; j++) c[ci + j] += a * xc[xk + j];
                    }
                }
            }
        };
    }
}
