package dev.prunebench.kernels.cpu.nativeblas;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.mkl.global.mkl_rt;

/**
 * Dense baseline {@code mkl-sgemm}: MKL {@code cblas_sgemm}, row-major, W (M×K) · X (K×N) on native copies.
 * Takes W only as {@link Dense}: zeros of a pruned matrix are multiplied like any other value, which is what a user
 * who does not exploit sparsity pays.
 */
public final class MklSgemm implements MatMul {
    public static final String ID = "mkl-sgemm";

    @Override public String id() { return ID; }

    @Override public String backendId() { return MklBackend.ID; }

    @Override public boolean supports(FormatSpec spec) { return spec.kind() == FormatSpec.Kind.DENSE; }

    @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
        Native.checkShapes(ID, w, x, n, threads);
        if (!(w instanceof Dense d)) throw new IllegalArgumentException(ID + ": takes W as dense, got " + w.spec());
        FloatPointer a = null, b = null, c = null;
        try {
            a = Native.copyOf(d.data());
            b = Native.copyOf(x);
            c = Native.zeros((long) d.rows() * n);
            return new Run(d.rows(), d.cols(), n, threads, a, b, c);
        } catch (RuntimeException | Error e) {
            Native.free(a, b, c);
            throw e;
        }
    }

    private static final class Run implements Prepared {
        private final int m, k, n, threads;
        private final FloatPointer a, b, c;
        private boolean closed;

        Run(int m, int k, int n, int threads, FloatPointer a, FloatPointer b, FloatPointer c) {
            this.m = m; this.k = k; this.n = n; this.threads = threads; this.a = a; this.b = b; this.c = c;
        }

        @Override public void run() {
            mkl_rt.MKL_Set_Num_Threads_Local(threads);
            mkl_rt.cblas_sgemm(mkl_rt.CblasRowMajor, mkl_rt.CblasNoTrans, mkl_rt.CblasNoTrans, m, n, k, 1f, a, k, b, n, 0f, c, n);
        }

        @Override public float[] result() { return Native.read(c, m * n); }

        @Override public void close() {
            if (closed) return;
            closed = true;
            Native.free(a, b, c);
        }
    }
}
