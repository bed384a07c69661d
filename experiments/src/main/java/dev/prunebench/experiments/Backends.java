package dev.prunebench.experiments;

import dev.prunebench.core.backend.Backend;
import dev.prunebench.kernels.cuda.CudaBackend;
import dev.prunebench.kernels.mcu.QemuCortexM4Backend;
import java.util.ArrayList;
import java.util.List;

/** Every backend prunebench knows, for {@code list-backends} and for the run manifest. */
public final class Backends {
    private Backends() {}

    public static List<Backend> all() {
        List<Backend> all = new ArrayList<>();
        for (var e : dev.prunebench.kernels.cpu.CpuBackends.all()) all.add(e.backend());
        all.add(new CudaBackend());
        all.add(new QemuCortexM4Backend());
        return all;
    }
}
