package dev.prunebench.models.infer;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import java.util.List;
import java.util.Map;

/**
 * A test backend standing for an emulator: its one kernel ({@code inplace-counted}, any format) reads X in place (no
 * copy) and reports exact counts (multiply-adds over stored values) instead of a time.
 */
final class InPlaceCountedBackend implements Backend {
    static final String ID = "test-emulated";
    static final String KERNEL = "inplace-counted";

    @Override public String id() { return ID; }
    @Override public String description() { return "test: reads X in place, counts multiply-adds"; }
    @Override public Availability probe() { return Availability.yes("always"); }
    @Override public String platform() { return "test"; }
    @Override public Provenance provenance() { return Provenance.EMULATED; }
    @Override public List<MatMul> kernels() { return List.of(new Kernel()); }

    static final class Kernel implements MatMul {
        @Override public String id() { return KERNEL; }
        @Override public String backendId() { return ID; }
        @Override public boolean supports(FormatSpec spec) { return spec != null && spec.kind() != FormatSpec.Kind.COO; }

        @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
            MatMul.checkArguments(this, w, x, n, threads);
            return new Run(w.toDense(), w.rows(), w.cols(), x, n, w.storedValues());
        }
    }

    static final class Run implements MatMul.Counted {
        final float[] w, x, c;
        final int m, k, n;
        final long stored;
        boolean ran;

        Run(float[] w, int m, int k, float[] x, int n, long stored) {
            this.w = w; this.m = m; this.k = k; this.x = x; this.n = n; this.stored = stored;
            this.c = new float[m * n];
        }

        @Override public void run() {
            java.util.Arrays.fill(c, 0f);
            for (int i = 0; i < m; i++)
                for (int p = 0; p < k; p++) {
                    float v = w[i * k + p];
                    if (v == 0f) continue;
                    for (int j = 0; j < n; j++) c[i * n + j] += v * x[p * n + j];
                }
            ran = true;
        }

        @Override public float[] result() { return c.clone(); }
        @Override public void close() {}

        @Override public MatMul.Counts counts() {
            if (!ran) run();
            return new MatMul.Counts(Map.of("macs", stored * n, "x_values", (long) k * n), "macs");
        }
    }
}
