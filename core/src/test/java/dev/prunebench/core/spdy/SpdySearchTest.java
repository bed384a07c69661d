package dev.prunebench.core.spdy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpdySearchTest {

    /** Ten layers of four levels; the scorer prefers pruning the even layers, which the plain errors do not know. */
    static LatencyTable table() {
        List<LatencyTable.Layer> ls = new ArrayList<>();
        for (int l = 0; l < 10; l++)
            ls.add(new LatencyTable.Layer("l" + l, List.of(new LatencyTable.Timing("-", 0, 1), new LatencyTable.Timing("-", 0.5, 0.6),
                    new LatencyTable.Timing("-", 0.75, 0.4), new LatencyTable.Timing("-", 0.9, 0.25))));
        return new LatencyTable(10, 10, ls, List.of());
    }

    static double score(Spdy.Profile p) {
        double s = 0;
        for (int i = 0; i < p.picks().size(); i++) s += p.picks().get(i).level() * (i % 2 == 0 ? 1 : 3);
        return s;
    }

    @Test void reproducibleFromTheSeedImprovesAndReportsProgress() {
        Spdy spdy = new Spdy(table(), Set.of(), Spdy.Accounting.CORRECT);
        ErrorTable e = ErrorTable.rankPlaceholder(table());
        List<SpdySearch.Step> steps = new ArrayList<>();
        SpdySearch.Result a = SpdySearch.search(spdy, 1.6, e, 1000, SpdySearchTest::score, 7, 20, 10, steps::add);
        SpdySearch.Result b = SpdySearch.search(spdy, 1.6, e, 1000, SpdySearchTest::score, 7, 20, 10, null);
        assertThat(a.coefficients()).containsExactly(b.coefficients());
        assertThat(a.score()).isEqualTo(b.score());
        assertThat(a.candidates()).isEqualTo(20 + 1 * 10).isEqualTo(steps.size());
        assertThat(steps.get(steps.size() - 1).total()).isEqualTo(30);
        // the best score never gets worse, and the search beats the DP with all coefficients 1
        for (int i = 1; i < a.history().size(); i++) assertThat(a.history().get(i)).isLessThanOrEqualTo(a.history().get(i - 1));
        assertThat(a.score()).isLessThan(score(spdy.solve(1.6, e, null, 1000)));
        assertThat(a.profile().trueSpeedup()).isGreaterThanOrEqualTo(1.6 * 0.99);
        SpdySearch.Result other = SpdySearch.search(spdy, 1.6, e, 1000, SpdySearchTest::score, 8, 20, 10, null);
        assertThat(other.coefficients()).isNotEqualTo(a.coefficients());
    }

    @Test void refusesBadSettings() {
        Spdy spdy = new Spdy(table(), Set.of(), Spdy.Accounting.CORRECT);
        ErrorTable e = ErrorTable.rankPlaceholder(table());
        assertThatThrownBy(() -> SpdySearch.search(spdy, 1.6, e, 100, SpdySearchTest::score, 1, 0, 1, null)).hasMessageContaining("starts");
        assertThatThrownBy(() -> SpdySearch.search(spdy, 1.6, e, 100, SpdySearchTest::score, 1, 1, -1, null)).hasMessageContaining("tries");
    }
}
