package dev.prunebench.kernels.cpu.vector;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.kernels.cpu.rows.CpuMatMul;

/**
 * {@code csr-vector}: CSR SpMM with the row in registers ({@link SparseRows#spmmRow}), or SpMV with gathered X
 * for N = 1. Reads the CSR arrays as given (copied in prepare) and X padded to a whole number of vectors.
 */
final class CsrVector extends CpuMatMul {
    CsrVector() { super("csr-vector", VectorKernels.BACKEND_ID, FormatSpec.Kind.CSR); }

    @Override protected Prepared bind(SparseFormat w, float[] x, int n, int threads) {
        VectorKernels.requireAvailable(id());
        Csr s = (Csr) w;
        return ListRows.of(s.rows(), s.cols(), s.rowPtr().clone(), s.colIndex().clone(), s.values().clone(), 0, x, n, threads, id());
    }
}
