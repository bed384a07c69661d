package dev.prunebench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.measure.Patterns;
import dev.prunebench.measure.Verification;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The CUDA kernels on a real GPU. Without one they skip with the probe's reason, unless
 * {@code -Dprunebench.gpu.required=true} (what {@code scripts/gpu-check.sh} sets): then a missing GPU, driver or
 * library fails them, with its reason.
 */
@Tag("gpu")
class CudaGpuTest {
    static final boolean REQUIRED = Boolean.getBoolean("prunebench.gpu.required");
    static final CudaBackend backend = new CudaBackend();

    @BeforeEach
    void gpu() {
        Availability a = backend.probe();
        if (REQUIRED) assertThat(a.available()).as("a GPU is required (-Dprunebench.gpu.required=true): %s", a).isTrue();
        assumeTrue(a.available(), "no GPU here: " + a);
    }

    /** The kernel, or a skip (a failure when required) naming why it refuses. */
    static MatMul usable(String id, FormatSpec spec, int n) {
        MatMul k = kernel(id);
        String why = k.refuses(spec, n);
        if (REQUIRED) assertThat(why).as(id).isNull();
        assumeTrue(why == null, id + ": " + why);
        return k;
    }

    static MatMul kernel(String id) { return backend.kernels().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow(); }

    /**
     * The kernels of {@code ids} that can run here; the others are named in {@code missing} (a failure at the end when
     * required), so a machine without cuBLAS still tests cuSPARSE and our kernels.
     */
    static List<MatMul> runnable(java.util.Map<String, String> missing, FormatSpec spec, int n, String... ids) {
        List<MatMul> out = new ArrayList<>();
        for (String id : ids) {
            MatMul k = kernel(id);
            String why = k.refuses(spec, n);
            if (why == null) out.add(k);
            else missing.put(id, why);
        }
        return out;
    }

    static void reportMissing(java.util.Map<String, String> missing, int tested) {
        if (REQUIRED) assertThat(missing).as("kernels that could not run").isEmpty();
        missing.forEach((id, why) -> System.out.println("[gpu] skipped " + id + ": " + why));
        assumeTrue(tested > 0, "no kernel could run: " + missing);
    }

    static float[] reference(float[] w, int m, int k, float[] x, int n) {
        float[] c = new float[m * n];
        for (int r = 0; r < m; r++)
            for (int j = 0; j < k; j++) {
                float v = w[r * k + j];
                if (v == 0) continue;
                for (int col = 0; col < n; col++) c[r * n + col] += v * x[j * n + col];
            }
        return c;
    }

    @Test
    void everyKernelMatchesTheCpuReferenceAcrossShapes() {
        int m = 300, k = 257, tested = 0;
        List<String> failures = new ArrayList<>();
        java.util.Map<String, String> missing = new java.util.TreeMap<>();
        for (int n : new int[]{1, 5, 50, 300})
            for (int g : new int[]{1, 3, 8, 64}) {
                float[] w = Patterns.groupRms(m, k, g, 0.9, 31L * n + g).data();
                float[] x = Patterns.normalVector(k * n, n);
                float[] ref = reference(w, m, k, x, n);
                for (FormatSpec spec : new FormatSpec[]{FormatSpec.DENSE, FormatSpec.CSR, FormatSpec.grouped(g)}) {
                    List<MatMul> ks = switch (spec.kind()) {
                        case DENSE -> runnable(missing, spec, n, "cublas-sgemm", "cuda-sgemm-tiled");
                        case CSR -> runnable(missing, spec, n, "cusparse-csr", "cuda-csr-scalar", "cuda-csr-vector");
                        default -> runnable(missing, spec, n, "cuda-gcsr");
                    };
                    SparseFormat enc = spec.encode(w, m, k);
                    for (MatMul kern : ks)
                        try (MatMul.Prepared p = kern.prepare(enc, x, n, 1)) {
                            tested++;
                            Verification v = Verification.verify(p, ref, k);
                            if (!v.passed()) failures.add(kern.id() + " " + spec + " n=" + n + ": rel error " + v.relError());
                            assertThat(((MatMul.SelfTimed) p).nanosPerRun(10)).as(kern.id()).isPositive();
                        }
                }
            }
        assertThat(failures).isEmpty();
        reportMissing(missing, tested);
    }

