package dev.prunebench.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.results.RunData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckTest {

    static final String ALPHA = "geomean:speedup[kernel=alpha-vector,over=fastest-dense,n=50]";
    static final String BETA = "geomean:speedup[kernel=beta-vector,over=fastest-dense,n=50]";

    static History history(Path tmp, int runs) throws Exception {
        History h = History.open(tmp.resolve("h.sqlite"), true);
        for (int i = 0; i < runs; i++) h.add(RunData.read(HistoryRuns.write(tmp.resolve("r"), "c" + i, 100 + i)));
        return h;
    }

    static Check.Row row(Check.Result r, String name) {
        return r.rows().stream().filter(x -> x.key().name().equals(name)).findFirst().orElseThrow();
    }

    @Test void anHonestRunIsInBandAndASlowedKernelIsFlagged(@TempDir Path tmp) throws Exception {
        try (History h = history(tmp, 8)) {
            RunData honest = RunData.read(HistoryRuns.write(tmp.resolve("r"), "honest", 999));
            Check.Result ok = Check.check(h, honest, Check.Options.DEFAULT, false);
            assertThat(ok.historyRuns()).isEqualTo(8);
            assertThat(ok.flagged()).as(print(ok)).isFalse();
            assertThat(row(ok, ALPHA).verdict()).isEqualTo(Check.Verdict.OK);
            assertThat(row(ok, ALPHA).gated()).isTrue();
            assertThat(row(ok, "geomean:speedup[kernel=alpha-vector,over=dense-vector,n=50]").gated()).isFalse();

            RunData slow = RunData.read(HistoryRuns.write(tmp.resolve("r"), "slow", HistoryRuns.FP, 1000, 0.01, Map.of("beta-vector", 1.10), 1000));
            Check.Result bad = Check.check(h, slow, Check.Options.DEFAULT, false);
            assertThat(bad.flagged()).as(print(bad)).isTrue();
            Check.Row beta = row(bad, BETA);
            assertThat(beta.verdict()).isEqualTo(Check.Verdict.REGRESSION);
            assertThat(beta.change()).isBetween(-0.14, -0.06);
            assertThat(beta.reason()).contains("outside the band of 8 runs");
            assertThat(row(bad, ALPHA).verdict()).isEqualTo(Check.Verdict.OK);
            assertThat(print(bad)).contains("FLAGGED: 1 timing regressions");
        }
    }

    @Test void aFasterKernelIsAnImprovementNotAFlag(@TempDir Path tmp) throws Exception {
        try (History h = history(tmp, 6)) {
            RunData fast = RunData.read(HistoryRuns.write(tmp.resolve("r"), "fast", HistoryRuns.FP, 1000, 0.01, Map.of("alpha-vector", 1 / 1.15), 1000));
            Check.Result r = Check.check(h, fast, Check.Options.DEFAULT, false);
            assertThat(row(r, ALPHA).verdict()).isEqualTo(Check.Verdict.IMPROVED);
            assertThat(r.flagged()).isFalse();
        }
    }

    @Test void anExactChangeIsNamedWithOldAndNewValue(@TempDir Path tmp) throws Exception {
        try (History h = history(tmp, 2)) {
            RunData changed = RunData.read(HistoryRuns.write(tmp.resolve("r"), "nnz", HistoryRuns.FP, 1000, 0.01, Map.of(), 1001));
            Check.Result r = Check.check(h, changed, Check.Options.DEFAULT, false);
            Check.Row nnz = row(r, "nnz[g=1]");
            assertThat(nnz.verdict()).isEqualTo(Check.Verdict.CHANGED);
            assertThat(nnz.reason()).contains("was 1000 count").contains("now 1001 count").contains("-c1 (c100000)");
            assertThat(r.flagged()).isTrue();
            // too few runs for the timings: never a flag
            assertThat(row(r, ALPHA).verdict()).isEqualTo(Check.Verdict.TOO_FEW);
        }
    }

    @Test void otherMachinesDoNotCountForTimings(@TempDir Path tmp) throws Exception {
        try (History h = history(tmp, 5)) {
            RunData elsewhere = RunData.read(HistoryRuns.write(tmp.resolve("r"), "other", "Other CPU | 8 cores | avx2", 1000, 0.01, Map.of("beta-vector", 2.0), 1000));
            Check.Result r = Check.check(h, elsewhere, Check.Options.DEFAULT, false);
            assertThat(r.historyRuns()).isZero();
            assertThat(row(r, BETA).verdict()).isEqualTo(Check.Verdict.NEW);
            assertThat(row(r, "nnz[g=1]").verdict()).isEqualTo(Check.Verdict.SAME); // exact metrics hold on any machine
            assertThat(r.flagged()).isFalse();
        }
    }

    @Test void aRunAlreadyInTheHistoryIsCheckedAgainstTheOthers(@TempDir Path tmp) throws Exception {
        try (History h = history(tmp, 5)) {
            RunData slow = RunData.read(HistoryRuns.write(tmp.resolve("r"), "slow", HistoryRuns.FP, 1000, 0.01, Map.of("beta-vector", 1.2), 1000));
            h.add(slow);
            Check.Result r = Check.check(h, slow, Check.Options.DEFAULT, false);
            assertThat(r.historyRuns()).isEqualTo(5);
            assertThat(row(r, BETA).verdict()).isEqualTo(Check.Verdict.REGRESSION);
        }
    }

    @Test void aStepInTheHistoryMovesTheBandToTheNewLevel(@TempDir Path tmp) throws Exception {
        // 6 runs, then beta 20 % slower for 6 runs (accepted): a run at the new level is in band, one at the old is "improved"
        try (History h = history(tmp, 6)) {
            for (int i = 0; i < 6; i++) h.add(RunData.read(HistoryRuns.write(tmp.resolve("r"), "s" + i, HistoryRuns.FP, 200 + i, 0.01, Map.of("beta-vector", 1.2), 1000)));
            Check.Result r = Check.check(h, RunData.read(HistoryRuns.write(tmp.resolve("r"), "n1", HistoryRuns.FP, 300, 0.01, Map.of("beta-vector", 1.2), 1000)),
                    Check.Options.DEFAULT, false);
            Check.Row beta = row(r, BETA);
            assertThat(beta.band().changePoints()).extracting(EDivisive.ChangePoint::index).containsExactly(6);
            assertThat(beta.band().lastSegment()).isEqualTo(6);
            assertThat(beta.verdict()).isEqualTo(Check.Verdict.OK);
        }
    }

    @Test void perMetricRowsAreShownButNeverDecide(@TempDir Path tmp) throws Exception {
        try (History h = history(tmp, 5)) {
            Check.Result r = Check.check(h, RunData.read(HistoryRuns.write(tmp.resolve("r"), "x", 5000)), Check.Options.DEFAULT, true);
            assertThat(r.rows()).anySatisfy(x -> assertThat(x.key().aggregate()).isFalse());
            assertThat(r.rows().stream().filter(x -> !x.key().aggregate())).allSatisfy(x -> assertThat(x.gated()).isFalse());
        }
    }

    static String print(Check.Result r) {
        StringWriter s = new StringWriter();
        Check.print(r, new PrintWriter(s), true);
        return s.toString();
    }
}
