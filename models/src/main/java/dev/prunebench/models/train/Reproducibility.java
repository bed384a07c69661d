package dev.prunebench.models.train;

import dev.prunebench.kernels.cpu.Blas;

/**
 * What "same seed → same weights" rests on.
 *
 * <p>The Java side is deterministic by construction (seeded {@link java.util.SplittableRandom}, no cross-thread
 * reductions). MKL's GEMM may pick different code paths from run to run (dispatch, thread split); its Conditional
 * Numerical Reproducibility mode ({@code MKL_CBWR_AUTO | MKL_CBWR_STRICT}) makes results identical run to run on
 * the same machine for a fixed thread count. It must be set before MKL's first computation; when MKL was already used
 * by something else in this JVM, setting it fails and {@link #status()} says so. Every entry point (the CLI's
 * {@code Main.execute}, {@code RunSupport.runAll}, {@code prunebench train}) calls
 * {@link #ensureConditionalNumericalReproducibility()} before anything else touches MKL.
 *
 * <p>{@code -Dprunebench.mkl.cnr=off} (or env {@code PRUNEBENCH_MKL_CNR=off}) leaves MKL in its default mode, to
 * measure what the mode costs; the status then says it was refused on request, and accuracy metrics are INFO.
 */
public final class Reproducibility {
    private static String status = "not requested";
    private static boolean tried;

    private Reproducibility() {}

    /** The switch: {@code -Dprunebench.mkl.cnr}, else env {@code PRUNEBENCH_MKL_CNR}, else on. */
    static boolean requested() {
        String v = System.getProperty("prunebench.mkl.cnr");
        if (v == null) v = System.getenv("PRUNEBENCH_MKL_CNR");
        return v == null || !(v.strip().equalsIgnoreCase("off") || v.strip().equalsIgnoreCase("false") || v.strip().equals("0"));
    }

    /** Tries once to switch MKL into CNR mode; safe to call often. */
    public static synchronized void ensureConditionalNumericalReproducibility() {
        if (tried) return;
        tried = true;
        if (!requested()) {
            status = "MKL CNR mode off (refused on request: prunebench.mkl.cnr=off)";
            if (!"mkl".equals(Blas.backend())) status = "GEMM on " + Blas.backend() + " (plain Java loops: deterministic)";
            return;
        }
        // before Blas is touched: its probe is an MKL computation, after which the mode can no longer change
        try {
            int mode = org.bytedeco.mkl.global.mkl_rt.MKL_CBWR_AUTO | org.bytedeco.mkl.global.mkl_rt.MKL_CBWR_STRICT;
            int rc = org.bytedeco.mkl.global.mkl_rt.MKL_CBWR_Set(mode);
            int now = org.bytedeco.mkl.global.mkl_rt.MKL_CBWR_Get(org.bytedeco.mkl.global.mkl_rt.MKL_CBWR_ALL);
            status = rc == org.bytedeco.mkl.global.mkl_rt.MKL_CBWR_SUCCESS
                    ? "MKL CNR mode AUTO|STRICT (set)"
                    : "MKL CNR mode could not be set (rc " + rc + ", current mode " + now + ")";
        } catch (Throwable t) {
            status = "MKL CNR mode unavailable: " + t;
        }
        if (!"mkl".equals(Blas.backend())) status = "GEMM on " + Blas.backend() + " (plain Java loops: deterministic)";
    }

    /** True when the GEMM is in a mode that repeats bit for bit (MKL CNR set, or the Java fallback). */
    public static synchronized boolean bitwiseReproducible() {
        return status.startsWith("MKL CNR mode AUTO|STRICT (set)") || status.startsWith("GEMM on java");
    }

    /** One line for the experiment parameters. */
    public static synchronized String status() { return status; }
}
