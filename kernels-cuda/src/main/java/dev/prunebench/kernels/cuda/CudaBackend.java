package dev.prunebench.kernels.cuda;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cuda.model.GpuPreset;
import java.util.List;
import java.util.Optional;

/**
 * The CUDA backend ({@code cuda}, platform {@code gpu}, measured): cuBLAS SGEMM, cuSPARSE CSR SpMM and our own
 * kernels from {@code spmm.cu} ({@link DeviceKernels} lists them), each timed by CUDA events.
 *
 * <p>Probe order matters: the runtime API ({@code jcuda.runtime.JCuda}) is tried first because a failed load of the
 * driver API ({@code jcuda.driver.JCudaDriver}, which needs {@code libcuda.so.1}) poisons that class for the rest of
 * the JVM. The backend is available when the runtime finds a device. cuBLAS and cuSPARSE ({@code libcublas.so.12},
 * {@code libcusparse.so.12} from a toolkit) and our PTX (which needs a recent enough driver) are probed per kernel,
 * each on first use, so a missing library makes only its own kernels refuse, with the library named, and the probe's
 * answer says which are usable.
 */
public final class CudaBackend implements Backend {
    private volatile Availability cached;

    @Override public String id() { return "cuda"; }

    @Override public String description() {
        return "NVIDIA GPU through JCuda 12.6: cuBLAS SGEMM (FP32), cuSPARSE CSR SpMM, our CSR and grouped-CSR kernels (PTX)";
    }

    @Override public String platform() { return "gpu"; }

    /** Its kernels; asked for only after the probe answered available. Listing them touches no native library. */
    @Override public List<MatMul> kernels() { return DeviceKernels.all(); }

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

    private static volatile Optional<GpuPreset> devicePreset;

    /**
     * The model preset of device 0 ({@link dev.prunebench.kernels.cuda.model.GpuPreset#forDevice}: matched by name, L2
     * size read from the device), or empty without a device or a matching preset; never throws. Probed once.
     */
    static synchronized Optional<GpuPreset> devicePreset() {
        if (devicePreset == null) {
            Optional<GpuPreset> p = Optional.empty();
            try {
                jcuda.runtime.JCuda.setExceptionsEnabled(false);
                int[] count = {0};
                if (jcuda.runtime.JCuda.cudaGetDeviceCount(count) == 0 && count[0] > 0) {
                    jcuda.runtime.cudaDeviceProp prop = new jcuda.runtime.cudaDeviceProp();
                    if (jcuda.runtime.JCuda.cudaGetDeviceProperties(prop, 0) == 0)
                        p = GpuPreset.forDevice(prop.getName(), prop.multiProcessorCount, prop.l2CacheSize);
                }
            } catch (Throwable t) {
                // no runtime library here: no device preset
            }
            devicePreset = p;
        }
        return devicePreset;
    }

    private static Availability doProbe() {
        int[] count = {0};
        int err;
        try {
            jcuda.runtime.JCuda.setExceptionsEnabled(false);
            err = jcuda.runtime.JCuda.cudaGetDeviceCount(count);
        } catch (Throwable t) {
            return Availability.no("the JCuda runtime library could not be loaded: " + Cuda.brief(t));
        }
        if (err != 0) return Availability.no("no usable CUDA device: cudaGetDeviceCount returned "
                + jcuda.runtime.cudaError.stringFor(err) + " (" + err + ")");
        if (count[0] == 0) return Availability.no("no CUDA device found (cudaGetDeviceCount = 0)");
        String blas, sparse, ptx;
        try {
            blas = Cuda.cublasProblem();
            sparse = Cuda.cusparseProblem();
            ptx = PtxModule.problem();
        } catch (Throwable t) {
            return Availability.no(count[0] + " CUDA device(s), but probing the libraries failed: " + t);
        }
        String libs = "; cuBLAS " + (blas == null ? "ok" : "unavailable (" + blas + ")") + "; cuSPARSE " + (sparse == null ? "ok" : "unavailable ("
                + sparse + ")") + "; our PTX kernels " + (ptx == null ? "ok" : "unavailable (" + ptx + ")");
        return Availability.yes(count[0] + " CUDA device(s): " + devices(count[0]) + libs);
    }
}
