package dev.prunebench.kernels.mcu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.mcu.quant.McuLayer;
import dev.prunebench.kernels.mcu.quant.Precision;
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
        assertThat(b.kernels()).extracting(MatMul::id).containsExactly(Q15Reference.ID, Q15Reference.Q7_ID);
    }

    @ParameterizedTest
    @CsvSource({"dense, 16, 24, 1", "dense, 7, 13, 3", "csr, 16, 24, 1", "csr, 7, 13, 3", "gcsr:2, 16, 24, 1", "gcsr:2, 7, 13, 3",
            "gcsr:4, 16, 24, 1", "gcsr:4, 7, 13, 3"})
    void q7CloseToFp32AndEqualToTheEmulatedKernel(String spec, int m, int k, int n) {
        Random r = new Random(19L * m + k + n + spec.hashCode());
        float[] w = McuGeneratorTest.random(r, m * k, spec.equals("dense") ? 1 : 0.4);
        float[] x = McuGeneratorTest.random(r, k * n, 1);
        SparseFormat f = FormatSpec.parse(spec).encode(w, m, k);
        try (MatMul.Prepared p = new Q15Reference(Precision.Q7).prepare(f, x, n, 1)) {
            p.run();
            float[] ref = Verification.reference(new Dense(m, k, w), x, n);
            assertThat(Verification.compare(p.result(), ref, k).relError()).isLessThan(0.06);
            int[] raw = ((MatMul.FixedPoint) p).rawResult();
            QemuCortexM4Backend qemu = new QemuCortexM4Backend();
            assumeTrue(qemu.probe().available(), "mcu-qemu: " + qemu.probe().reason());
            try (McuKernel.McuPrepared board = QemuQ7KernelsTest.prepare(spec, w, m, k, x, n)) {
                assertThat(raw).as("q7 outputs of the Java arithmetic vs the emulated Cortex-M4").containsExactly(board.rawResult());
            }
        }
    }

    /**
     * Calibrated fixed scales: per-input mode is today's arithmetic (the same outputs as a fresh reference); calibration
     * runs give the same outputs as per-input; fixed scales hold X's exponent and the shift whatever the input, keep a
     * calibration input unsaturated, and saturate an input beyond the calibrated range.
     */
    @ParameterizedTest
    @CsvSource({"Q15, dense", "Q15, csr", "Q15, gcsr:2", "Q7, dense", "Q7, gcsr:4"})
    void calibratedFixedScalesSaturateBeyondTheCalibratedRange(Precision prec, String spec) {
        Random r = new Random(23);
        int m = 12, k = 40;
        float[] w = McuGeneratorTest.random(r, m * k, spec.equals("dense") ? 1 : 0.5);
        SparseFormat f = FormatSpec.parse(spec).encode(w, m, k);
        float[] x = new float[k];
        float[][] calib = new float[8][];
        for (int i = 0; i < calib.length; i++) calib[i] = McuGeneratorTest.random(r, k, 1);
        try (MatMul.Prepared p = new Q15Reference(prec).prepare(f, x, 1, 1)) {
            Q15Reference.Scaled s = (Q15Reference.Scaled) p;
            assertThat(s.mode()).isEqualTo(Q15Reference.Mode.PER_INPUT);
            assertThatThrownBy(s::fix).isInstanceOf(IllegalStateException.class).hasMessageContaining("calibration");
            s.calibrate();
            for (float[] c : calib) {
                System.arraycopy(c, 0, x, 0, k);
                p.run();
                McuLayer perInput = McuLayer.of(prec, McuKernel.layoutFor(f.spec(), McuLayer.Layout.values()), f, c, 1);
                assertThat(s.rawResult()).as("calibration runs use per-input scales").containsExactly(perInput.reference());
            }
            McuLayer.Scales fixed = s.fix();
            assertThat(s.mode()).isEqualTo(Q15Reference.Mode.FIXED);
            assertThat(s.scales()).isEqualTo(fixed);
            int perInputExp = McuLayer.of(prec, McuKernel.layoutFor(f.spec(), McuLayer.Layout.values()), f, calib[0], 1).expX();
            assertThat(fixed.expX()).isLessThanOrEqualTo(perInputExp);
            // a calibration input: nothing saturates, close to fp32
            for (float[] c : calib) {
                System.arraycopy(c, 0, x, 0, k);
                p.run();
                assertThat(s.saturatedOutputs()).isZero();
                float[] ref = Verification.reference(new Dense(m, k, w), c, 1);
                assertThat(Verification.compare(p.result(), ref, k).relError()).isLessThan(prec == Precision.Q7 ? 0.12 : 5e-3);
            }
            // an input 50 times the calibrated range: X saturates at the fixed exponent, outputs at the fixed shift
            for (int i = 0; i < k; i++) x[i] = 50 * calib[0][i];
            p.run();
            assertThat(s.saturatedOutputs()).isPositive();
            double bound = prec.max;
            float[] big = p.result();
            McuLayer l = McuLayer.of(prec, McuKernel.layoutFor(f.spec(), McuLayer.Layout.values()), f, x, 1, fixed);
            assertThat(l.expX()).isEqualTo(fixed.expX());
            assertThat(l.shift()).isEqualTo(fixed.shift());
            double top = Math.scalb(bound, -(l.expW() + fixed.expX() - fixed.shift()));
            for (float v : big) assertThat(Math.abs((double) v)).isLessThanOrEqualTo(top + Math.scalb(1.0, -(l.expW() + fixed.expX() - fixed.shift())));
            // per-input mode again: today's numbers
            s.perInput();
            p.run();
            assertThat(s.rawResult()).containsExactly(McuLayer.of(prec, McuKernel.layoutFor(f.spec(), McuLayer.Layout.values()), f, x, 1).reference());
            assertThat(s.saturatedOutputs()).isLessThan(m);
        }
    }

    @Test void calibratedScalesRefuseBadStatistics() {
        assertThatThrownBy(() -> McuLayer.Scales.calibrated(Precision.Q15, 10, Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAbsX");
        assertThatThrownBy(() -> new McuLayer.Scales(99, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expX");
        McuLayer.Scales s = McuLayer.Scales.calibrated(Precision.Q7, 7, 1.0, 4.0);
        assertThat(s.expX()).isEqualTo(6); // 1.0 · 2^6 = 64 ≤ 127, 2^7 = 128 does not fit
        assertThat(Math.floor(Math.scalb(4.0, 7 + 6 - s.shift()) + 0.5)).isLessThanOrEqualTo(127);
        assertThat(Math.floor(Math.scalb(4.0, 7 + 6 - s.shift() + 1) + 0.5)).isGreaterThan(127);
    }
}
