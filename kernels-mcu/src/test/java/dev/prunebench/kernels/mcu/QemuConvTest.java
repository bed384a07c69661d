package dev.prunebench.kernels.mcu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.ConvShape;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.measure.Verification;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Generated conv kernels under QEMU: bit-exact against the Java reference, counted. Skips without the tools. */
class QemuConvTest {
    static final QemuCortexM4Backend BACKEND = new QemuCortexM4Backend();

    @BeforeEach
    void tools() {
        assumeTrue(BACKEND.probe().available(), "mcu-qemu: " + BACKEND.probe().reason());
    }

    static McuConvKernel.Prepared prepare(String spec, float[] w, ConvShape s, float[] x) {
        SparseFormat f = FormatSpec.parse(spec).encode(w, s.outChannels(), s.patch());
        return (McuConvKernel.Prepared) ((McuKernel) QemuKernelsTest.kernel(spec)).prepareConv(f, s, x, 1);
    }

    @ParameterizedTest
    @CsvSource({
            "dense, 1, 7, 9, 3, 3, 0", "dense, 3, 9, 8, 4, 5, 0", "dense, 2, 5, 5, 1, 5, 0", "dense, 1, 6, 6, 2, 3, 0.5",
            "csr, 1, 7, 9, 3, 3, 0", "csr, 3, 9, 8, 4, 5, 0.5", "csr, 2, 11, 7, 5, 3, 0.9", "csr, 1, 9, 9, 3, 5, 1.0",
            "gcsr:2, 1, 7, 9, 3, 3, 0", "gcsr:2, 3, 9, 8, 4, 5, 0.5", "gcsr:2, 2, 11, 7, 5, 3, 0.9", "gcsr:2, 1, 9, 9, 3, 5, 1.0",
            "gcsr:2, 4, 6, 7, 3, 5, 0.5", "csr, 4, 6, 7, 3, 5, 0.9",
            "gcsr:2, 2, 5, 3, 2, 3, 0.5", "dense, 3, 4, 4, 2, 1, 0", "csr, 3, 4, 4, 2, 1, 0.5", "gcsr:2, 3, 4, 4, 2, 1, 0"})
    void bitExactAgainstTheJavaReference(String spec, int c, int h, int w, int oc, int k, double pruned) {
        ConvShape s = new ConvShape(c, h, w, oc, k);
        Random r = new Random(spec.hashCode() * 17L + c * 101L + h * 13L + w + oc * 7L + k);
        float[] wt = McuConvTest.weights(r, spec, s, pruned), x = McuGeneratorTest.random(r, s.inputSize(), 1);
        try (McuConvKernel.Prepared p = prepare(spec, wt, s, x)) {
            Verification v = Verification.verify(p, null, s.patch());
            assertThat(v.passed()).as(spec + " " + s + ": " + v.rule()).isTrue();
            assertThat(p.rawResult()).containsExactly(p.integerReference());
            float[] ref = Verification.reference(new Dense(oc, s.patch(), wt), McuConvTest.im2col(x, s), s.pixels());
            if (pruned < 1) assertThat(Verification.compare(p.result(), ref, s.patch()).relError()).isLessThan(2e-3);
            MatMul.Counts cnt = p.counts();
            assertThat(p.firmwareRun().exact()).isTrue();
            assertThat(cnt.values()).containsKeys("instructions", "cycles_estimated", "flash_bytes", "ram_bytes", "firmware_flash_bytes", "macs");
            long inner = McuConvKernel.inner(p.layer())[0];
            assertThat(cnt.values().get("instructions")).isBetween(inner, inner + 60L * oc * s.pixels() + 30L * s.pixels() + 60);
            assertThat(cnt.values().get("ram_bytes")).isEqualTo(p.layer().activationBytes());
            assertThat(cnt.values().get("flash_bytes")).isGreaterThanOrEqualTo(p.layer().weightBytes());
        }
    }

