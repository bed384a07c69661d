package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorecardTest {

    private static Scorecard.Entry entry(List<Scorecard.Entry> card, String metric) {
        return card.stream().filter(e -> e.row().metric().equals(metric)).findFirst().orElseThrow();
    }

    @Test void verdictsFromMeasuredMetrics(@TempDir Path tmp) throws Exception {
        RunData run = RunData.read(SyntheticRun.write(tmp, 1, 1.0, SyntheticRun.FINGERPRINT));
        List<Scorecard.Entry> card = Scorecard.compute(run, Published.bundled(), Set.of("hartenstein-spmm-cpu", "formats-storage", "scalpel-accuracy"));

        // exact bytes: the lecture formula and the code agree — a definition, so a check, never a reproduction
        Scorecard.Entry bytes = entry(card, "bytes[format=csr,rows=4096,cols=4096,precision=fp32,policy=minimal,sparsity=0.90]");
        assertThat(bytes.verdict()).isEqualTo(Scorecard.Verdict.CHECK_PASSED);
        assertThat(bytes.label()).isEqualTo("check passed");
        assertThat(entry(card, "nm_sparsity[n=2,m=4]").verdict()).isEqualTo(Scorecard.Verdict.CHECK_PASSED);
        // 0.93 lies in [0.91, 0.97], but measured on a CPU for a GPU paper, at quick scale: consistent, not reproduced
        Scorecard.Entry be = entry(card, "break_even_rate[kernel=gcsr-vector,over=fastest-dense,g=1,n=50]");
        assertThat(be.verdict()).isEqualTo(Scorecard.Verdict.CONSISTENT_OTHER_HARDWARE);
        assertThat(be.label()).isEqualTo("consistent (other hardware) (quick scale)");
        assertThat(be.reason()).contains("published on NVIDIA GTX 950M", "measured on Test CPU 9000", "quick scale");
        // speedup 1.5 at g=8 lies in [1.27, 1.71]: a CPU number inside a GPU paper's band is not "reproduced"
        Scorecard.Entry g8 = entry(card, "speedup[kernel=gcsr-vector,over=fastest-dense,g=8,rate=0.90,n=50]");
        assertThat(g8.verdict()).isEqualTo(Scorecard.Verdict.CONSISTENT_OTHER_HARDWARE);
        assertThat(card).noneMatch(e -> e.verdict() == Scorecard.Verdict.REPRODUCED);
        assertThat(entry(card, "nm_sparsity[n=2,m=4]").ours()).isEqualTo(0.5);
        assertThat(Scorecard.summary(card)).startsWith("measurements: 0 reproduced, 2 consistent (other hardware), 0 differ, 0 differ (hardware), 0 inconclusive (noise) (2 at quick scale); checks: 2 passed, 0 failed;");

        // experiment ran but did not produce the metric: not run, with its skip reasons
        Scorecard.Entry g32 = entry(card, "speedup[kernel=gcsr-vector,over=fastest-dense,g=32,rate=0.90,n=50]");
        assertThat(g32.verdict()).isEqualTo(Scorecard.Verdict.NOT_RUN);
        assertThat(g32.reason()).contains("metric not produced", "cuda backend", "error 35");
        // built but not in this run vs not built at all
        assertThat(entry(card, "kept_nodes[net=lenet300,layer=fc1]").reason()).contains("not in this run");
        assertThat(entry(card, "mean_speedup[method=scalpel,platform=mcu]").reason()).contains("scalpel-mcu not built yet");
        assertThat(card).hasSize(Published.bundled().size());
    }

    @Test void outsideTheBandOnOtherHardwareSaysSo(@TempDir Path tmp) throws Exception {
        Path dir = SyntheticRun.write(tmp, 1, 2.0, SyntheticRun.FINGERPRINT); // speedups halved: 0.75
        List<Scorecard.Entry> card = Scorecard.compute(RunData.read(dir), Published.bundled(), null);
        Scorecard.Entry e = entry(card, "speedup[kernel=gcsr-vector,over=fastest-dense,g=8,rate=0.90,n=50]");
        assertThat(e.verdict()).isEqualTo(Scorecard.Verdict.DIFFERS_HARDWARE);
        assertThat(e.label()).isEqualTo("differs (hardware) (quick scale)");
        assertThat(e.reason()).contains("published on NVIDIA GTX 950M", "measured on Test CPU 9000", "outside [1.27, 1.71]");

        Scorecard.writeCsv(tmp.resolve("scorecard.csv"), card);
        List<String> lines = Files.readAllLines(tmp.resolve("scorecard.csv"));
        assertThat(lines.get(0)).startsWith("experiment,quantity,metric,claim,published_value,ours");
        assertThat(lines).hasSize(card.size() + 1);
    }

    @Test void aMeasurementOnTheClaimsHardwareOrOnAnyHardwareCanBeReproduced() throws Exception {
        Published.Row any = Published.parse("x.csv", Published.HEADER + "\ne,q,m,measurement,95.3,%,94.3,96.3,s,any (training result),n,\n").get(0);
        Published.Row gpu = Published.parse("x.csv", Published.HEADER + "\ne,q,m,measurement,,x,,0.5,s,NVIDIA GTX 950M (cuSPARSE),n,\n").get(0);
        assertThat(Scorecard.otherHardware(any, "Test CPU 9000")).isFalse();
        assertThat(Scorecard.otherHardware(gpu, "Test CPU 9000")).isTrue();
        assertThat(Scorecard.otherHardware(gpu, "NVIDIA GTX 950M (4 GB)")).isFalse();
        assertThat(Double.isNaN(gpu.value())).isTrue();
        assertThat(gpu.band()).isEqualTo("≤ 0.5");
    }

    @Test void unitsConvertBetweenFractionAndPercent() {
        assertThat(Scorecard.convert(0.953, "fraction", "%")).isCloseTo(95.3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Scorecard.convert(95.3, "%", "fraction")).isCloseTo(0.953, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Scorecard.convert(3, "ms", "x")).isNaN();
    }

    @Test
    void aTimingIntervalComesFromItsSamplesAndExactMetricsHaveNone() {
        double[] samples = new double[21];
        for (int i = 0; i < samples.length; i++) samples[i] = 1 + 0.1 * (i - 10); // 0.0 … 2.0, median 1.0
        double[] iv = Scorecard.interval(Metric.timing("speedup[kernel=a]", 1.0, "x", samples));
        assertThat(iv[0]).isLessThan(1.0).isGreaterThan(0.0);
        assertThat(iv[1]).isGreaterThan(1.0).isLessThan(2.0);
        assertThat(Scorecard.interval(Metric.exact("nnz", 3, "count"))[0]).isNaN();
        // a break-even's {low, value, high}
        assertThat(Scorecard.interval(Metric.timing("break_even_rate[kernel=a]", 0.9, "fraction", new double[] {0.85, 0.9, 0.95})))
                .containsExactly(0.85, 0.95);
    }

    @Test
    void anIntervalAcrossTheBandEdgeOverlapsIt() {
        Published.Row band = new Published.Row("f", 1, "e", "q", "m", Published.Claim.values()[0], 2.0, "x", 1.5, 2.5, "", "", "", "");
        assertThat(Scorecard.overlaps(band, 0.03, 33.42)).isTrue(); // the Scalpel CPU interval of the issue: inconclusive
        assertThat(band.inBand(0.03) && band.inBand(33.42)).isFalse();
        assertThat(Scorecard.overlaps(band, 0.5, 1.2)).isFalse();   // wholly outside: differs
        assertThat(Scorecard.Verdict.INCONCLUSIVE.label).isEqualTo("inconclusive (noise)");
        assertThat(Scorecard.Verdict.INCONCLUSIVE.measurement).isTrue();
    }
}
