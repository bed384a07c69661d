package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a generated report in headless Chromium: every plot decodes and has a size, nothing is fetched from the
 * network, and a screenshot is saved to {@code target/browser-test/report.png} for a person to look at.
 * Skipped when Chromium is not installed ({@code apt-get install -y chromium}).
 */
public class ReportBrowserTest {

    /** -Dprunebench.chromium=PATH, else the first of the usual install locations that exists. */
    public static final Path CHROMIUM = locate();

    private static Path locate() {
        String given = System.getProperty("prunebench.chromium");
        if (given != null && !given.isBlank()) return Path.of(given);
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/snap/bin/chromium"))
            if (Files.isExecutable(Path.of(p))) return Path.of(p);
        return Path.of("/usr/bin/chromium");
    }

    @Test void reportRendersOfflineWithEveryPlot(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium not installed at " + CHROMIUM + ": apt-get install -y chromium");
        Path run = SyntheticRun.write(tmp.resolve("results"), 5, 1.0, SyntheticRun.FINGERPRINT);
        Report.Result r = Report.write(run, Published.bundled(), null);
        String html = Files.readString(r.html());
        assertThat(ReportTest.EXTERNAL.matcher(html).find()).as("external reference in index.html").isFalse();

        String url = r.html().toUri().toString();
        Proc dom = chromium(tmp, "dom", "--dump-dom", url);
        assertThat(dom.exit).as("chromium exit code; log:%n%s", tail(dom.err)).isZero();
        // the page's own load handler counts plots whose image decoded with a non-zero natural size
        assertThat(dom.out).contains("data-plots-ok=\"" + SyntheticRun.PLOTS + "\"").contains("data-plots-broken=\"0\"");
        // the first screen shows the findings (each experiment's key figure and verdict), not a table of every metric
        assertThat(dom.out).contains("data-findings-first-screen=\"true\"");
        assertThat(count(dom.out, "<img class=\"plot\"")).isEqualTo(SyntheticRun.PLOTS);
        assertNoNetwork(dom.err);

        Path shot = Path.of("target", "browser-test", "report.png").toAbsolutePath();
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        Proc png = chromium(tmp, "shot", "--screenshot=" + shot, "--window-size=1280,2000", url);
        assertThat(png.exit).as("chromium exit code; log:%n%s", tail(png.err)).isZero();
        BufferedImage img = ImageIO.read(shot.toFile());
        assertThat(img).as("screenshot %s", shot).isNotNull();
        assertThat(img.getWidth()).isEqualTo(1280);
        assertThat(distinctColours(img)).as("a blank screenshot has one colour").isGreaterThan(20);
        assertNoNetwork(png.err);
    }

    /**
     * Chromium's own service traffic, seen with an empty page as well (clock, component update, account check): the
     * browser's, not the page's, and blocked by the resolver rule anyway.
     */
    static final List<String> BROWSER_OWN = List.of("http://clients2.google.com/time/", "https://update.googleapis.com/service/update2/",
            "http://update.googleapis.com/service/update2/", "https://accounts.google.com/ListAccounts");

    /** Network URLs the page asked for: the verbose log names every request that goes through the network stack. */
    static List<String> pageRequests(String log) {
        List<String> urls = new ArrayList<>();
        Matcher m = Pattern.compile("NotifyBeforeURLRequest: (\\S+)").matcher(log);
        while (m.find()) {
            String u = m.group(1);
            if (BROWSER_OWN.stream().noneMatch(u::startsWith)) urls.add(u);
        }
        return urls;
    }

    public static void assertNoNetwork(String log) {
        assertThat(log).as("verbose network logging is on").contains("VERBOSE1");
        assertThat(pageRequests(log)).as("requests that left the machine").isEmpty();
    }

    /** The network check can fail: a page with one remote image is caught. */
    @Test void remoteReferenceIsDetected(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium not installed at " + CHROMIUM + ": apt-get install -y chromium");
        Path page = tmp.resolve("remote.html");
        Files.writeString(page, "<!DOCTYPE html><html><body><img src=\"http://plots.example.invalid/p.png\"></body></html>");
        assertThat(ReportTest.EXTERNAL.matcher(Files.readString(page)).find()).isTrue();
        Proc p = chromium(tmp, "remote", "--dump-dom", page.toUri().toString());
        assertThat(pageRequests(p.err)).containsExactly("http://plots.example.invalid/p.png");
    }

    public record Proc(int exit, String out, String err) {}

    public static Proc chromium(Path tmp, String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--no-default-browser-check", "--metrics-recording-only",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=1", "--virtual-time-budget=5000",
                "--user-data-dir=" + tmp.resolve("profile-" + name)));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve(name + ".out"), err = tmp.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s: " + cmd);
        }
        return new Proc(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
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

    private static String tail(String s) { return s.length() < 4000 ? s : s.substring(s.length() - 4000); }
}
