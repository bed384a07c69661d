package dev.prunebench.kernels.cpu.generated;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.KernelFixtures;
import java.lang.management.ManagementFactory;

/**
 * Run in a forked JVM by {@link GeneratedCompilationTest}: prepares generated-csr (warm-up included) for one matrix,
 * then prints how many methods it generated and the bytes the timed runs allocated.
 */
public final class CompileProbe {
    private CompileProbe() {}

    public static void main(String[] args) {
        int m = Integer.parseInt(args[0]), k = Integer.parseInt(args[1]), n = Integer.parseInt(args[2]);
        float[] w = KernelFixtures.matrix(FormatSpec.CSR, m, k, 0.1, 11);
        float[] x = KernelFixtures.dense(k, n, 12);
        MatMul kernel = new GeneratedCsr(SpmmGenerator.Options.defaults(), GeneratedCsr.DEFAULT_WARMUP_ROUNDS, 100_000);
        try (MatMul.Prepared p = kernel.prepare(Csr.fromDense(w, m, k), x, n, 1)) {
            GeneratedPrepared g = (GeneratedPrepared) p;
            var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().threadId();
            for (int i = 0; i < 50; i++) p.run();
            long a0 = bean.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 200; i++) p.run();
            long a1 = bean.getThreadAllocatedBytes(tid);
            System.out.println("PROBE methods=" + g.report().methods() + " warmupMs=" + Math.round(g.report().warmupMs()) + " allocated=" + (a1 - a0) + " compiled=" + g.report().compiled());
        }
    }
}
