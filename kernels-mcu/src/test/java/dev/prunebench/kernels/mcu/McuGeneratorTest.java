package dev.prunebench.kernels.mcu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.kernels.mcu.gen.CGenerator;
import dev.prunebench.kernels.mcu.quant.McuLayer;
import dev.prunebench.kernels.mcu.quant.Precision;
import dev.prunebench.kernels.mcu.quant.Q15;
import dev.prunebench.kernels.mcu.run.CycleModel;
import dev.prunebench.kernels.mcu.run.Firmware;
import dev.prunebench.measure.Verification;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The parts that run anywhere: the q15 scheme, the layouts, the generated C, refusals, the counting arithmetic. */
class McuGeneratorTest {

    static float[] random(Random r, int len, double density) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = r.nextDouble() < density ? (float) r.nextGaussian() : 0f;
        return v;
    }

    @Test
    void exponentUsesTheWholeQ15RangeAndRoundsHalfUp() {
        assertThat(Q15.exponent(1.0)).isEqualTo(14);           // 1.0 · 2^15 = 32768 does not fit, 2^14 does
        assertThat(Q15.exponent(0.999)).isEqualTo(15);
        assertThat(Q15.exponent(3.0)).isEqualTo(13);
        assertThat(Q15.exponent(0)).isEqualTo(15);
        assertThat(Q15.quantise(0.5f / 32768, 15)).isEqualTo((short) 1);   // half rounds up
        assertThat(Q15.quantise(-0.5f / 32768, 15)).isEqualTo((short) 0);  // -0.5 rounds up to 0
        assertThat(Q15.quantise(5f, 15)).isEqualTo((short) 32767);         // saturates
        assertThat(Q15.quantise(-5f, 15)).isEqualTo((short) -32768);
    }

    @Test
    void requantisationIsQaddThenSsatWithRoundHalfUp() {
        assertThat(Q15.requantise(6, 2)).isEqualTo(2);     // 1.5 → 2
        assertThat(Q15.requantise(-6, 2)).isEqualTo(-1);   // −1.5 → −1 (half up)
        assertThat(Q15.requantise(5, 2)).isEqualTo(1);
        assertThat(Q15.requantise(40000, 0)).isEqualTo(32767);
        assertThat(Q15.requantise(Integer.MAX_VALUE, 1)).isEqualTo(32767); // QADD saturates, no wrap
        assertThat(Q15.requantise(Integer.MIN_VALUE, 16)).isEqualTo(-32768);
        assertThat(Q15.shiftFor(new int[] {32767, -32768})).isZero();
        assertThat(Q15.shiftFor(new int[] {32768})).isEqualTo(1);
        assertThat(Q15.shiftFor(new int[] {65534})).isEqualTo(1); // (65534 + 1) >> 1 = 32767 fits
        assertThat(Q15.shiftFor(new int[] {65535})).isEqualTo(2); // (65535 + 1) >> 1 = 32768 does not
    }

    @Test
    void integerReferenceIsTheFloatProductWithinQuantisationError() {
        Random r = new Random(7);
        int m = 40, k = 57, n = 3;
        float[] w = random(r, m * k, 0.4), x = random(r, k * n, 1.0);
        float[] ref = Verification.reference(new Dense(m, k, w), x, n);
        for (String spec : new String[] {"dense", "csr", "gcsr:2", "gcsr:4"}) {
            SparseFormat f = FormatSpec.parse(spec).encode(w, m, k);
            McuLayer l = McuLayer.of(layout(spec), f, x, n);
            float[] got = l.dequantise(l.reference());
            double err = 0, norm = 0;
            for (int i = 0; i < ref.length; i++) { err += (got[i] - ref[i]) * (got[i] - ref[i]); norm += ref[i] * ref[i]; }
            assertThat(Math.sqrt(err / norm)).as(spec).isLessThan(2e-3);
            assertThat(l.shift()).as(spec).isBetween(0, 16);
        }
        // every layout of the same W and X gives the same integers
        int[] dense = McuLayer.of(McuLayer.Layout.DENSE, new Dense(m, k, w), x, n).reference();
        assertThat(McuLayer.of(McuLayer.Layout.GCSR4, GroupedCsr.fromDense(w, m, k, 4), x, n).reference()).isEqualTo(dense);
        assertThat(McuLayer.of(McuLayer.Layout.CSR, Csr.fromDense(w, m, k), x, n).reference()).isEqualTo(dense);
    }

    @Test
    void xExponentIsLoweredUntilNoAccumulatorOverflows() {
        int k = 4096;
        float[] w = new float[k], x = new float[k];
        java.util.Arrays.fill(w, 0.99f);
        java.util.Arrays.fill(x, 0.99f);
        McuLayer l = McuLayer.of(McuLayer.Layout.DENSE, new Dense(1, k, w), x, 1);
        assertThat(l.expW()).isEqualTo(15);
        // 4096 · 32440 · x_q must stay below 2^31: x_q ≤ 16, e_X = 4; X keeps about 4 bits here (the scheme's worst case)
        assertThat(l.expX()).isEqualTo(4);
        assertThat(l.acc[0]).isPositive();
        assertThat(l.dequantise(l.reference())[0]).isCloseTo(0.99f * 0.99f * k, org.assertj.core.data.Percentage.withPercentage(2));
    }

    static McuLayer.Layout layout(String spec) {
        return switch (spec) {
            case "dense" -> McuLayer.Layout.DENSE;
            case "csr" -> McuLayer.Layout.CSR;
            case "gcsr:2" -> McuLayer.Layout.GCSR2;
            default -> McuLayer.Layout.GCSR4;
        };
    }

    @Test
    void generatedCHasTheStatedStructure() {
        Random r = new Random(3);
        float[] w = random(r, 16 * 24, 0.5), x = random(r, 24, 1);
        String dense = CGenerator.layerSource(McuLayer.of(McuLayer.Layout.DENSE, new Dense(16, 24, w), x, 1), 256);
        assertThat(dense).contains("const int16_t W_vals[384]", "int16_t X[24]", "int16_t Y[16];", "void layer(void)",
                "ldmia %[w]!, {r4, r5, r6, r8}", "smlad %[a], r8, r12, %[a]", "qadd", "ssat %0, #16, %1, asr %2",
                "LAYER_REPS = 256u", "uint32_t cnt = 3u;").doesNotContain("W_idx");
        String odd = CGenerator.layerSource(McuLayer.of(McuLayer.Layout.DENSE, new Dense(7, 13, random(r, 91, 1)), random(r, 13, 1), 1), 1);
        assertThat(odd).contains("#define KP 14u", "uint32_t cnt = 1u;", "ldr r4, [%[w]], #4");
        String csr = CGenerator.layerSource(McuLayer.of(McuLayer.Layout.CSR, Csr.fromDense(w, 16, 24), x, 1), 256);
        assertThat(csr).contains("const uint8_t W_idx[", "const uint8_t W_ptr[17]", "ldrb %[t0], [%[c]], #1", "smlabb", "typedef uint8_t idx_t;");
        float[] wide = random(r, 2 * 300, 0.5);
        String csrWide = CGenerator.layerSource(McuLayer.of(McuLayer.Layout.CSR, Csr.fromDense(wide, 2, 300), random(r, 300, 1), 1), 1);
        assertThat(csrWide).contains("const uint16_t W_idx[", "ldrh %[t0], [%[c]], #2");
        String g2 = CGenerator.layerSource(McuLayer.of(McuLayer.Layout.GCSR2, GroupedCsr.fromDense(w, 16, 24, 2), x, 1), 256);
        assertThat(g2).contains("ldr %[t0], [%[xb], %[t0], lsl #2]", "smlad %[a], %[t1], %[t0], %[a]", "OPAQUE(v)", "typedef uint8_t ptr_t;");
        String g4 = CGenerator.layerSource(McuLayer.of(McuLayer.Layout.GCSR4, GroupedCsr.fromDense(w, 16, 24, 4), x, 1), 256);
        assertThat(g4).contains("ldrd %[t0], %[t1], [%[v]], #8", "add %[t2], %[xb], %[t2], lsl #3");
    }

    @Test
    void kernelsTakeTheirFormatsAndRefuseOthersWithAReason() {
        McuKernel dense = McuKernel.dense(), csr = McuKernel.csr(), g = McuKernel.gcsr();
        assertThat(dense.refuses(FormatSpec.DENSE, 1)).isNull();
        assertThat(dense.refuses(FormatSpec.CSR, 1)).contains("csr");
        assertThat(csr.refuses(FormatSpec.CSR, 3)).isNull();
        assertThat(g.refuses(FormatSpec.grouped(2), 1)).isNull();
        assertThat(g.refuses(FormatSpec.grouped(4), 1)).isNull();
        assertThat(g.refuses(FormatSpec.grouped(8), 1)).contains("gcsr:2", "gcsr:4", "g = 8");
        assertThat(g.refuses(FormatSpec.CSR, 1)).isNotNull();
        assertThat(new QemuCortexM4Backend().kernels()).extracting(k -> k.id())
                .containsExactly("mcu-q15-dense", "mcu-q15-csr", "mcu-q15-gcsr", "mcu-q7-dense", "mcu-q7-csr", "mcu-q7-gcsr");
        assertThat(new QemuCortexM4Backend().kernels()).allMatch(k -> k.backendId().equals("mcu-qemu"));
        assertThat(McuKernel.gcsr(Precision.Q7).refuses(FormatSpec.grouped(8), 1)).contains("g = 8");
    }

    /** q7: 8-bit quantisation, the bytes in the SXTB16 order the kernels load, half the q15 flash, ssat #8 in the code. */
    @Test
    void q7LaysOutItsBytesForSxtb16() {
        assertThat(Precision.Q7.exponent(1.0)).isEqualTo(6);
        assertThat(Precision.Q7.exponent(0.99)).isEqualTo(7);
        assertThat(Precision.Q7.quantise(0.5f, 8)).isEqualTo((short) 127);   // 128 saturates
        assertThat(Precision.Q7.quantise(-0.5f, 8)).isEqualTo((short) -128);
        assertThat(Precision.Q7.requantise(1000, 3)).isEqualTo(125);         // (1000 + 4) >> 3
        assertThat(Precision.Q7.requantise(1100, 3)).isEqualTo(127);
        assertThat(Precision.Q7.shiftFor(new int[] {1000, -1024})).isEqualTo(3);
        float[] w = {1, 2, 3, 4, 5};
        McuLayer d = McuLayer.of(Precision.Q7, McuLayer.Layout.DENSE, new Dense(1, 5, w), new float[] {1, 1, 1, 1, 1}, 1);
        assertThat(d.kp).isEqualTo(8);
        byte[] b = d.q7Values();
        short[] q = d.wq;
        assertThat(b).containsExactly((byte) q[0], (byte) q[2], (byte) q[1], (byte) q[3], (byte) q[4], (byte) 0, (byte) 0, (byte) 0);
        // g = 2, one row of three kept pairs: two per word, the lone last one padded
        float[] g = {1, 2, 0, 0, 3, 4, 5, 6};
        McuLayer g2 = McuLayer.of(Precision.Q7, McuLayer.Layout.GCSR2, GroupedCsr.fromDense(g, 1, 8, 2), new float[8], 1);
        short[] v = g2.wq;
        assertThat(g2.q7Values()).containsExactly((byte) v[0], (byte) v[2], (byte) v[1], (byte) v[3], (byte) v[4], (byte) 0, (byte) v[5], (byte) 0);
        Random r = new Random(8);
        float[] big = random(r, 32 * 64, 1);
        McuLayer l7 = McuLayer.of(Precision.Q7, McuLayer.Layout.DENSE, new Dense(32, 64, big), random(r, 64, 1), 1);
        McuLayer l15 = McuLayer.of(McuLayer.Layout.DENSE, new Dense(32, 64, big), random(r, 64, 1), 1);
        assertThat(l7.weightBytes() * 2).isEqualTo(l15.weightBytes());
        String src = CGenerator.layerSource(l7, 1);
        assertThat(src).contains("ssat %0, #8", "sxtb16 r6, r4", "pkhbt", "const int8_t W_vals", "int8_t Y[", "LAYER_Y_BYTES = 1u");
        assertThat(CGenerator.layerSource(l15, 1)).doesNotContain("LAYER_Y_BYTES", "sxtb16");
    }

    @Test
    void threadsOtherThanOneAreRefused() {
        assertThatThrownBy(() -> McuKernel.dense().prepare(new Dense(2, 2, new float[4]), new float[2], 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads must be 1");
    }

    @Test
    void layersThatDoNotFitTheBoardAreRefusedWithTheirSizes() {
        // 1500 × 1500 q15 weights are 4.5 MB, over the 4 MB flash
        assertThatThrownBy(() -> McuKernel.dense().prepare(new Dense(1500, 1500, new float[1500 * 1500]), new float[1500], 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flash").hasMessageContaining("4500000 bytes").hasMessageContaining("4194304");
        // X of 1100 × 2000 q15 activations is 4.4 MB, over the 4 MB RAM
        float[] w = new float[1100];
        w[3] = 1;
        assertThatThrownBy(() -> McuKernel.csr().prepare(Csr.fromDense(w, 1, 1100), new float[1100 * 2000], 2000, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RAM").hasMessageContaining("4194304");
    }

    @Test
    void tickCountsBoundTheInstructionCountToOneInteger() {
        // 256 calls of a 2001-instruction function beyond the empty one: 512 256 instructions = 12 806.4 ticks
        Firmware.Run run = new Firmware.Run(new int[0], 256, 12832, 26, false, Map.of(), 0, 0, Path.of("."));
        assertThat(run.exact()).isTrue();
        assertThat(run.instructions()).isEqualTo(2002); // 2001 beyond the empty function, plus its bx lr
        Firmware.Run coarse = new Firmware.Run(new int[0], 4, 1000, 20, false, Map.of(), 0, 0, Path.of("."));
        assertThat(coarse.exact()).isFalse();
        assertThat(coarse.resolution()).isEqualTo(20.0);
        assertThat(coarse.instructions()).isEqualTo(9801);
    }

    @Test
    void cycleModelCountsTheInnerLoops() {
        Random r = new Random(5);
        McuLayer d = McuLayer.of(McuLayer.Layout.DENSE, new Dense(64, 128, random(r, 64 * 128, 1)), random(r, 128, 1), 1);
        CycleModel.Inner in = CycleModel.inner(d);
        assertThat(in.instructions()).isEqualTo(64L * 16 * 8);        // 16 iterations of 8 instructions per row
        assertThat(in.cycles()).isEqualTo(64L * (16 * 18 - 2));      // 5 + 5 + 4 + 1 + 3 per iteration, last branch 1
        assertThat(CycleModel.estimate(d, in.instructions() + 100)).isEqualTo(in.cycles() + 150);
    }
}
