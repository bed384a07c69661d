package dev.prunebench.results.history;

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
