package dev.prunebench.kernels.mcu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.ConvShape;
import dev.prunebench.kernels.mcu.quant.McuConv;
import dev.prunebench.kernels.mcu.quant.McuLayer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The conv layers' quantisation, layout and integer reference, without the tools. */
class McuConvTest {

    /** im2col of one CHW image: rows (c, ky, kx), columns (oy, ox), as models' Conv2d builds it. */
    static float[] im2col(float[] x, ConvShape s) {
        int k = s.kernel(), p = s.pixels();
        float[] cols = new float[s.patch() * p];
        for (int c = 0; c < s.inChannels(); c++)
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++) {
                    int row = (c * k + ky) * k + kx;
                    for (int oy = 0; oy < s.outH(); oy++)
                        for (int ox = 0; ox < s.outW(); ox++)
                            cols[row * p + oy * s.outW() + ox] = x[c * s.inH() * s.inW() + (oy + ky) * s.inW() + ox + kx];
                }
        return cols;
    }

    /** W with a fraction {@code pruned} of its pairs (gcsr:2) or values (others) zeroed. */
    static float[] weights(Random r, String spec, ConvShape s, double pruned) {
        int m = s.outChannels(), k = s.patch();
        float[] w = McuGeneratorTest.random(r, m * k, 1);
        if (spec.startsWith("gcsr")) {
            for (int row = 0; row < m; row++)
                for (int j = 0; j < k; j += 2)
                    if (r.nextDouble() < pruned) for (int t = j; t < Math.min(k, j + 2); t++) w[row * k + t] = 0f;
        } else {
            for (int i = 0; i < w.length; i++) if (r.nextDouble() < pruned) w[i] = 0f;
        }
        return w;
    }

    static McuLayer.Layout fcLayout(McuConv.Layout l) {
        return switch (l) { case DENSE -> McuLayer.Layout.DENSE; case CSR -> McuLayer.Layout.CSR; case GCSR2 -> McuLayer.Layout.GCSR2; };
    }

    /**
     * The direct conv's integer outputs are those of im2col + the FC kernels' arithmetic (what mcu-q15-java runs for a
     * network's conv layers), bit for bit, with the same exponents and shift.
     */
    @ParameterizedTest
    @CsvSource({"dense, 1, 7, 9, 3, 3, 0", "dense, 3, 8, 7, 4, 5, 0", "csr, 2, 9, 9, 5, 3, 0.5", "csr, 3, 11, 8, 2, 5, 0.9",
            "gcsr:2, 1, 9, 11, 3, 5, 0.5", "gcsr:2, 4, 7, 7, 5, 3, 0.9", "gcsr:2, 2, 6, 6, 2, 3, 0", "csr, 1, 5, 5, 2, 3, 1.0",
            "gcsr:2, 2, 5, 3, 2, 3, 0.5", "gcsr:2, 3, 4, 4, 2, 1, 0"})
    void directConvEqualsIm2colThroughTheFcArithmetic(String spec, int c, int h, int w, int oc, int k, double pruned) {
        ConvShape s = new ConvShape(c, h, w, oc, k);
        Random r = new Random(spec.hashCode() + 31L * c + h * 7L + w + k);
        SparseFormat f = FormatSpec.parse(spec).encode(weights(r, spec, s, pruned), oc, s.patch());
        float[] x = McuGeneratorTest.random(r, s.inputSize(), 1);
        McuConv conv = McuConv.of(McuConvKernel.layoutFor(f.spec()), f, s, x);
        McuLayer fc = McuLayer.of(fcLayout(conv.layout()), f, im2col(x, s), s.pixels());
        assertThat(conv.reference()).containsExactly(fc.reference());
        assertThat(conv.expX()).isEqualTo(fc.expX());
        assertThat(conv.shift()).isEqualTo(fc.shift());
    }

    @Test
    void offsetsAndPairsFollowTheChwLayout() {
        ConvShape s = new ConvShape(2, 6, 7, 1, 3);
        assertThat(McuConv.offset(s, 0)).isZero();
        assertThat(McuConv.offset(s, 4)).isEqualTo(7 + 1);        // ky 1, kx 1
        assertThat(McuConv.offset(s, 9)).isEqualTo(42);           // channel 1, ky 0, kx 0
        assertThat(McuConv.adjacent(s, 0)).isTrue();
        assertThat(McuConv.adjacent(s, 2)).isFalse();             // kx 2 → next row
        assertThat(McuConv.adjacent(s, 17)).isFalse();            // last column
        assertThat(McuConv.crossesRow(s, 2)).isTrue();            // (0, 0, 2) → (0, 1, 0): S, d = 7 − 3 + 1
        assertThat(McuConv.crossesRow(s, 8)).isFalse();           // (0, 2, 2) → (1, 0, 0): a channel boundary, split
        assertThat(McuConv.crossesRow(s, 17)).isFalse();
    }

    @Test
    void refusesWhatItDoesNotGenerate() {
        ConvShape s = new ConvShape(1, 8, 8, 2, 3);
        assertThat(McuKernel.gcsr().refusesConv(FormatSpec.grouped(4), s)).contains("gcsr:2 only");
        assertThat(McuKernel.dense().refusesConv(FormatSpec.DENSE, s)).isNull();
        assertThat(McuKernel.dense().refusesConv(FormatSpec.DENSE, new ConvShape(1, 600, 600, 2, 5))).contains("immediate offsets");
        assertThat(McuKernel.csr().refusesConv(FormatSpec.parse("csr"), new ConvShape(1, 600, 600, 2, 5))).isNull();
        assertThat(McuKernel.gcsr().refusesConv(FormatSpec.grouped(2), new ConvShape(1, 4, 3000, 2, 3))).contains("pair image");
        assertThat(McuKernel.gcsr().refusesConv(FormatSpec.grouped(2), new ConvShape(1, 4, 2000, 2, 3))).isNull();
        assertThatThrownBy(() -> McuKernel.dense().prepareConv(FormatSpec.DENSE.encode(new float[2 * 9], 2, 9), s, new float[63], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input has length 63");
        assertThatThrownBy(() -> McuKernel.dense().prepareConv(FormatSpec.DENSE.encode(new float[2 * 8], 2, 8), s, new float[64], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 2×9");
        assertThatThrownBy(() -> new ConvShape(1, 2, 8, 1, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("smaller");
    }

    @Test
    void aLayerTooLargeForTheRamIsRefusedBeforeBuilding() {
        ConvShape s = new ConvShape(4, 600, 600, 4, 3); // input 2.9 MB + output 2.9 MB of q15
        float[] w = new float[4 * s.patch()];
        w[0] = 1;
        assertThatThrownBy(() -> McuKernel.csr().prepareConv(FormatSpec.parse("csr").encode(w, 4, s.patch()), s, new float[s.inputSize()], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RAM");
    }
}
