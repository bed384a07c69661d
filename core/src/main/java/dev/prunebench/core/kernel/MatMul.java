package dev.prunebench.core.kernel;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;

/**
 * One way to compute {@code C = W · X}: W an M×K matrix in some {@link SparseFormat}, X a dense K×N row-major
 * fp32 matrix, C dense M×N row-major. N = 1 is the SpMV (batch-1 inference) case.
 *
 * <p>The life of a measurement: {@link #prepare} once (format conversion, native copies, library "optimize"
 * calls: timed separately as set-up), then {@link Prepared#run()} many times (the timed part, touching only
 * memory the Prepared owns), then {@link Prepared#result()} once to check against the dense reference,
 * then {@link Prepared#close()} (frees native memory).
 *
 * <p>Implementations live in the kernel modules (cpu-vector, cpu-scalar, mkl, openblas, cuda, mcu-qemu); each
 * names its {@link #backendId() backend}, whose probe must have answered available before the kernel is used.
 */
public interface MatMul {

    /** Stable id used in tables, e.g. {@code csr-vector}, {@code mkl-sparse-csr}, {@code mkl-sgemm}. */
    String id();

    /** The backend that actually runs it, e.g. {@code cpu-vector}, {@code mkl}. */
    String backendId();

    /** Whether this kernel takes W in the given format. */
    boolean supports(FormatSpec spec);

    /**
     * Binds W and X (copying what it needs) for repeated runs with the given number of threads.
     *
     * @param w       the matrix, in a format this kernel {@link #supports}
     * @param x       dense K×N row-major, K == w.cols()
     * @param n       number of columns of X (≥ 1)
     * @param threads worker threads (1 for the tables)
     * @throws IllegalArgumentException on a format it does not support or shapes that disagree (naming both)
     */
    Prepared prepare(SparseFormat w, float[] x, int n, int threads);

    /** W and X bound; {@link #run()} computes C into memory the Prepared owns. */
    interface Prepared extends AutoCloseable {
        /** Computes C = W · X. The timed call: no allocation, no argument checks. */
        void run();

        /** C, M×N row-major, a copy (call after {@link #run()}). */
        float[] result();

        /** Frees native memory; idempotent. */
        @Override void close();
    }
}
