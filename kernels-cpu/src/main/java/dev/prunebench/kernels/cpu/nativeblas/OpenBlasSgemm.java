package dev.prunebench.kernels.cpu.nativeblas;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/** Dense baseline {@code openblas-sgemm}: OpenBLAS {@code cblas_sgemm}, row-major, on native copies of W and X. */
public final class OpenBlasSgemm implements MatMul {
    public static final String ID = "openblas-sgemm";

    @Override public String id() { return ID; }

    @Override public String backendId() { return OpenBlasBackend.ID; }

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
            OpenBlasBackend.setThreads(threads);
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans, openblas_nolapack.CblasNoTrans,
                    m, n, k, 1f, a, k, b, n, 0f, c, n);
        }

        @Override public float[] result() { return Native.read(c, m * n); }

        @Override public void close() {
            if (closed) return;
            closed = true;
            Native.free(a, b, c);
        }
    }
}
