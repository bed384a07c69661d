package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a generated report in headless Chromium: every plot decodes and has a size, the page asks for nothing off
 * the machine, and a screenshot is saved to {@code target/browser-test/report.png} for a person to look at.
 * Requests are the page's own, as the DevTools protocol reports them on its tab ({@link HeadlessChromium}): the
 * browser's background services are not the report's business. Skipped when Chromium is not installed
 * ({@code apt-get install -y chromium}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public class ReportBrowserTest {

    @Test void reportRendersOfflineWithEveryPlot(@TempDir Path tmp) throws Exception {
        assumeTrue(HeadlessChromium.available(), HeadlessChromium.missing());
        Path run = SyntheticRun.write(tmp.resolve("results"), 5, 1.0, SyntheticRun.FINGERPRINT);
        Report.Result r = Report.write(run, Published.bundled(), null);
        String html = Files.readString(r.html());
        assertThat(ReportTest.EXTERNAL.matcher(html).find()).as("external reference in index.html").isFalse();

        String url = r.html().toUri().toString();
        try (HeadlessChromium browser = HeadlessChromium.start(tmp.resolve("profile"))) {
            // 800 × 600 as headless Chromium's default window: the "first screen" below is a small one
            HeadlessChromium.Page page = browser.open(url, 800, 600);
            String dom = page.dom();
            // the page's own load handler counts plots whose image decoded with a non-zero natural size
            assertThat(dom).contains("data-plots-ok=\"" + SyntheticRun.PLOTS + "\"").contains("data-plots-broken=\"0\"");
            // the first screen shows the findings (each experiment's key figure and verdict), not a table of every metric
            assertThat(dom).contains("data-findings-first-screen=\"true\"");
            assertThat(count(dom, "<img class=\"plot\"")).isEqualTo(SyntheticRun.PLOTS);

            Path shot = saveScreenshot(page, "report.png", 1280, 2000);
            BufferedImage img = ImageIO.read(shot.toFile());
            assertThat(img).as("screenshot %s", shot).isNotNull();
            assertThat(img.getWidth()).isEqualTo(1280);
            assertThat(distinctColours(img)).as("a blank screenshot has one colour").isGreaterThan(20);
            assertNoNetwork(page, url);
        }
    }

    /**
     * The page's requests were seen (its own document among them: the recording works in this very session), and
     * none of them leaves the machine.
     */
    public static void assertNoNetwork(HeadlessChromium.Page page, String url) {
        assertThat(page.requests()).as("requests the page made").contains(url);
        assertThat(page.offMachine()).as("requests the page made that would leave the machine").isEmpty();
    }

    /** The network check can fail: a page with a remote image, script and stylesheet is caught, each one. */
    @Test void remoteReferenceIsDetected(@TempDir Path tmp) throws Exception {
        assumeTrue(HeadlessChromium.available(), HeadlessChromium.missing());
        Path file = tmp.resolve("remote.html");
        Files.writeString(file, """
                <!DOCTYPE html><html><head><link rel="stylesheet" href="https://style.example.invalid/s.css"></head>
                <body><img src="https://example.invalid/x.png"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
                <script>fetch('http://api.example.invalid/q').catch(() => {});</script></body></html>
                """);
        String url = file.toUri().toString();
        try (HeadlessChromium browser = HeadlessChromium.start(tmp.resolve("profile"))) {
            HeadlessChromium.Page page = browser.open(url, 800, 600);
            assertThat(page.requests()).contains(url);
            assertThat(page.offMachine()).containsExactlyInAnyOrder("https://style.example.invalid/s.css", "https://example.invalid/x.png",
                    "http://api.example.invalid/q");
        }
    }

    @Test void onlyLocalFilesInlineDataAndLoopbackStayOnTheMachine() {
        assertThat(HeadlessChromium.onMachine("file:///tmp/x/index.html")).isTrue();
        assertThat(HeadlessChromium.onMachine("data:image/png;base64,AAAA")).isTrue();
        assertThat(HeadlessChromium.onMachine("http://127.0.0.1:8080/a")).isTrue();
        assertThat(HeadlessChromium.onMachine("https://example.invalid/x.png")).isFalse();
        assertThat(HeadlessChromium.onMachine("//example.invalid/x.png")).isFalse();
        assertThat(HeadlessChromium.onMachine("ftp://example.invalid/x")).isFalse();
    }

    /** Writes the page's screenshot to {@code target/browser-test/<name>} for a person to look at. */
    public static Path saveScreenshot(HeadlessChromium.Page page, String name, int width, int height) throws IOException, InterruptedException {
        Path shot = Path.of("target", "browser-test", name).toAbsolutePath();
        Files.createDirectories(shot.getParent());
        byte[] png = page.screenshot(width, height);
        assertThat(ImageIO.read(new ByteArrayInputStream(png))).as("the screenshot decodes").isNotNull();
        Files.write(shot, png);
        return shot;
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
        return n;
    }

    private static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> c = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) for (int x = 0; x < img.getWidth(); x += 7) c.add(img.getRGB(x, y));
        return c.size();
    }
}
