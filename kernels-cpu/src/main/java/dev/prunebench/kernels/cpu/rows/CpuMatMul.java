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

    @Override public String refuses(FormatSpec spec, int n) {
        return supports(spec) ? null : "does not take W in format " + spec + " (it takes " + kind.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    @Override public final Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
        MatMul.checkArguments(this, w, x, n, threads);
        Prepared p = bind(w, x, n, threads);
        return p instanceof RowKernel rk ? rk.start() : p;
    }

    /** W, X, n and threads already checked: build the prepared state. */
    protected abstract Prepared bind(SparseFormat w, float[] x, int n, int threads);

    @Override public String toString() { return id + " on " + backendId; }
}
