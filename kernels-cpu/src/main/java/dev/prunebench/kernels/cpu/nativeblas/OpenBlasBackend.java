package dev.prunebench.kernels.cpu.nativeblas;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.kernel.MatMul;
import java.util.List;

/**
 * OpenBLAS through bytedeco ({@code org.bytedeco:openblas} + {@code linux-x86_64}), dense {@code cblas_sgemm}.
 *
 * <p>The bytedeco build is DYNAMIC_ARCH: it picks its kernels for the CPU at load time. The presets do not map
 * {@code openblas_get_config}, so the version recorded is the one of the bundled headers ({@code OPENBLAS_VERSION})
 * OpenBLAS's thread count is process-wide; kernels set it only when it differs from the last value set here.
 * Note that the presets' {@code blas_set_num_threads} also calls MKL's {@code MKL_Set_Num_Threads(_Local)} when MKL
 * is loaded in the same JVM; the MKL kernels therefore pin their own thread count on every call.
 *
 * <p>MKL and OpenBLAS both export {@code cblas_sgemm}; each bytedeco JNI library binds to its own, and the probe
 * checks the answer after MKL has been loaded in the same JVM (see {@code NativeCoexistenceTest}).
 */
public final class OpenBlasBackend implements Backend {
    public static final String ID = "openblas";

    private static int threadsSet = -1;

    private static final class Probe {
        static final Availability RESULT = run();

        private static Availability run() {
            try {
                Class.forName("org.bytedeco.openblas.global.openblas_nolapack");
                float[] c;
                try (var a = Native.copyOf(new float[] {1, 2, 3, 4}); var b = Native.copyOf(new float[] {5, 6, 7, 8});
                     var cp = Native.zeros(4)) {
                    setThreads(1);
                    org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm(101, 111, 111, 2, 2, 2, 1f, a, 2, b, 2, 0f, cp, 2);
                    c = Native.read(cp, 4);
                }
                if (c[0] != 19f || c[1] != 22f || c[2] != 43f || c[3] != 50f)
                    return Availability.no("OpenBLAS cblas_sgemm gave a wrong 2×2 product in the probe: " + java.util.Arrays.toString(c));
                return Availability.yes(version());
            } catch (Throwable t) {
                return Availability.no("OpenBLAS could not be loaded (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")");
            }
        }
    }

    @Override public String id() { return ID; }

    @Override public String description() { return "OpenBLAS via bytedeco: cblas_sgemm"; }

    @Override public Availability probe() { return Probe.RESULT; }

    /** "OpenBLAS 0.3.28 (bytedeco DYNAMIC_ARCH build)" from the bundled headers, or "unavailable". */
    public static String version() {
        try {
            return org.bytedeco.openblas.global.openblas_nolapack.OPENBLAS_VERSION.trim() + " (bytedeco DYNAMIC_ARCH build)";
        } catch (Throwable t) {
            return "unavailable";
        }
    }

    /** Sets OpenBLAS's process-wide thread count if it differs from the last value set. */
    static synchronized void setThreads(int threads) {
        if (threads != threadsSet) {
            org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads(threads);
            threadsSet = threads;
        }
    }

    /** The kernels of this backend; use them only after {@link #probe()} answered available. */
    @Override public List<MatMul> kernels() { return List.of(new OpenBlasSgemm()); }
}
