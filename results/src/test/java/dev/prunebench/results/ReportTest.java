package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    /** src/href attributes and CSS url() references that point off the machine. */
    static final Pattern EXTERNAL = Pattern.compile("(?i)(?:src|href)\\s*=\\s*[\"']?\\s*(?:https?:)?//|url\\(\\s*[\"']?\\s*(?:https?:)?//|@import");

    @Test void selfContainedPageWithSummaryFirstAndEveryPlot(@TempDir Path tmp) throws Exception {
        Path run = SyntheticRun.write(tmp, 7, 1.0, SyntheticRun.FINGERPRINT);
        Report.Result r = Report.write(run, Published.bundled(), Set.of("hartenstein-spmm-cpu", "formats-storage"));
        assertThat(r.plotErrors()).isEmpty();
        assertThat(r.plots()).isEqualTo(SyntheticRun.PLOTS);

        String html = Files.readString(r.html());
        assertThat(EXTERNAL.matcher(html).find()).as("external reference").isFalse();
        assertThat(html.indexOf("id=\"summary\"")).isLessThan(html.indexOf("id=\"exp-hartenstein-spmm-cpu\""));
        // the findings lead: each experiment's key figure and verdict line before the scorecard; full metric lists folded away
        assertThat(html.indexOf("id=\"findings\"")).isLessThan(html.indexOf("id=\"summary\""));
        assertThat(html.indexOf("id=\"plot-hartenstein-spmm-cpu-speedup-vs-rate\"")).isBetween(html.indexOf("id=\"finding-hartenstein-spmm-cpu\""), html.indexOf("id=\"summary\""));
        assertThat(html.indexOf("id=\"plot-formats-storage-bytes-vs-sparsity\"")).isLessThan(html.indexOf("id=\"summary\""));
        assertThat(html).contains("consistent (other hardware) (quick scale)", "check passed 2", "<details class=\"metrics\"><summary>All ");
        assertThat(html.indexOf("<details class=\"metrics\">")).isGreaterThan(html.indexOf("id=\"exp-hartenstein-spmm-cpu\""));
        assertThat(html).contains("Experiments in this run", "median of 20, range", "reproduced", "not run", "scalpel-mcu not built yet", "no CUDA device", "Test CPU 9000",
                "synthetic numbers for tests", "spmm.csv");
        // every plot is a PNG data URI that decodes, at twice the size it is shown at
        Matcher m = Pattern.compile("<img class=\"plot\"[^>]*src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        int n = 0;
        while (m.find()) {
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
            assertThat(img).isNotNull();
            assertThat(img.getWidth()).isEqualTo(2 * Plots.WIDTH);
            assertThat(img.getHeight()).isEqualTo(2 * Plots.HEIGHT);
            n++;
        }
        assertThat(n).isEqualTo(SyntheticRun.PLOTS);
        List<String> card = Files.readAllLines(r.scorecardCsv());
        assertThat(card).hasSize(Published.bundled().size() + 1);
    }

    @Test void thePapersNumbersAreDrawnOnTheKeyFigure(@TempDir Path tmp) throws Exception {
        RunData run = RunData.read(SyntheticRun.write(tmp, 7, 1.0, SyntheticRun.FINGERPRINT));
        List<Scorecard.Entry> card = Scorecard.compute(run, Published.bundled(), null);
        PlotSpec speedup = run.experiment("hartenstein-spmm-cpu").plots().get(0);
        List<Plots.Point> pts = Report.publishedPoints(speedup, card.stream().filter(c -> c.row().experiment().equals("hartenstein-spmm-cpu")).toList());
        // 1.57x at g = 32 and 1.49x at g = 8, both at 90 %; break-even rates 0.94 (g = 1) and 0.84 (g = 32) on the y = 1 line;
        // the one-sided claims (no published value) are not drawn
        assertThat(pts).contains(new Plots.Point(0.90, 1.57, "paper g=32"), new Plots.Point(0.90, 1.49, "paper g=8"),
                new Plots.Point(0.94, 1.0, "paper g=1 break-even"), new Plots.Point(0.84, 1.0, "paper g=32 break-even"));
        assertThat(pts).hasSize(4);
        // a filter the row contradicts keeps it off the plot
        PlotSpec other = new PlotSpec("x", "t", "spmm", "rate", "speedup", "g", List.of("kernel=csr-vector"), "r", "s", false, PlotSpec.Style.LINE, 1.0);
        assertThat(Report.publishedPoints(other, card)).noneMatch(p -> p.label().equals("paper g=8"));
        assertThat(Files.readString(Report.write(run.dir(), Published.bundled(), null).html())).contains("◆ the paper's numbers (4)");
    }

    @Test void brokenPlotSpecBecomesAVisibleErrorNotACrash(@TempDir Path tmp) throws Exception {
        Path run = SyntheticRun.write(tmp, 7, 1.0, SyntheticRun.FINGERPRINT);
        Path ej = run.resolve("formats-storage/experiment.json");
        Files.writeString(ej, Files.readString(ej).replace("\"y\" : \"bytes\"", "\"y\" : \"kilobytes\""));
        Report.Result r = Report.write(run, Published.bundled(), null);
        assertThat(r.plotErrors()).singleElement().asString().contains("formats-storage / bytes-vs-sparsity", "'kilobytes' not in table");
        assertThat(Files.readString(r.html())).contains("plot could not be drawn");
    }

    @Test void regeneratesFromFilesAlone(@TempDir Path tmp) throws Exception {
        Path run = SyntheticRun.write(tmp, 7, 1.0, SyntheticRun.FINGERPRINT);
        Report.write(run, Published.bundled(), null);
        String first = Files.readString(run.resolve("index.html"));
        Files.delete(run.resolve("index.html"));
        Files.delete(run.resolve("scorecard.csv"));
        Report.write(run, Published.bundled(), null);
        assertThat(Files.readString(run.resolve("index.html"))).isEqualTo(first);
    }

    @Test void escapesText() {
        assertThat(Report.esc("<a href=\"x\">&'")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
