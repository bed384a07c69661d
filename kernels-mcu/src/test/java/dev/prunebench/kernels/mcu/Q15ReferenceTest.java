package dev.prunebench.kernels.mcu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.measure.Verification;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The host-side q15 arithmetic: the board's outputs bit for bit (checked under QEMU when it is there), read in place. */
class Q15ReferenceTest {

    @ParameterizedTest
    @CsvSource({"dense, 16, 24, 1", "dense, 7, 13, 3", "csr, 16, 24, 1", "csr, 7, 13, 3", "gcsr:2, 16, 24, 1", "gcsr:2, 7, 13, 3",
            "gcsr:4, 16, 24, 1", "gcsr:4, 7, 13, 3"})
    void closeToFp32AndEqualToTheEmulatedKernel(String spec, int m, int k, int n) {
        Random r = new Random(17L * m + k + n + spec.hashCode());
        float[] w = McuGeneratorTest.random(r, m * k, spec.equals("dense") ? 1 : 0.4);
        float[] x = McuGeneratorTest.random(r, k * n, 1);
        SparseFormat f = FormatSpec.parse(spec).encode(w, m, k);
        try (MatMul.Prepared p = new Q15Reference().prepare(f, x, n, 1)) {
            p.run();
            float[] ref = Verification.reference(new Dense(m, k, w), x, n);
            assertThat(Verification.compare(p.result(), ref, k).relError()).isLessThan(2e-3);
            int[] raw = ((MatMul.FixedPoint) p).rawResult();
            QemuCortexM4Backend qemu = new QemuCortexM4Backend();
            assumeTrue(qemu.probe().available(), "mcu-qemu: " + qemu.probe().reason());
            try (McuKernel.McuPrepared board = QemuKernelsTest.prepare(spec, w, m, k, x, n)) {
                assertThat(raw).as("q15 outputs of the Java arithmetic vs the emulated Cortex-M4").containsExactly(board.rawResult());
            }
        }
    }

    @Test void readsXInPlaceAndRequantisesPerCall() {
        Random r = new Random(3);
        int m = 5, k = 9;
        float[] w = McuGeneratorTest.random(r, m * k, 1);
        float[] x = McuGeneratorTest.random(r, k, 1);
        try (MatMul.Prepared p = new Q15Reference().prepare(new Dense(m, k, w), x, 1, 1)) {
            p.run();
            float[] first = p.result();
            for (int i = 0; i < x.length; i++) x[i] *= 100; // a new input of a larger range: new scales, same relative error
            p.run();
            float[] second = p.result();
            for (int i = 0; i < m; i++) assertThat((double) second[i]).isCloseTo(100.0 * first[i], org.assertj.core.data.Offset.offset(0.02 * Math.abs(100.0 * first[i]) + 1e-2));
            java.util.Arrays.fill(x, 0f);
            p.run();
            assertThat(p.result()).containsOnly(0f);
        }
    }

    @Test void refusesOtherFormats() {
        assertThat(new Q15Reference().refuses(FormatSpec.parse("gcsr:8"), 1)).contains("gcsr:8");
        assertThat(new Q15Reference().refuses(FormatSpec.parse("nm:2:4"), 1)).isNotNull();
        assertThatThrownBy(() -> new Q15Reference().prepare(FormatSpec.parse("gcsr:8").encode(new float[16], 2, 8), new float[8], 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gcsr:8");
    }

    @Test void backendIsAReferenceOnTheMcuPlatform() {
        var b = new Q15Reference.JavaBackend();
        assertThat(b.probe().available()).isTrue();
        assertThat(b.platform()).isEqualTo("mcu");
        assertThat(b.referenceOnly()).isTrue();
        assertThat(b.modelled()).isTrue();
        assertThat(b.kernels()).extracting(MatMul::id).containsExactly(Q15Reference.ID);
    }
}