    @Test
    void countsAreDeterministicAndTheBuildIsCached() {
        ConvShape s = new ConvShape(2, 8, 8, 3, 3);
        Random r = new Random(5);
        float[] w = McuConvTest.weights(r, "gcsr:2", s, 0.5), x = McuGeneratorTest.random(r, s.inputSize(), 1);
        try (var a = prepare("gcsr:2", w, s, x); var b = prepare("gcsr:2", w, s, x)) {
            assertThat(b.firmwareRun().dir()).isEqualTo(a.firmwareRun().dir());
            assertThat(b.counts()).isEqualTo(a.counts());
        }
    }

    static double perMac(McuConvKernel.Prepared p, String what) {
        try (p) {
            assertThat(Verification.verify(p, null, p.layer().shape().patch()).passed()).isTrue();
            assertThat(p.firmwareRun().exact()).as(what + ": exact count").isTrue();
            long ins = p.counts().values().get("instructions"), macs = p.counts().values().get("macs");
            double per = (double) ins / macs;
            System.out.printf(Locale.ROOT, "mcu conv %-36s instructions %9d  MACs %8d  per MAC %.3f  cycles_estimated %9d (%.3f per MAC)  flash %7d B  ram %6d B%n",
                    what, ins, macs, per, p.counts().values().get("cycles_estimated"),
                    (double) p.counts().values().get("cycles_estimated") / macs, p.counts().values().get("flash_bytes"),
                    p.counts().values().get("ram_bytes"));
            return per;
        }
    }

    /**
     * Instructions per executed MAC against the targets: dense ≤ 1.5 per MAC including the patch copy, CSR direct
     * conv ≤ 6 per non-zero, gcsr:2 ≤ 3.2 per kept MAC (including the pair image built per call; a pair split at a channel boundary costs an entry per half).
     */
    @Test
    void instructionsPerMacMeetTheTargets() {
        ConvShape s = new ConvShape(4, 12, 12, 16, 5);
        Random r = new Random(2017);
        float[] x = McuGeneratorTest.random(r, s.inputSize(), 1);
        double d = perMac(prepare("dense", McuConvTest.weights(r, "dense", s, 0), s, x), "4x12x12 -> 16, 5x5 dense");
        double c = perMac(prepare("csr", McuConvTest.weights(r, "csr", s, 0.9), s, x), "4x12x12 -> 16, 5x5 csr 90 %");
        double g = perMac(prepare("gcsr:2", McuConvTest.weights(r, "gcsr:2", s, 0.75), s, x), "4x12x12 -> 16, 5x5 gcsr:2 75 % pairs");
        assertThat(d).as("dense instructions per MAC").isLessThanOrEqualTo(1.5);
        assertThat(c).as("csr instructions per non-zero").isLessThanOrEqualTo(6.0);
        assertThat(g).as("gcsr:2 instructions per kept MAC").isLessThanOrEqualTo(3.2);
    }

    /** LeNet-5's conv1 (1×28×28 → 20×24×24) and conv2 (20×12×12 → 50×8×8), 5×5, dense (≤ 2 per MAC) and 92 % pruned. */
    @Test
    void leNet5ConvLayersRunWholeAndExactly() {
        Random r = new Random(5);
        for (ConvShape s : new ConvShape[] {new ConvShape(1, 28, 28, 20, 5), new ConvShape(20, 12, 12, 50, 5)}) {
            float[] x = McuGeneratorTest.random(r, s.inputSize(), 1);
            String name = s.inChannels() == 1 ? "LeNet-5 conv1" : "LeNet-5 conv2";
            for (String[] c : new String[][] {{"dense", "dense", "0"}, {"csr", "csr 92 %", "0.92"}, {"gcsr:2", "gcsr:2 92 % pairs", "0.92"}}) {
                long t0 = System.nanoTime();
                McuConvKernel.Prepared p = prepare(c[0], McuConvTest.weights(r, c[0], s, Double.parseDouble(c[2])), s, x);
                double per = perMac(p, name + " " + c[1]);
                if (c[0].equals("dense")) assertThat(per).as(name + " dense instructions per MAC, patch copy included").isLessThanOrEqualTo(2.0);
                System.out.printf(Locale.ROOT, "mcu conv   prepare (generate, build, run, or cache hit) %.2f s%n", (System.nanoTime() - t0) / 1e9);
            }
        }
    }
}
