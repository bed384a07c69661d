package dev.prunebench.kernels.cuda;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;

/**
 * The CUDA backend (cuBLAS SGEMM, cuSPARSE CSR SpMM and generated kernels, through JCuda). Kernels are not built
 * yet; the probe is, so every run can say why GPU rows are absent.
 *
 * <p>Probe order matters: the runtime API ({@code jcuda.runtime.JCuda}) is tried first because a failed load of the
 * driver API ({@code jcuda.driver.JCudaDriver}, which needs {@code libcuda.so.1}) poisons that class for the rest of
 * the JVM. cuBLAS and cuSPARSE need {@code libcublas.so.12} / {@code libcusparse.so.12} from a toolkit; they are
 * probed only once a device was found.
 */
public final class CudaBackend implements Backend {
    private volatile Availability cached;

    @Override public String id() { return "cuda"; }

    @Override public String description() { return "NVIDIA GPU through JCuda 12.6 (cuBLAS SGEMM, cuSPARSE CSR SpMM)"; }

    @Override public String platform() { return "gpu"; }

    @Override public Availability probe() {
        Availability a = cached;
        if (a == null) cached = a = doProbe();
        return a;
    }

    /** Names, compute capability and driver of the devices, for the run's environment; never throws. */
    private static String devices(int count) {
        StringBuilder s = new StringBuilder();
        try {
            for (int i = 0; i < count; i++) {
                jcuda.runtime.cudaDeviceProp p = new jcuda.runtime.cudaDeviceProp();
                if (jcuda.runtime.JCuda.cudaGetDeviceProperties(p, i) != 0) continue;
                s.append(s.isEmpty() ? "" : ", ").append(p.getName()).append(" (sm_").append(p.major).append(p.minor).append(')');
            }
            int[] driver = {0};
            if (jcuda.runtime.JCuda.cudaDriverGetVersion(driver) == 0)
                s.append("; driver supports CUDA ").append(driver[0] / 1000).append('.').append(driver[0] % 1000 / 10);
        } catch (Throwable t) {
            s.append(s.isEmpty() ? "" : "; ").append("properties unavailable: ").append(t.getClass().getSimpleName());
        }
        return s.toString();
    }

    private static Availability doProbe() {
        int[] count = {0};
        int err;
        try {
            jcuda.runtime.JCuda.setExceptionsEnabled(false);
            err = jcuda.runtime.JCuda.cudaGetDeviceCount(count);
        } catch (Throwable t) {
            return Availability.no("the JCuda runtime library could not be loaded: " + t);
        }
        if (err != 0) return Availability.no("no usable CUDA device: cudaGetDeviceCount returned "
                + jcuda.runtime.cudaError.stringFor(err) + " (" + err + ")");
        if (count[0] == 0) return Availability.no("no CUDA device found (cudaGetDeviceCount = 0)");
        try {
            jcuda.jcublas.JCublas2.setExceptionsEnabled(false);
            jcuda.jcusparse.JCusparse.setExceptionsEnabled(false);
            jcuda.jcublas.cublasHandle h = new jcuda.jcublas.cublasHandle();
            int e1 = jcuda.jcublas.JCublas2.cublasCreate(h);
            if (e1 == 0) jcuda.jcublas.JCublas2.cublasDestroy(h);
            jcuda.jcusparse.cusparseHandle s = new jcuda.jcusparse.cusparseHandle();
            int e2 = jcuda.jcusparse.JCusparse.cusparseCreate(s);
            if (e2 == 0) jcuda.jcusparse.JCusparse.cusparseDestroy(s);
            if (e1 != 0 || e2 != 0)
                return Availability.no(count[0] + " CUDA device(s), but cublasCreate=" + e1 + ", cusparseCreate=" + e2);
        } catch (Throwable t) {
            return Availability.no(count[0] + " CUDA device(s), but cuBLAS/cuSPARSE could not be loaded (toolkit libraries "
                    + "libcublas.so.12 / libcusparse.so.12 missing?): " + t);
        }
        return Availability.yes(count[0] + " CUDA device(s): " + devices(count[0]));
    }
}
