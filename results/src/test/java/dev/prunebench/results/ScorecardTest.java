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

        // exact bytes: the lecture formula and the code agree
        assertThat(entry(card, "bytes[format=csr,rows=4096,cols=4096,precision=fp32,policy=minimal,sparsity=0.90]").verdict())
                .isEqualTo(Scorecard.Verdict.REPRODUCED);
        // 0.93 lies in [0.91, 0.97]
        assertThat(entry(card, "break_even_rate[kernel=gcsr-vector,over=fastest-dense,g=1,n=50]").verdict()).isEqualTo(Scorecard.Verdict.REPRODUCED);
        // speedup 1.5 at g=8 lies in [1.27, 1.71]; fraction 0.5 for 2:4
        assertThat(entry(card, "speedup[kernel=gcsr-vector,over=fastest-dense,g=8,rate=0.90,n=50]").verdict()).isEqualTo(Scorecard.Verdict.REPRODUCED);
        assertThat(entry(card, "nm_sparsity[n=2,m=4]").ours()).isEqualTo(0.5);

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
        assertThat(e.verdict()).isEqualTo(Scorecard.Verdict.DIFFERS);
        assertThat(e.reason()).contains("hardware: published on NVIDIA GTX 950M", "measured on Test CPU 9000", "outside [1.27, 1.71]");

        Scorecard.writeCsv(tmp.resolve("scorecard.csv"), card);
        List<String> lines = Files.readAllLines(tmp.resolve("scorecard.csv"));
        assertThat(lines.get(0)).startsWith("experiment,quantity,metric,published_value,ours");
        assertThat(lines).hasSize(card.size() + 1);
    }

    @Test void unitsConvertBetweenFractionAndPercent() {
        assertThat(Scorecard.convert(0.953, "fraction", "%")).isCloseTo(95.3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Scorecard.convert(95.3, "%", "fraction")).isCloseTo(0.953, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Scorecard.convert(3, "ms", "x")).isNaN();
    }
}
