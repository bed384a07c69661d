package dev.prunebench.history;

import dev.prunebench.results.Published;
import dev.prunebench.results.Report;
import dev.prunebench.results.ReportBrowserTest;
import dev.prunebench.results.RunData;
import dev.prunebench.results.SyntheticRun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a trends page in headless Chromium as {@link ReportBrowserTest} opens the report: every plot is drawn with a
 * size and its points, the change table is there, nothing is fetched from the network; a screenshot is saved to
 * {@code target/browser-test/trends.png}. And the run report links to a trends page in its folder.
 */
class TrendsBrowserTest {

    @Test void trendsPageRendersOffline(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(ReportBrowserTest.CHROMIUM), "Chromium not installed at " + ReportBrowserTest.CHROMIUM + ": apt-get install -y chromium");
        Trends.Result r;
        try (History h = TrendsTest.stepHistory(tmp)) {
            r = Trends.write(h, tmp.resolve("trends.html"), Check.Options.DEFAULT, null, null);
        }
        String url = r.file().toUri().toString();
        ReportBrowserTest.Proc dom = ReportBrowserTest.chromium(tmp, "dom", "--dump-dom", url);
        assertThat(dom.exit()).as("chromium exit code").isZero();
        assertThat(dom.out()).contains("data-plots-ok=\"" + r.plots() + "\"").contains("data-plots-broken=\"0\"")
                .contains("data-changes=\"" + r.changes() + "\"");
        ReportBrowserTest.assertNoNetwork(dom.err());

        Path shot = Path.of("target", "browser-test", "trends.png").toAbsolutePath();
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        ReportBrowserTest.Proc png = ReportBrowserTest.chromium(tmp, "shot", "--screenshot=" + shot, "--window-size=1280,1600", url);
        assertThat(png.exit()).isZero();
        BufferedImage img = ImageIO.read(shot.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo(1280);
        // the bands (light blue), change points (red) and points (near black) all show
        assertThat(hasColour(img, 0xd6, 0x27, 0x28)).as("a change-point line in red").isTrue();
        ReportBrowserTest.assertNoNetwork(png.err());
    }

    @Test void theReportLinksToTheTrendsPageBesideIt(@TempDir Path tmp) throws Exception {
        Path run = SyntheticRun.write(tmp.resolve("results"), 5, 1.0, SyntheticRun.FINGERPRINT);
        assertThat(Files.readString(Report.write(run, Published.bundled(), null).html())).doesNotContain("trends.html");
        try (History h = History.open(tmp.resolve("h.sqlite"), true)) {
            h.add(RunData.read(run));
            Trends.write(h, run.resolve("trends.html"), Check.Options.DEFAULT, null, null);
        }
        assertThat(Files.readString(Report.write(run, Published.bundled(), null).html())).contains("<a href=\"trends.html\" id=\"trends-link\">");
    }

    private static boolean hasColour(BufferedImage img, int r, int g, int b) {
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                if (Math.abs(((p >> 16) & 255) - r) < 12 && Math.abs(((p >> 8) & 255) - g) < 12 && Math.abs((p & 255) - b) < 12) return true;
            }
        return false;
    }
}
