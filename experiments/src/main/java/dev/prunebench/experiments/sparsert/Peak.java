package dev.prunebench.experiments.sparsert;

import dev.prunebench.core.env.Machine;

/** The table-based fp32 peak, which lives with the CPU kernels ({@link dev.prunebench.kernels.cpu.Peak}). */
final class Peak {
    private Peak() {}

    static double gflops(Machine.Clock clock) { return dev.prunebench.kernels.cpu.Peak.gflops(clock); }

    static String describe(Machine.Clock clock) { return dev.prunebench.kernels.cpu.Peak.describe(clock); }
}
