package dev.prunebench.kernels.cuda;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.NmSparse;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cuda.model.GpuPreset;
import dev.prunebench.kernels.cuda.model.WarpModel;
import java.util.Arrays;
import java.util.List;

/**
 * The warp memory-access model as a backend ({@code cuda-model}, platform {@code gpu}, provenance modelled): runs
 * anywhere. Each kernel computes C in Java (so it is verified like any other) and, as a {@link MatMul.Counted},
 * gives the modelled counts of our CUDA kernel of the same design on the chosen {@link GpuPreset}: sectors,
 * requested bytes, {@code gld_efficiency_bp}, DRAM bytes, and {@code est_time_ps} (the cost: a roofline estimate).
 *
 * <p>Counts are those of a launch on a warm L2 (the kernel replayed twice, the second counted), as in the back-to-back
 * launches the {@code cuda} kernels are timed over.
 *
 * <p>Kernels: {@code model-sgemm} (dense; the tiled SGEMM {@code sgemm_tiled}, standing in for cuBLAS),
 * {@code model-csr-scalar} and {@code model-csr-vector} (csr), {@code model-gcsr} (gcsr:G, any G), {@code model-nm}
 * (nm:N:M).
 * The preset is chosen at construction; the no-argument constructor reads the system property
 * {@value #PRESET_PROPERTY}; when it is not set, the preset of this machine's GPU where the CUDA runtime finds one the
 * presets know (L2 size as the device reports it), else {@code gtx950m}, the paper's GPU — so a run on an H100 never
 * puts GTX 950M model rows beside H100 times.
 */
public final class CudaModelBackend implements Backend {
    public static final String PRESET_PROPERTY = "prunebench.gpu.preset";
    public static final String DEFAULT_PRESET = "gtx950m";

    private final GpuPreset preset;
    private final String problem;

    public CudaModelBackend() {
        GpuPreset p = null;
        String why = null;
        try {
            String id = System.getProperty(PRESET_PROPERTY);
            // without a chosen preset: the GPU of this machine where there is one the presets know, else the paper's
            p = id != null ? GpuPreset.named(id) : CudaBackend.devicePreset().orElse(GpuPreset.named(DEFAULT_PRESET));
        } catch (IllegalArgumentException e) {
            why = "-D" + PRESET_PROPERTY + ": " + e.getMessage();
        }
        this.preset = p;
        this.problem = why;
    }

    public CudaModelBackend(GpuPreset preset) {
        if (preset == null) throw new IllegalArgumentException("preset: must not be null");
        this.preset = preset;
        this.problem = null;
    }

    public GpuPreset preset() { return preset; }

    @Override public String id() { return "cuda-model"; }

    @Override public String description() {
        return "warp memory-access model of our CUDA kernels (32-byte sectors, LRU L2, roofline), preset "
                + (preset == null ? "?" : preset.toString());
    }

    @Override public String platform() { return "gpu"; }

    @Override public Provenance provenance() { return Provenance.MODELLED; }

    @Override public Availability probe() {
        return problem != null ? Availability.no(problem) : Availability.yes("modelled, preset " + preset.id() + " (" + preset.name() + ")");
    }

    @Override public List<MatMul> kernels() {
        return List.of(new ModelKernel("model-sgemm", FormatSpec.Kind.DENSE), new ModelKernel("model-csr-scalar", FormatSpec.Kind.CSR),
                new ModelKernel("model-csr-vector", FormatSpec.Kind.CSR), new ModelKernel("model-gcsr", FormatSpec.Kind.GCSR),
                new ModelKernel("model-nm", FormatSpec.Kind.NM));
    }

    private final class ModelKernel implements MatMul {
        private final String id;
        private final FormatSpec.Kind kind;

        ModelKernel(String id, FormatSpec.Kind kind) { this.id = id; this.kind = kind; }

        @Override public String id() { return id; }

        @Override public String backendId() { return CudaModelBackend.this.id(); }

        @Override public boolean supports(FormatSpec spec) { return spec.kind() == kind; }

        @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
            MatMul.checkArguments(this, w, x, n, threads);
            return new ModelPrepared(id, w, x.clone(), n);
        }

        @Override public String toString() { return id; }
    }

    private final class ModelPrepared implements MatMul.Counted {
        private final String id;
        private final SparseFormat w;
        private final float[] x, c;
        private final int n;
        private MatMul.Counts counts;

        ModelPrepared(String id, SparseFormat w, float[] x, int n) {
            this.id = id; this.w = w; this.x = x; this.n = n;
            this.c = new float[w.rows() * n];
        }

        @Override public void run() {
            Arrays.fill(c, 0f);
            switch (w) {
                case Dense d -> {
                    int k = d.cols();
                    float[] a = d.data();
                    for (int r = 0; r < d.rows(); r++)
                        for (int j = 0; j < k; j++) {
                            float v = a[r * k + j];
                            if (v != 0f) axpy(v, j, r);
                        }
                }
                case Csr s -> {
                    for (int r = 0; r < s.rows(); r++)
                        for (int p = s.rowPtr()[r]; p < s.rowPtr()[r + 1]; p++) axpy(s.values()[p], s.colIndex()[p], r);
                }
                case GroupedCsr s -> {
                    int g = s.g();
                    for (int r = 0; r < s.rows(); r++)
                        for (int q = s.groupPtr()[r]; q < s.groupPtr()[r + 1]; q++) {
                            int j = s.groupIndex()[q];
                            for (int t = 0; t < s.groupWidth(j); t++) axpy(s.values()[q * g + t], j * g + t, r);
                        }
                }
                case NmSparse s -> {
                    int[] pos = s.positions();
                    int slots = s.windows() * s.n();
                    for (int r = 0; r < s.rows(); r++)
                        for (int t = 0; t < slots; t++) {
                            int i = r * slots + t, col = (t / s.n()) * s.m() + pos[i];
                            if (s.values()[i] != 0f) axpy(s.values()[i], col, r);
                        }
                }
                default -> throw new IllegalStateException(id + ": format " + w.spec());
            }
        }

        private void axpy(float v, int xRow, int cRow) {
            int xo = xRow * n, co = cRow * n;
            for (int col = 0; col < n; col++) c[co + col] += v * x[xo + col];
        }

        @Override public float[] result() { return c.clone(); }

        @Override public void close() {}

        @Override public String variant() { return preset.id(); }

        @Override public MatMul.Counts counts() {
            if (counts == null) {
                WarpModel.Replay replay = switch (id) {
                    case "model-sgemm" -> l2 -> WarpModel.sgemm((Dense) w, n, l2);
                    case "model-csr-scalar" -> l2 -> WarpModel.csrScalar((Csr) w, n, l2);
                    case "model-csr-vector" -> l2 -> WarpModel.csrVector((Csr) w, n, l2);
                    case "model-gcsr" -> l2 -> WarpModel.gcsr((GroupedCsr) w, n, l2);
                    case "model-nm" -> l2 -> WarpModel.nm((NmSparse) w, n, l2);
                    default -> throw new IllegalStateException(id);
                };
                WarpModel.Run r = WarpModel.warm(replay, preset.l2Bytes());
                counts = new MatMul.Counts(r.counts(preset), "est_time_ps");
            }
            return counts;
        }
    }
}
