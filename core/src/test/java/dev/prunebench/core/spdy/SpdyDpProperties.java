package dev.prunebench.core.spdy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The DP against exhaustive search over every combination of options, on small random instances. */
class SpdyDpProperties {

    record Instance(double[][] seconds, double[][] error, double budget, int buckets) {}

    /** Times with ties and options slower than dense (as in SPDY's files); errors with ties too. */
    static Instance instance(long seed, int layers, int maxOptions, int buckets) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] s = new double[layers][], e = new double[layers][];
        double total = 0;
        for (int l = 0; l < layers; l++) {
            int n = 1 + r.nextInt(maxOptions);
            s[l] = new double[n];
            e[l] = new double[n];
            for (int j = 0; j < n; j++) {
                s[l][j] = r.nextInt(4) == 0 ? r.nextInt(1, 5) * 0.25 : r.nextDouble(0, 2);
                e[l][j] = r.nextInt(4) == 0 ? r.nextInt(3) : r.nextDouble();
            }
            total += s[l][0];
        }
        // budgets from well below the fastest combination to above the slowest
        double budget = total * r.nextDouble(0.05, 1.6) + 1e-3;
        return new Instance(s, e, budget, buckets);
    }

    /** Least error over all combinations whose rounded times fit, summed in layer order as the DP does; +inf if none. */
    static double bruteForce(Instance in) {
        return search(in, 0, 0, 0.0);
    }

    private static double search(Instance in, int l, long used, double err) {
        if (l == in.seconds().length) return err;
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < in.seconds()[l].length; j++) {
            long k = SpdyDp.quantize(in.seconds()[l][j], in.budget(), in.buckets());
            if (used + k > in.buckets()) continue;
            best = Math.min(best, search(in, l + 1, used + k, err + in.error()[l][j]));
        }
        return best;
    }

    @Property(tries = 400)
    void equalsBruteForce(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int layers,
                          @ForAll @IntRange(min = 1, max = 6) int maxOptions, @ForAll @IntRange(min = 1, max = 60) int buckets) {
        Instance in = instance(seed, layers, maxOptions, buckets);
        double best = bruteForce(in);
        if (best == Double.POSITIVE_INFINITY) {
            assertThatThrownBy(() -> SpdyDp.solve(in.seconds(), in.error(), in.budget(), in.buckets()))
                    .isInstanceOf(SpdyDp.Unreachable.class).hasMessageContaining("buckets");
            return;
        }
        SpdyDp.Solution s = SpdyDp.solve(in.seconds(), in.error(), in.budget(), in.buckets());
        assertThat(s.objective()).isEqualTo(best);
        // the picks are feasible and add up to the objective and the buckets reported
        long used = 0;
        double err = 0.0;
        for (int l = 0; l < layers; l++) {
            int j = s.choice()[l];
            assertThat(j).isBetween(0, in.seconds()[l].length - 1);
            used += SpdyDp.quantize(in.seconds()[l][j], in.budget(), in.buckets());
            err += in.error()[l][j];
        }
        assertThat(used).isEqualTo(s.buckets()).isLessThanOrEqualTo(in.buckets());
        assertThat(err).isEqualTo(best);
    }

    /** Format choice: the same layer offered in two formats is never worse than either alone. */
    @Property(tries = 200)
    void moreChoicesNeverHurt(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int layers, @ForAll @IntRange(min = 5, max = 50) int buckets) {
        Instance a = instance(seed, layers, 4, buckets), b = instance(seed ^ 0x9E3779B97F4A7C15L, layers, 4, buckets);
        double[][] s = new double[layers][], e = new double[layers][];
        for (int l = 0; l < layers; l++) {
            s[l] = concat(a.seconds()[l], b.seconds()[l]);
            e[l] = concat(a.error()[l], b.error()[l]);
        }
        Instance both = new Instance(s, e, a.budget(), buckets);
        Instance onlyB = new Instance(b.seconds(), b.error(), a.budget(), buckets);
        double ba = bruteForce(new Instance(a.seconds(), a.error(), a.budget(), buckets)), bb = bruteForce(onlyB), bBoth = bruteForce(both);
        assertThat(bBoth).isLessThanOrEqualTo(Math.min(ba, bb));
        if (bBoth < Double.POSITIVE_INFINITY) assertThat(SpdyDp.solve(s, e, a.budget(), buckets).objective()).isEqualTo(bBoth);
    }

    static double[] concat(double[] x, double[] y) {
        double[] z = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, z, x.length, y.length);
        return z;
    }
}
