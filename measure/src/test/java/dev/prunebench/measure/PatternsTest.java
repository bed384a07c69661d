package dev.prunebench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.GroupedCsr;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PatternsTest {

    @Property(tries = 60)
    void everyKindHitsTheRateExactly(@ForAll @IntRange(min = 1, max = 40) int rows, @ForAll @IntRange(min = 1, max = 70) int cols,
                                     @ForAll @DoubleRange(min = 0, max = 1) double rate, @ForAll @IntRange(min = 1, max = 9) int g,
                                     @ForAll Patterns.Kind kind) {
        Dense d = Patterns.generate(kind, rows, cols, rate, g, 11);
        boolean grouped = kind == Patterns.Kind.GROUPED || kind == Patterns.Kind.GROUP_RMS;
        if (grouped) {
            int gpr = (cols + g - 1) / g;
            long removed = Math.round(rate * rows * gpr);
            GroupedCsr gc = GroupedCsr.fromDense(d.data(), rows, cols, g);
            assertThat(gc.keptGroups()).isEqualTo(rows * gpr - removed);
            // every kept group is whole: no zero inside a kept group
            long expectNnz = 0;
            for (int r = 0; r < rows; r++)
                for (int k = gc.groupPtr()[r]; k < gc.groupPtr()[r + 1]; k++) expectNnz += gc.groupWidth(gc.groupIndex()[k]);
            assertThat(d.nnz()).isEqualTo(expectNnz);
        } else {
            long total = (long) rows * cols;
            assertThat(d.nnz()).isEqualTo(total - Math.round(rate * total));
        }
    }

    @Test
    void magnitudeRemovesTheSmallestWeights() {
        Dense d = Patterns.groupRms(50, 40, 1, 0.9, 5);
        float[] all = Patterns.groupRms(50, 40, 1, 0.0, 5).data();
        float minKept = Float.MAX_VALUE, maxDropped = 0;
        for (int i = 0; i < all.length; i++) {
            if (d.data()[i] != 0) minKept = Math.min(minKept, Math.abs(all[i]));
            else maxDropped = Math.max(maxDropped, Math.abs(all[i]));
        }
        assertThat(maxDropped).isLessThanOrEqualTo(minKept);
        assertThat(d.nnz()).isEqualTo(200);
    }

    @Property(tries = 25)
    void rankingServesManyRatesExactlyAsThePrunerDoes(@ForAll @IntRange(min = 1, max = 30) int rows, @ForAll @IntRange(min = 1, max = 50) int cols,
                                                      @ForAll @IntRange(min = 1, max = 8) int g, @ForAll @DoubleRange(min = 0, max = 1) double rate) {
        float[] w = Patterns.groupRms(rows, cols, 1, 0.0, rows * 7L + cols).data();
        // plant ties, which both must break by unit index
        for (int i = 0; i < w.length; i += 3) w[i] = 0.5f;
        var ranking = new Patterns.GroupRanking(w, rows, cols, g);
        var mask = dev.prunebench.core.prune.Pruner.prune(w, rows, cols, Patterns.structure(g), dev.prunebench.core.prune.Score.RMS, rate);
        assertThat(ranking.prune(rate)).containsExactly(mask.apply(w));
    }

    @Test
    void rankOrdersByExactScoreEvenWhenFloatRoundingTies() {
        double base = 1.0, next = Math.nextUp(1.0);  // distinct doubles, the same float
        int[] order = Patterns.GroupRanking.rank(new double[] {next, base, 0.5, next, base});
        assertThat(order).containsExactly(2, 1, 4, 0, 3);
    }

    @Test
    void powerLawRowsAreReallySkewed() {
        int rows = 512, cols = 512;
        Dense d = Patterns.powerLaw(rows, cols, 0.9, 1.0, 3);
        int[] len = new int[rows];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) if (d.get(r, c) != 0) len[r]++;
        long total = 0;
        int max = 0, empty = 0;
        for (int l : len) { total += l; max = Math.max(max, l); if (l <= 2) empty++; }
        assertThat(total).isEqualTo(rows * cols - Math.round(0.9 * rows * cols));
        double mean = (double) total / rows;
        assertThat(max / mean).as("longest row vs mean").isGreaterThan(8);
        assertThat(gini(len)).as("Gini of row lengths").isGreaterThan(0.5);
        // the uniform pattern at the same rate is not skewed: the harness tells them apart
        Dense u = Patterns.uniform(rows, cols, 0.9, 3);
        int[] ul = new int[rows];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) if (u.get(r, c) != 0) ul[r]++;
        assertThat(gini(ul)).isLessThan(0.15);
    }

    @Test
    void powerLawLengthsRespectTheRowWidth() {
        int[] len = Patterns.powerLawLengths(10, 8, 70, 2.0);
        int sum = 0;
        for (int l : len) { assertThat(l).isBetween(0, 8); sum += l; }
        assertThat(sum).isEqualTo(70);
    }

    @Test
    void samePatternFromTheSameSeed() {
        assertThat(Patterns.uniform(30, 30, 0.8, 9)).isEqualTo(Patterns.uniform(30, 30, 0.8, 9));
        assertThat(Patterns.uniform(30, 30, 0.8, 9)).isNotEqualTo(Patterns.uniform(30, 30, 0.8, 10));
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> Patterns.uniform(3, 3, 1.5, 1)).hasMessageContaining("rate");
        assertThatThrownBy(() -> Patterns.grouped(3, 3, 0, 0.5, 1)).hasMessageContaining("g:");
        assertThatThrownBy(() -> Patterns.Kind.parse("zipf")).hasMessageContaining("zipf");
    }

    static double gini(int[] xs) {
        double sum = 0, diff = 0;
        for (int a : xs) sum += a;
        for (int a : xs) for (int b : xs) diff += Math.abs(a - b);
        return diff / (2.0 * xs.length * sum);
    }
}
