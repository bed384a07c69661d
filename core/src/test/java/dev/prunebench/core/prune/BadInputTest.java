package dev.prunebench.core.prune;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BadInputTest {

    static final float[] W = {1, -2, 3, -4, 5, -6};

    private static void bad(Runnable r, String... fragments) {
        var a = assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class);
        for (String f : fragments) a.hasMessageContaining(f);
    }

    @Test
    void nonFiniteWeightsAndScores() {
        float[] nan = W.clone();
        nan[4] = Float.NaN;
        bad(() -> Pruner.prune(new Layer("fc2", nan, 2, 3, Score.MAGNITUDE), Structure.UNSTRUCTURED, 0.5), "layer fc2", "weights[1][1]", "NaN");
        float[] inf = W.clone();
        inf[0] = Float.NEGATIVE_INFINITY;
        bad(() -> Pruner.prune(inf, 2, 3, Structure.NODE, Score.L2, 0.5), "weights[0][0]", "Infinity");
        float[] grad = {0, 0, Float.POSITIVE_INFINITY, 0, 0, 0};
        bad(() -> Pruner.prune(new Layer("conv1", W, 2, 3, Score.snip(grad)), Structure.UNSTRUCTURED, 0.5), "layer conv1", "gradient[0][2]");
        float[] curv = {0, 0, 0, 0, -1, 0};
        bad(() -> Pruner.prune(new Layer("fc", W, 2, 3, Score.obd(curv)), Structure.UNSTRUCTURED, 0.5), "curvature[1][1]", "negative");
        bad(() -> Pruner.prune(new Layer("fc", W, 2, 3, Score.meanActivation(new float[] {1, Float.NaN}, 1)), Structure.NODE, 0.5),
                "activations");
    }

    @Test
    void ratesOutsideTheUnitInterval() {
        for (double r : new double[] {-0.01, 1.0001, Double.NaN, Double.POSITIVE_INFINITY})
            bad(() -> Pruner.prune(new Layer("fc7", W, 2, 3, Score.MAGNITUDE), Structure.UNSTRUCTURED, r), "layer fc7", "rate must be in [0, 1]");
        bad(() -> Pruner.global(List.of(Layer.of("a", W, 2, 3)), Structure.UNSTRUCTURED, 2.0), "rate");
        bad(() -> Pruner.profile(List.of(Layer.of("a", W, 2, 3)), Structure.UNSTRUCTURED, Map.of("a", -1.0)), "layer a", "rate");
    }

    @Test
    void structureParameters() {
        bad(() -> Structure.group(0), "g must be >= 1, got 0");
        bad(() -> Structure.nm(3, 2), "N = 3 > M = 2");
        bad(() -> Structure.nm(0, 4), "N must be >= 1");
        bad(() -> Structure.parse("group:x"), "non-integer");
        bad(() -> Structure.parse("block:4"), "unknown 'block:4'");
        bad(() -> Score.parse("snip", 0), "unknown 'snip'");
        bad(() -> Pruner.prune(W, 2, 3, Structure.nm(2, 4), Score.MAGNITUDE, 0.9), "fixes the rate at 0.5", "0.9");
        bad(() -> Pruner.prune(new Layer("fc", W, 2, 3, Score.meanActivation(new float[] {1, 2}, 1)), Structure.group(2), 0.5),
                "activation score ranks nodes");
    }

    @Test
    void shapesThatDisagree() {
        bad(() -> Pruner.prune(W, 2, 4, Structure.UNSTRUCTURED, Score.MAGNITUDE, 0.5), "weights length 6", "2x4 = 8");
        bad(() -> new Layer("fc3", W, 2, 3, Score.snip(new float[5])), "layer fc3", "gradient length 5");
        bad(() -> new Layer("fc3", W, 2, 3, Score.meanActivation(new float[5], 2)), "activations length 5", "batch 2 x rows 2");
        bad(() -> Pruner.prune(new Layer("fc", W, 2, 3, Score.MAGNITUDE), Structure.UNSTRUCTURED, 0.5, Mask.all(3, 2)), "prior mask is 3x2");
    }

    @Test
    void profilesAndGlobalSelections() {
        List<Layer> layers = List.of(Layer.of("fc1", W, 2, 3), Layer.of("fc2", W, 3, 2));
        bad(() -> Pruner.profile(layers, Structure.UNSTRUCTURED, Map.of("fc9", 0.5)), "layer 'fc9' does not exist", "fc1, fc2");
        bad(() -> Pruner.global(List.of(Layer.of("a", W, 2, 3), Layer.of("a", W, 2, 3)), Structure.NODE, 0.5), "'a' appears twice");
        bad(() -> Pruner.global(List.of(Layer.of("a", W, 2, 3), new Layer("b", W, 2, 3, Score.random(1))), Structure.NODE, 0.5),
                "layer b", "global threshold needs one score");
        bad(() -> Pruner.global(List.of(), Structure.NODE, 0.5), "at least one layer");
    }

    @Test
    void priorThatRemovesMoreThanTheRate() {
        Layer l = Layer.of("fc", W, 2, 3);
        Mask prior = Pruner.prune(l, Structure.UNSTRUCTURED, 0.5).mask();
        bad(() -> Pruner.prune(l, Structure.UNSTRUCTURED, 0.2, prior), "layer fc", "prior mask already removes 3");
    }
}
