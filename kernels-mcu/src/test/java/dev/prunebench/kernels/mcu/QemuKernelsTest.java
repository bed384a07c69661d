package dev.prunebench.kernels.mcu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.mcu.run.CycleModel;
import dev.prunebench.kernels.mcu.run.Firmware;
import dev.prunebench.measure.Verification;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real path: generated firmware cross-compiled, run under QEMU, outputs and counts read back. Skips without the tools. */
class QemuKernelsTest {
    static final QemuCortexM4Backend BACKEND = new QemuCortexM4Backend();

    /** Per test (not per class), so each one is reported skipped with the probe's reason. */
    @BeforeEach
    void tools() {
        assumeTrue(BACKEND.probe().available(), "mcu-qemu: " + BACKEND.probe().reason());
    }

    static MatMul kernel(String spec) {
        return switch (FormatSpec.parse(spec).kind()) {
            case DENSE -> McuKernel.dense();
            case CSR -> McuKernel.csr();
            default -> McuKernel.gcsr();
        };
    }

    static McuKernel.McuPrepared prepare(String spec, float[] w, int m, int k, float[] x, int n) {
        SparseFormat f = FormatSpec.parse(spec).encode(w, m, k);
        return (McuKernel.McuPrepared) kernel(spec).prepare(f, x, n, 1);
    }

    /** The counting method on loops of known length: {@code ldr r0, =N; 1: subs r0, #1; bne 1b; bx lr} is 2N + 2. */
    @ParameterizedTest
    @CsvSource({"1", "1000", "1001", "1017", "12345", "100000"})
    void countsAKnownLoopExactly(int iterations) {
        String src = """
                #include <stdint.h>
                const uint32_t LAYER_OUTPUTS = 1u;
                const uint32_t LAYER_REPS = 256u;
                int16_t Y[1] = {7};
                __attribute__((naked, noinline)) void layer(void) {
                    __asm__ volatile("ldr r0, =%c0\\n1:\\n\\tsubs r0, r0, #1\\n\\tbne 1b\\n\\tbx lr\\n\\t.ltorg" :: "i"(ITER));
                }
                """.replace("ITER", iterations + "u");
        Firmware.Run run = Firmware.buildAndRun(src, 1);
        assertThat(run.outputs()).containsExactly(7);
        assertThat(run.exact()).isTrue();
        assertThat(run.instructions()).isEqualTo(2L * iterations + 2);
    }

    @ParameterizedTest
    @CsvSource({
            "dense, 16, 24, 1", "dense, 16, 24, 3", "dense, 7, 13, 1", "dense, 7, 13, 3", "dense, 1, 1, 1", "dense, 5, 2, 2",
            "csr, 16, 24, 1", "csr, 16, 24, 3", "csr, 7, 13, 1", "csr, 7, 13, 3", "csr, 1, 1, 1",
            "gcsr:2, 16, 24, 1", "gcsr:2, 16, 24, 3", "gcsr:2, 7, 13, 1", "gcsr:2, 7, 13, 3",
            "gcsr:4, 16, 24, 1", "gcsr:4, 16, 24, 3", "gcsr:4, 7, 13, 1", "gcsr:4, 7, 13, 3", "gcsr:4, 3, 2, 1"})
    void bitExactAgainstTheJavaReference(String spec, int m, int k, int n) {
        Random r = new Random(31L * m + k + 7L * n + spec.hashCode());
        float[] w = McuGeneratorTest.random(r, m * k, spec.equals("dense") ? 1 : 0.4);
        if (m > 2) java.util.Arrays.fill(w, k, 2 * k, 0f); // an empty row
        float[] x = McuGeneratorTest.random(r, k * n, 1);
        try (McuKernel.McuPrepared p = prepare(spec, w, m, k, x, n)) {
            Verification v = Verification.verify(p, null, k);
            assertThat(v.passed()).as(spec + " " + m + "x" + k + " n=" + n + ": " + v.rule()).isTrue();
            assertThat(p.rawResult()).containsExactly(p.integerReference());
            float[] ref = Verification.reference(new Dense(m, k, w), x, n);
            assertThat(Verification.compare(p.result(), ref, k).relError()).isLessThan(2e-3);
            MatMul.Counts c = p.counts();
            assertThat(c.cost()).isEqualTo("instructions");
            assertThat(p.firmwareRun().exact()).isTrue();
            assertThat(c.values()).containsKeys("instructions", "cycles_estimated", "flash_bytes", "ram_bytes", "firmware_flash_bytes", "macs");
            long inner = CycleModel.inner(p.layer()).instructions();
            assertThat(c.values().get("instructions")).isBetween(inner, inner + 40L * m * n + 40);
            assertThat(c.values().get("flash_bytes")).isGreaterThanOrEqualTo(p.layer().weightBytes());
            assertThat(c.values().get("ram_bytes")).isEqualTo(p.layer().activationBytes());
        }
    }

    @Test
    void registryServesTheKernelsAndTheDenseBaseline() {
        KernelRegistry reg = KernelRegistry.probe(List.of(BACKEND));
        assertThat(reg.kernels()).extracting(MatMul::id).containsExactly("mcu-q15-dense", "mcu-q15-csr", "mcu-q15-gcsr",
                "mcu-q7-dense", "mcu-q7-csr", "mcu-q7-gcsr");
        assertThat(reg.denseBaselines("mcu", 1)).extracting(MatMul::id).containsExactly("mcu-q15-dense", "mcu-q7-dense");
    }

