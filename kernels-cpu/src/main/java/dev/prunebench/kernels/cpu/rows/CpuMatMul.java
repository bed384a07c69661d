package dev.prunebench.kernels.cpu.rows;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;

/**
 * Front of a CPU kernel: checks every argument of {@link #prepare} once, then hands over to {@link #bind}, which
 * never checks again (the netlib habit). One kernel takes one {@link FormatSpec.Kind}, with any parameters
 * (every g of {@code gcsr:G}, every N:M).
 */
public abstract class CpuMatMul implements MatMul {
    /** Upper bound on threads: far above any core count we run on, low enough to catch a unit mix-up. */
    public static final int MAX_THREADS = 1024;

    private final String id;
    private final String backendId;
    private final FormatSpec.Kind kind;

    protected CpuMatMul(String id, String backendId, FormatSpec.Kind kind) {
        this.id = id;
        this.backendId = backendId;
        this.kind = kind;
    }

    @Override public final String id() { return id; }

    @Override public final String backendId() { return backendId; }

    @Override public final boolean supports(FormatSpec spec) { return spec != null && spec.kind() == kind; }

    @Override public final Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
        check(w, x, n, threads);
        Prepared p = bind(w, x, n, threads);
        return p instanceof RowKernel rk ? rk.start() : p;
    }

    /** W, X, n and threads already checked: build the prepared state. */
    protected abstract Prepared bind(SparseFormat w, float[] x, int n, int threads);

    private void check(SparseFormat w, float[] x, int n, int threads) {
        if (w == null) throw new IllegalArgumentException(id + ": w must not be null");
        if (!supports(w.spec()))
            throw new IllegalArgumentException(id + ": does not take W in format " + w.spec() + " (it takes "
                    + kind.name().toLowerCase(java.util.Locale.ROOT) + ")");
        if (n < 1) throw new IllegalArgumentException(id + ": n (columns of X) must be >= 1, got " + n);
        if (threads < 1 || threads > MAX_THREADS)
            throw new IllegalArgumentException(id + ": threads must be in [1, " + MAX_THREADS + "], got " + threads);
        if (x == null) throw new IllegalArgumentException(id + ": x must not be null");
        long want = (long) w.cols() * n;
        if (x.length != want)
            throw new IllegalArgumentException(id + ": x has length " + x.length + " but W is " + w.rows() + "×" + w.cols()
                    + " and n = " + n + ", so X must be " + w.cols() + "×" + n + " = " + want + " values");
        if ((long) w.rows() * n > Integer.MAX_VALUE - 64)
            throw new IllegalArgumentException(id + ": C would be " + w.rows() + "×" + n + ", too large for one array");
        for (int i = 0; i < x.length; i++)
            if (!Float.isFinite(x[i]))
                throw new IllegalArgumentException(id + ": x[" + i + "] (row " + i / n + ", column " + i % n + ") is " + x[i]
                        + "; X must be finite (kernels multiply padding zeros with X)");
    }

    @Override public String toString() { return id + " on " + backendId; }
}
