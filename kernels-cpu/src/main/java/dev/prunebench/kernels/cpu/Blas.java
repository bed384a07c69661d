package dev.prunebench.kernels.cpu;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.kernels.cpu.nativeblas.MklBackend;

/**
 * Dense single-precision GEMM on Java arrays for the training code (models) and anything else that needs a fast
 * {@code C = alpha · op(A) · op(B) + beta · C}, row-major. Runs on Intel MKL ({@code cblas_sgemm}, through
 * bytedeco) when its probe answers available, otherwise on a plain-Java loop; {@link #backend()} says which,
 * so callers can record it. Thread count: {@link #setThreads(int)} (MKL's own pool).
 */
public final class Blas {
    private static final Availability MKL = probeMkl();

    private Blas() {}

    /** The one MKL probe ({@link MklBackend}); then MKL's global pool starts at one thread, as before any caller sets it. */
    private static Availability probeMkl() {
        Availability a = new MklBackend().probe();
        if (a.available()) org.bytedeco.mkl.global.mkl_rt.MKL_Set_Num_Threads(1);
        return a;
    }

    /** "mkl" or "java" — the implementation that runs {@link #sgemm}. */
    public static String backend() { return MKL.available() ? "mkl" : "java"; }

    public static Availability mklAvailability() { return MKL; }

    public static void setThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads: must be >= 1, got " + threads);
        if (MKL.available()) org.bytedeco.mkl.global.mkl_rt.MKL_Set_Num_Threads(threads);
    }

    /**
     * Row-major {@code C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C}.
     * lda/ldb/ldc are the row strides of A, B, C as stored.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        if (MKL.available()) {
            org.bytedeco.mkl.global.mkl_rt.cblas_sgemm(101, transA ? 112 : 111, transB ? 112 : 111, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, ci, ci + n, 0f);
            else if (beta != 1f) for (int j = 0; j < n; j++) c[ci + j] *= beta;
            for (int p = 0; p < k; p++) {
                float av = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
                if (av == 0f) continue;
                if (!transB) {
                    int bp = p * ldb;
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
                } else {
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[j * ldb + p];
                }
            }
        }
    }
}