    @Test
    void theNmKernelMatchesTheCpuReference() {
        int m = 300, k = 257;
        for (int n : new int[]{1, 50, 300})
            for (int[] nm : new int[][]{{2, 4}, {1, 4}, {3, 8}, {4, 5}}) {
                float[] w = dev.prunebench.kernels.cuda.model.WarpModelTest.nmPattern(m, k, nm[0], nm[1], n + nm[1]);
                float[] x = Patterns.normalVector(k * n, n);
                FormatSpec spec = FormatSpec.nm(nm[0], nm[1]);
                MatMul kern = usable("cuda-nm", spec, n);
                try (MatMul.Prepared p = kern.prepare(spec.encode(w, m, k), x, n, 1)) {
                    assertThat(Verification.verify(p, reference(w, m, k, x, n), k).passed()).as("%s n=%d", spec, n).isTrue();
                }
            }
    }

    @Test
    void cusparseAlgorithmsEitherRunCorrectlyOrRefuseNamingTheStatus() {
        int m = 256, k = 256, n = 50;
        float[] w = Patterns.groupRms(m, k, 1, 0.9, 5).data(), x = Patterns.normalVector(k * n, 6);
        float[] ref = reference(w, m, k, x, n);
        for (String id : new String[]{"cusparse-csr-alg2", "cusparse-csr-alg3"}) {
            MatMul kern = usable(id, FormatSpec.CSR, n);
            try (MatMul.Prepared p = kern.prepare(FormatSpec.CSR.encode(w, m, k), x, n, 1)) {
                assertThat(Verification.verify(p, ref, k).passed()).as(id).isTrue();
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).startsWith("unavailable: " + id + ": ").contains("CUSPARSE_STATUS_");
                System.out.println("[gpu] " + e.getMessage());
            }
        }
    }

    @Test
    void aThousandPrepareRunCloseCyclesLeakNoDeviceMemory() {
        int m = 128, k = 128, n = 50, tested = 0;
        float[] w = Patterns.groupRms(m, k, 8, 0.9, 9).data(), x = Patterns.normalVector(k * n, 10);
        java.util.Map<String, String> missing = new java.util.TreeMap<>();
        for (FormatSpec spec : new FormatSpec[]{FormatSpec.grouped(8), FormatSpec.CSR, FormatSpec.DENSE}) {
            String id = spec.kind() == FormatSpec.Kind.GCSR ? "cuda-gcsr" : spec.kind() == FormatSpec.Kind.CSR ? "cusparse-csr" : "cublas-sgemm";
            for (MatMul kern : runnable(missing, spec, n, id)) {
                SparseFormat enc = spec.encode(w, m, k);
                for (int i = 0; i < 5; i++) try (MatMul.Prepared p = kern.prepare(enc, x, n, 1)) { p.run(); }
                long before = freeBytes();
                for (int i = 0; i < 1000; i++) try (MatMul.Prepared p = kern.prepare(enc, x, n, 1)) { p.run(); }
                long after = freeBytes();
                assertThat(before - after).as("%s: device memory lost over 1000 cycles", id).isLessThan(8L << 20);
                tested++;
            }
        }
        reportMissing(missing, tested);
    }

    static long freeBytes() {
        long[] free = {0}, total = {0};
        Cuda.check(jcuda.runtime.JCuda.cudaMemGetInfo(free, total), "cudaMemGetInfo");
        return free[0];
    }

    @Test
    void aBatchCapturedInACudaGraphTimesTheKernelAndTheModelPresetMatchesTheDevice() {
        int m = 512, k = 512, n = 50;
        float[] w = Patterns.groupRms(m, k, 8, 0.9, 7).data(), x = Patterns.normalVector(k * n, 8);
        for (String id : new String[]{"cublas-sgemm", "cusparse-csr", "cuda-gcsr"}) {
            FormatSpec spec = id.equals("cublas-sgemm") ? FormatSpec.DENSE : id.equals("cuda-gcsr") ? FormatSpec.grouped(8) : FormatSpec.CSR;
            MatMul kern = usable(id, spec, n);
            try (MatMul.Prepared p = kern.prepare(spec.encode(w, m, k), x, n, 1)) {
                DeviceKernels.Prepared d = (DeviceKernels.Prepared) p;
                double graph = d.graphNanosPerRun(50), again = d.graphNanosPerRun(50), events = d.hostIssuedNanosPerRun(50);
                assertThat(graph).as(id).isPositive().isFinite();
                assertThat(again).as(id).isPositive().isFinite();
                assertThat(events).as(id).isPositive().isFinite();
                assertThat(d.nanosPerRun(50)).as(id).isPositive().isFinite();
                assertThat(d.clock()).as(id).contains("CUDA graph");
                System.out.printf("[gpu] %s: graph %.2f us, host-issued %.2f us per launch (%s)%n", id, graph / 1e3, events / 1e3, p.variant());
            }
        }
        assertThat(CudaBackend.devicePreset()).as("a preset for this GPU (else the model uses the paper's)").isNotNull();
    }
}
