package dev.prunebench.kernels.cpu.nativeblas;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.kernel.MatMul;
import java.util.List;

/**
 * Intel MKL through bytedeco ({@code org.bytedeco:mkl} + its {@code linux-x86_64} JNI jar and
 * {@code linux-x86_64-redist} library jar): dense {@code cblas_sgemm} / {@code cblas_sgemv} and the inspector-executor
 * sparse BLAS for CSR.
 *
 * <p>Threads are pinned per call with {@code MKL_Set_Num_Threads_Local} (the tables use 1). The redist ships only the
 * threaded layers, so {@code MKL_THREADING_LAYER=SEQUENTIAL} must never be set: the library load then kills the JVM.
 *
 * <p>The probe loads the library, runs a 2×2 {@code cblas_sgemm} on native memory and checks the answer; it runs once
 * per JVM and never throws.
 */
public final class MklBackend implements Backend {
    public static final String ID = "mkl";

    private static final class Probe {
        static final Availability RESULT = run();
        static final String VERSION = RESULT.available() ? version() : "unavailable";

        private static Availability run() {
            String layer = System.getenv("MKL_THREADING_LAYER");
            if (layer != null && layer.trim().equalsIgnoreCase("sequential"))
                return Availability.no("MKL_THREADING_LAYER=SEQUENTIAL is set, but the bytedeco redist has no sequential layer "
                        + "(loading MKL would abort the JVM); unset it and pin threads instead");
            try {
                Class.forName("org.bytedeco.mkl.global.mkl_rt");
                float[] c = new float[4];
                try (var a = Native.copyOf(new float[] {1, 2, 3, 4}); var b = Native.copyOf(new float[] {5, 6, 7, 8});
                     var cp = Native.zeros(4)) {
                    org.bytedeco.mkl.global.mkl_rt.MKL_Set_Num_Threads_Local(1);
                    org.bytedeco.mkl.global.mkl_rt.cblas_sgemm(101, 111, 111, 2, 2, 2, 1f, a, 2, b, 2, 0f, cp, 2);
                    c = Native.read(cp, 4);
                }
                // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]
                if (c[0] != 19f || c[1] != 22f || c[2] != 43f || c[3] != 50f)
                    return Availability.no("MKL cblas_sgemm gave a wrong 2×2 product in the probe: " + java.util.Arrays.toString(c));
                return Availability.yes(version());
            } catch (Throwable t) {
                return Availability.no("MKL could not be loaded (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")");
            }
        }

        private static String version() {
            try {
                byte[] buf = new byte[256];
                org.bytedeco.mkl.global.mkl_rt.MKL_Get_Version_String(buf, buf.length);
                int end = 0;
                while (end < buf.length && buf[end] != 0) end++;
                return new String(buf, 0, end, java.nio.charset.StandardCharsets.US_ASCII).trim();
            } catch (Throwable t) {
                return "Intel MKL (version string unavailable: " + t.getMessage() + ")";
            }
        }
    }

    @Override public String id() { return ID; }

    @Override public String description() { return "Intel MKL via bytedeco: cblas_sgemm/sgemv and sparse BLAS (mkl_sparse_s_mm/mv)"; }

    @Override public Availability probe() { return Probe.RESULT; }

    /** The library's own version string ({@code MKL_Get_Version_String}), or "unavailable". */
    public static String version() { return Probe.RESULT.available() ? Probe.VERSION : "unavailable"; }

    /** The kernels of this backend; use them only after {@link #probe()} answered available. */
    @Override public List<MatMul> kernels() {
        return List.of(new MklSgemm(), new MklSgemv(), new MklSparseCsr());
    }
}
