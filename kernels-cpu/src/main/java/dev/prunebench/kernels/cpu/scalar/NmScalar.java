package dev.prunebench.kernels.cpu.scalar;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.NmSparse;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.kernels.cpu.rows.CpuMatMul;
import dev.prunebench.kernels.cpu.rows.RowKernel;
import dev.prunebench.kernels.cpu.rows.RowSplit;

/**
 * {@code nm-scalar}: for each window w of row i and each of its N slots, C[i,:] += v · X[w·M + position, :].
 * Positions are unpacked from the packed metadata once in prepare; run() reads the values and those positions.
 * Slots past a short last window hold value 0 at position 0 and are skipped.
 */
final class NmScalar extends CpuMatMul {
    NmScalar() { super("nm-scalar", ScalarKernels.BACKEND_ID, FormatSpec.Kind.NM); }

    @Override protected Prepared bind(SparseFormat w, float[] x, int n, int threads) {
        NmSparse s = (NmSparse) w;
        int nn = s.n(), mm = s.m(), windows = s.windows(), kk = s.cols();
        int[] pos = s.positions();
        float[] val = s.values().clone(), xc = x.clone();
        return new RowKernel(s.rows(), n, n, RowSplit.even(s.rows(), threads), id()) {
            @Override protected void rows(int from, int to) {
                for (int i = from; i < to; i++) {
                    int ci = i * n;
                    java.util.Arrays.fill(c, ci, ci + n, 0f);
                    for (int wi = 0; wi < windows; wi++) {
                        int base = (i * windows + wi) * nn, c0 = wi * mm, used = Math.min(nn, kk - c0);
                        for (int t = 0; t < used; t++) {
                            float a = val[base + t];
                            int xk = (c0 + pos[base + t]) * n;
                            for (int j = 0; j < n; j++) c[ci + j] += a * xc[xk + j];
                        }
                    }
                }
            }
        };
    }
}
