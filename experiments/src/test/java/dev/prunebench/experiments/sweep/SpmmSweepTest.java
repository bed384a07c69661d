package dev.prunebench.experiments.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.experiments.FakeBackends;
import dev.prunebench.measure.Budget;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricsCsv;
import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpmmSweepTest {

    static Path sweep(Path root, KernelRegistry reg, SpmmSweep.Config cfg) throws Exception {
        try (RunWriter run = new RunWriter(root, "test", Scale.QUICK, 5, RunWriter.nullStream(), false)) {
            run.kernels(reg);
            try (var ctx = run.experiment("sweep-" + cfg.platform(), "test")) {
                new SpmmSweep(cfg).run(ctx);
            }
            return run.finish(Map.of()).resolve("sweep-" + cfg.platform());
        }
    }

    static Path sweep(Path root, KernelRegistry reg, SpmmSweep.Config cfg, dev.prunebench.experiments.Shard shard) throws Exception {
        try (RunWriter run = new RunWriter(root, "test", Scale.QUICK, 5, RunWriter.nullStream(), false)) {
            run.kernels(reg);
            try (var ctx = run.experiment("sweep-" + cfg.platform(), "test")) {
                new SpmmSweep(cfg, shard).run(ctx);
            }
            return run.finish(Map.of()).resolve("sweep-" + cfg.platform());
        }
    }

    static java.util.Set<String> names(Path dir) throws Exception {
        return MetricsCsv.read(dir.resolve("metrics.csv")).stream().map(Metric::name).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    @Test
    void shardsMeasureDisjointPointsWhoseUnionIsTheWholeSweep(@TempDir Path root) throws Exception {
        KernelRegistry reg = KernelRegistry.probe(List.of(FakeBackends.counted()));
        // two N and two g: 4 rates × 2 g × 2 N = 16 points, so shards split within a (g, rate) too
        SpmmSweep.Config c = new SpmmSweep.Config(64, 48, new int[] {4, 2}, new double[] {0.5, 0.7, 0.8, 0.9}, new int[] {1, 2},
                new Budget(0, 3, 0, 200, 1), 1, List.of("fakemcu-csr"), new double[] {0.3}, new double[] {0.95}, "fake-mcu");
        var whole = names(sweep(root.resolve("whole"), reg, c));
        var s1 = names(sweep(root.resolve("s1"), reg, c, dev.prunebench.experiments.Shard.parse("1/2")));
        var s2 = names(sweep(root.resolve("s2"), reg, c, dev.prunebench.experiments.Shard.parse("2/2")));
        assertThat(s1).isNotEmpty().doesNotContainAnyElementsOf(s2);
        assertThat(s2).isNotEmpty();
        // per-point metrics: the union of the shards is exactly the whole sweep's; series metrics only in the whole run
        java.util.function.Predicate<String> perPoint = n -> n.startsWith("speedup[") || n.startsWith("count[") || n.startsWith("nnz[");
        var union = new java.util.TreeSet<>(s1);
        union.addAll(s2);
        assertThat(union).allMatch(perPoint);
        var wholeFixed = whole.stream().filter(perPoint).filter(n -> !n.contains("rate=0.30") && !n.contains("rate=0.95"))
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        assertThat(union).isEqualTo(wholeFixed);
        assertThat(whole).anyMatch(n -> n.startsWith("break_even_rate["));
        // 3 shards of 16 points: still disjoint and complete
        var t = new java.util.TreeSet<String>();
        int total = 0;
        for (int i = 1; i <= 3; i++) {
            var s = names(sweep(root.resolve("t" + i), reg, c, new dev.prunebench.experiments.Shard(i, 3)));
            total += s.size();
            t.addAll(s);
        }
        assertThat(t).isEqualTo(wholeFixed);
        assertThat(total).isEqualTo(wholeFixed.size());
        assertThat(Files.readString(root.resolve("s2").resolve("latest").toRealPath().resolve("sweep-fake-mcu/experiment.json"))).contains("\"shard\"").contains("2/2");
    }

    @Test
    void shardValuesAreCheckedAndPointsSplitByIndexModuloN() {
        var s = dev.prunebench.experiments.Shard.parse("2/3");
        assertThat(s.owns(1)).isTrue();
        assertThat(s.owns(4)).isTrue();
        assertThat(s.owns(0)).isFalse();
        for (String bad : List.of("0/2", "3/2", "1/0", "-1/2", "1", "a/b", "1/2/3", ""))
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.prunebench.experiments.Shard.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--shard");
    }

    static SpmmSweep.Config cfg(String platform, List<String> kernels) {
        return new SpmmSweep.Config(64, 48, new int[] {4}, new double[] {0.5, 0.7, 0.8, 0.9}, new int[] {1}, new Budget(0, 3, 0, 200, 1), 1,
                kernels, new double[] {0.3}, new double[] {0.95}, platform);
    }

    @Test
    void aCountedBackendPlugsInAndItsNumbersAreExactAndEmulated(@TempDir Path root) throws Exception {
        KernelRegistry reg = KernelRegistry.probe(List.of(FakeBackends.counted(), FakeBackends.selfTimed()));
        Path dir = sweep(root, reg, cfg("fake-mcu", List.of("fakemcu-csr", "fakegpu-csr", "nowhere")));
        List<Metric> ms = MetricsCsv.read(dir.resolve("metrics.csv"));
        Metric sp = ms.stream().filter(m -> m.name().equals("speedup[kernel=fakemcu-csr,over=fastest-dense,g=1,rate=0.90,n=4]")).findFirst().orElseThrow();
        // planted: dense 64·48·4 = 12288 units; csr at 90 %: nnz = 307, 4·307·4 + 64 = 4976 units
        assertThat(sp.kind()).isEqualTo(Metric.Kind.EXACT);
        assertThat(sp.modelled()).isTrue();
        assertThat(sp.value()).isCloseTo(12288.0 / (4 * 307 * 4 + 64), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ms).filteredOn(m -> m.name().startsWith("count[kernel=fakemcu-csr,count=instructions")).isNotEmpty().allMatch(Metric::modelled);
        assertThat(ms).filteredOn(m -> m.name().startsWith("speedup[kernel=fakemcu-csr,over=fakemcu-dense")).hasSize(4);
        String speed = Files.readString(dir.resolve("speedup.csv"));
        assertThat(speed).contains(",emulated,").contains(",counted,").contains("instructions=");
        String json = Files.readString(dir.resolve("experiment.json"));
        assertThat(json).contains("fakegpu-csr").contains("runs on platform fake-gpu").contains("nowhere");
        // exact counts: break-even where 16·nnz + 64 = 12288, nnz ≈ 764, density 0.249, rate 0.751 (between 0.7 and 0.8)
        List<String> be = Files.readAllLines(dir.resolve("break_even.csv"));
        String line = be.stream().filter(l -> l.contains("fakemcu-csr,fastest-dense")).findFirst().orElseThrow();
        double rate = Double.parseDouble(line.split(",")[4]);
        assertThat(rate).isBetween(0.74, 0.77);
    }

    @Test
    void aSelfTimedBackendFitsTheSameInterleavedHarness(@TempDir Path root) throws Exception {
        KernelRegistry reg = KernelRegistry.probe(List.of(FakeBackends.selfTimed()));
        Path dir = sweep(root, reg, cfg("fake-gpu", List.of("fakegpu-csr")));
        List<Metric> ms = MetricsCsv.read(dir.resolve("metrics.csv"));
        Metric sp = ms.stream().filter(m -> m.name().equals("speedup[kernel=fakegpu-csr,over=fastest-dense,g=1,rate=0.90,n=4]")).findFirst().orElseThrow();
        assertThat(sp.kind()).isEqualTo(Metric.Kind.TIMING);
        assertThat(sp.modelled()).isFalse();
        // its own clock decides, not the host's: the planted ratio comes back exactly in every round
        assertThat(sp.value()).isCloseTo(12288.0 / 4976, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(sp.samples()).hasSize(3);
        for (double v : sp.samples()) assertThat(v).isCloseTo(12288.0 / 4976, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Files.readString(dir.resolve("speedup.csv"))).contains("planted device clock").contains(",measured,");
        assertThat(Files.readString(dir.resolve("break_even.csv"))).contains("fakegpu-csr,fastest-dense");
    }

    @Test
    void breakEvenInterpolatesTheFirstCrossingWithAnInterval() {
        var b = SpmmSweep.breakEven(new double[] {0.8, 0.9, 0.98}, new double[] {0.5, 1.5, 3}, new double[] {0.4, 0.9, 2}, new double[] {0.6, 2, 4});
        assertThat(b.rate()).isCloseTo(0.85, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(b.low()).isLessThan(b.rate());
        assertThat(b.high()).isGreaterThan(b.rate());
        assertThat(SpmmSweep.breakEven(new double[] {0.8, 0.9}, new double[] {1.2, 2}, new double[] {1.1, 1.9}, new double[] {1.3, 2.1}).rate()).isNaN();
        assertThat(SpmmSweep.breakEven(new double[] {0.8, 0.9}, new double[] {0.2, 0.9}, new double[] {0.1, 0.8}, new double[] {0.3, 1.1}).how()).startsWith("slower");
    }

    @Test
    void metricNamesSayTheBaseline() {
        String n = SpmmSweep.name("speedup", "kernel", "gcsr-vector", "over", SpmmSweep.FASTEST, "g", 32, "rate", 0.9, "n", 50);
        assertThat(n).isEqualTo("speedup[kernel=gcsr-vector,over=fastest-dense,g=32,rate=0.90,n=50]");
        assertThat(SpmmSweep.rate(0.8)).isEqualTo("0.80");
        assertThat(SpmmSweep.rate(0.995)).isEqualTo("0.995");
    }
}
