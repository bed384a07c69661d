package dev.prunebench.experiments.gpu;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.experiments.sweep.SpmmSweep;
import dev.prunebench.measure.Budget;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Scale;
import java.util.ArrayList;
import java.util.List;

/**
 * Hartenstein et al., Fig. 3 on the GPU: the backend-neutral {@link SpmmSweep} on platform {@code gpu}. Every sparse
 * kernel of the GPU platform's available backends is swept against every dense kernel of the platform: with a GPU,
 * cuSPARSE and our CUDA kernels timed with CUDA events against cuBLAS (measured); everywhere, the warp memory-access
 * model's kernels (counted, labelled modelled in every table, metric and plot).
 */
public final class HartensteinSpmmGpu implements Experiment {

    @Override public String id() { return "hartenstein-spmm-gpu"; }

    @Override public String paper() { return "Hartenstein et al., Weight Pruning for DNNs on GPUs, Fig. 3 (on the GPU, or its memory-access model)"; }

    @Override public String description() {
        return "SpMM W 4096×4096 · X 4096×50, group-RMS pruning 80–98 %, g = 1…64 on the GPU platform: speedup over the fastest dense GPU kernel "
                + "and break-even per g, measured with a GPU, modelled without";
    }

    /** The grid at a scale, for the given sparse kernels. */
    public static SpmmSweep.Config forScale(Scale scale, List<String> kernels) {
        double[] grid = new double[10];
        for (int i = 0; i < grid.length; i++) grid[i] = (80 + 2 * i) / 100.0;
        int[] allG = {1, 2, 4, 8, 16, 32, 64};
        double[] down = {0.70, 0.60, 0.50}, up = {0.99};
        return switch (scale) {
            case QUICK -> new SpmmSweep.Config(1024, 1024, new int[] {50}, new double[] {0.80, 0.90, 0.98}, new int[] {1, 8, 32}, Budget.quick(), 1,
                    kernels, down, up, "gpu");
            case STANDARD -> new SpmmSweep.Config(4096, 4096, new int[] {50, 1}, grid, allG, new Budget(2, 9, 10_000_000L, 2000, 1L, 400_000_000L), 1,
                    kernels, down, up, "gpu");
            case FULL -> new SpmmSweep.Config(4096, 4096, new int[] {50, 1}, grid, allG, Budget.full(), 1, kernels, down, up, "gpu");
        };
    }

    /** The sparse kernels of the GPU platform in the registry (those that take csr or gcsr and not dense), in registry order. */
    static List<String> sparseGpuKernels(KernelRegistry reg) {
        List<String> ids = new ArrayList<>();
        for (MatMul k : reg.kernels())
            if (reg.backendOf(k).platform().equals("gpu") && !k.supports(FormatSpec.DENSE)
                    && (k.supports(FormatSpec.CSR) || k.supports(FormatSpec.grouped(8)))) ids.add(k.id());
        return ids;
    }

    @Override public void run(ExperimentContext ctx) {
        List<String> kernels = sparseGpuKernels(ctx.kernels());
        if (kernels.isEmpty()) ctx.note("no sparse GPU kernel is available in this build on this machine; see the skipped backends");
        for (KernelRegistry.Entry e : ctx.kernels().entries())
            if (e.backend().platform().equals("gpu"))
                ctx.parameter("backend_" + e.backend().id(), e.status() + " [" + e.backend().provenance().label() + "]");
        ctx.note("A modelled row is computed by the warp memory-access model (docs/gpu.md), not timed on a GPU; its speedup is the ratio of "
                + "the model's estimated times for the named GPU preset.");
        new SpmmSweep(forScale(ctx.scale(), kernels)).run(ctx);
    }
}
