package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prunebench spdy solve} on SPDY's published ResNet-18 table: the profile in SPDY's format and the figures. */
class SpdyCommandTest {

    static String[] run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.execute(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new String[] {Integer.toString(code), o.toString(), e.toString()};
    }

    static Path resource(Path dir, String name) throws Exception {
        try (InputStream in = SpdyCommandTest.class.getResourceAsStream("/spdy-timings/" + name)) {
            Path p = dir.resolve(name);
            Files.copy(in, p);
            return p;
        }
    }

    @Test void solvesSpdysResNet18TableUnderBothAccountings(@TempDir Path dir) throws Exception {
        Path rn18 = resource(dir, "rn18_unstr.txt");
        String[] r = run("spdy", "solve", "--timings", rn18.toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        List<String> profile = r[1].lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(profile).hasSize(21).allMatch(l -> l.matches("\\d\\.\\d{4} \\S+"));
        assertThat(profile.get(0)).isEqualTo("0.0000 conv1");
        assertThat(profile.get(20)).isEqualTo("0.0000 fc");
        assertThat(r[1]).contains("# kept dense: conv1, fc").contains("correct accounting: predicted speedup 1.99")
                .contains("# max target: 3.9634x (correct accounting); 7.3654x under spdy accounting");
        String[] s = run("spdy", "solve", "--timings", rn18.toString(), "--accounting", "spdy");
        assertThat(s[1]).contains("spdy accounting: predicted speedup 2.00").contains("# true predicted speedup, the kept layers' dense time counted: 1.62");
        String[] none = run("spdy", "solve", "--timings", rn18.toString(), "--keep-dense", "none", "--target", "4");
        assertThat(none[1]).contains("# kept dense: none").contains("# max target: 4.2407x");
        // the profile a user would save reads back as SPDY's format: level and layer, nothing else
        assertThat(r[2]).isEmpty();
    }

    @Test void notesTheQuirksOfThePublishedFiles(@TempDir Path dir) throws Exception {
        String[] r = run("spdy", "solve", "--timings", resource(dir, "rn50_4block.txt").toString(), "--keep-dense", "none");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("# note: ").contains("52 layer name(s) at the end without timing lines");
        String[] y = run("spdy", "solve", "--timings", resource(dir, "yolov5s_unstr.txt").toString(), "--target", "1.5");
        assertThat(y[1]).contains("model.8.m.0.cv1.conv gives level 0.0000 again");
        String[] refused = run("spdy", "solve", "--timings", dir.resolve("yolov5s_unstr.txt").toString(), "--target", "2");
        assertThat(refused[0]).isEqualTo("2");
        assertThat(refused[2].strip()).startsWith("prunebench: --target: target 2.0x: unreachable").contains("largest reachable target is 1.8552x");
    }

    /** A file saved with a UTF-8 byte order mark reads as the same table. */
    @Test void aByteOrderMarkIsRead(@TempDir Path dir) throws Exception {
        String text = Files.readString(resource(dir, "rn18_unstr.txt"));
        Path bom = Files.writeString(dir.resolve("bom.txt"), "\uFEFF" + text);
        String[] r = run("spdy", "solve", "--timings", bom.toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("correct accounting: predicted speedup 1.99");
    }

    /**
     * One layer with 400 000 levels, each in a format of its own (a 16 MB file; the 45 MB one of the report reads in the
     * same way): read in seconds. The placeholder errors once went over the timings once per format (quadratic).
     */
    @Test void aLayerWithHundredsOfThousandsOfLevelsIsReadQuickly(@TempDir Path dir) throws Exception {
        StringBuilder b = new StringBuilder(20 << 20).append("base\n10\nprunable\n8\nfirst\n1 0\n0.5 0.5\nbig\n3 0 f0\n");
        int n = 400_000;
        for (int i = 1; i < n; i++) b.append(3.0 * (n - i) / n).append(' ').append(String.format(java.util.Locale.ROOT, "%.6f", (double) i / n)).append(" f").append(i).append('\n');
        b.append("last\n1 0\n0.5 0.5\n");
        Path big = Files.writeString(dir.resolve("big.txt"), b);
        String[] r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(300), // a guard against the quadratic read (hours), not a speed test
                () -> run("spdy", "solve", "--timings", big.toString(), "--buckets", "10", "--target", "1.2"));
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("# target 1.2x, 10 buckets");
    }
}
