package dev.prunebench.kernels.cpu.nativeblas;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/** Dense baseline {@code openblas-sgemm}: OpenBLAS {@code cblas_sgemm} (see {@link NativeSgemm}). */
public final class OpenBlasSgemm extends NativeSgemm {
    public static final String ID = "openblas-sgemm";

    public OpenBlasSgemm() { super(ID, OpenBlasBackend.ID); }

    @Override void sgemm(int threads, int m, int n, int k, FloatPointer a, FloatPointer b, FloatPointer c) {
        OpenBlasBackend.setThreads(threads);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans, openblas_nolapack.CblasNoTrans,
                m, n, k, 1f, a, k, b, n, 0f, c, n);
    }
}
