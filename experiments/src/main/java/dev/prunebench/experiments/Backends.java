package dev.prunebench.experiments;

import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.kernels.cpu.nativeblas.MklBackend;
import dev.prunebench.kernels.cpu.nativeblas.OpenBlasBackend;
import dev.prunebench.kernels.cuda.CudaBackend;
import dev.prunebench.kernels.cuda.CudaModelBackend;
import dev.prunebench.kernels.mcu.Q15Reference;
import dev.prunebench.kernels.mcu.QemuCortexM4Backend;
import dev.prunebench.results.Environment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every backend prunebench knows, from every kernel module: the one place a new platform is registered. The CLI,
 * the run manifest and every experiment use {@link #registry()}.
 */
public final class Backends {
    private Backends() {}

    /** CPU (cpu-vector, cpu-scalar, mkl, openblas), then cuda and its warp memory-access model, then mcu-qemu. */
    public static List<Backend> all() {
        List<Backend> all = new ArrayList<>(CpuBackends.backends());
        all.add(new CudaBackend());
        all.add(new CudaModelBackend());
        all.add(new QemuCortexM4Backend());
        all.add(new Q15Reference.JavaBackend());
        return List.copyOf(all);
    }

    private static final class Holder {
        static final KernelRegistry REGISTRY = KernelRegistry.probe(all());
    }

    /**
     * The machine a CPU measurement ran on, for an experiment's parameters or {@code spmm}: the one environment capture
     * ({@link dev.prunebench.results.Environment}) with the thread count and the MKL and OpenBLAS versions added.
     */
    public static Map<String, Object> cpuEnvironment(int threads) {
        return Environment.capture().put("threads", threads)
                .put("mkl", MklBackend.version())
                .put("openblas", OpenBlasBackend.version()).asMap();
    }

    /** Every backend probed once per JVM, with the kernels of those available. */
    public static KernelRegistry registry() { return Holder.REGISTRY; }
}
