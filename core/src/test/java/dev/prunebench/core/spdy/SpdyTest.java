package dev.prunebench.core.spdy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The two accountings of the layers kept dense, on a table small enough to work out by hand. */
class SpdyTest {

    // base 1.5 = 0.5 outside the table + first 0.2 + mid 0.6 + last 0.2; mid can go down to 0.2
    static LatencyTable table() throws IOException { return SpdyFilesTest.parse(SpdyFilesTest.SMALL); }

    @Test void correctAccountingCountsTheKeptLayersAsFixed() throws IOException {
        Spdy s = new Spdy(table(), Spdy.firstAndLast(table()), Spdy.Accounting.CORRECT);
        assertThat(s.keptDense()).containsExactly("first", "last");
        assertThat(s.fixedSeconds()).isCloseTo(0.9, within(1e-12));
        assertThat(s.maxTarget()).isCloseTo(1.5 / 1.1, within(1e-12));
        Spdy.Profile p = s.solve(1.3, ErrorTable.rankPlaceholder(table()), null, 1000);
        assertThat(p.picks()).extracting(Spdy.Pick::level).containsExactly(0.0, 0.9, 0.0);
        assertThat(p.picks()).extracting(Spdy.Pick::keptDense).containsExactly(true, false, true);
        assertThat(p.trueSeconds()).isCloseTo(1.1, within(1e-12));
        assertThat(p.claimedSeconds()).isCloseTo(1.1, within(1e-12));
        assertThat(SpdyFiles.formatProfile(p.picks())).isEqualTo("0.0000 first\n0.9000 mid\n0.0000 last\n");
        assertThatThrownBy(() -> s.solve(1.4, ErrorTable.rankPlaceholder(table()), null, 1000))
                .isInstanceOf(Spdy.UnreachableTarget.class).hasMessageContaining("target 1.4x: unreachable").hasMessageContaining("largest reachable target is 1.3636x");
    }

    @Test void spdyAccountingTreatsTheKeptLayersAsFreeSoItsTargetsAreOptimistic() throws IOException {
        Spdy s = new Spdy(table(), Spdy.firstAndLast(table()), Spdy.Accounting.SPDY);
        assertThat(s.fixedSeconds()).isCloseTo(0.5, within(1e-12));
        assertThat(s.maxTarget()).isCloseTo(1.5 / 0.7, within(1e-12));
        // "2x" by SPDY's count: mid at 0.2 s fits 1.5/2 - 0.5 = 0.25 s; truly the kept layers add 0.4 s: 1.5 / 1.1
        Spdy.Profile p = s.solve(2.0, ErrorTable.rankPlaceholder(table()), null, 1000);
        assertThat(p.claimedSpeedup()).isCloseTo(1.5 / 0.7, within(1e-12));
        assertThat(p.trueSpeedup()).isCloseTo(1.5 / 1.1, within(1e-12));
    }

    @Test void withNoLayerKeptTheAccountingsAgree() throws IOException {
        Spdy a = new Spdy(table(), Set.of(), Spdy.Accounting.SPDY), b = new Spdy(table(), Set.of(), Spdy.Accounting.CORRECT);
        assertThat(a.maxTarget()).isEqualTo(b.maxTarget()).isCloseTo(1.5 / 0.9, within(1e-12));
    }

    @Test void coefficientsWeighTheErrors() throws IOException {
        LatencyTable t = SpdyFilesTest.parse("base\n2\nprunable\n2\na\n1 0\n0.5 0.5\nb\n1 0\n0.5 0.5\n");
        Spdy s = new Spdy(t, Set.of(), Spdy.Accounting.CORRECT);
        ErrorTable e = ErrorTable.rankPlaceholder(t);
        // 1.5 s: one of the two must be pruned; the heavier coefficient keeps its layer dense
        assertThat(s.solve(2 / 1.5, e, new double[] {3, 1}, 100).picks()).extracting(Spdy.Pick::level).containsExactly(0.0, 0.5);
        assertThat(s.solve(2 / 1.5, e, new double[] {1, 3}, 100).picks()).extracting(Spdy.Pick::level).containsExactly(0.5, 0.0);
        assertThatThrownBy(() -> s.solve(1.2, e, new double[] {1}, 100)).hasMessageContaining("coefficients: 1 given for 2 layers");
    }

    @Test void missingErrorsAndBadTargetsAreNamed() throws IOException {
        Spdy s = new Spdy(table(), Spdy.firstAndLast(table()), Spdy.Accounting.CORRECT);
        ErrorTable partial = new ErrorTable(java.util.Map.of(new ErrorTable.Key("mid", LatencyTable.UNNAMED, 0.0), 0.0), "e.txt");
        assertThatThrownBy(() -> s.solve(1.1, partial, null, 100)).hasMessageContaining("errors (e.txt): no entry for layer mid at level 0.4000");
        assertThatThrownBy(() -> s.solve(0, partial, null, 100)).hasMessageContaining("target");
        assertThatThrownBy(() -> s.solve(Double.NaN, partial, null, 100)).hasMessageContaining("target");
        assertThatThrownBy(() -> new Spdy(table(), Set.of("nosuch"), Spdy.Accounting.CORRECT)).hasMessageContaining("'nosuch'");
        assertThatThrownBy(() -> Spdy.Accounting.parse("bogus")).hasMessageContaining("bogus");
    }
}
