package dev.prunebench.experiments;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Backends that exist only in tests, to show that a platform plugs in by declaring a backend and its kernels: one
 * timed with its own clock (as a GPU kernel timed with device events is) and one counted (as an emulator counts
 * instructions). Both compute C = W · X correctly in Java; their "time" and "counts" follow a planted cost model
 * (dense: M·K·N units; csr: 4·nnz·N + M units), so a sweep over them has a known answer: csr breaks even with dense
 * where 4·nnz·N + M = M·K·N, i.e. at a density of about a quarter.
 */
public final class FakeBackends {
    private FakeBackends() {}

    /** How a fake kernel is measured. */
    public enum Mode { SELF_TIMED, COUNTED }

    /** Nanoseconds per cost unit of the self-timed kernels. */
    public static final double NANOS_PER_UNIT = 0.01;

    public static Backend backend(String id, String platform, Backend.Provenance provenance, Mode mode) {
        List<MatMul> ks = new ArrayList<>();
        ks.add(new Kernel(id + "-dense", id, FormatSpec.Kind.DENSE, mode));
        ks.add(new Kernel(id + "-csr", id, FormatSpec.Kind.CSR, mode));
        return new Backend() {
            @Override public String id() { return id; }
            @Override public String description() { return "test backend (" + mode + ")"; }
            @Override public Availability probe() { return Availability.yes("always, in tests"); }
            @Override public String platform() { return platform; }
            @Override public Provenance provenance() { return provenance; }
            @Override public List<MatMul> kernels() { return ks; }
        };
    }

    /** A self-timed "gpu" backend, measured. */
    public static Backend selfTimed() { return backend("fakegpu", "fake-gpu", Backend.Provenance.MEASURED, Mode.SELF_TIMED); }

    /** A counted "mcu" backend, emulated. */
    public static Backend counted() { return backend("fakemcu", "fake-mcu", Backend.Provenance.EMULATED, Mode.COUNTED); }

    /** The planted cost of one run. */
    public static long cost(SparseFormat w, int n) {
        return w instanceof Csr c ? 4L * c.nnz() * n + c.rows() : (long) w.rows() * w.cols() * n;
    }

    static final class Kernel implements MatMul {
        final String id, backend;
        final FormatSpec.Kind kind;
        final Mode mode;

        Kernel(String id, String backend, FormatSpec.Kind kind, Mode mode) { this.id = id; this.backend = backend; this.kind = kind; this.mode = mode; }

        @Override public String id() { return id; }
        @Override public String backendId() { return backend; }
        @Override public boolean supports(FormatSpec spec) { return spec != null && spec.kind() == kind; }

        @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
            MatMul.checkArguments(this, w, x, n, threads);
            float[] out = new float[w.rows() * n];
            long cost = cost(w, n);
            Runnable mm = () -> {
                java.util.Arrays.fill(out, 0);
                if (w instanceof Csr c) {
                    for (int r = 0; r < c.rows(); r++)
                        for (int p = c.rowPtr()[r]; p < c.rowPtr()[r + 1]; p++) {
                            float a = c.values()[p];
                            int xb = c.colIndex()[p] * n;
                            for (int j = 0; j < n; j++) out[r * n + j] += a * x[xb + j];
                        }
                } else {
                    Dense d = (Dense) w;
                    for (int r = 0; r < d.rows(); r++)
                        for (int k = 0; k < d.cols(); k++) {
                            float a = d.data()[r * d.cols() + k];
                            if (a != 0) for (int j = 0; j < n; j++) out[r * n + j] += a * x[k * n + j];
                        }
                }
            };
            if (mode == Mode.COUNTED)
                return new Counted() {
                    @Override public void run() { mm.run(); }
                    @Override public float[] result() { return out.clone(); }
                    @Override public void close() {}
                    @Override public Counts counts() { return new Counts(Map.of("instructions", cost, "loads", cost / 2), "instructions"); }
                };
            return new SelfTimed() {
                @Override public void run() { mm.run(); }
                @Override public float[] result() { return out.clone(); }
                @Override public void close() {}
                @Override public double nanosPerRun(int runs) {
                    mm.run();  // once is enough for a planted clock
                    return cost * NANOS_PER_UNIT;
                }
                @Override public String clock() { return "planted device clock"; }
            };
        }
    }
}
