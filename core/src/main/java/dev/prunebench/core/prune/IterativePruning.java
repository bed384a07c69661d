package dev.prunebench.core.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Schedules as lists of rates, and the prune → retrain → repeat loop.
 *
 * <ul>
 *   <li>{@link #oneShot}: [r].</li>
 *   <li>{@link #linear}: r·1/n, r·2/n, …, r.</li>
 *   <li>{@link #geometric}: 1 − (1 − r)^(k/n) for k = 1…n: every round removes the same fraction of what is left
 *       (the usual "prune 20 % of the remaining weights each round").</li>
 *   <li>{@link CubicSchedule#rates()}: Zhu &amp; Gupta.</li>
 * </ul>
 * Rates are non-decreasing; each round keeps everything earlier rounds removed ({@link Pruner#prune(Layer, Structure,
 * double, Mask)} with the previous mask as prior).
 */
public final class IterativePruning {
    private IterativePruning() {}

    /** Retrains {@code weights} in place with {@code mask} held (e.g. a few epochs); round counts from 0. */
    @FunctionalInterface
    public interface Retrainer {
        void retrain(float[] weights, Mask mask, int round);
    }

    public static List<Double> oneShot(double rate) {
        Pruner.checkRate("schedule", rate);
        return List.of(rate);
    }

    public static List<Double> linear(double rate, int rounds) {
        Pruner.checkRate("schedule", rate);
        if (rounds < 1) throw new IllegalArgumentException("schedule: rounds must be >= 1, got " + rounds);
        List<Double> r = new ArrayList<>();
        for (int k = 1; k <= rounds; k++) r.add(k == rounds ? rate : rate * k / rounds);
        return r;
    }

    public static List<Double> geometric(double rate, int rounds) {
        Pruner.checkRate("schedule", rate);
        if (rounds < 1) throw new IllegalArgumentException("schedule: rounds must be >= 1, got " + rounds);
        List<Double> r = new ArrayList<>();
        for (int k = 1; k <= rounds; k++) r.add(k == rounds ? rate : 1 - Math.pow(1 - rate, (double) k / rounds));
        return r;
    }

    /**
     * Runs the schedule on one layer: for each rate, prune (keeping earlier removals), zero the removed weights, then
     * let {@code retrainer} train with the mask. {@code weights} is modified in place; after every retrain the removed
     * positions are zeroed again, so a retrainer that forgets the mask cannot bring weights back.
     *
     * @param scoreOf builds the score from the current weights (e.g. a fresh gradient for SNIP); magnitude ignores it
     * @return the result of each round
     */
    public static List<PruneResult> run(String name, float[] weights, int rows, int cols, Structure s,
                                        Function<float[], Score> scoreOf, List<Double> rates, Retrainer retrainer) {
        if (rates == null || rates.isEmpty()) throw new IllegalArgumentException("schedule: no rates");
        if (scoreOf == null || retrainer == null) throw new IllegalArgumentException("schedule: score and retrainer must not be null");
        double prev = 0;
        for (int i = 0; i < rates.size(); i++) {
            Double r = rates.get(i);
            if (r == null) throw new IllegalArgumentException("schedule: rate " + i + " is null");
            Pruner.checkRate(name + " (round " + i + ")", r);
            if (r < prev) throw new IllegalArgumentException("schedule: rate " + i + " = " + r + " < previous " + prev + " (rates must not decrease)");
            prev = r;
        }
        List<PruneResult> out = new ArrayList<>();
        Mask mask = null;
        for (int i = 0; i < rates.size(); i++) {
            PruneResult res = Pruner.prune(new Layer(name, weights, rows, cols, scoreOf.apply(weights)), s, rates.get(i), mask);
            mask = res.mask();
            mask.zeroMasked(weights);
            retrainer.retrain(weights, mask, i);
            mask.zeroMasked(weights);
            out.add(res);
        }
        return out;
    }
}
