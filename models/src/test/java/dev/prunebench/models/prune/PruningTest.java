package dev.prunebench.models.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.nn.Param;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import dev.prunebench.core.prune.Score;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PruningTest {

    static float[] randn(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    @Property(tries = 40)
    void removesExactlyRoundRateTimesGroupsAndWholeGroups(@ForAll @IntRange(min = 1, max = 9) int rows, @ForAll @IntRange(min = 1, max = 40) int cols,
                                                          @ForAll @IntRange(min = 1, max = 16) int g, @ForAll @DoubleRange(min = 0, max = 1) double rate) {
        float[] w = randn(rows * 131L + cols, rows * cols);
        for (Score sc : List.of(Score.RMS, Score.MEAN, Score.MEDIAN, Score.random(5))) {
            boolean[] keep = GroupPruning.mask(new GroupPruning.Matrix("w", w, rows, cols), g, sc, rate);
            int groups = rows * ((cols + g - 1) / g), removed = 0;
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c += g) {
                    boolean first = keep[r * cols + c];
                    for (int j = c; j < Math.min(c + g, cols); j++) assertThat(keep[r * cols + j]).isEqualTo(first);
                    if (!first) removed++;
                }
            assertThat(removed).isEqualTo((int) Math.round(rate * groups));
        }
    }

    @Test void rmsRemovesTheWeakestGroupsInTheParamLayout() {
        float[] w = {1, 1, 0.1f, 0.1f, 5, -5, 0, 0.2f};
        boolean[] keep = GroupPruning.mask(new GroupPruning.Matrix("w", w, 2, 4), 2, Score.RMS, 0.5);
        assertThat(keep).containsExactly(true, true, false, false, true, true, false, false);
    }

    @Test void globalThresholdSpansMatrices() {
        float[] big = {10, 11, 12, 13}, small = {0.1f, 0.2f, 0.3f, 0.4f};
        List<boolean[]> ks = GroupPruning.masks(List.of(new GroupPruning.Matrix("a", big, 2, 2), new GroupPruning.Matrix("b", small, 2, 2)), 1, Score.MAX, 0.5);
        assertThat(ks.get(0)).containsOnly(true);
        assertThat(ks.get(1)).containsOnly(false);
        assertThat(GroupPruning.prunedFraction(ks)).isEqualTo(0.5);
        assertThatThrownBy(() -> GroupPruning.masks(List.of(new GroupPruning.Matrix("a", big, 2, 2)), 0, Score.RMS, 0.5)).hasMessageContaining("group size");
    }

    @Test void shrinkingAnMlpKeepsTheFunctionWhenRemovedUnitsAreDisconnected() {
        Network net = Networks.build("lenet300", new int[] {6, 5}, 1);
        int[] k1 = {0, 2, 3, 5}, k2 = {1, 4};
        disconnect(net.param("fc2.weight"), k1, 1);
        disconnect(net.param("fc3.weight"), k2, 1);
        Network small = NodePruning.shrink(net, Map.of("fc1", k1, "fc2", k2));
        assertThat(small.shape()).isEqualTo("784-4-2-10");
        assertSameOutputs(net, small);
    }

    @Test void shrinkingLenet5MapsChannelsThroughConvAndFlatten() {
        Network net = Networks.build("lenet5", new int[] {4, 5, 6}, 2);
        int[] c1 = {1, 3}, c2 = {0, 2, 4}, f1 = {0, 1, 5};
        disconnect(net.param("conv2.weight"), c1, 25);
        disconnect(net.param("fc1.weight"), c2, 16);
        disconnect(net.param("fc2.weight"), f1, 1);
        Network small = NodePruning.shrink(net, Map.of("conv1", c1, "conv2", c2, "fc1", f1));
        assertThat(small.shape()).isEqualTo("conv2-conv3-fc3-fc10");
        assertSameOutputs(net, small);
        assertThatThrownBy(() -> NodePruning.shrink(net, Map.of("fc2", new int[] {0}))).hasMessageContaining("not a prunable layer");
        assertThatThrownBy(() -> NodePruning.shrink(net, Map.of("fc1", new int[] {2, 1}))).hasMessageContaining("ascending");
        assertThat(NodePruning.topUnits(net, "fc1", 2)).hasSize(2);
    }

    /** Zeros the inputs of {@code next} that come from units not in {@code kept} (blocks of {@code block} columns). */
    static void disconnect(Param next, int[] kept, int block) {
        float[] v = next.values().clone();
        java.util.Set<Integer> keep = new java.util.HashSet<>();
        for (int k : kept) keep.add(k);
        for (int r = 0; r < next.rows(); r++)
            for (int c = 0; c < next.cols(); c++) if (!keep.contains(c / block)) v[r * next.cols() + c] = 0f;
        next.set(v);
    }

    static void assertSameOutputs(Network a, Network b) {
        float[] x = new float[3 * 784];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        float[] ya = a.forward(x, 3, false).clone(), yb = b.forward(x, 3, false).clone();
        for (int i = 0; i < ya.length; i++) assertThat(yb[i]).isCloseTo(ya[i], org.assertj.core.data.Offset.offset(1e-4f * (1 + Math.abs(ya[i]))));
    }
}
