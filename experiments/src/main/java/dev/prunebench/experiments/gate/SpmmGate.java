package dev.prunebench.experiments.gate;

import dev.prunebench.experiments.Backends;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.experiments.Shard;
import dev.prunebench.experiments.hartenstein.HartensteinSpmmCpu;
import dev.prunebench.experiments.sweep.SpmmSweep;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Scale;

/**
 * The timing gate's benchmark: the CPU SpMM speedups of {@code hartenstein-spmm-cpu} at a fixed set of its points,
 * for a history ({@code prunebench run spmm-gate --history FILE}). Same shape, kernels, patterns and measurement budget
 * as {@code hartenstein-spmm-cpu} at each scale (4096² · 50 and · 1 at standard scale), but only the rates 0.80, 0.90,
 * 0.98 and g ∈ {1, 8, 32}, never extended to bracket a break-even (every run measures the same 18 points, so each
 * kernel's geometric mean is over the same points in every run), and no thread scaling. A standard run takes a few
 * minutes instead of the full sweep's twenty, which a CI job can afford on every commit.
 */
public final class SpmmGate implements Experiment {

    static final double[] RATES = {0.80, 0.90, 0.98};
    static final int[] GROUPS = {1, 8, 32};

    /** The gate's points at a scale: {@code hartenstein-spmm-cpu}'s configuration on a fixed 3 × 3 grid, not extended. */
    public static SpmmSweep.Config forScale(Scale scale) {
        SpmmSweep.Config base = HartensteinSpmmCpu.forScale(scale);
        return new SpmmSweep.Config(base.rows(), base.cols(), base.ns(), RATES, GROUPS, base.budget(), 1, base.kernels(),
                new double[0], new double[0], base.platform());
    }

    @Override public String id() { return "spmm-gate"; }

    @Override public String paper() { return "none: prunebench's regression gate (the points of Hartenstein et al.'s Fig. 3 it tracks)"; }

    @Override public String description() {
        return "Timing gate for a history: hartenstein-spmm-cpu's SpMM speedups over the fastest dense CPU kernel at 18 fixed points "
                + "(rates 0.80/0.90/0.98 × g 1/8/32 × N 50/1; 4096² at standard scale), never extended, no thread scaling";
    }

    @Override public void run(ExperimentContext ctx) throws Exception { run(ctx, Shard.WHOLE); }

    @Override public boolean shardable() { return true; }

    @Override public void run(ExperimentContext ctx, Shard shard) throws Exception {
        SpmmSweep.Config cfg = forScale(ctx.scale());
        ctx.parameter("environment", Backends.cpuEnvironment(cfg.threads()));
        ctx.note("A fixed grid for regression tracking: every run measures the same points, so `prunebench history check` compares each "
                + "kernel's geometric mean over the same points. The full sweep, with break-even bracketing, is hartenstein-spmm-cpu.");
        new SpmmSweep(cfg, shard).run(ctx);
    }
}
