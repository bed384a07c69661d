package dev.prunebench.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EDivisiveTest {

    @Test void runningSumsMatchTheDefinition() {
        Random rnd = new Random(1);
        double[] z = new double[17];
        for (int i = 0; i < z.length; i++) z[i] = rnd.nextGaussian() + (i > 9 ? 2 : 0);
        EDivisive ed = new EDivisive(0.05, 99, 2, 1);
        // the best split found by the running sums has the largest Q of every split computed directly
        double best = Double.NEGATIVE_INFINITY;
        int bestTau = -1;
        for (int t = 2; t <= z.length - 2; t++) {
            double q = EDivisive.q(Arrays.copyOfRange(z, 0, t), Arrays.copyOfRange(z, t, z.length));
            if (q > best) { best = q; bestTau = t; }
        }
        List<EDivisive.ChangePoint> cps = ed.changePoints(z);
        assertThat(cps).isNotEmpty();
        EDivisive.ChangePoint first = cps.stream().filter(c -> c.index() == 10).findFirst().orElseThrow();
        assertThat(bestTau).isEqualTo(10);
        assertThat(first.q()).isCloseTo(best, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test void findsTwoStepsWhereTheyAre() {
        Random rnd = new Random(7);
        double[] z = new double[60];
        for (int i = 0; i < z.length; i++) z[i] = 0.02 * rnd.nextGaussian() + (i >= 20 ? 0.10 : 0) + (i >= 40 ? -0.2 : 0);
        List<EDivisive.ChangePoint> cps = EDivisive.DEFAULT.changePoints(z);
        assertThat(cps).extracting(EDivisive.ChangePoint::index).containsExactly(20, 40);
        assertThat(cps).allSatisfy(c -> assertThat(c.p()).isLessThanOrEqualTo(0.05));
    }

    @Test void pureNoiseRarelyHasAChangePoint() {
        // over 100 series of iid noise, about alpha of them get a (false) change point; far fewer than half
        Random rnd = new Random(3);
        int withCp = 0;
        for (int s = 0; s < 100; s++) {
            double[] z = new double[20];
            for (int i = 0; i < z.length; i++) z[i] = rnd.nextGaussian();
            if (!EDivisive.DEFAULT.changePoints(z).isEmpty()) withCp++;
        }
        assertThat(withCp).isLessThanOrEqualTo(12);
    }

    @Test void shortOrBadSeries() {
        assertThat(EDivisive.DEFAULT.changePoints(new double[] {1, 2, 3})).isEmpty();
        assertThat(EDivisive.DEFAULT.changePoints(new double[0])).isEmpty();
        assertThatThrownBy(() -> EDivisive.DEFAULT.changePoints(new double[] {1, Double.NaN, 2, 3}))
                .hasMessageContaining("series[1]");
        assertThatThrownBy(() -> new EDivisive(0.05, 5, 2, 1)).hasMessageContaining("permutations");
    }

    @Test void sameSeriesSameAnswer() {
        double[] z = {1, 1.1, 0.9, 1, 1.05, 2, 2.1, 1.9, 2, 2.05};
        assertThat(EDivisive.DEFAULT.changePoints(z)).isEqualTo(EDivisive.DEFAULT.changePoints(z.clone()));
    }
}
