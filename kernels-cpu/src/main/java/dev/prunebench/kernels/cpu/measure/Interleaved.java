package dev.prunebench.kernels.cpu.measure;

import dev.prunebench.core.kernel.MatMul.Prepared;
import java.util.function.LongSupplier;

/**
 * Times a candidate kernel against its baseline in one run, interleaved A B A B …, so that drift of the machine
 * (frequency, other tenants, thermal state) hits both alike and the per-pair ratio cancels most of it.
 *
 * <p>Procedure: one untimed call of each (first touch, lazy library set-up); {@link Budget#warmupPairs()} warm-up
 * pairs, in which each kernel runs repeatedly for {@link Budget#warmupSliceNanos()} (at least one minimum sample, and
 * together at least {@link Budget#warmupNanos()}: enough calls for the JIT to compile a kernel before anything is
 * decided from its speed); a calibration of each, counting calls over a
 * quarter of the minimum sample time, fixes its batch size so that one sample lasts at least the minimum; then
 * {@link Budget#repeats()} pairs are timed, the order inside a pair alternating (AB, BA, …) so neither kernel always
 * runs on the other's cache leftovers. Verification of results is the caller's job and
 * must come first ({@link Verification}): a kernel that fails it is not timed.
 */
public final class Interleaved {
    private final LongSupplier clock;

    /** Uses {@link System#nanoTime()}. */
    public Interleaved() { this(System::nanoTime); }

    /** With an explicit clock (tests drive it to plant known timings). */
    public Interleaved(LongSupplier clock) { this.clock = clock; }

    /** Compares with the wall clock. */
    public static Comparison compare(Prepared candidate, Prepared baseline, Budget budget) {
        return new Interleaved().run(candidate, baseline, budget);
    }

    public Comparison run(Prepared candidate, Prepared baseline, Budget budget) {
        if (candidate == null || baseline == null || budget == null) throw new IllegalArgumentException("compare: candidate, baseline and budget must be given");
        candidate.run();
        baseline.run();
        for (int i = 0; i < budget.warmupPairs(); i++) {
            runFor(candidate, budget.warmupSliceNanos());
            runFor(baseline, budget.warmupSliceNanos());
        }
        int bc = batch(candidate, budget.minSampleNanos());
        int bb = batch(baseline, budget.minSampleNanos());
        int r = budget.repeats();
        double[] tc = new double[r], tb = new double[r], ratio = new double[r];
        for (int i = 0; i < r; i++) {
            if ((i & 1) == 0) {
                tc[i] = sample(candidate, bc);
                tb[i] = sample(baseline, bb);
            } else {
                tb[i] = sample(baseline, bb);
                tc[i] = sample(candidate, bc);
            }
            ratio[i] = tb[i] / tc[i];
        }
        long s = budget.seed();
        return new Comparison(tc, tb, ratio,
                Stats.bootstrapMedian(tc, budget.bootstrapResamples(), s, 0.95),
                Stats.bootstrapMedian(tb, budget.bootstrapResamples(), s + 1, 0.95),
                Stats.bootstrapMedian(ratio, budget.bootstrapResamples(), s + 2, 0.95), bc, bb);
    }

    /**
     * Runs per sample so that a sample lasts at least minNanos: the mean time of the calls that fit in minNanos / 4
     * (at least one) decides; capped at 1 &lt;&lt; 20.
     */
    private int batch(Prepared p, long minNanos) {
        long t0 = clock.getAsLong(), dt;
        int calls = 0;
        do {
            p.run();
            calls++;
            dt = clock.getAsLong() - t0;
        } while (dt < minNanos / 4);
        double t = Math.max(1.0, (double) dt / calls);
        if (t >= minNanos) return 1;
        return (int) Math.min(1 << 20, Math.ceil(minNanos / t));
    }

    /** Calls p until at least nanos have passed (once at least). */
    private void runFor(Prepared p, long nanos) {
        long t0 = clock.getAsLong();
        do p.run(); while (clock.getAsLong() - t0 < nanos);
    }

    /** Nanoseconds per run over one batch; never below 1 ns (a clock that did not move). */
    private double sample(Prepared p, int batch) {
        long t0 = clock.getAsLong();
        for (int i = 0; i < batch; i++) p.run();
        long dt = clock.getAsLong() - t0;
        return Math.max(1.0, (double) dt / batch);
    }
}
