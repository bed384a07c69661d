package dev.prunebench.history;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeriesTest {
    @Test void familiesKeepKernelBaselineAndN() {
        assertThat(Series.family("speedup[kernel=gcsr-vector,over=fastest-dense,g=8,rate=0.90,n=50]"))
                .isEqualTo("geomean:speedup[kernel=gcsr-vector,over=fastest-dense,n=50]");
        assertThat(Series.family("break_even_rate[kernel=csr-vector,over=mkl-sgemm,g=1,n=1]"))
                .isEqualTo("geomean:break_even_rate[kernel=csr-vector,over=mkl-sgemm,n=1]");
        assertThat(Series.family("thread_speedup[threads=2]")).isNull();
        assertThat(Series.family("plain")).isNull();
        assertThat(Series.gated(new Series.Key("e", "geomean:speedup[kernel=a,over=fastest-dense,n=50]"))).isTrue();
        assertThat(Series.gated(new Series.Key("e", "geomean:speedup[kernel=a,over=mkl-sgemm,n=50]"))).isFalse();
        assertThat(Series.gated(new Series.Key("e", "speedup[kernel=a,over=fastest-dense,g=1,n=50]"))).isFalse();
    }

    @Test void aKernelAlsoHasOneFamilyOverEveryN() {
        assertThat(Series.allN("geomean:speedup[kernel=gcsr-vector,over=fastest-dense,n=50]"))
                .isEqualTo("geomean:speedup[kernel=gcsr-vector,over=fastest-dense]");
        assertThat(Series.allN("geomean:speedup[kernel=a,n=1]")).isEqualTo("geomean:speedup[kernel=a]");
        assertThat(Series.allN("geomean:speedup[kernel=a,over=fastest-dense]")).isNull();
        assertThat(Series.gated(new Series.Key("e", "geomean:speedup[kernel=a,over=fastest-dense]"))).isTrue();
        // two runs, each with the kernel at N = 1 and 50: the family over every N is the geometric mean of all four points
        History.Run r1 = new History.Run(1, "r1", "c1", "false", "quick", "fp", "", "", 1, "", "", 4);
        History.Run r2 = new History.Run(2, "r2", "c2", "false", "quick", "fp", "", "", 1, "", "", 4);
        java.util.List<History.Value> vs = new java.util.ArrayList<>();
        for (History.Run r : java.util.List.of(r1, r2))
            for (int n : new int[] {1, 50})
                for (double rate : new double[] {0.8, 0.9})
                    vs.add(new History.Value(r, "e", dev.prunebench.results.Metric.timing(
                            "speedup[kernel=a,over=fastest-dense,g=1,rate=" + rate + ",n=" + n + "]", n == 1 ? 2.0 : 8.0, "x", new double[] {1, 2, 3})));
        var s = Series.of(vs, false);
        assertThat(s.get(new Series.Key("e", "geomean:speedup[kernel=a,over=fastest-dense]"))).hasSize(2)
                .allSatisfy(p -> assertThat(p.value()).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-12)))
                .allSatisfy(p -> assertThat(p.count()).isEqualTo(4));
        assertThat(s.get(new Series.Key("e", "geomean:speedup[kernel=a,over=fastest-dense,n=1]"))).hasSize(2);
        // one N only: no family over every N (it would repeat the one at that N)
        var one = Series.of(vs.stream().filter(v -> v.metric().name().endsWith("n=50]")).toList(), false);
        assertThat(one).doesNotContainKey(new Series.Key("e", "geomean:speedup[kernel=a,over=fastest-dense]"));
    }

    @Test void medianIntervalByOrderStatistics() {
        // 7 repeats: P(B <= 0) = 1/128 <= 2.5 %, P(B <= 1) = 8/128 > 2.5 %: the interval is min … max
        assertThat(Series.medianInterval(new double[] {5, 1, 7, 3, 2, 6, 4})).containsExactly(1, 7);
        // 20 repeats: P(B <= 5) = 0.0207, P(B <= 6) = 0.0577: x(6) … x(15)
        double[] x = new double[20];
        for (int i = 0; i < 20; i++) x[i] = 20 - i;
        assertThat(Series.medianInterval(x)).containsExactly(6, 15);
        assertThat(Series.medianInterval(new double[] {1, 2, 3, 4, 5})).containsExactly(Double.NaN, Double.NaN);
    }
}
