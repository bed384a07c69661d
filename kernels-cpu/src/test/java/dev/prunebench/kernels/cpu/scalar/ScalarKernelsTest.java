package dev.prunebench.kernels.cpu.scalar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.KernelFixtures;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ScalarKernelsTest {

    @Test
    void listsOneKernelPerFormatUnderTheAgreedIds() {
        assertThat(ScalarKernels.all()).extracting(MatMul::id).containsExactly("dense-scalar", "csr-scalar", "gcsr-scalar", "nm-scalar");
        assertThat(ScalarKernels.all()).extracting(MatMul::backendId).containsOnly("cpu-scalar");
        assertThat(ScalarKernels.availability().available()).isTrue();
        assertThat(ScalarKernels.kernel("nm-scalar")).containsSame(ScalarKernels.all().get(3));
        assertThat(ScalarKernels.backend().id()).isEqualTo("cpu-scalar");
    }

    /**
     * run() is the timed call: it must not allocate, with one thread or with the pool. Measured on the calling
     * thread with HotSpot's per-thread allocation counter (skipped on a VM without one).
     */
    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void runDoesNotAllocate(int threads) {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb && tb.isThreadAllocatedMemorySupported(),
                "no per-thread allocation counter on this VM");
        var tb = (com.sun.management.ThreadMXBean) bean;
        tb.setThreadAllocatedMemoryEnabled(true);
        float[] w = KernelFixtures.matrix(FormatSpec.CSR, 40, 30, 0.3, 9);
        float[] x = KernelFixtures.dense(30, 5, 10);
        for (MatMul k : ScalarKernels.all()) {
            FormatSpec spec = switch (k.id()) {
                case "dense-scalar" -> FormatSpec.DENSE;
                case "csr-scalar" -> FormatSpec.CSR;
                case "gcsr-scalar" -> FormatSpec.grouped(4);
                default -> FormatSpec.nm(2, 4);
            };
            float[] wm = KernelFixtures.matrix(spec, 40, 30, 0.3, 9);
            try (MatMul.Prepared p = k.prepare(spec.encode(wm, 40, 30), x, 5, threads)) {
                for (int i = 0; i < 50; i++) p.run();
                long id = Thread.currentThread().threadId();
                long before = tb.getThreadAllocatedBytes(id);
                for (int i = 0; i < 200; i++) p.run();
                long after = tb.getThreadAllocatedBytes(id);
                assertThat(after - before).as(k.id() + " bytes allocated by 200 runs").isLessThan(200);
            }
        }
    }
}
