package dev.prunebench.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.results.RunData;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
