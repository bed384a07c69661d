package dev.prunebench.experiments.sparsert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.io.Npy;
import dev.prunebench.measure.Patterns;
import dev.prunebench.results.Scale;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparseRtConvTest {

    @Test
    void imbalancedWeightsHitTheWantedRowLengthSpreadAndTheExactRate() {
        for (double rate : new double[] {0.90, 0.95})
            for (int[] s : new int[][] {{128, 128}, {64, 576}, {256, 2304}}) {
                ImbalancedWeights.Layer l = ImbalancedWeights.generate(s[0], s[1], rate, 2.0, 7);
                long nnz = 0;
                for (float v : l.pruned().data()) if (v != 0) nnz++;
                assertThat(nnz).isEqualTo(Math.round((1 - rate) * s[0] * s[1]));
                assertThat(l.cvRatio()).as("CV ratio for %dx%d at %.2f", s[0], s[1], rate).isBetween(1.7, 2.3);
                // a uniform random mask sits near ratio 1: the generator really adds imbalance
                float[] u = Patterns.uniform(s[0], s[1], rate, 7).data();
                assertThat(ImbalancedWeights.rowCv(u, s[0], s[1]) / l.uniformCv()).isBetween(0.7, 1.3);
            }
        assertThatThrownBy(() -> ImbalancedWeights.generate(4, 4, 1.0, 2, 1)).hasMessageContaining("rate");
    }

    @Test
    void im2colTimesWeightsIsTheDirectConvolution() {
        int c = 3, h = 5, w = 4, cout = 2;
        float[] in = Patterns.normalVector(c * h * w, 1), wt = Patterns.normalVector(cout * 9 * c, 2);
        float[] col = SparseRtConv.im2col3x3(in, c, h, w);
        for (int o = 0; o < cout; o++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    double direct = 0, gemm = 0;
                    for (int ch = 0; ch < c; ch++)
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 3; kx++) {
                                int sy = y + ky - 1, sx = x + kx - 1;
                                if (sy >= 0 && sy < h && sx >= 0 && sx < w) direct += wt[o * 9 * c + ch * 9 + ky * 3 + kx] * in[ch * h * w + sy * w + sx];
                            }
                    for (int r = 0; r < 9 * c; r++) gemm += wt[o * 9 * c + r] * col[r * h * w + y * w + x];
                    assertThat(gemm).isCloseTo(direct, org.assertj.core.data.Offset.offset(1e-4));
                }
    }

    @Test
    void userLayersAreReadFromTheFolderAndBadInputNamesTheFile(@TempDir Path dir) throws Exception {
        String old = System.getProperty(SparseRtConv.WEIGHTS_PROPERTY);
        try {
            System.setProperty(SparseRtConv.WEIGHTS_PROPERTY, dir.resolve("missing").toString());
            assertThatThrownBy(SparseRtConv::userLayers).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a folder");
            System.setProperty(SparseRtConv.WEIGHTS_PROPERTY, dir.toString());
            assertThatThrownBy(SparseRtConv::userLayers).hasMessageContaining("holds no .npy file");
            Files.write(dir.resolve("conv1.npy"), Npy.encodeFloats(8, 16, Patterns.normalVector(128, 3)));
            var layers = SparseRtConv.userLayers();
            assertThat(layers).hasSize(1);
            assertThat(layers.get(0).id()).isEqualTo("user-conv1");
            assertThat(layers.get(0).m()).isEqualTo(8);
            assertThat(layers.get(0).k()).isEqualTo(16);
            Files.write(dir.resolve("bad.npy"), new byte[] {1, 2, 3});
            assertThatThrownBy(SparseRtConv::userLayers).hasMessageContaining("bad.npy");
        } finally {
            if (old == null) System.clearProperty(SparseRtConv.WEIGHTS_PROPERTY);
            else System.setProperty(SparseRtConv.WEIGHTS_PROPERTY, old);
        }
    }

    @Test
    void standardScaleRunsEveryListedLayerAtBothSparsitiesAndNamesThePublishedMetrics() {
        var c = SparseRtConv.forScale(Scale.STANDARD);
        assertThat(c.problems()).hasSize(13);
        assertThat(c.problems().stream().filter(p -> p.layers().equals("resnet50-3x3")).map(p -> p.k() + "x" + p.n()))
                .containsExactly("576x3136", "1152x784", "2304x196", "4608x49");
        assertThat(SparseRtConv.metricNames(Scale.STANDARD)).contains("speedup_geomean[layers=1x1,sparsity=0.90]",
                "speedup_geomean[layers=1x1,sparsity=0.95]", "speedup_geomean[layers=resnet50-3x3,sparsity=0.90]",
                "speedup_geomean[layers=1x1+3x3,sparsity=0.90]");
        assertThat(SparseRtConv.geomean(java.util.List.of(2.0, 8.0))).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aFallbackIsNeverChosenOverTheKernelItRuns() {
        var measured = java.util.Set.of("csr-vector", "generated-csr", "mkl-sgemm");
        assertThat(SparseRtConv.fallsBackTo("fallback to csr-vector: generated code would be about 1.7 MiB of bytecode", measured)).isTrue();
        assertThat(SparseRtConv.fallsBackTo("fallback to csr-vector: too large", java.util.Set.of("generated-csr"))).isFalse();
        assertThat(SparseRtConv.fallsBackTo("methods=3;bytecode=1200", measured)).isFalse();
        assertThat(SparseRtConv.fallsBackTo("", measured)).isFalse();
    }

    @Test
    void layersPropertyKeepsTheNamedFamiliesAndRefusesUnknownOnes() {
        SparseRtConv.Config all = SparseRtConv.forScale(Scale.STANDARD);
        SparseRtConv.Config three = SparseRtConv.only(all, "resnet50-3x3");
        assertThat(three.problems()).isNotEmpty().allMatch(p -> p.layers().equals("resnet50-3x3"));
        assertThat(three.targets()).isEmpty();
        assertThat(SparseRtConv.only(all, " uniform ,1x1").targets()).isEqualTo(all.targets());
        assertThat(SparseRtConv.only(all, null)).isSameAs(all);
        assertThatThrownBy(() -> SparseRtConv.only(all, "3x3")).hasMessageContaining("prunebench.sparsert.layers").hasMessageContaining("'3x3'");
    }
}
