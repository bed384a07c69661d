package dev.prunebench.experiments.sparsert;

import dev.prunebench.core.env.Machine;
import dev.prunebench.kernels.cpu.vector.VectorKernels;
import dev.prunebench.kernels.cpu.vector.VectorKernels.MeasuredPeak;

/**
 * The fp32 peak every "% of peak" of this experiment divides by: the FMA microbenchmark measured in this run
 * ({@link VectorKernels#measurePeak}, once per JVM), with the table-based peak ({@link dev.prunebench.kernels.cpu.Peak})
 * beside it as a cross-check; the table alone where the Vector API is unavailable (said so).
 */
final class Peak {
    private static MeasuredPeak measured;
    private static boolean tried;

    private Peak() {}

    /** The measured peak, or null where the Vector API is unavailable. */
    static synchronized MeasuredPeak measured() {
        if (!tried) {
            tried = true;
            if (VectorKernels.availability().available()) measured = VectorKernels.measurePeak(5, 20, System::nanoTime);
        }
        return measured;
    }

    static double gflops(Machine.Clock clock) {
        MeasuredPeak m = measured();
        return m != null ? m.gflops() : dev.prunebench.kernels.cpu.Peak.gflops(clock);
    }

    static String describe(Machine.Clock clock) {
        MeasuredPeak m = measured();
        String table = dev.prunebench.kernels.cpu.Peak.describe(clock);
        return m != null ? "measured in this run: " + m.describe() + "; table cross-check: " + table
                : table + " (table only: " + VectorKernels.availability() + ")";
    }
}
