package dev.prunebench.core.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleAndScoreTest {

    @Test
    void cubicScheduleFollowsZhuAndGupta() {
        CubicSchedule s = new CubicSchedule(0.0, 0.9, 100, 10, 50);
        assertThat(s.sparsityAt(0)).isEqualTo(0.0);
        assertThat(s.sparsityAt(99)).isEqualTo(0.0);
        assertThat(s.sparsityAt(100)).isEqualTo(0.0);
        // t = t0 + 5Δt: 0.9 + (0 − 0.9)(1 − 0.5)³ = 0.7875
        assertThat(s.sparsityAt(350)).isCloseTo(0.7875, within(1e-12));
        assertThat(s.sparsityAt(399)).isEqualTo(s.sparsityAt(350)); // held between pruning steps
        assertThat(s.sparsityAt(600)).isEqualTo(0.9);
        assertThat(s.sparsityAt(1_000_000)).isEqualTo(0.9);
        assertThat(s.pruningSteps()).hasSize(11).startsWith(100L).endsWith(600L);
        assertThat(s.isPruningStep(150)).isTrue();
        assertThat(s.isPruningStep(151)).isFalse();
        assertThat(s.isPruningStep(650)).isFalse();
        List<Double> r = s.rates();
        for (int i = 1; i < r.size(); i++) assertThat(r.get(i)).isGreaterThanOrEqualTo(r.get(i - 1));
        // the cubic removes most early: the first interval's step exceeds the last one's
        assertThat(r.get(1) - r.get(0)).isGreaterThan(r.get(10) - r.get(9));
    }

    @Test
    void iterativeRateLists() {
        assertThat(IterativePruning.oneShot(0.9)).containsExactly(0.9);
        assertThat(IterativePruning.linear(0.9, 3)).containsExactly(0.3, 0.6, 0.9);
        List<Double> g = IterativePruning.geometric(0.875, 3); // keeps 1/2 of what is left each round
        assertThat(g.get(0)).isCloseTo(0.5, within(1e-12));
        assertThat(g.get(1)).isCloseTo(0.75, within(1e-12));
        assertThat(g.get(2)).isEqualTo(0.875);
    }

    @Test
    void iterativeLoopKeepsRemovedWeightsAtZeroEvenIfRetrainingForgets() {
        int rows = 8, cols = 16;
        float[] w = PrunerProperties.weights(rows, cols, 4);
        int[] rounds = {0};
        List<PruneResult> res = IterativePruning.run("fc", w, rows, cols, Structure.group(4), x -> Score.RMS,
                IterativePruning.linear(0.75, 3), (weights, mask, round) -> {
                    assertThat(mask.isRespectedBy(weights)).isTrue();
                    java.util.Arrays.fill(weights, 0.25f); // a careless retrainer touching every weight
                    rounds[0]++;
                });
        assertThat(rounds[0]).isEqualTo(3);
        Mask last = res.get(2).mask();
        assertThat(last.isRespectedBy(w)).isTrue();
        assertThat(res.get(2).removedUnits()).isEqualTo(24);
        assertThat(res.get(1).mask().and(res.get(0).mask())).isEqualTo(res.get(1).mask());
        assertThat(last.and(res.get(1).mask())).isEqualTo(last);
    }

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
        java.util.Arrays.fill(w3, 1f);
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

    @Test
    void convGroupAxis() {
        int out = 2, in = 3, kh = 2, kw = 2;
        float[] w = new float[out * in * kh * kw];
        for (int i = 0; i < w.length; i++) w[i] = i;
        for (ConvWeights.GroupAxis axis : ConvWeights.GroupAxis.values())
            assertThat(ConvWeights.fromMatrix(ConvWeights.toMatrix(w, out, in, kh, kw, axis), out, in, kh, kw, axis)).containsExactly(w);
        float[] hwc = ConvWeights.toMatrix(w, out, in, kh, kw, ConvWeights.GroupAxis.KH_KW_IN);
        // channels-last: the first three columns are the three input channels at tap (0, 0)
        assertThat(java.util.Arrays.copyOf(hwc, 3)).containsExactly(0, 4, 8);
        // a group of 3 along input channels, pruned and mapped back to OIHW, removes (c = 0..2, y = 0, x = 0)
        boolean[] keep = new boolean[24];
        java.util.Arrays.fill(keep, true);
        keep[0] = keep[1] = keep[2] = false;
        Mask oihw = ConvWeights.maskToOihw(Mask.of(keep, out, 12), out, in, kh, kw, ConvWeights.GroupAxis.KH_KW_IN);
        assertThat(oihw.keep(0, 0)).isFalse();
        assertThat(oihw.keep(0, 4)).isFalse();
        assertThat(oihw.keep(0, 8)).isFalse();
        assertThat(oihw.removed()).isEqualTo(3);
    }
}
