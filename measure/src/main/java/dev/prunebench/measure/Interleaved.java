package dev.prunebench.measure;

import dev.prunebench.core.kernel.MatMul.Prepared;
import dev.prunebench.core.kernel.MatMul.SelfTimed;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Times kernels in one run, interleaved A B A B … (or A B C, B C A, … for a group), so that drift of the machine
 * (frequency, other tenants, thermal state) hits all alike and the per-round ratio cancels most of it.
 *
 * <p>Procedure: one untimed call of each (first touch, lazy library set-up); {@link Budget#warmupPairs()} warm-up
 * rounds, in which each kernel runs repeatedly for {@link Budget#warmupSliceNanos()} (at least one minimum sample, and
 * together at least {@link Budget#warmupNanos()}: enough calls for the JIT to compile a kernel before anything is
 * decided from its speed); a calibration of each (the least per-call time of five short probes, so a probe descheduled on a busy
 * machine does not decide) fixes its batch size so that one sample lasts at least the minimum; then {@link Budget#repeats()} rounds are timed, the order
 * inside a round rotating by one each round and reversing every other round (AB, BA, …; ABC, CBA, BCA, ACB, …) so no
 * kernel always runs on another's cache leftovers. Verification of results is the caller's job and must come first
 * ({@link Verification}): a kernel that fails it is not timed.
 *
 * <p>Clocks: a kernel whose prepared state is {@link SelfTimed} (a GPU kernel timed with device events over a batch
 * of launches) is sampled by its own clock; every other kernel by the host clock around its batch. Both kinds fit the
 * same rounds, so a GPU kernel and its GPU baseline are interleaved exactly like two CPU kernels.
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

    /** Candidate against baseline: a group of two, compared. */
    public Comparison run(Prepared candidate, Prepared baseline, Budget budget) {
        if (candidate == null || baseline == null || budget == null) throw new IllegalArgumentException("compare: candidate, baseline and budget must be given");
        return group(List.of(candidate, baseline), budget).compare(0, 1);
    }

    /**
     * The samples of several kernels taken in the same rounds. Any pair of them can then be compared per round
     * ({@link Group#compare}), which is what "speedup over each dense baseline, measured in one run" needs without
     * timing the sparse kernel once per baseline.
     */
    public Group group(List<? extends Prepared> kernels, Budget budget) {
        if (kernels == null || kernels.isEmpty() || budget == null) throw new IllegalArgumentException("group: kernels and budget must be given");
        int k = kernels.size();
        for (int i = 0; i < k; i++) if (kernels.get(i) == null) throw new IllegalArgumentException("group: kernel " + i + " is null");
        for (Prepared p : kernels) p.run();
        for (int w = 0; w < budget.warmupPairs(); w++)
            for (Prepared p : kernels) runFor(p, budget.warmupSliceNanos());
        int[] batch = new int[k];
        for (int i = 0; i < k; i++) batch[i] = batch(kernels.get(i), budget.minSampleNanos());
        int r = budget.repeats();
        double[][] t = new double[k][r];
        for (int round = 0; round < r; round++) {
            for (int j = 0; j < k; j++) {
                int pos = (round & 1) == 0 ? j : k - 1 - j;
                int i = (pos + round / 2) % k;
                t[i][round] = sample(kernels.get(i), batch[i]);
            }
        }
        return new Group(t, batch, budget);
    }

    /** Samples of a group of kernels timed in the same rounds: {@code nanos[kernel][round]}, ns per run. */
    public record Group(double[][] nanos, int[] batches, Budget budget) {
        public Group {
            nanos = nanos.clone();
            for (int i = 0; i < nanos.length; i++) nanos[i] = nanos[i].clone();
            batches = batches.clone();
        }

        public int size() { return nanos.length; }

        /** Median and bootstrap interval of kernel i's time (ns). */
        public Stats.Interval time(int i) {
            return Stats.bootstrapMedian(nanos[i], budget.bootstrapResamples(), budget.seed() + 17L * i, 0.95);
        }

        /** Kernel {@code candidate} against kernel {@code baseline}: per-round ratios baseline / candidate. */
        public Comparison compare(int candidate, int baseline) {
            double[] tc = nanos[candidate], tb = nanos[baseline];
            double[] ratio = new double[tc.length];
            for (int i = 0; i < ratio.length; i++) ratio[i] = tb[i] / tc[i];
            long s = budget.seed();
            return new Comparison(tc, tb, ratio,
                    Stats.bootstrapMedian(tc, budget.bootstrapResamples(), s, 0.95),
                    Stats.bootstrapMedian(tb, budget.bootstrapResamples(), s + 1, 0.95),
                    Stats.bootstrapMedian(ratio, budget.bootstrapResamples(), s + 2, 0.95), batches[candidate], batches[baseline]);
        }

        /** Index of the kernel with the lowest median time among {@code among}. */
        public int fastest(int... among) {
            int best = among[0];
            for (int i : among) if (Stats.median(nanos[i]) < Stats.median(nanos[best])) best = i;
            return best;
        }
    }

    /** Calibration probes per kernel; the per-call time is the least of their means. */
    static final int CALIBRATION_PROBES = 5;

    /**
     * Runs per sample so that a sample lasts at least minNanos, from the time one call takes when nothing else runs:
     * {@link #CALIBRATION_PROBES} probes, each calling the kernel for minNanos / 20 (once at least); the least of their
     * per-call means decides; capped at 1 &lt;&lt; 20. A self-timed kernel is calibrated by its own clock.
     *
     * <p>Why the least: on a busy machine one probe can be descheduled for a whole time slice. A single probe (what
     * this did before) then gave one copy of a kernel a batch of 3 and another copy of the same kernel a batch of 56;
     * the short samples fit between preemptions and the long ones never did, so the median time of identical code
     * came out 0.16 ms against 1.37 ms in the same rounds (8× A/A, docs/measurement.md). Samples of equal length see
     * the same share of the machine, which is what lets the per-round ratio cancel it.
     */
    private int batch(Prepared p, long minNanos) {
        double t;
        if (p instanceof SelfTimed st) {
            t = Math.max(1.0, st.nanosPerRun(1));
        } else {
            t = Double.POSITIVE_INFINITY;
            for (int probe = 0; probe < CALIBRATION_PROBES; probe++) {
                long t0 = clock.getAsLong(), dt;
                int calls = 0;
                do {
                    p.run();
                    calls++;
                    dt = clock.getAsLong() - t0;
                } while (dt < minNanos / 20);
                t = Math.min(t, (double) dt / calls);
            }
            t = Math.max(1.0, t);
        }
        if (t >= minNanos) return 1;
        return (int) Math.min(1 << 20, Math.ceil(minNanos / t));
    }

    /** Calls p until at least nanos have passed on the host clock (once at least). */
    private void runFor(Prepared p, long nanos) {
        long t0 = clock.getAsLong();
        do p.run(); while (clock.getAsLong() - t0 < nanos);
    }

    /** Nanoseconds per run over one batch; never below 1 ns (a clock that did not move). */
    private double sample(Prepared p, int batch) {
        if (p instanceof SelfTimed st) return Math.max(1.0, st.nanosPerRun(batch));
        long t0 = clock.getAsLong();
        for (int i = 0; i < batch; i++) p.run();
        long dt = clock.getAsLong() - t0;
        return Math.max(1.0, (double) dt / batch);
    }
}
