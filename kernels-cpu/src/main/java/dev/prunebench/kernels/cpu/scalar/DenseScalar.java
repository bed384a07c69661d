package dev.prunebench.kernels.cpu.scalar;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.kernels.cpu.rows.CpuMatMul;
import dev.prunebench.kernels.cpu.rows.RowKernel;
import dev.prunebench.kernels.cpu.rows.RowSplit;

/** {@code dense-scalar}: C[i,:] = Σ_k W[i,k] · X[k,:], every k (zeros included: it is the dense baseline). */
final class DenseScalar extends CpuMatMul {
    DenseScalar() { super("dense-scalar", ScalarKernels.BACKEND_ID, FormatSpec.Kind.DENSE); }

    @Override protected Prepared bind(SparseFormat w, float[] x, int n, int threads) {
        Dense d = (Dense) w;
        float[] wd = d.data().clone(), xc = x.clone();
        int kk = d.cols();
        return new RowKernel(d.rows(), n, n, RowSplit.even(d.rows(), threads), id()) {
            @Override protected void rows(int from, int to) {
                for (int i = from; i < to; i++) {
                    int ci = i * n;
                    java.util.Arrays.fill(c, ci, ci + n, 0f);
                    for (int k = 0; k < kk; k++) {
                        float a = wd[i * kk + k];
                        int xk = k * n;
                        for (int j = 0; j < n; j++) c[ci + j] += a * xc[xk + j];
                    }
                }
            }
        };
    }
}
