package dev.prunebench.measure;

/**
 * How much time an interleaved comparison spends.
 *
 * @param warmupPairs       A-B pairs run and discarded before timing (JIT, caches, MKL's lazy set-up)
 * @param repeats           timed A-B pairs; each gives one time per kernel and one ratio
 * @param minSampleNanos    a sample is at least this long: a short {@code run()} is batched (same batch size for
 *                          every sample of that kernel) and the sample is the batch time divided by the batch size
 * @param bootstrapResamples resamples for the confidence interval of the median ratio
 * @param seed              seed of the bootstrap resampling (results are reproducible from the samples)
 * @param warmupNanos       least total warm-up time per kernel, spread over the warm-up pairs: a kernel compiled
 *                          late (a new code path of a Vector API kernel, C2 on a busy machine) must not be timed while
 *                          still interpreted; 0 means one minimum sample per pair
 */
public record Budget(int warmupPairs, int repeats, long minSampleNanos, int bootstrapResamples, long seed, long warmupNanos) {

    public Budget {
        if (warmupPairs < 0) throw new IllegalArgumentException("warmupPairs: must be >= 0, got " + warmupPairs);
        if (repeats < 3) throw new IllegalArgumentException("repeats: must be >= 3 for a median and an interval, got " + repeats);
        if (minSampleNanos < 0) throw new IllegalArgumentException("minSampleNanos: must be >= 0, got " + minSampleNanos);
        if (bootstrapResamples < 100) throw new IllegalArgumentException("bootstrapResamples: must be >= 100, got " + bootstrapResamples);
        if (warmupNanos < 0) throw new IllegalArgumentException("warmupNanos: must be >= 0, got " + warmupNanos);
    }

    /** Without a total warm-up time: each warm-up pair runs each kernel for one minimum sample. */
    public Budget(int warmupPairs, int repeats, long minSampleNanos, int bootstrapResamples, long seed) {
        this(warmupPairs, repeats, minSampleNanos, bootstrapResamples, seed, 0);
    }

    /** Time each kernel runs in one warm-up pair. */
    public long warmupSliceNanos() {
        return warmupPairs == 0 ? 0 : Math.max(minSampleNanos, warmupNanos / warmupPairs);
    }

    /**
     * CI: a few pairs, 5 ms samples. Warm-up 400 ms: with 50 ms, the first kernel timed at a point was sometimes
     * still being compiled (sub-0.1 ms SpMV at 1024², intervals up to 20× the median); 400 ms gave tight intervals.
     */
    public static Budget quick() { return new Budget(2, 7, 5_000_000L, 1000, 1L, 400_000_000L); }

    /** Tables: 15 pairs of at least 20 ms each. */
    public static Budget standard() { return new Budget(3, 15, 20_000_000L, 2000, 1L, 400_000_000L); }

    /** Paper budgets: 31 pairs of at least 50 ms each. */
    public static Budget full() { return new Budget(5, 31, 50_000_000L, 5000, 1L, 1_000_000_000L); }

    public Budget withRepeats(int r) { return new Budget(warmupPairs, r, minSampleNanos, bootstrapResamples, seed, warmupNanos); }

    public Budget withSeed(long s) { return new Budget(warmupPairs, repeats, minSampleNanos, bootstrapResamples, s, warmupNanos); }
}
