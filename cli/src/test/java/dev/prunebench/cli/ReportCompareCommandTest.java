package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.results.Environment;
import dev.prunebench.results.Metric;
import dev.prunebench.results.PlotSpec;
import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

class ReportCompareCommandTest {

    /** A one-experiment run whose timing repeats are scaled by {@code slowdown}. */
    static Path run(Path root, long seed, double slowdown) throws Exception {
        Random r = new Random(seed);
        try (RunWriter w = new RunWriter(root, "t", Scale.QUICK, seed, RunWriter.nullStream(), false)) {
            try (RunWriter.Context c = w.experiment("formats-storage", "lecture")) {
                c.table("bytes", Table.create("bytes", DoubleColumn.create("sparsity", 0.5, 0.9), DoubleColumn.create("bytes", 10, 2)));
                c.plot(PlotSpec.line("b", "Bytes", "bytes", "sparsity", "bytes", null, "sparsity", "bytes"));
                c.metric(Metric.exact("nm_sparsity[n=2,m=4]", 0.5, "fraction"));
                double[] s = new double[12];
                for (int i = 0; i < s.length; i++) s[i] = 5 * slowdown * (1 + 0.02 * r.nextGaussian());
                c.metric(Metric.timing("time[op=encode]", s[0], "ms", s));
            }
            return w.finish(Map.of(), Environment.of(Map.of("fingerprint", "cpu | 2 cores | avx2")), d -> {});
        }
    }

    static int exec(StringWriter out, StringWriter err, String... args) {
        return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test void reportRegeneratesThePage(@TempDir Path tmp) throws Exception {
        Path dir = run(tmp, 1, 1.0);
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertThat(exec(out, err, "report", dir.toString())).as("%s", err).isZero();
        assertThat(out.toString()).contains("index.html (1 plots)", "reproduced");
        assertThat(Files.readString(dir.resolve("index.html"))).contains("<img class=\"plot\"");
        assertThat(Files.readAllLines(dir.resolve("scorecard.csv")).get(0)).startsWith("experiment,quantity,metric");
    }

    /** The page's footer names a command that parses with the CLI's own parser and redraws the page from where it says. */
    @Test void theFootersRegenerateCommandWorks(@TempDir Path tmp) throws Exception {
        Path dir = run(tmp.resolve("results"), 1, 1.0);
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertThat(exec(out, err, "report", dir.toString())).as("%s", err).isZero();
        String html = Files.readString(dir.resolve("index.html"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("regenerate with <code>([^<]+)</code> \\(run from the folder that holds <code>([^<]+)</code>").matcher(html);
        assertThat(m.find()).as("footer in %s", html.substring(html.indexOf("<footer>"))).isTrue();
        String[] words = m.group(1).split(" ");
        assertThat(words[0]).isEqualTo("scripts/prunebench");
        assertThat(Files.isExecutable(Path.of("..").resolve(words[0]))).as("the launcher the footer names").isTrue();
        String[] args = java.util.Arrays.copyOfRange(words, 1, words.length);
        // every option and parameter is the CLI's: picocli parses it into the report command
        picocli.CommandLine.ParseResult parsed = new picocli.CommandLine(new Main()).parseArgs(args);
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("report");
        assertThat(parsed.subcommand().unmatched()).isEmpty();
        // from the folder that holds results/, it redraws this page
        assertThat(m.group(2)).isEqualTo("results/");
        args[args.length - 1] = tmp.resolve(args[args.length - 1]).toString();
        Files.delete(dir.resolve("index.html"));
        assertThat(exec(out, err, args)).as("%s", err).isZero();
        assertThat(dir.resolve("index.html")).isRegularFile();
    }

    @Test void compareExitCodes(@TempDir Path tmp) throws Exception {
        Path base = run(tmp.resolve("a"), 1, 1.0), same = run(tmp.resolve("b"), 2, 1.0), slow = run(tmp.resolve("c"), 3, 1.1);
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertThat(exec(out, err, "compare", base.toString(), same.toString())).as("%s", out).isZero();
        assertThat(out.toString()).contains("no regression");
        out = new StringWriter();
        assertThat(exec(out, err, "compare", base.toString(), slow.toString(), "--csv", tmp.resolve("c.csv").toString())).isEqualTo(1);
        assertThat(out.toString()).contains("REGRESSION", "time[op=encode]");
        assertThat(Files.readString(tmp.resolve("c.csv"))).contains("REGRESSION");
    }

    @Test void badInputIsExitTwoWithTheFileNamed(@TempDir Path tmp) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertThat(exec(out, err, "compare", tmp.resolve("nope").toString(), tmp.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("nope");
        assertThat(exec(out, err, "report", tmp.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("not a run folder");
    }
}
