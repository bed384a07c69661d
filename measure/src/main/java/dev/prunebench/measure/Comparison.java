package dev.prunebench.measure;

/**
 * The outcome of one interleaved comparison of a candidate kernel with its baseline.
 *
 * @param candidateNanos per-sample time of one candidate {@code run()}, in order
 * @param baselineNanos  per-sample time of one baseline {@code run()}, paired with {@code candidateNanos}
 * @param speedups       per-pair {@code baseline / candidate}: &gt; 1 means the candidate is faster
 * @param candidate      median and bootstrap interval of the candidate's time (ns)
 * @param baseline       median and bootstrap interval of the baseline's time (ns)
 * @param speedup        median and bootstrap interval of the per-pair speedup
 * @param candidateBatch runs per candidate sample; {@code baselineBatch} the same for the baseline
 */
public record Comparison(double[] candidateNanos, double[] baselineNanos, double[] speedups,
                         Stats.Interval candidate, Stats.Interval baseline, Stats.Interval speedup,
                         int candidateBatch, int baselineBatch) {
    public Comparison {
        candidateNanos = candidateNanos.clone();
        baselineNanos = baselineNanos.clone();
        speedups = speedups.clone();
    }
}