    @Test
    void theSameLayerIsBuiltOnceAndFoundInTheCache() {
        Random r = new Random(11);
        float[] w = McuGeneratorTest.random(r, 12 * 20, 0.5), x = McuGeneratorTest.random(r, 20, 1);
        try (var a = prepare("csr", w, 12, 20, x, 1); var b = prepare("csr", w, 12, 20, x, 1)) {
            assertThat(b.firmwareRun().dir()).isEqualTo(a.firmwareRun().dir());
            assertThat(b.counts()).isEqualTo(a.counts());
        }
    }

    /**
     * Executed instructions per MAC of a 64 × 128 layer, N = 1, against the targets (dense ≤ 1.4 per MAC, SIMD-aware
     * g = 2 ≤ 3 per kept MAC, CSR ≤ 6 per non-zero). The count is the whole call: inner loops, row loop, requantisation,
     * prologue and return (the harness's call loop is subtracted by counting an empty function the same way).
     */
    @Test
    void instructionsPerMacMeetTheTargets() {
        int m = 64, k = 128;
        Random r = new Random(2017);
        float[] x = McuGeneratorTest.random(r, k, 1);
        float[] dense = McuGeneratorTest.random(r, m * k, 1);
        float[] unstructured = McuGeneratorTest.random(r, m * k, 0.1); // 90 % pruned
        // SIMD-aware: keep 25 % of the aligned groups whole
        float[] g2 = groups(r, dense, m, k, 2, 0.25), g4 = groups(r, dense, m, k, 4, 0.25);
        double dpm = perMac(prepare("dense", dense, m, k, x, 1), "dense");
        double cpm = perMac(prepare("csr", unstructured, m, k, x, 1), "csr (90 % pruned)");
        double g2pm = perMac(prepare("gcsr:2", g2, m, k, x, 1), "gcsr:2 (75 % of pairs pruned)");
        double g4pm = perMac(prepare("gcsr:4", g4, m, k, x, 1), "gcsr:4 (75 % of quads pruned)");
        assertThat(dpm).as("dense instructions per MAC").isLessThanOrEqualTo(1.4);
        assertThat(g2pm).as("gcsr:2 instructions per kept MAC").isLessThanOrEqualTo(3.0);
        assertThat(cpm).as("csr instructions per non-zero").isLessThanOrEqualTo(6.0);
        assertThat(g4pm).as("gcsr:4 instructions per kept MAC").isLessThanOrEqualTo(g2pm);
    }

    static float[] groups(Random r, float[] w, int m, int k, int g, double keep) {
        float[] out = new float[w.length];
        for (int row = 0; row < m; row++)
            for (int j = 0; j < k; j += g)
                if (r.nextDouble() < keep) System.arraycopy(w, row * k + j, out, row * k + j, Math.min(g, k - j));
        return out;
    }

    static double perMac(McuKernel.McuPrepared p, String what) {
        try (p) {
            assertThat(Verification.verify(p, null, p.layer().cols()).passed()).isTrue();
            long ins = p.counts().values().get("instructions"), macs = p.counts().values().get("macs");
            double per = (double) ins / macs;
            System.out.printf(Locale.ROOT, "mcu %-32s instructions %7d  MACs %6d  per MAC %.3f  cycles_estimated %7d (%.3f per MAC)  flash %6d B%n",
                    what, ins, macs, per, p.counts().values().get("cycles_estimated"),
                    (double) p.counts().values().get("cycles_estimated") / macs, p.counts().values().get("flash_bytes"));
            return per;
        }
    }

    @Test
    void gcsrRefusesOtherGroupSizesBeforeBuilding() {
        float[] w = new float[4 * 8];
        w[0] = 1;
        assertThat(McuKernel.gcsr().refuses(FormatSpec.grouped(8), 1)).isNotNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> McuKernel.gcsr().prepare(GroupedCsr.fromDense(w, 4, 8, 8), new float[8], 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("g = 8");
    }

    /**
     * A whole LeNet-300-100 first layer (300 × 784, N = 1), dense and pruned to 92 %: builds, runs and verifies
     * bit-exactly in seconds (printed, not asserted: unit tests do not assert speed), with exact counts.
     */
    @Test
    void aLeNetSizedLayerRunsWholeAndExactly() {
        int m = 300, k = 784;
        Random r = new Random(300);
        float[] x = McuGeneratorTest.random(r, k, 1), w = McuGeneratorTest.random(r, m * k, 1);
        float[] g2 = groups(r, w, m, k, 2, 0.08), un = McuGeneratorTest.random(r, m * k, 0.08);
        for (String[] c : new String[][] {{"dense", "dense"}, {"gcsr:2", "gcsr:2 (92 % of pairs pruned)"}, {"csr", "csr (92 % pruned)"}}) {
            long t0 = System.nanoTime();
            McuKernel.McuPrepared p = prepare(c[0], c[0].equals("dense") ? w : c[0].equals("csr") ? un : g2, m, k, x, 1);
            assertThat(p.firmwareRun().exact()).isTrue();
            perMac(p, "LeNet fc1 " + c[1]);
            System.out.printf(Locale.ROOT, "mcu   prepare (generate, build, run, or cache hit) %.2f s, firmware flash %d B%n",
                    (System.nanoTime() - t0) / 1e9, p.counts().values().get("firmware_flash_bytes"));
        }
    }
}
