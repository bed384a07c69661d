package dev.prunebench.core.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ScoreTest {

    @Test
    void snipObdAndActivationScores() {
        float[] w = {1, -2, 3, 0.5f};
        float[] grad = {4, 1, -0.1f, 2};
        // SNIP |g·w| = 4, 2, 0.3, 1
        assertThat(Pruner.unitScores(new Layer("l", w, 1, 4, Score.snip(grad)), Structure.UNSTRUCTURED))
                .containsExactly(new double[] {4, 2, 0.3 * 1.0000000298023224 /* 3f·0.1f in double */, 1}, within(1e-6));
        Mask snip = Pruner.prune(new Layer("l", w, 1, 4, Score.snip(grad)), Structure.UNSTRUCTURED, 0.5).mask();
        assertThat(snip.toBooleans()).containsExactly(true, true, false, false);
        // OBD ½·h·w² with h = 1, 1, 0.01, 8: 0.5, 2, 0.045, 1
        float[] h = {1, 1, 0.01f, 8};
        Mask obd = Pruner.prune(new Layer("l", w, 1, 4, Score.obd(h)), Structure.UNSTRUCTURED, 0.5).mask();
        assertThat(obd.toBooleans()).containsExactly(false, true, false, true);
        // groups of 2 with SNIP summed: {6, 1.3}
        assertThat(Pruner.unitScores(new Layer("l", w, 1, 4, Score.snip(grad)), Structure.group(2))[0]).isCloseTo(6, within(1e-9));
        // activations: batch 2 × 3 nodes; mean |a| = 1, 0.5, 3
        float[] acts = {1, -1, 2, 1, 0, -4};
        float[] w3 = new float[6];
        Arrays.fill(w3, 1f);
        Mask act = Pruner.prune(new Layer("l", w3, 3, 2, Score.meanActivation(acts, 2)), Structure.NODE, 1.0 / 3).mask();
        assertThat(act.keptInRow(1)).isZero();
        assertThat(act.keptInRow(0)).isEqualTo(2);
    }

    @Test
    void aggregates() {
        double[] s = {3, 1, 4, 1, 5};
        assertThat(Aggregate.RMS.of(s.clone(), 5)).isCloseTo(Math.sqrt((9 + 1 + 16 + 1 + 25) / 5.0), within(1e-12));
        assertThat(Aggregate.MEAN.of(s.clone(), 5)).isCloseTo(2.8, within(1e-12));
        assertThat(Aggregate.MAX.of(s.clone(), 5)).isEqualTo(5);
        assertThat(Aggregate.MEDIAN.of(s.clone(), 5)).isEqualTo(3);
        assertThat(Aggregate.MEDIAN.of(s.clone(), 4)).isEqualTo(2); // {3,1,4,1} → (1+3)/2
        assertThat(Aggregate.L1.of(s.clone(), 5)).isEqualTo(14);
        assertThat(Aggregate.L2.of(s.clone(), 5)).isCloseTo(Math.sqrt(52), within(1e-12));
        // node norms: row 1 has the smaller L1 (3 < 4) but the larger L2 (3 > 2)
        float[] w = {1, 1, 1, 1, 0, 0, 0, 3};
        assertThat(Pruner.prune(w, 2, 4, Structure.NODE, Score.L1, 0.5).keptInRow(1)).isZero();
        assertThat(Pruner.prune(w, 2, 4, Structure.NODE, Score.L2, 0.5).keptInRow(0)).isZero();
        assertThat(Pruner.prune(w, 2, 4, Structure.NODE, Score.MAX, 0.5).keptInRow(0)).isZero();
        assertThat(Pruner.prune(w, 2, 4, Structure.NODE, Score.MEDIAN, 0.5).keptInRow(1)).isZero();
    }
}
