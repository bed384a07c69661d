package dev.prunebench.kernels.cpu.vector;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.kernels.cpu.rows.CpuMatMul;

/**
 * {@code dense-vector}: a blocked Vector API GEMM (and GEMV for N = 1), see {@link DenseRows}. It is the JVM's dense
 * reference point, not the dense baseline of the tables (MKL sgemm is). A node-pruned layer is a smaller Dense and
 * runs here.
 */
final class DenseVector extends CpuMatMul {
    DenseVector() { super("dense-vector", VectorKernels.BACKEND_ID, FormatSpec.Kind.DENSE); }

    @Override protected Prepared bind(SparseFormat w, float[] x, int n, int threads) {
        VectorKernels.requireAvailable(id());
        return new DenseRows((Dense) w, x, n, threads, id());
    }
}
