package dev.prunebench.core.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.prune.NodePruning.InputLayout;
import dev.prunebench.core.prune.NodePruning.NodeLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class NodePruningProperties {

    static float[] normal(int n, SplittableRandom r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    /** y = W x + b, summing columns in order; ReLU unless last. Written here, independent of the models module. */
    static float[] forward(List<NodeLayer> chain, float[] x) {
        float[] a = x;
        for (int li = 0; li < chain.size(); li++) {
            NodeLayer l = chain.get(li);
            float[] y = new float[l.out()];
            for (int r = 0; r < l.out(); r++) {
                float acc = l.bias() == null ? 0f : l.bias()[r];
                for (int c = 0; c < l.in(); c++) acc += l.weights()[r * l.in() + c] * a[c];
                y[r] = li == chain.size() - 1 ? acc : Math.max(0f, acc);
            }
            a = y;
        }
        return a;
    }

    static void assertSameOutputs(float[] a, float[] b) {
        assertThat(a.length).isEqualTo(b.length);
        for (int i = 0; i < a.length; i++) assertThat(a[i] == b[i]).as("output %d: %s vs %s", i, a[i], b[i]).isTrue();
    }

    @Property(tries = 100)
    void shrunkFcChainEqualsMaskedChain(@ForAll @Size(min = 2, max = 5) List<@IntRange(min = 1, max = 24) Integer> widths,
                                        @ForAll @IntRange(min = 1, max = 20) int inputs, @ForAll long seed,
                                        @ForAll("scoresForNodes") Score score) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<NodeLayer> chain = new ArrayList<>();
        int in = inputs;
        for (int i = 0; i < widths.size(); i++) {
            int out = widths.get(i);
            chain.add(NodeLayer.fc("fc" + i, out, in, normal(out * in, rnd), normal(out, rnd)));
            in = out;
        }
        List<Mask> masks = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            NodeLayer l = chain.get(i);
            if (i == chain.size() - 1) { masks.add(null); break; }
            // keep at least one node so the shrunk chain is not empty
            double rate = rnd.nextInt(l.out()) / (double) l.out();
            masks.add(Pruner.prune(new Layer(l.name(), l.weights(), l.out(), l.in(), score), Structure.NODE, rate).mask());
        }
        List<NodeLayer> shrunk = NodePruning.shrink(chain, masks), masked = NodePruning.masked(chain, masks);
        List<NodePruning.Cut> cuts = NodePruning.cuts(chain, masks);
        for (int i = 0; i < chain.size(); i++) {
            assertThat(shrunk.get(i).out()).isEqualTo(cuts.get(i).keptNodes().length);
            if (i + 1 < chain.size())
                assertThat(shrunk.get(i + 1).in()).isEqualTo(chain.get(i + 1).in() - cuts.get(i).removedNextColumns().length);
        }
        for (int t = 0; t < 5; t++) {
            float[] x = normal(inputs, rnd);
            assertSameOutputs(forward(shrunk, x), forward(masked, x));
        }
    }

    @net.jqwik.api.Provide net.jqwik.api.Arbitrary<Score> scoresForNodes() {
        return net.jqwik.api.Arbitraries.of(Score.L1, Score.L2, Score.RMS, Score.random(3));
    }

    /**
     * Layer 0 is a 1×1 conv over P pixels (out channels × in channels, applied per pixel), its output flattened
     * channel-major (BLOCKED, span P) or pixel-major (INTERLEAVED) into an FC layer.
     */
    @Property(tries = 60)
    void shrunkConvThenFcEqualsMasked(@ForAll @IntRange(min = 1, max = 8) int channelsIn, @ForAll @IntRange(min = 2, max = 10) int channelsOut,
                                      @ForAll @IntRange(min = 1, max = 6) int pixels, @ForAll @IntRange(min = 1, max = 7) int classes,
                                      @ForAll boolean interleaved, @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        InputLayout layout = interleaved ? InputLayout.INTERLEAVED : InputLayout.BLOCKED;
        NodeLayer conv = NodeLayer.fc("conv", channelsOut, channelsIn, normal(channelsOut * channelsIn, rnd), normal(channelsOut, rnd));
        NodeLayer fc = new NodeLayer("fc", classes, channelsOut * pixels, normal(classes * channelsOut * pixels, rnd), normal(classes, rnd), pixels, layout);
        List<NodeLayer> chain = List.of(conv, fc);
        Mask m = Pruner.prune(new Layer("conv", conv.weights(), channelsOut, channelsIn, Score.L1), Structure.NODE,
                rnd.nextInt(channelsOut) / (double) channelsOut).mask();
        List<Mask> masks = java.util.Arrays.asList(m, null);
        List<NodeLayer> shrunk = NodePruning.shrink(chain, masks), masked = NodePruning.masked(chain, masks);
        int[] removed = NodePruning.cuts(chain, masks).get(0).removedNextColumns();
        int[] removedNodes = NodePruning.cuts(chain, masks).get(0).removedNodes();
        assertThat(removed).hasSize(removedNodes.length * pixels);
        for (int t = 0; t < 4; t++) {
            float[] x = normal(channelsIn * pixels, rnd); // x[c * pixels + p]
            assertSameOutputs(convThenFc(shrunk, x, channelsIn, pixels, layout), convThenFc(masked, x, channelsIn, pixels, layout));
        }
    }

    private static float[] convThenFc(List<NodeLayer> chain, float[] x, int cin, int pixels, InputLayout layout) {
        NodeLayer conv = chain.get(0), fc = chain.get(1);
        int cout = conv.out();
        float[] flat = new float[cout * pixels];
        for (int o = 0; o < cout; o++)
            for (int p = 0; p < pixels; p++) {
                float acc = conv.bias()[o];
                for (int c = 0; c < cin; c++) acc += conv.weights()[o * cin + c] * x[c * pixels + p];
                flat[layout == InputLayout.BLOCKED ? o * pixels + p : p * cout + o] = Math.max(0f, acc);
            }
        return forward(List.of(fc), flat);
    }

    @Test
    void cutsNameTheNextLayersColumns() {
        NodeLayer a = NodeLayer.fc("a", 3, 2, new float[6], null);
        NodeLayer b = new NodeLayer("b", 1, 6, new float[6], null, 2, InputLayout.BLOCKED);
        Mask m = Mask.of(new boolean[] {true, true, false, false, true, true}, 3, 2); // node 1 removed
        List<NodePruning.Cut> cuts = NodePruning.cuts(List.of(a, b), java.util.Arrays.asList(m, null));
        assertThat(cuts.get(0).keptNodes()).containsExactly(0, 2);
        assertThat(cuts.get(0).removedNodes()).containsExactly(1);
        assertThat(cuts.get(0).nextLayer()).isEqualTo("b");
        assertThat(cuts.get(0).removedNextColumns()).containsExactly(2, 3);
        NodeLayer bi = new NodeLayer("b", 1, 6, new float[6], null, 2, InputLayout.INTERLEAVED);
        assertThat(NodePruning.cuts(List.of(a, bi), java.util.Arrays.asList(m, null)).get(0).removedNextColumns()).containsExactly(1, 4);
    }

    @Test
    void rejectsPartialRowsMismatchedShapesAndPruningTheOutputs() {
        NodeLayer a = NodeLayer.fc("a", 2, 2, new float[4], null);
        NodeLayer b = NodeLayer.fc("b", 2, 2, new float[4], null);
        Mask partial = Mask.of(new boolean[] {true, false, true, true}, 2, 2);
        assertThatThrownBy(() -> NodePruning.shrink(List.of(a, b), java.util.Arrays.asList(partial, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer a").hasMessageContaining("row 0");
        NodeLayer c = NodeLayer.fc("c", 1, 3, new float[3], null);
        assertThatThrownBy(() -> NodePruning.shrink(List.of(a, c), java.util.Arrays.asList(null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer c").hasMessageContaining("in = 3");
        Mask rowGone = Mask.of(new boolean[] {true, true, false, false}, 2, 2);
        assertThatThrownBy(() -> NodePruning.shrink(List.of(a, b), java.util.Arrays.asList(null, rowGone)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("last layer");
        assertThatThrownBy(() -> NodePruning.shrink(List.of(a, b), java.util.Arrays.asList(Mask.none(2, 2), null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("every node");
    }

    @Test
    void profileOfNodeRatesGivesScalpelStyleWidths() {
        SplittableRandom rnd = new SplittableRandom(5);
        List<NodeLayer> chain = List.of(NodeLayer.fc("fc1", 30, 78, normal(30 * 78, rnd), normal(30, rnd)),
                NodeLayer.fc("fc2", 10, 30, normal(300, rnd), null), NodeLayer.fc("out", 10, 10, normal(100, rnd), null));
        List<Mask> masks = NodePruning.masks(chain, java.util.Map.of("fc1", 0.5, "fc2", 0.3), l -> Score.L2);
        assertThat(masks.get(2)).isNull();
        List<NodeLayer> shrunk = NodePruning.shrink(chain, masks);
        assertThat(NodePruning.widths(chain)).isEqualTo("78-30-10-10");
        assertThat(NodePruning.widths(shrunk)).isEqualTo("78-15-7-10");
        assertThatThrownBy(() -> NodePruning.masks(chain, java.util.Map.of("fc9", 0.5), l -> Score.L2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'fc9' does not exist").hasMessageContaining("fc1, fc2, out");
        assertThatThrownBy(() -> NodePruning.masks(chain, java.util.Map.of("out", 0.5), l -> Score.L2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("last layer");
    }
}
