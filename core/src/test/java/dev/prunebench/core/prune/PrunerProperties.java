package dev.prunebench.core.prune;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class PrunerProperties {

    /** Weights with many exact ties (half-integers in [-3, 3]) so the tie rule is exercised. */
    static float[] weights(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = r.nextInt(-6, 7) * 0.5f;
        return w;
    }

    @Provide Arbitrary<Structure> rated() {
        return Arbitraries.oneOf(
                Arbitraries.just(Structure.UNSTRUCTURED),
                Arbitraries.just(Structure.NODE),
                Arbitraries.integers().between(1, 9).map(Structure::group));
    }

    @Provide Arbitrary<Score> scores() {
        return Arbitraries.oneOf(
                Arbitraries.of(Score.MAGNITUDE, Score.MEAN, Score.MAX, Score.MEDIAN, Score.L1, Score.L2),
                Arbitraries.longs().map(Score::random));
    }

    /** Row-major unit index of weight i for a structure, and units per row. */
    static int unitOf(Structure s, int i, int cols) {
        int r = i / cols, c = i % cols;
        return switch (s) {
            case Structure.Unstructured u -> i;
            case Structure.Group g -> r * g.groupsPerRow(cols) + c / g.g();
            case Structure.Node n -> r;
            case Structure.Nm nm -> throw new AssertionError();
        };
    }

    @Property(tries = 300)
    void exactRateAndWholeUnits(@ForAll @IntRange(min = 1, max = 17) int rows, @ForAll @IntRange(min = 1, max = 37) int cols,
                                @ForAll("rated") Structure s, @ForAll("scores") Score score,
                                @ForAll @DoubleRange(min = 0, max = 1) double rate, @ForAll long seed) {
        float[] w = weights(rows, cols, seed);
        PruneResult res = Pruner.prune(new Layer("fc", w, rows, cols, score), s, rate);
        long units = s.units(rows, cols);
        assertThat(res.units()).isEqualTo(units);
        assertThat(res.removedUnits()).isEqualTo(Math.round(rate * units));
        // every unit all kept or all removed; count removed units independently of the pruner
        int[] kept = new int[(int) units], size = new int[(int) units];
        for (int i = 0; i < rows * cols; i++) {
            int u = unitOf(s, i, cols);
            size[u]++;
            if (res.mask().keepAt(i)) kept[u]++;
        }
        long removed = 0;
        for (int u = 0; u < units; u++) {
            assertThat(kept[u]).as("unit %d", u).isIn(0, size[u]);
            if (kept[u] == 0) removed++;
        }
        assertThat(removed).isEqualTo(res.removedUnits());
        assertThat(res.weightSparsity()).isEqualTo((double) res.mask().removed() / (rows * cols));
        if (s instanceof Structure.Unstructured || s instanceof Structure.Node)
            assertThat(res.weightSparsity()).isEqualTo(res.unitRate());
    }

    /** RMS ranking against an independent computation: removed = first k of units sorted by (RMS, index). */
    @Property(tries = 200)
    void rmsRankingMatchesIndependentComputation(@ForAll @IntRange(min = 1, max = 12) int rows, @ForAll @IntRange(min = 1, max = 40) int cols,
                                                 @ForAll @IntRange(min = 1, max = 16) int g, @ForAll @DoubleRange(min = 0, max = 1) double rate,
                                                 @ForAll long seed) {
        float[] w = weights(rows, cols, seed);
        Mask m = Pruner.prune(w, rows, cols, Structure.group(g), Score.RMS, rate);
        int gpr = (cols + g - 1) / g;
        List<double[]> units = new ArrayList<>(); // {score, index}
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < gpr; j++) {
                double sq = 0;
                int n = 0;
                for (int c = j * g; c < Math.min(cols, j * g + g); c++, n++) sq += (double) w[r * cols + c] * w[r * cols + c];
                units.add(new double[] {Math.sqrt(sq / n), r * gpr + j});
            }
        units.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        long k = Math.round(rate * units.size());
        boolean[] removed = new boolean[units.size()];
        for (int i = 0; i < k; i++) removed[(int) units.get(i)[1]] = true;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                assertThat(m.keep(r, c)).as("(%d,%d)", r, c).isEqualTo(!removed[r * gpr + c / g]);
    }

    @Property(tries = 200)
    void nmKeepsTheNLargestOfEveryWindow(@ForAll @IntRange(min = 1, max = 9) int rows, @ForAll @IntRange(min = 1, max = 30) int cols,
                                         @ForAll @IntRange(min = 1, max = 8) int m, @ForAll @IntRange(min = 1, max = 8) int nRaw,
                                         @ForAll long seed) {
        int n = Math.min(nRaw, m);
        Structure.Nm nm = (Structure.Nm) Structure.nm(n, m);
        float[] w = weights(rows, cols, seed);
        PruneResult res = Pruner.prune(Layer.of("fc", w, rows, cols), nm, nm.rate());
        Mask mask = res.mask();
        long removed = 0;
        for (int r = 0; r < rows; r++)
            for (int c0 = 0; c0 < cols; c0 += m) {
                int end = Math.min(cols, c0 + m), kept = 0;
                float minKept = Float.MAX_VALUE, maxRemoved = -1;
                for (int c = c0; c < end; c++) {
                    float a = Math.abs(w[r * cols + c]);
                    if (mask.keep(r, c)) { kept++; minKept = Math.min(minKept, a); }
                    else { removed++; maxRemoved = Math.max(maxRemoved, a); }
                }
                assertThat(kept).isEqualTo(Math.min(n, end - c0));
                if (maxRemoved >= 0) assertThat(maxRemoved).isLessThanOrEqualTo(minKept);
            }
        assertThat(res.removedUnits()).isEqualTo(removed).isEqualTo(mask.removed());
        // the mask encodes as N:M
        assertThat(mask.encode(w, dev.prunebench.core.format.FormatSpec.nm(n, m)).toDense()).isEqualTo(mask.apply(w));
    }

    @Property(tries = 100)
    void randomScoreIsReproducible(@ForAll @IntRange(min = 1, max = 20) int rows, @ForAll @IntRange(min = 1, max = 20) int cols,
                                   @ForAll("rated") Structure s, @ForAll @DoubleRange(min = 0, max = 1) double rate, @ForAll long seed) {
        float[] w = weights(rows, cols, seed);
        Mask a = Pruner.prune(w, rows, cols, s, Score.random(seed), rate);
        Mask b = Pruner.prune(w.clone(), rows, cols, s, Score.random(seed), rate);
        assertThat(a).isEqualTo(b);
        // and the score does not depend on the weights
        Mask c = Pruner.prune(weights(rows, cols, seed + 1), rows, cols, s, Score.random(seed), rate);
        assertThat(c).isEqualTo(a);
    }

    @Property(tries = 150)
    void globalOnOneLayerEqualsPerLayer(@ForAll @IntRange(min = 1, max = 15) int rows, @ForAll @IntRange(min = 1, max = 30) int cols,
                                        @ForAll("rated") Structure s, @ForAll("scores") Score score,
                                        @ForAll @DoubleRange(min = 0, max = 1) double rate, @ForAll long seed) {
        Layer l = new Layer("only", weights(rows, cols, seed), rows, cols, score);
        PruneResult per = Pruner.prune(l, s, rate);
        List<PruneResult> global = Pruner.global(List.of(l), s, rate);
        assertThat(global).hasSize(1);
        assertThat(global.get(0).mask()).isEqualTo(per.mask());
        assertThat(global.get(0).removedUnits()).isEqualTo(per.removedUnits());
        // and a profile naming it gives the same
        assertThat(Pruner.profile(List.of(l), s, java.util.Map.of("only", rate)).get(0).mask()).isEqualTo(per.mask());
    }

    @Property(tries = 150)
    void globalThresholdIsOneThreshold(@ForAll @IntRange(min = 1, max = 10) int r1, @ForAll @IntRange(min = 1, max = 20) int c1,
                                       @ForAll @IntRange(min = 1, max = 10) int r2, @ForAll @IntRange(min = 1, max = 20) int c2,
                                       @ForAll @DoubleRange(min = 0, max = 1) double rate, @ForAll long seed) {
        List<Layer> layers = List.of(Layer.of("a", weights(r1, c1, seed), r1, c1), Layer.of("b", weights(r2, c2, ~seed), r2, c2));
        List<PruneResult> res = Pruner.global(layers, Structure.UNSTRUCTURED, rate);
        long total = (long) r1 * c1 + (long) r2 * c2;
        assertThat(res.get(0).removedUnits() + res.get(1).removedUnits()).isEqualTo(Math.round(rate * total));
        double maxRemoved = -1, minKept = Double.MAX_VALUE;
        for (int li = 0; li < 2; li++)
            for (int i = 0; i < layers.get(li).weights().length; i++) {
                double a = Math.abs(layers.get(li).weights()[i]);
                if (res.get(li).mask().keepAt(i)) minKept = Math.min(minKept, a);
                else maxRemoved = Math.max(maxRemoved, a);
            }
        assertThat(maxRemoved).isLessThanOrEqualTo(minKept);
    }

    @Property(tries = 100)
    void priorRemovalsStayRemoved(@ForAll @IntRange(min = 1, max = 12) int rows, @ForAll @IntRange(min = 1, max = 30) int cols,
                                  @ForAll("rated") Structure s, @ForAll @DoubleRange(min = 0, max = 1) double r1,
                                  @ForAll @DoubleRange(min = 0, max = 1) double r2, @ForAll long seed) {
        double lo = Math.min(r1, r2), hi = Math.max(r1, r2);
        Layer l = new Layer("fc", weights(rows, cols, seed), rows, cols, Score.random(seed));
        Mask first = Pruner.prune(l, s, lo).mask();
        PruneResult second = Pruner.prune(new Layer("fc", weights(rows, cols, seed), rows, cols, Score.random(seed + 7)), s, hi, first);
        assertThat(second.mask().and(first)).isEqualTo(second.mask());
        assertThat(second.removedUnits()).isEqualTo(Math.round(hi * s.units(rows, cols)));
    }

    @Property(tries = 50)
    void ties_lowerIndexGoesFirst(@ForAll @IntRange(min = 1, max = 64) int n, @ForAll @IntRange(min = 0, max = 64) int kRaw) {
        int k = Math.min(kRaw, n);
        float[] w = new float[n];
        Arrays.fill(w, 1f);
        Mask m = Pruner.prune(w, 1, n, Structure.UNSTRUCTURED, Score.MAGNITUDE, (double) k / n);
        for (int c = 0; c < n; c++) assertThat(m.keep(0, c)).isEqualTo(c >= k);
    }

    @Property(tries = 300)
    void selectionMatchesSorting(@ForAll @IntRange(min = 1, max = 300) int n, @ForAll @IntRange(min = 1, max = 8) int distinct,
                                 @ForAll @IntRange(min = 0, max = 299) int kRaw, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextInt(distinct) == 0 ? Double.NEGATIVE_INFINITY : r.nextInt(distinct) * 0.25;
        int k = kRaw % n;
        double[] sorted = a.clone();
        Arrays.sort(sorted);
        assertThat(Pruner.kthSmallest(a.clone(), k)).isEqualTo(sorted[k]);
    }

    /** SNIP and OBD against saliencies computed here: every removed weight scores at most every kept one. */
    @Property(tries = 150)
    void snipAndObdRankByTheirSaliency(@ForAll @IntRange(min = 1, max = 10) int rows, @ForAll @IntRange(min = 1, max = 30) int cols,
                                       @ForAll boolean obd, @ForAll @DoubleRange(min = 0, max = 1) double rate, @ForAll long seed) {
        float[] w = weights(rows, cols, seed), aux = weights(rows, cols, ~seed);
        if (obd) for (int i = 0; i < aux.length; i++) aux[i] = aux[i] * aux[i];
        Score score = obd ? Score.obd(aux) : Score.snip(aux);
        PruneResult res = Pruner.prune(new Layer("fc", w, rows, cols, score), Structure.UNSTRUCTURED, rate);
        double maxRemoved = Double.NEGATIVE_INFINITY, minKept = Double.POSITIVE_INFINITY;
        for (int i = 0; i < w.length; i++) {
            double s = obd ? 0.5 * aux[i] * (double) w[i] * w[i] : Math.abs((double) aux[i] * w[i]);
            if (res.mask().keepAt(i)) minKept = Math.min(minKept, s);
            else maxRemoved = Math.max(maxRemoved, s);
        }
        assertThat(maxRemoved).isLessThanOrEqualTo(minKept);
        assertThat(res.removedUnits()).isEqualTo(Math.round(rate * (rows * cols)));
    }
}
