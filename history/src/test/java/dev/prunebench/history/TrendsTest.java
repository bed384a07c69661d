package dev.prunebench.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.results.RunData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class TrendsTest {

    static final java.util.regex.Pattern EXTERNAL = java.util.regex.Pattern.compile("(?i)(?:src|href)\\s*=\\s*[\"']?\\s*(?:https?:)?//|url\\(\\s*[\"']?\\s*(?:https?:)?//|@import");

    /** 6 honest runs, then beta 20 % slower and nnz changed for 6 more: a history with one timing and one exact change. */
    public static History stepHistory(Path tmp) throws Exception {
        History h = History.open(tmp.resolve("h.sqlite"), true);
        for (int i = 0; i < 6; i++) h.add(RunData.read(HistoryRuns.write(tmp.resolve("r"), "a" + i, 100 + i)));
        for (int i = 0; i < 6; i++)
            h.add(RunData.read(HistoryRuns.write(tmp.resolve("r"), "b" + i, HistoryRuns.FP, 200 + i, 0.01, Map.of("beta-vector", 1.2), 1001)));
        return h;
    }

    @Test void pageHasEveryFamilyTheChangesNewestFirstAndNothingExternal(@TempDir Path tmp) throws Exception {
        try (History h = stepHistory(tmp)) {
            Trends.Result r = Trends.write(h, tmp.resolve("trends.html"), Check.Options.DEFAULT, null, null);
            String html = Files.readString(r.file());
            // 4 families (2 kernels × 2 baselines) and the exact metric that changed
            assertThat(r.plots()).isEqualTo(5);
            assertThat(html).contains("geomean:speedup[kernel=beta-vector,over=fastest-dense,n=50]").contains("nnz[g=1]");
            assertThat(EXTERNAL.matcher(html).find()).isFalse();
            // the beta families changed at b0 (a change point each) and nnz changed at b0
            assertThat(r.changes()).isEqualTo(3);
            int table = html.indexOf("<table class=\"changes\">");
            assertThat(table).isPositive();
            assertThat(html.substring(table, html.indexOf("</table>", table))).contains("b0").contains("+0.1%").containsPattern("-1[5-9]\\.[0-9]%");
            assertThat(html.indexOf("Most recent changes first")).isLessThan(html.indexOf("<svg"));
            assertThat(html).contains("class=\"cp\"");
        }
    }

    @Test void emptyHistoryAndMachineFilter(@TempDir Path tmp) throws Exception {
        try (History h = History.open(tmp.resolve("e.sqlite"), true)) {
            Trends.Result r = Trends.write(h, tmp.resolve("t.html"), Check.Options.DEFAULT, null, null);
            assertThat(r.plots()).isZero();
            assertThat(Files.readString(r.file())).contains("holds no run yet");
        }
        try (History h = stepHistory(tmp)) {
            assertThat(Trends.write(h, tmp.resolve("t2.html"), Check.Options.DEFAULT, "no such machine", null).plots()).isZero();
            // single metrics on request
            Trends.Result r = Trends.write(h, tmp.resolve("t3.html"), Check.Options.DEFAULT, null,
                    java.util.regex.Pattern.compile("kernel=alpha-vector,over=fastest-dense,g=8,rate=0.9,"));
            assertThat(r.plots()).isEqualTo(6);
        }
    }

    static final String OTHER = "Other CPU 7 | 8 cores | avx2 fma";

    static List<String> all(String html, String regex) {
        var m = java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.DOTALL).matcher(html);
        List<String> out = new ArrayList<>();
        while (m.find()) out.add(m.groupCount() > 0 ? m.group(1) : m.group());
        return out;
    }

    /** {@link #stepHistory}'s 12 runs and 5 runs of a noisier machine class, {@link #OTHER}. */
    public static History twoMachineHistory(Path tmp) throws Exception {
        History h = stepHistory(tmp);
        for (int i = 0; i < 5; i++) h.add(RunData.read(HistoryRuns.write(tmp.resolve("o"), "c" + i, OTHER, 300 + i, 0.10, Map.of(), 1000)));
        return h;
    }

    /** A machine class's band titles in one plot: in its own section, or in its g of a side-by-side plot. */
    static List<String> bands(String svg) { return all(svg, "<title>(band [^<]*)</title>"); }

    /** Two machine classes: one plot per shared family with a line per class, each class's own band, a legend naming it. */
    @Test void machineClassesSideBySideOneLineAndOwnBandEach(@TempDir Path tmp) throws Exception {
        try (History h = twoMachineHistory(tmp)) {
            Trends.Result r = Trends.write(h, tmp.resolve("trends.html"), Check.Options.DEFAULT, null, null);
            String html = Files.readString(r.file());
            int at = html.indexOf("<section class=\"machines\" id=\"machines-quick\">");
            assertThat(at).isPositive();
            String side = html.substring(at, html.indexOf("</section>", at));
            List<String> figures = all(side, "<figure class=\"trend machines\">(.*?)</figure>");
            assertThat(figures).hasSize(4); // 2 kernels × 2 baselines; nnz (exact) is not drawn side by side
            assertThat(r.plots()).isEqualTo(5 + 4 + 4); // each class's own section, then the side-by-side plots
            String fam = "geomean:speedup[kernel=beta-vector,over=fastest-dense,n=50]";
            String fig = figures.stream().filter(f -> f.contains(fam)).findFirst().orElseThrow();
            assertThat(fig).contains("gated by history check").contains("2 machine classes");
            List<String> groups = all(fig, "<g class=\"machine\" data-machine=\"[^\"]*\">(.*?)</g>");
            // classes in fingerprint order, as their own sections are
            assertThat(all(fig, "data-machine=\"([^\"]*)\"")).containsExactly(OTHER, HistoryRuns.FP);
            assertThat(all(groups.get(0), "<circle")).hasSize(5);
            assertThat(all(groups.get(1), "<circle")).hasSize(12);
            assertThat(all(groups.get(0), "style=\"fill:(#[0-9a-f]{6})\"").stream().distinct().toList())
                    .hasSize(1).doesNotContainAnyElementsOf(all(groups.get(1), "style=\"fill:(#[0-9a-f]{6})\""));
            String legend = fig.substring(fig.indexOf("<g class=\"legend\">"));
            assertThat(all(legend, "<text[^>]*class=\"legend\">([^<]*)</text>")).containsExactly(OTHER + " (5 runs)", HistoryRuns.FP + " (12 runs)");
            // each class's bands are the ones its own section draws from its own runs: never pooled with the other class
            for (int i = 0; i < 2; i++) {
                String own = html.substring(html.indexOf("id=\"machine-" + (i + 1) + "\""));
                int cap = own.indexOf("</b> <code>" + fam + "</code>"); // its plot's caption, not the change table
                own = own.substring(cap, own.indexOf("</figure>", cap));
                assertThat(bands(groups.get(i))).isNotEmpty().isEqualTo(bands(own));
            }
            assertThat(bands(groups.get(0))).doesNotContainAnyElementsOf(bands(groups.get(1)));
            assertThat(EXTERNAL.matcher(html).find()).isFalse();
            // one machine asked for: no side-by-side section
            String one = Files.readString(Trends.write(h, tmp.resolve("one.html"), Check.Options.DEFAULT, OTHER, null).file());
            assertThat(one).doesNotContain("class=\"machines\"");
        }
    }
}
