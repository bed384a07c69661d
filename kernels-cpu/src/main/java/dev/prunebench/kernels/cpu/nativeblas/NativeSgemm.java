package dev.prunebench.kernels.cpu.nativeblas;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A dense {@code cblas_sgemm} baseline, row-major, W (M×K) · X (K×N) on native copies made in {@code prepare}.
 * Takes W only as {@link Dense}: zeros of a pruned matrix are multiplied like any other value, which is what a user
 * who does not exploit sparsity pays. Subclasses name the library and make the one call.
 */
abstract class NativeSgemm implements MatMul {
    private final String id, backendId;

    NativeSgemm(String id, String backendId) { this.id = id; this.backendId = backendId; }

    @Override public final String id() { return id; }

    @Override public final String backendId() { return backendId; }

    @Override public final boolean supports(FormatSpec spec) { return spec.kind() == FormatSpec.Kind.DENSE; }

    @Override public String refuses(FormatSpec spec, int n) { return supports(spec) ? null : "takes W as dense only, not " + spec; }

    /** One {@code C = A · B} with the library's thread count pinned to {@code threads} first. */
    abstract void sgemm(int threads, int m, int n, int k, FloatPointer a, FloatPointer b, FloatPointer c);

    @Override public final Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
        MatMul.checkArguments(this, w, x, n, threads);
        if (!(w instanceof Dense d)) throw new IllegalArgumentException(id + ": takes W as dense, got " + w.spec());
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

    private final class Run implements Prepared {
        private final int m, k, n, threads;
        private final FloatPointer a, b, c;
        private boolean closed;

        Run(int m, int k, int n, int threads, FloatPointer a, FloatPointer b, FloatPointer c) {
            this.m = m; this.k = k; this.n = n; this.threads = threads; this.a = a; this.b = b; this.c = c;
        }

        @Override public void run() { sgemm(threads, m, n, k, a, b, c); }

        @Override public float[] result() { return Native.read(c, m * n); }

        @Override public void close() {
            if (closed) return;
            closed = true;
            Native.free(a, b, c);
        }
    }
}
