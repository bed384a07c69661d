package dev.prunebench.core.prune;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradual magnitude pruning with the cubic schedule of Zhu &amp; Gupta ("To prune, or not to prune", 2017):
 * s_t = s_f + (s_i − s_f)(1 − (t − t₀)/(nΔt))³ for t ∈ {t₀, t₀ + Δt, …, t₀ + nΔt}.
 *
 * <p>Pruning happens at those n + 1 steps only and the mask is held in between, so {@link #sparsityAt} is
 * piecewise constant: before t₀ it is s_i, between two pruning steps it is the value at the earlier one, from
 * t₀ + nΔt on it is s_f. A pure function of the step.
 *
 * @param initial  s_i in [0, 1]
 * @param target   s_f in [initial, 1]
 * @param start    t₀ &ge; 0
 * @param rounds   n &ge; 1
 * @param interval Δt &ge; 1 (training steps between pruning steps)
 */
public record CubicSchedule(double initial, double target, long start, int rounds, long interval) {

    public CubicSchedule {
        Pruner.checkRate("schedule initial", initial);
        Pruner.checkRate("schedule target", target);
        if (target < initial) throw new IllegalArgumentException("schedule: target " + target + " < initial " + initial + " (sparsity only grows)");
        if (start < 0) throw new IllegalArgumentException("schedule: start must be >= 0, got " + start);
        if (rounds < 1) throw new IllegalArgumentException("schedule: rounds must be >= 1, got " + rounds);
        if (interval < 1) throw new IllegalArgumentException("schedule: interval must be >= 1, got " + interval);
    }

    /** The formula at a real t, unquantised (for plots). */
    public double formula(double t) {
        double f = Math.min(1.0, Math.max(0.0, (t - start) / ((double) rounds * interval)));
        if (f == 0) return initial;
        if (f == 1) return target;
        double x = 1 - f;
        // clamped: rounding must never take a rate below s_i (a prior mask would then remove more than the rate)
        return Math.min(target, Math.max(initial, target + (initial - target) * x * x * x));
    }

    /** Sparsity in force at training step {@code step} (the value set at the last pruning step ≤ step). */
    public double sparsityAt(long step) {
        if (step < start) return initial;
        long k = Math.min(rounds, (step - start) / interval);
        return formula(start + k * interval);
    }

    /** True at the n + 1 steps where the mask is recomputed. */
    public boolean isPruningStep(long step) {
        return step >= start && (step - start) % interval == 0 && (step - start) / interval <= rounds;
    }

    /** The pruning steps t₀, t₀ + Δt, …, t₀ + nΔt. */
    public List<Long> pruningSteps() {
        List<Long> s = new ArrayList<>();
        for (int k = 0; k <= rounds; k++) s.add(start + k * interval);
        return s;
    }

    /** The rates at the pruning steps, in order; feed them to {@link IterativePruning}. */
    public List<Double> rates() {
        List<Double> r = new ArrayList<>();
        for (long t : pruningSteps()) r.add(sparsityAt(t));
        return r;
    }
}
