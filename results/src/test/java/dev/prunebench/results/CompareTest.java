package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareTest {

    private static double[] draw(Random r, int n, double median, double noise) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = median * (1 + noise * r.nextGaussian());
        return d;
    }

    private static Compare.Row timing(double[] base, double[] now, String unit) {
        return Compare.timing("e", Metric.timing("m", Compare.median(base), unit, base), Metric.timing("m", Compare.median(now), unit, now),
                Compare.Options.DEFAULT);
    }

    /** An accuracy-like run: exact metrics of a training under MKL's reproducible mode AUTO. */
    private static Path trained(Path root, String cpu, double accuracy) throws java.io.IOException {
        try (RunWriter run = new RunWriter(root, "abc1234", Scale.QUICK, 1, RunWriter.nullStream(), false)) {
            try (RunWriter.Context ctx = run.experiment("deepcompression-lenet", "Han et al.")) {
                ctx.parameter("reproducibility", "MKL CNR mode AUTO|STRICT (set)");
                ctx.metric(Metric.exact("error[net=lenet300,dense]", accuracy, "%"));
            }
            Environment env = Environment.of(java.util.Map.of("cpu_model", cpu, "cores", 2, "gpu", "none", "fingerprint", cpu + " | 2 cores"));
            return run.finish(java.util.Map.of(), env, dir -> {});
        }
    }

    @Test void trainedResultsAreExactPerMachineClass(@TempDir Path tmp) throws Exception {
        Path base = trained(tmp.resolve("a"), "CPU A", 1.57);
        // same machine class: a change of training is caught
        Compare.Result same = Compare.compare(RunData.read(base), RunData.read(trained(tmp.resolve("b"), "CPU A", 1.66)), Compare.Options.DEFAULT, true);
        assertThat(same.regressed()).isTrue();
        assertThat(same.rows()).singleElement().extracting(Compare.Row::verdict).isEqualTo(Compare.Verdict.MISMATCH);
        assertThat(Compare.compare(RunData.read(base), RunData.read(trained(tmp.resolve("c"), "CPU A", 1.57)), Compare.Options.DEFAULT, true).regressed()).isFalse();
        // another CPU may take another MKL code path: listed, not failed
        Compare.Result other = Compare.compare(RunData.read(base), RunData.read(trained(tmp.resolve("d"), "CPU B", 1.66)), Compare.Options.DEFAULT, true);
        assertThat(other.regressed()).isFalse();
        assertThat(other.rows()).singleElement().extracting(Compare.Row::verdict).isEqualTo(Compare.Verdict.HARDWARE);
        assertThat(other.hardwareNote()).contains("exact per machine class");
    }

    @Test void plantedTenPercentSlowdownIsCaught() {
        Random r = new Random(1);
        for (int trial = 0; trial < 20; trial++) {
            double[] base = draw(r, 15, 10.0, 0.03);
            double[] slow = draw(r, 15, 11.0, 0.03);
            assertThat(timing(base, slow, "ms").verdict()).as("trial %d", trial).isEqualTo(Compare.Verdict.REGRESSION);
            // the same slowdown seen as a speedup ratio: smaller is worse
            double[] sb = draw(r, 15, 1.5, 0.03);
            double[] ss = draw(r, 15, 1.5 / 1.1, 0.03);
            assertThat(timing(sb, ss, "x").verdict()).as("trial %d", trial).isEqualTo(Compare.Verdict.REGRESSION);
        }
    }

    @Test void drawsFromOneDistributionPass() {
        Random r = new Random(2);
        for (int trial = 0; trial < 200; trial++) {
            Compare.Row row = timing(draw(r, 15, 10.0, 0.03), draw(r, 15, 10.0, 0.03), "ms");
            assertThat(row.verdict().fails()).as("trial %d: %s", trial, row).isFalse();
        }
    }

    @Test void noisyDifferenceIsNotARegression() {
        Random r = new Random(3);
        // 10 % apart but with 40 % noise and 6 repeats: not significant
        Compare.Row row = timing(draw(r, 6, 10.0, 0.4), draw(r, 6, 11.0, 0.4), "ms");
        assertThat(row.p()).isGreaterThan(0.01);
        assertThat(row.verdict().fails()).isFalse();
        assertThat(row.spread()).isGreaterThan(0.10);
        StringWriter sw = new StringWriter();
        Compare.print(new Compare.Result(java.util.List.of(row), true, null), new PrintWriter(sw), false);
        assertThat(sw.toString()).contains("1 timing metrics have repeats spread", "not detectable");
    }

    @Test void tinySignificantDriftIsBelowMinimumEffect() {
        Random r = new Random(4);
        Compare.Row row = timing(draw(r, 40, 10.0, 0.001), draw(r, 40, 10.2, 0.001), "ms");
        assertThat(row.p()).isLessThan(0.01);
        assertThat(row.verdict()).isEqualTo(Compare.Verdict.SMALL_CHANGE);
    }

    @Test void speedupIsImprovementNotRegression() {
        Random r = new Random(5);
        assertThat(timing(draw(r, 15, 10.0, 0.02), draw(r, 15, 8.0, 0.02), "ms").verdict()).isEqualTo(Compare.Verdict.IMPROVED);
    }

    @Test void laterBreakEvenIsARegression() {
        Random r = new Random(6);
        double[] base = draw(r, 15, 0.80, 0.01), later = draw(r, 15, 0.90, 0.01);
        Compare.Row row = Compare.timing("e", Metric.timing("break_even_rate[kernel=k,over=fastest-dense,g=1,n=50]", 0.8, "fraction", base),
                Metric.timing("break_even_rate[kernel=k,over=fastest-dense,g=1,n=50]", 0.9, "fraction", later), Compare.Options.DEFAULT);
        assertThat(row.verdict()).isEqualTo(Compare.Verdict.REGRESSION);
    }

    @Test void unmeasuredRepeatsAreLeftOut() {
        double[] base = {1, 1.01, 0.99, 1.02, 0.98, Double.NaN};
        assertThat(timing(base, base.clone(), "ms").verdict()).isEqualTo(Compare.Verdict.OK);
        assertThat(timing(new double[] {Double.NaN}, base, "ms").verdict()).isEqualTo(Compare.Verdict.TOO_FEW);
    }

    @Test void exactMannWhitneyMatchesTheTextbook() {
        // 3 vs 3, fully separated: one ordering of C(6,3) = 20 at each extreme
        assertThat(Compare.mannWhitneyP(new double[] {1, 2, 3}, new double[] {4, 5, 6})).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-12));
        // 5 vs 5, fully separated: 2 / C(10,5) = 2 / 252
        assertThat(Compare.mannWhitneyP(new double[] {1, 2, 3, 4, 5}, new double[] {6, 7, 8, 9, 10}))
                .isCloseTo(2.0 / 252, org.assertj.core.data.Offset.offset(1e-12));
        // interleaved: no evidence
        assertThat(Compare.mannWhitneyP(new double[] {1, 3, 5, 7}, new double[] {2, 4, 6, 8})).isGreaterThan(0.5);
        // the distribution counts every ordering once
        assertThat(java.util.Arrays.stream(Compare.uDistribution(7, 9)).sum()).isEqualTo(11440.0); // C(16,7)
        // larger samples agree with the normal approximation
        Random r = new Random(9);
        double[] a = draw(r, 25, 10, 0.05), b = draw(r, 25, 10.4, 0.05);
        assertThat(Compare.mannWhitneyP(a, b))
                .isCloseTo(new org.apache.commons.math3.stat.inference.MannWhitneyUTest().mannWhitneyUTest(a, b), org.assertj.core.data.Offset.offset(0.01));
    }

    @Test void sevenRepeatsCanCatchAClearSlowdown() {
        Random r = new Random(8);
        assertThat(timing(draw(r, 7, 10.0, 0.02), draw(r, 7, 11.0, 0.02), "ms").verdict()).isEqualTo(Compare.Verdict.REGRESSION);
    }

    @Test void tooFewRepeatsNeverFail() {
        assertThat(timing(new double[] {1, 1.01, 0.99}, new double[] {2, 2.01, 1.99}, "ms").verdict()).isEqualTo(Compare.Verdict.TOO_FEW);
    }

    @Test void exactMetricsMustMatch() {
        Compare.Row same = Compare.row("e", Metric.exact("b", 100, "bytes"), Metric.exact("b", 100, "bytes"), true, Compare.Options.DEFAULT);
        Compare.Row diff = Compare.row("e", Metric.exact("b", 100, "bytes"), Metric.exact("b", 101, "bytes"), false, Compare.Options.DEFAULT);
        assertThat(same.verdict()).isEqualTo(Compare.Verdict.OK);
        assertThat(diff.verdict()).isEqualTo(Compare.Verdict.MISMATCH);
    }

    @Test void honestRerunPassesAndSlowRunFails(@TempDir Path tmp) throws Exception {
        Path base = SyntheticRun.write(tmp.resolve("a"), 11, 1.0, SyntheticRun.FINGERPRINT);
        Path honest = SyntheticRun.write(tmp.resolve("b"), 12, 1.0, SyntheticRun.FINGERPRINT);
        Path slow = SyntheticRun.write(tmp.resolve("c"), 13, 1.10, SyntheticRun.FINGERPRINT);

        Compare.Result ok = Compare.compare(base, honest, Compare.Options.DEFAULT);
        assertThat(ok.sameHardware()).isTrue();
        assertThat(ok.regressed()).as("%s", ok.rows()).isFalse();

        Compare.Result bad = Compare.compare(base, slow, Compare.Options.DEFAULT);
        assertThat(bad.regressed()).isTrue();
        assertThat(bad.count(Compare.Verdict.REGRESSION)).isEqualTo(2);
        StringWriter sw = new StringWriter();
        Compare.print(bad, new PrintWriter(sw), false);
        assertThat(sw.toString()).contains("metric", "base", "new", "change", "p-value", "verdict", "REGRESSION", "+10.");
    }

    @Test void differentHardwareComparesOnlyExactMetrics(@TempDir Path tmp) throws Exception {
        Path base = SyntheticRun.write(tmp.resolve("a"), 11, 1.0, SyntheticRun.FINGERPRINT);
        Path other = SyntheticRun.write(tmp.resolve("b"), 12, 1.5, "Other CPU | 64 cores | avx2 fma");
        Compare.Result r = Compare.compare(base, other, Compare.Options.DEFAULT);
        assertThat(r.sameHardware()).isFalse();
        assertThat(r.hardwareNote()).contains("hardware differs", "Other CPU", "Test CPU 9000");
        assertThat(r.regressed()).isFalse();
        assertThat(r.count(Compare.Verdict.HARDWARE)).isEqualTo(2);
        assertThat(r.count(Compare.Verdict.OK)).isEqualTo(3);
        StringWriter sw = new StringWriter();
        Compare.print(r, new PrintWriter(sw), false);
        assertThat(sw.toString()).startsWith("NOTE: hardware differs");
    }

    @Test void exactOnlyListsTimingsWithoutTestingThem(@TempDir Path tmp) throws Exception {
        Path base = SyntheticRun.write(tmp.resolve("a"), 11, 1.0, SyntheticRun.FINGERPRINT);
        Path slow = SyntheticRun.write(tmp.resolve("c"), 13, 1.10, SyntheticRun.FINGERPRINT);
        Compare.Result r = Compare.compare(RunData.read(base), RunData.read(slow), Compare.Options.DEFAULT, true);
        assertThat(r.sameHardware()).isTrue();
        assertThat(r.regressed()).isFalse();
        assertThat(r.count(Compare.Verdict.NOT_TESTED)).isEqualTo(2);
        assertThat(r.count(Compare.Verdict.OK)).isEqualTo(3);
        assertThat(r.hardwareNote()).contains("--exact-only");
        // the same pair without the flag is a regression: the flag, not the data, made the difference
        assertThat(Compare.compare(base, slow, Compare.Options.DEFAULT).regressed()).isTrue();
    }

    @Test void missingMetricFails(@TempDir Path tmp) throws Exception {
        Path base = SyntheticRun.write(tmp.resolve("a"), 11, 1.0, SyntheticRun.FINGERPRINT);
        Path now = SyntheticRun.write(tmp.resolve("b"), 11, 1.0, SyntheticRun.FINGERPRINT);
        java.nio.file.Files.writeString(now.resolve("formats-storage/metrics.csv"), MetricsCsv.HEADER + "\n\"nm_sparsity[n=2,m=4]\",exact,0.5,fraction,false,\n");
        Compare.Result r = Compare.compare(base, now, Compare.Options.DEFAULT);
        assertThat(r.count(Compare.Verdict.MISSING)).isEqualTo(1);
        assertThat(r.regressed()).isTrue();
    }
}
