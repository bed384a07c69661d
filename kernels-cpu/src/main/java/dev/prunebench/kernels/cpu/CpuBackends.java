package dev.prunebench.kernels.cpu;

import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.kernels.cpu.generated.GeneratedKernels;
import dev.prunebench.kernels.cpu.nativeblas.MklBackend;
import dev.prunebench.kernels.cpu.nativeblas.OpenBlasBackend;
import dev.prunebench.kernels.cpu.scalar.ScalarKernels;
import dev.prunebench.kernels.cpu.vector.VectorKernels;
import java.util.List;

/**
 * The CPU backends this module declares, in the order a listing shows them. The kernel lookup is
 * {@link KernelRegistry}: the CLI and the experiments register these together with the other platforms' backends;
 * the JMH benchmarks of this module use {@link #registry()}, the CPU part alone.
 */
public final class CpuBackends {
    private CpuBackends() {}

    private static final List<Backend> BACKENDS = List.of(VectorKernels.backend(), GeneratedKernels.backend(), ScalarKernels.backend(), new MklBackend(), new OpenBlasBackend());

    private static final class Holder {
        static final KernelRegistry REGISTRY = KernelRegistry.probe(BACKENDS);
    }

    /** cpu-vector, cpu-generated, cpu-scalar, mkl, openblas. */
    public static List<Backend> backends() { return BACKENDS; }

    /** The CPU backends probed once per JVM, with their kernels. */
    public static KernelRegistry registry() { return Holder.REGISTRY; }
}
