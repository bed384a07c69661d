package dev.prunebench.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EvaluateTest {

    static final Series.Key A = new Series.Key("e", "geomean:speedup[kernel=a,over=fastest-dense,n=50]");
    static final Series.Key B = new Series.Key("e", "geomean:speedup[kernel=b,over=fastest-dense,n=50]");
    static final Series.Key NOT_GATED = new Series.Key("e", "geomean:speedup[kernel=a,over=mkl-sgemm,n=50]");

    static List<Map<Series.Key, Double>> runs(int n, double sd, long seed) {
        Random r = new Random(seed);
        List<Map<Series.Key, Double>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<Series.Key, Double> m = new TreeMap<>();
            m.put(A, 3.0 * Math.exp(sd * r.nextGaussian()));
            m.put(B, 5.0 * Math.exp(sd * r.nextGaussian()));
            m.put(NOT_GATED, 2.0 * Math.exp(sd * r.nextGaussian()));
            out.add(m);
        }
        return out;
    }

    @Test void quietRunsDetectTenPercentWithoutFalseAlarms() {
        Evaluate.Result r = Evaluate.evaluate(runs(12, 0.01, 1), 0.10, new int[] {5, 11}, 10, Check.Options.DEFAULT, 2);
        assertThat(r.kernels()).containsExactly(A.name(), B.name());
        assertThat(r.spreads()).hasSize(2).allSatisfy(s -> assertThat(s.sd()).isBetween(0.003, 0.02));
        for (Evaluate.Rate x : r.rates()) {
            assertThat(x.faTrials()).isEqualTo(12 * 10);
            assertThat(x.detTrials()).isEqualTo(12 * 10 * 2);
            assertThat(x.falseAlarmRate()).as("h=%d", x.historyRuns()).isLessThanOrEqualTo(0.05);
            assertThat(x.detectionRate()).as("h=%d", x.historyRuns()).isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test void noisyRunsCanNotSeeTenPercent() {
        // run-to-run sd 15 %: a 10 % slowdown hides in the band
        Evaluate.Result r = Evaluate.evaluate(runs(12, 0.15, 3), 0.10, new int[] {11}, 10, Check.Options.DEFAULT, 4);
        assertThat(r.rates().get(0).detectionRate()).isLessThan(0.3);
        assertThat(r.rates().get(0).falseAlarmRate()).isLessThanOrEqualTo(0.05);
    }

    @Test void aKernelSlowedAtEveryNIsCaughtByItsQuietFamily() {
        // kernel a: quiet at n = 50 (1 %), noisy at n = 1 (15 %); a 10 % slowdown of a shows in its n = 50 family
        Series.Key a1 = new Series.Key("e", "geomean:speedup[kernel=a,over=fastest-dense,n=1]");
        Random rnd = new Random(5);
        List<Map<Series.Key, Double>> runs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Map<Series.Key, Double> m = new TreeMap<>();
            m.put(A, 3.0 * Math.exp(0.01 * rnd.nextGaussian()));
            m.put(a1, 2.0 * Math.exp(0.15 * rnd.nextGaussian()));
            runs.add(m);
        }
        Evaluate.Rate x = Evaluate.evaluate(runs, 0.10, new int[] {11}, 10, Check.Options.DEFAULT, 6).rates().get(0);
        assertThat(x.kernelTrials()).isEqualTo(12 * 10);      // one kernel, one trial per history
        assertThat(x.detTrials()).isEqualTo(12 * 10 * 2);     // two families, one trial each
        assertThat(x.kernelDetectionRate()).isGreaterThanOrEqualTo(0.95);
        // per family: the quiet one is caught, the noisy one mostly not, so the mean lies in between
        assertThat(x.detectionRate()).isBetween(0.45, 0.8);
    }

    @Test void plantingScalesTheFamilyByTheFactor() {
        assertThat(Evaluate.plant(A, 3.3, 0.10)).isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-12));
        Series.Key breakEven = new Series.Key("e", "geomean:break_even_rate[kernel=a,over=fastest-dense,n=50]");
        assertThat(Evaluate.plant(breakEven, 0.5, 0.10)).isCloseTo(0.55, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test void wilsonInterval() {
        double[] w = Evaluate.wilson(9, 10);
        assertThat(w[0]).isBetween(0.59, 0.60);
        assertThat(w[1]).isBetween(0.98, 0.99);
        assertThat(Evaluate.wilson(0, 0)[0]).isNaN();
    }
}
