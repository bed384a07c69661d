package dev.prunebench.history;

import dev.prunebench.results.HeadlessChromium;
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
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a trends page in headless Chromium as {@link ReportBrowserTest} opens the report: every plot is drawn with a
 * size and its points, the change table is there, nothing is fetched from the network; a screenshot is saved to
 * {@code target/browser-test/trends.png}. And the run report links to a trends page in its folder.
 */
class TrendsBrowserTest {

    @Test @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void trendsPageRendersOffline(@TempDir Path tmp) throws Exception {
        assumeTrue(HeadlessChromium.available(), HeadlessChromium.missing());
        Trends.Result r;
        try (History h = TrendsTest.twoMachineHistory(tmp)) { // with the machine classes side by side
            r = Trends.write(h, tmp.resolve("trends.html"), Check.Options.DEFAULT, null, null);
        }
        String url = r.file().toUri().toString();
        try (HeadlessChromium browser = HeadlessChromium.start(tmp.resolve("profile"))) {
            HeadlessChromium.Page page = browser.open(url, 800, 600);
            assertThat(page.dom()).contains("data-plots-ok=\"" + r.plots() + "\"").contains("data-plots-broken=\"0\"")
                    .contains("data-changes=\"" + r.changes() + "\"");

            Path shot = ReportBrowserTest.saveScreenshot(page, "trends.png", 1280, 4400);
            BufferedImage img = ImageIO.read(shot.toFile());
            assertThat(img).isNotNull();
            assertThat(img.getWidth()).isEqualTo(1280);
            // the bands (light blue), change points (red) and points (near black) all show
            assertThat(hasColour(img, 0xd6, 0x27, 0x28)).as("a change-point line in red").isTrue();
            ReportBrowserTest.assertNoNetwork(page, url);
        }
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
