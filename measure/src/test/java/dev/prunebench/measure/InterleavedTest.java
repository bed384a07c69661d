package dev.prunebench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.kernel.MatMul;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InterleavedTest {

    /** A fake clock, and kernels whose run() advances it by a planted time with multiplicative noise. */
    static final class FakeClock {
        long now;
    }

    static MatMul.Prepared planted(FakeClock clock, double nanos, double noise, long seed, int[] calls) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return new MatMul.Prepared() {
            @Override public void run() {
                calls[0]++;
                clock.now += Math.round(nanos * (1 + noise * (rnd.nextDouble() * 2 - 1)));
            }
            @Override public float[] result() { return new float[0]; }
            @Override public void close() {}
        };
    }

    @Test
    void aPlantedTenPercentSlowdownGivesAnIntervalExcludingOne() {
        FakeClock clock = new FakeClock();
        int[] ca = {0}, cb = {0};
        var fast = planted(clock, 1_000_000, 0.03, 1, ca);
        var slow = planted(clock, 1_100_000, 0.03, 2, cb);
        Comparison c = new Interleaved(() -> clock.now).run(slow, fast, new Budget(2, 15, 0, 2000, 42));
        // candidate = slow, baseline = fast: speedup ≈ 1/1.1
        assertThat(c.speedup().median()).isBetween(0.88, 0.94);
        assertThat(c.speedup().high()).isLessThan(1.0);
        assertThat(c.speedup().contains(1.0)).isFalse();
        assertThat(c.speedups()).hasSize(15);
        assertThat(c.candidate().median()).isBetween(1.05e6, 1.15e6);
    }

    @Test
    void identicalKernelsGiveAnIntervalContainingOne() {
        FakeClock clock = new FakeClock();
        int[] ca = {0}, cb = {0};
        var a = planted(clock, 500_000, 0.05, 3, ca);
        var b = planted(clock, 500_000, 0.05, 4, cb);
        Comparison c = new Interleaved(() -> clock.now).run(a, b, new Budget(1, 21, 0, 2000, 7));
        assertThat(c.speedup().contains(1.0)).isTrue();
        assertThat(c.speedup().low()).isLessThan(c.speedup().median());
        assertThat(c.speedup().high()).isGreaterThan(c.speedup().median());
    }

    @Test
    void shortKernelsAreBatchedToTheMinimumSampleTime() {
        FakeClock clock = new FakeClock();
        int[] ca = {0}, cb = {0};
        var shortK = planted(clock, 1_000, 0, 5, ca);
        var longK = planted(clock, 100_000, 0, 6, cb);
        Comparison c = new Interleaved(() -> clock.now).run(shortK, longK, new Budget(0, 3, 50_000, 200, 1));
        assertThat(c.candidateBatch()).isEqualTo(50);
        assertThat(c.baselineBatch()).isEqualTo(1);
        assertThat(c.candidateNanos()).containsOnly(1_000.0);
        assertThat(c.speedup().median()).isEqualTo(100.0);
        // 1 untimed + 5 calibration probes of 3 calls (2 500 ns = a twentieth of the minimum sample) + 3 samples × 50
        assertThat(ca[0]).isEqualTo(1 + 5 * 3 + 3 * 50);
    }

    @Test
    void warmUpRunsEachKernelForTheMinimumSampleTimeBeforeCalibrating() {
        FakeClock clock = new FakeClock();
        int[] ca = {0}, cb = {0};
        var a = planted(clock, 1_000, 0, 5, ca);
        var b = planted(clock, 10_000, 0, 6, cb);
        new Interleaved(() -> clock.now).run(a, b, new Budget(2, 3, 20_000, 200, 1));
        // 1 + 2 warm-ups × 20 + 5 calibration + 3 × 20
        assertThat(ca[0]).isEqualTo(1 + 2 * 20 + 5 + 3 * 20);
        assertThat(cb[0]).isEqualTo(1 + 2 * 2 + 5 + 3 * 2);
    }

    @Test
    void aTotalWarmUpTimeIsSpreadOverThePairs() {
        FakeClock clock = new FakeClock();
        int[] ca = {0}, cb = {0};
        var a = planted(clock, 1_000, 0, 5, ca);
        var b = planted(clock, 1_000, 0, 6, cb);
        // 2 pairs sharing 100 µs: 50 calls of each per pair instead of 20
        new Interleaved(() -> clock.now).run(a, b, new Budget(2, 3, 20_000, 200, 1, 100_000));
        assertThat(ca[0]).isEqualTo(1 + 2 * 50 + 5 + 3 * 20);
    }

    @Test
    void bootstrapIsReproducibleAndBracketsTheMedian() {
        double[] xs = {1.0, 1.2, 0.9, 1.1, 1.05, 0.95, 1.3, 1.0, 0.98};
        var a = Stats.bootstrapMedian(xs, 1000, 9, 0.95);
        var b = Stats.bootstrapMedian(xs, 1000, 9, 0.95);
        assertThat(a).isEqualTo(b);
        assertThat(a.median()).isEqualTo(1.0);
        assertThat(a.low()).isLessThanOrEqualTo(1.0);
        assertThat(a.high()).isGreaterThanOrEqualTo(1.0);
        assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void theMedianIsTheMiddleValueOrTheTwoMiddleValuesAveragedToTheBit() {
        // Commons Math's default (LEGACY) and R-7 interpolate, low + 0.5·(high − low), which can differ from
        // (low + high) / 2 in the last bit; Stats.median must give the sort-and-average median exactly
        SplittableRandom rnd = new SplittableRandom(5);
        for (int t = 0; t < 2000; t++) {
            double[] xs = new double[1 + rnd.nextInt(12)];
            for (int i = 0; i < xs.length; i++) xs[i] = Math.exp(rnd.nextDouble() * 40 - 20);
            double[] s = xs.clone();
            Arrays.sort(s);
            int h = s.length / 2;
            double expected = s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
            double[] before = xs.clone();
            assertThat(Stats.median(xs)).as("median of %s", Arrays.toString(xs)).isEqualTo(expected);
            assertThat(xs).as("the input is left as it was").isEqualTo(before);
        }
    }

    @Test
    void verificationFailsAWrongResultAndPassesRounding() {
        float[] ref = {1, 2, 3, 4};
        assertThat(Verification.compare(new float[] {1, 2, 3, 4.00001f}, ref, 100).passed()).isTrue();
        assertThat(Verification.compare(new float[] {1, 2, 3, 4.1f}, ref, 100).passed()).isFalse();
        assertThat(Verification.compare(new float[] {1, 2, 3, Float.NaN}, ref, 100).passed()).isFalse();
        assertThat(Verification.compare(new float[] {1, 2, 3}, ref, 100).passed()).isFalse();
    }
}
