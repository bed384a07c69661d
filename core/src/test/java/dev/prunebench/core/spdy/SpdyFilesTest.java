package dev.prunebench.core.spdy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SPDY's timing format with the quirks of its published files, made small here; bad files name their line. */
class SpdyFilesTest {

    static LatencyTable parse(String text) throws IOException {
        return SpdyFiles.parseTimings(text.lines().toList(), "t.txt");
    }

    static final String SMALL = """
            base
            1.5
            prunable
            1.0
            first
            0.2 0.0000
            0.3 0.4000
            0.1 0.9000
            mid
            0.6 0.0000
            0.7 0.4000
            0.2 0.9000
            last
            0.2 0.0000
            0.1 0.9000
            """;

    @Test void readsBasePrunableAndLayersInOrder() throws IOException {
        LatencyTable t = parse(SMALL);
        assertThat(t.base()).isEqualTo(1.5);
        assertThat(t.prunable()).isEqualTo(1.0);
        assertThat(t.names()).containsExactly("first", "mid", "last");
        assertThat(t.layer("mid").timings()).extracting(LatencyTable.Timing::seconds).containsExactly(0.6, 0.7, 0.2);
        assertThat(t.layer("mid").denseSeconds()).isEqualTo(0.6);
        assertThat(t.layer("mid").minSeconds()).isEqualTo(0.2);
        // not monotone: 40 % is slower than dense, accepted
        assertThat(t.notes()).isEmpty();
        assertThat(t.denseSum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test void trailingNamesWithoutTimingsAreNotedAndIgnored() throws IOException {
        LatencyTable t = parse(SMALL + "first.weight\nmid.weight\nlast.weight\n");
        assertThat(t.names()).containsExactly("first", "mid", "last");
        assertThat(t.notes()).singleElement().asString().contains("lines 16-18").contains("3 layer name(s)").contains("first.weight").contains("last.weight");
    }

    @Test void aLevelGivenTwiceIsNotedAndBothKeptTheFirstBeingDense() throws IOException {
        LatencyTable t = parse(SMALL.replace("mid\n0.6 0.0000\n", "mid\n0.6 0.0000\n0.5 0.0000\n"));
        assertThat(t.layer("mid").timings()).hasSize(4);
        assertThat(t.layer("mid").denseSeconds()).isEqualTo(0.6);
        assertThat(t.notes()).singleElement().asString().contains("line 11").contains("mid").contains("again");
    }

    @Test void aNameWithoutTimingsBeforeALayerWithTimingsIsRefused() {
        assertThatThrownBy(() -> parse(SMALL.replace("mid\n", "orphan\nmid\n")))
                .hasMessageContaining("t.txt: line 11").hasMessageContaining("'mid' has timing lines after layer 'orphan' (line 9) had none");
    }

    @Test void badFilesNameTheLine() {
        record Bad(String text, String message) {}
        List<Bad> bad = List.of(
                new Bad("", "line 1: file ends before 'base'"),
                new Bad("prunable\n1\n", "line 1: expected 'base', got 'prunable'"),
                new Bad("base\nabc\n", "line 2: base seconds: not a number: 'abc'"),
                new Bad("base\n-1\n", "line 2: base seconds: must be >= 0"),
                new Bad("base\n1\n", "line 3: file ends before 'prunable'"),
                new Bad("base\n1\nprunable\n1 2\n", "line 4: expected the prunable seconds"),
                new Bad("base\n1\nprunable\n1\n", "line 5: no layer with timing lines"),
                new Bad("base\n1\nprunable\n1\n0.1 0\n", "line 5: a timing line before any layer name"),
                new Bad("base\n1\nprunable\n1\nl\n0.1\n", "line 6: a lone number '0.1'"),
                new Bad("base\n1\nprunable\n1\nl\n0.1 0 csr x\n", "line 6: expected 'seconds level' or 'seconds level format', got 4 words"),
                new Bad("base\n1\nprunable\n1\nl\nfast 0\n", "line 6: 'fast 0': a layer name with a space, or a timing line whose seconds 'fast' is not a number"),
                new Bad("base\n1\nprunable\n1\nconv 1\n0.1 0\n", "line 5: 'conv 1': a layer name with a space"),
                new Bad("base\n1\nprunable\n1\nl\n0.1 NaN\n", "line 6: level: must be finite"),
                new Bad("base\n1\nprunable\n1\nl\n0.1 1.5\n", "line 6: level: must be in [0, 1], got 1.5"),
                new Bad("base\n1\nprunable\n1\nl\n-0.1 0\n", "line 6: seconds: must be >= 0"),
                new Bad("base\n1\nprunable\n1\nl\n0.1 0\nl\n0.1 0\n", "line 7: layer 'l' given twice"));
        for (Bad b : bad)
            assertThatThrownBy(() -> parse(b.text())).as(b.text()).isInstanceOf(IOException.class).hasMessageStartingWith("t.txt: ").hasMessageContaining(b.message());
    }

    @Test void aByteOrderMarkIsNotPartOfTheText() throws IOException {
        LatencyTable t = parse("\uFEFF" + SMALL);
        assertThat(t).isEqualTo(parse(SMALL));
        assertThat(SpdyFiles.parseErrors(List.of("\uFEFFmid 0.4 1"), "e.txt").error("mid", LatencyTable.UNNAMED, 0.4)).isEqualTo(1);
    }

    @Test void aLevelGivenAgainManyTimesIsOneNote() throws IOException {
        StringBuilder b = new StringBuilder("base\n1\nprunable\n1\nl\n0.1 0\n");
        for (int i = 0; i < 1000; i++) b.append("0.05 0.5\n");
        assertThat(parse(b.toString()).notes()).singleElement().asString().contains("line 8: layer l gives level 0.5 again (and 998 more lines");
    }

    @Test void writesWhatItReads() throws IOException {
        LatencyTable t = parse(SMALL);
        assertThat(parse(SpdyFiles.formatTimings(t))).isEqualTo(new LatencyTable(t.base(), t.prunable(), t.layers(), List.of()));
        assertThat(SpdyFiles.formatTimings(t)).startsWith("base\n1.5\nprunable\n1.0\nfirst\n0.2 0.0000\n").doesNotContain("E-");
        // with formats named, a third word; small times in plain decimals
        LatencyTable f = new LatencyTable(1, 1, List.of(new LatencyTable.Layer("a", List.of(
                new LatencyTable.Timing("dense", 0, 1.16e-4), new LatencyTable.Timing("csr", 0.5, 2e-5)))), List.of());
        String text = SpdyFiles.formatTimings(f);
        assertThat(text).contains("0.000116 0.0000 dense\n").contains("0.00002 0.5000 csr\n");
        assertThat(parse(text)).isEqualTo(f);
    }

    @Test void errorsFileReadsAndRefusesWithTheLine() throws IOException {
        ErrorTable e = SpdyFiles.parseErrors(List.of("# layer level error", "mid 0.4 0.25", "mid 0.9 0.5 csr", ""), "e.txt");
        assertThat(e.error("mid", LatencyTable.UNNAMED, 0.4)).isEqualTo(0.25);
        assertThat(e.error("mid", "csr", 0.4)).as("the format-less entry answers for csr").isEqualTo(0.25);
        assertThat(e.error("mid", "csr", 0.9)).isEqualTo(0.5);
        assertThat(e.error("mid", LatencyTable.UNNAMED, 0.9)).isNaN();
        assertThat(SpdyFiles.parseErrors(SpdyFiles.formatErrors(e).lines().toList(), "again").entries()).isEqualTo(e.entries());
        assertThatThrownBy(() -> SpdyFiles.parseErrors(List.of("mid 0.4"), "e.txt")).hasMessage("e.txt: line 1: expected 'layer level error' or 'layer level error format', got 2 word(s)");
        assertThatThrownBy(() -> SpdyFiles.parseErrors(List.of("mid 0.4 1", "mid 0.4 2"), "e.txt")).hasMessageContaining("line 2").hasMessageContaining("given twice");
        assertThatThrownBy(() -> SpdyFiles.parseErrors(List.of("mid 0.4 -1"), "e.txt")).hasMessageContaining("line 1: error: must be >= 0");
        assertThatThrownBy(() -> SpdyFiles.parseErrors(List.of("mid x 1"), "e.txt")).hasMessageContaining("line 1: level: not a number: 'x'");
        assertThatThrownBy(() -> SpdyFiles.parseErrors(List.of("# nothing"), "e.txt")).hasMessageContaining("line 2: no 'layer level error' lines");
    }

    @Test void placeholderIsTheSquaredRankOfTheDistinctLevels() throws IOException {
        LatencyTable t = parse(SMALL.replace("mid\n0.6 0.0000\n", "mid\n0.6 0.0000\n0.5 0.0000\n"));
        ErrorTable e = ErrorTable.rankPlaceholder(t);
        assertThat(e.error("mid", LatencyTable.UNNAMED, 0.0)).isEqualTo(0.0);
        assertThat(e.error("mid", LatencyTable.UNNAMED, 0.4)).isEqualTo(0.25);
        assertThat(e.error("mid", LatencyTable.UNNAMED, 0.9)).isEqualTo(1.0);
        assertThat(e.error("last", LatencyTable.UNNAMED, 0.9)).isEqualTo(1.0);
    }
}
