package dev.prunebench.core.spdy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SpdyDpTest {

    @Test void roundsEachTimeToWholeBuckets() {
        // budget 1 s in 10 buckets of 0.1 s: 0.14 -> 1 bucket, 0.15 -> 2 (half up), 0.26 -> 3
        assertThat(SpdyDp.quantize(0.14, 1, 10)).isEqualTo(1);
        assertThat(SpdyDp.quantize(0.26, 1, 10)).isEqualTo(3);
        // two layers of 0.54 s each round to 5 buckets: they fit a 1 s budget although they add to 1.08 s (SPDY's rounding)
        SpdyDp.Solution s = SpdyDp.solve(new double[][] {{0.54, 0.9}, {0.54, 0.9}}, new double[][] {{1, 0}, {1, 0}}, 1, 10);
        assertThat(s.choice()).containsExactly(0, 0);
        assertThat(s.buckets()).isEqualTo(10);
        assertThat(s.objective()).isEqualTo(2);
    }

    @Test void picksTheLeastErrorThatFits() {
        // layer 0: dense 4 (err 0) or sparse 1 (err 5); layer 1: dense 4 (err 0) or sparse 2 (err 1); budget 6
        double[][] t = {{4, 1}, {4, 2}}, e = {{0, 5}, {0, 1}};
        SpdyDp.Solution s = SpdyDp.solve(t, e, 6, 6);
        assertThat(s.choice()).containsExactly(0, 1);
        assertThat(s.objective()).isEqualTo(1);
        assertThat(SpdyDp.solve(t, e, 8, 8).choice()).containsExactly(0, 0);
        assertThat(SpdyDp.solve(t, e, 3, 3).choice()).containsExactly(1, 1);
    }

    @Test void refusesAnUnreachableBudgetNamingTheBucketsNeeded() {
        assertThatThrownBy(() -> SpdyDp.solve(new double[][] {{4, 1}, {4, 2}}, new double[][] {{0, 5}, {0, 1}}, 2, 2))
                .isInstanceOf(SpdyDp.Unreachable.class).hasMessageContaining("3 buckets").hasMessageContaining("budget's 2");
    }

    @Test void refusesBadArgumentsNamingThem() {
        double[][] t = {{1}}, e = {{0}};
        assertThatThrownBy(() -> SpdyDp.solve(t, e, 0, 10)).hasMessageContaining("budget");
        assertThatThrownBy(() -> SpdyDp.solve(t, e, Double.NaN, 10)).hasMessageContaining("budget");
        assertThatThrownBy(() -> SpdyDp.solve(t, e, 1, 0)).hasMessageContaining("buckets");
        assertThatThrownBy(() -> SpdyDp.solve(new double[][] {{Double.NaN}}, e, 1, 10)).hasMessageContaining("seconds[0][0]");
        assertThatThrownBy(() -> SpdyDp.solve(t, new double[][] {{-1}}, 1, 10)).hasMessageContaining("error[0][0]");
        assertThatThrownBy(() -> SpdyDp.solve(t, new double[][] {{0, 1}}, 1, 10)).hasMessageContaining("error[0]");
        assertThatThrownBy(() -> SpdyDp.solve(new double[0][], new double[0][], 1, 10)).hasMessageContaining("layers");
        assertThatThrownBy(() -> SpdyDp.solve(t, e, 1, Integer.MAX_VALUE - 1)).hasMessageContaining("heap");
    }
}
