package dev.prunebench.kernels.cpu.nativeblas;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.mkl.global.mkl_rt;

/** Dense baseline for N = 1, {@code mkl-sgemv}: MKL {@code cblas_sgemv}, row-major W (M×K) · x (K). */
public final class MklSgemv implements MatMul {
    public static final String ID = "mkl-sgemv";

    @Override public String id() { return ID; }

    @Override public String backendId() { return MklBackend.ID; }

    @Override public boolean supports(FormatSpec spec) { return spec.kind() == FormatSpec.Kind.DENSE; }

    @Override public String refuses(FormatSpec spec, int n) {
        if (!supports(spec)) return "takes W as dense only, not " + spec;
        return n == 1 ? null : "is matrix-vector only (N = 1), not N = " + n + " (" + MklSgemm.ID + " covers N > 1)";
    }

    @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
        MatMul.checkArguments(this, w, x, n, threads);
        if (n != 1) throw new IllegalArgumentException(ID + ": is matrix-vector only (N = 1), got N = " + n + "; use " + MklSgemm.ID);
        if (!(w instanceof Dense d)) throw new IllegalArgumentException(ID + ": takes W as dense, got " + w.spec());
        FloatPointer a = null, b = null, c = null;
        try {
            a = Native.copyOf(d.data());
            b = Native.copyOf(x);
            c = Native.zeros(d.rows());
            return new Run(d.rows(), d.cols(), threads, a, b, c);
        } catch (RuntimeException | Error e) {
            Native.free(a, b, c);
            throw e;
        }
    }

    private static final class Run implements Prepared {
        private final int m, k, threads;
        private final FloatPointer a, b, c;
        private boolean closed;

        Run(int m, int k, int threads, FloatPointer a, FloatPointer b, FloatPointer c) {
            this.m = m; this.k = k; this.threads = threads; this.a = a; this.b = b; this.c = c;
        }

        @Override public void run() {
            mkl_rt.MKL_Set_Num_Threads_Local(threads);
            mkl_rt.cblas_sgemv(mkl_rt.CblasRowMajor, mkl_rt.CblasNoTrans, m, k, 1f, a, k, b, 1, 0f, c, 1);
        }

        @Override public float[] result() { return Native.read(c, m); }

        @Override public void close() {
            if (closed) return;
            closed = true;
            Native.free(a, b, c);
        }
    }
}
