package dev.prunebench.kernels.cpu.nativeblas;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.mkl.global.mkl_rt;

/** Dense baseline {@code mkl-sgemm}: Intel MKL {@code cblas_sgemm} (see {@link NativeSgemm}). */
public final class MklSgemm extends NativeSgemm {
    public static final String ID = "mkl-sgemm";

    public MklSgemm() { super(ID, MklBackend.ID); }

    @Override void sgemm(int threads, int m, int n, int k, FloatPointer a, FloatPointer b, FloatPointer c) {
        // pinned on every call: OpenBLAS's blas_set_num_threads also moves MKL's count when both are loaded
        mkl_rt.MKL_Set_Num_Threads_Local(threads);
        mkl_rt.cblas_sgemm(mkl_rt.CblasRowMajor, mkl_rt.CblasNoTrans, mkl_rt.CblasNoTrans, m, n, k, 1f, a, k, b, n, 0f, c, n);
    }
}
