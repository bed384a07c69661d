package dev.prunebench.kernels.cpu.nativeblas;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.mkl.global.mkl_rt;
import org.bytedeco.mkl.global.mkl_rt.matrix_descr;
import org.bytedeco.mkl.global.mkl_rt.sparse_matrix;

/**
 * {@code mkl-sparse-csr}: MKL's inspector-executor sparse BLAS on a zero-based CSR handle; {@code mkl_sparse_s_mm}
 * (row-major X and C) for N &gt; 1, {@code mkl_sparse_s_mv} for N = 1.
 *
 * <p>{@link #prepare} does everything MKL counts as set-up: native copies of the CSR arrays (MKL keeps pointers to
 * them, it does not copy), {@code mkl_sparse_s_create_csr}, the mm/mv hint with {@link #expectedCalls} and
 * {@code mkl_sparse_optimize}, which costs about one multiply. Callers time {@code prepare} as set-up.
 *
 * <p>Grouped CSR, N:M and COO matrices are handed to MKL as the CSR of the same non-zeros (padding and spare N:M
 * slots dropped), so "MKL sparse on the same matrix" multiplies exactly the values the other kernels multiply.
 */
public final class MklSparseCsr implements MatMul {
    public static final String ID = "mkl-sparse-csr";

    private final int expectedCalls;

    public MklSparseCsr() { this(1000); }

    /** @param expectedCalls the number of multiplies announced to MKL's hint (what it may optimise for), &ge; 1 */
    public MklSparseCsr(int expectedCalls) {
        if (expectedCalls < 1) throw new IllegalArgumentException("expectedCalls: must be >= 1, got " + expectedCalls);
        this.expectedCalls = expectedCalls;
    }

    @Override public String id() { return ID; }

    @Override public String backendId() { return MklBackend.ID; }

    @Override public boolean supports(FormatSpec spec) { return spec.kind() != FormatSpec.Kind.DENSE; }

    @Override public String refuses(FormatSpec spec, int n) {
        return supports(spec) ? null : "takes a sparse format (csr, coo, gcsr:G, nm:N:M), not " + spec;
    }

    @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
        MatMul.checkArguments(this, w, x, n, threads);
        if (!supports(w.spec())) throw new IllegalArgumentException(ID + ": takes a sparse format (csr, coo, gcsr:G, nm:N:M), got " + w.spec());
        Csr csr = w instanceof Csr c ? c : Csr.fromDense(w.toDense(), w.rows(), w.cols());
        IntPointer ptr = null, end = null, idx = null;
        FloatPointer val = null, xp = null, cp = null;
        matrix_descr descr = null;
        sparse_matrix handle = null;
        boolean created = false;
        try {
            ptr = Native.copyOf(csr.rowPtr());
            end = new IntPointer(ptr).position(1);
            idx = Native.copyOf(csr.colIndex());
            val = Native.copyOf(csr.values());
            xp = Native.copyOf(x);
            cp = Native.zeros((long) csr.rows() * n);
            descr = new matrix_descr();
            descr.type(mkl_rt.SPARSE_MATRIX_TYPE_GENERAL).mode(mkl_rt.SPARSE_FILL_MODE_FULL).diag(mkl_rt.SPARSE_DIAG_NON_UNIT);
            handle = new sparse_matrix();
            check("mkl_sparse_s_create_csr", mkl_rt.mkl_sparse_s_create_csr(handle, mkl_rt.SPARSE_INDEX_BASE_ZERO,
                    csr.rows(), csr.cols(), ptr, end, idx, val));
            created = true;
            if (n == 1)
                check("mkl_sparse_set_mv_hint", mkl_rt.mkl_sparse_set_mv_hint(handle, mkl_rt.SPARSE_OPERATION_NON_TRANSPOSE, descr, expectedCalls));
            else
                check("mkl_sparse_set_mm_hint", mkl_rt.mkl_sparse_set_mm_hint(handle, mkl_rt.SPARSE_OPERATION_NON_TRANSPOSE, descr,
                        mkl_rt.SPARSE_LAYOUT_ROW_MAJOR, n, expectedCalls));
            mkl_rt.MKL_Set_Num_Threads_Local(threads);
            check("mkl_sparse_optimize", mkl_rt.mkl_sparse_optimize(handle));
            return new Run(csr.rows(), n, threads, handle, descr, ptr, end, idx, val, xp, cp);
        } catch (RuntimeException | Error e) {
            if (created) mkl_rt.mkl_sparse_destroy(handle);
            Native.free(handle, descr, cp, xp, val, idx, ptr); // end is a view into ptr, owns nothing
            throw e;
        }
    }

    static void check(String call, int status) {
        if (status != mkl_rt.SPARSE_STATUS_SUCCESS) throw new IllegalStateException(call + " failed with status " + status + " (" + statusName(status) + ")");
    }

    static String statusName(int s) {
        if (s == mkl_rt.SPARSE_STATUS_NOT_INITIALIZED) return "not initialized";
        if (s == mkl_rt.SPARSE_STATUS_ALLOC_FAILED) return "allocation failed";
        if (s == mkl_rt.SPARSE_STATUS_INVALID_VALUE) return "invalid value";
        if (s == mkl_rt.SPARSE_STATUS_EXECUTION_FAILED) return "execution failed";
        if (s == mkl_rt.SPARSE_STATUS_INTERNAL_ERROR) return "internal error";
        if (s == mkl_rt.SPARSE_STATUS_NOT_SUPPORTED) return "not supported";
        return "unknown";
    }

    private static final class Run implements Prepared {
        private final int m, n, threads;
        private final sparse_matrix handle;
        private final matrix_descr descr;
        private final IntPointer ptr, end, idx;
        private final FloatPointer val, x, c;
        private boolean closed;

        Run(int m, int n, int threads, sparse_matrix handle, matrix_descr descr, IntPointer ptr, IntPointer end, IntPointer idx,
            FloatPointer val, FloatPointer x, FloatPointer c) {
            this.m = m; this.n = n; this.threads = threads; this.handle = handle; this.descr = descr;
            this.ptr = ptr; this.end = end; this.idx = idx; this.val = val; this.x = x; this.c = c;
        }

        @Override public void run() {
            mkl_rt.MKL_Set_Num_Threads_Local(threads);
            int s = n == 1
                    ? mkl_rt.mkl_sparse_s_mv(mkl_rt.SPARSE_OPERATION_NON_TRANSPOSE, 1f, handle, descr, x, 0f, c)
                    : mkl_rt.mkl_sparse_s_mm(mkl_rt.SPARSE_OPERATION_NON_TRANSPOSE, 1f, handle, descr, mkl_rt.SPARSE_LAYOUT_ROW_MAJOR,
                                             x, n, n, 0f, c, n);
            if (s != mkl_rt.SPARSE_STATUS_SUCCESS) check(n == 1 ? "mkl_sparse_s_mv" : "mkl_sparse_s_mm", s);
        }

        @Override public float[] result() { return Native.read(c, m * n); }

        @Override public void close() {
            if (closed) return;
            closed = true;
            try {
                mkl_rt.mkl_sparse_destroy(handle);
            } finally {
                // the handle refers to ptr/idx/val: free them only after it is destroyed
                Native.free(handle, descr, c, x, val, idx, ptr); // end is a view into ptr
            }
        }
    }
}
