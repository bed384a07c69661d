package dev.prunebench.experiments.spdy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.spdy.ErrorTable;
import dev.prunebench.core.spdy.LatencyTable;
import dev.prunebench.core.spdy.Spdy;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricsCsv;
import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader on SPDY's published files, quirks included, and the experiment's figures worked out independently. */
class SpdyTimingsTest {

    static PublishedTimings.File file(String model) {
        return PublishedTimings.ALL.stream().filter(f -> f.model().equals(model)).findFirst().orElseThrow();
    }

    @Test void readsEveryPublishedFileWithItsQuirks() {
        for (PublishedTimings.File f : PublishedTimings.ALL) {
            LatencyTable t = f.read();
            assertThat(t.layers()).as(f.name()).isNotEmpty();
            for (LatencyTable.Layer l : t.layers()) {
                assertThat(l.timings().stream().map(LatencyTable.Timing::level).distinct().count()).as(f.name() + " " + l.name()).isEqualTo(42);
                assertThat(l.denseSeconds()).as(l.name()).isPositive();
            }
            // the dense times add up to prunable within the files' rounding to microseconds
            assertThat(t.denseSum()).as(f.name()).isCloseTo(t.prunable(), within(1e-6 * t.layers().size()));
        }
        LatencyTable block = file("resnet50-4block").read();
        assertThat(block.layers()).hasSize(52);
        assertThat(block.notes()).singleElement().asString().contains("52 layer name(s) at the end without timing lines").contains("layer1.0.conv1.weight");
        LatencyTable yolo = file("yolov5s").read();
        LatencyTable.Layer twice = yolo.layer("model.8.m.0.cv1.conv");
        assertThat(twice.timings()).hasSize(43);
        assertThat(twice.denseSeconds()).isEqualTo(0.001889);
        assertThat(yolo.notes()).singleElement().asString().contains("line 1211").contains("model.8.m.0.cv1.conv");
        // not monotone: ResNet-18's layer1.0.conv1 takes 0.011302 s at 40 %, twice its dense 0.005746 s
        LatencyTable rn18 = file("resnet18").read();
        assertThat(rn18.layer("layer1.0.conv1").timings().get(1).seconds()).isGreaterThan(rn18.layer("layer1.0.conv1").denseSeconds());
        assertThat(rn18.names()).startsWith("conv1").endsWith("fc").hasSize(21);
    }

    /** The largest targets from the file alone: base over (fixed + every DP layer at its fastest), summed here by hand. */
    @Test void maxTargetsOfResNet18UnderEachAccounting() {
        LatencyTable t = file("resnet18").read();
        double outside = t.base() - t.prunable(), fastestAll = 0, fastestInner = 0;
        for (LatencyTable.Layer l : t.layers()) {
            double min = l.timings().stream().mapToDouble(LatencyTable.Timing::seconds).min().orElseThrow();
            fastestAll += min;
            if (!Set.of("conv1", "fc").contains(l.name())) fastestInner += min;
        }
        double dense = t.layer("conv1").denseSeconds() + t.layer("fc").denseSeconds();
        Set<String> kept = Set.of("conv1", "fc");
        assertThat(new Spdy(t, kept, Spdy.Accounting.SPDY).maxTarget()).isCloseTo(t.base() / (outside + fastestInner), within(1e-12)).isCloseTo(7.37, within(0.005));
        assertThat(new Spdy(t, kept, Spdy.Accounting.CORRECT).maxTarget()).isCloseTo(t.base() / (outside + dense + fastestInner), within(1e-12)).isCloseTo(3.96, within(0.005));
        assertThat(new Spdy(t, Set.of(), Spdy.Accounting.CORRECT).maxTarget()).isCloseTo(t.base() / (outside + fastestAll), within(1e-12)).isCloseTo(4.24, within(0.005));
        // SPDY's "2x" on this file: the kept layers' 0.0187 s are not in its budget, so it truly gives about 1.6x
        Spdy.Profile p = new Spdy(t, kept, Spdy.Accounting.SPDY).solve(2, ErrorTable.rankPlaceholder(t), null, Spdy.DEFAULT_BUCKETS);
        assertThat(p.claimedSpeedup()).isCloseTo(2, within(0.01));
        assertThat(p.trueSpeedup()).isCloseTo(1.62, within(0.01));
        Spdy.Profile c = new Spdy(t, kept, Spdy.Accounting.CORRECT).solve(2, ErrorTable.rankPlaceholder(t), null, Spdy.DEFAULT_BUCKETS);
        assertThat(c.trueSpeedup()).isEqualTo(c.claimedSpeedup()).isCloseTo(2, within(0.01));
    }

    @Test void theExperimentWritesItsTablesAndTheMetricsThePublishedRowsName(@TempDir Path root) throws Exception {
        Path dir;
        try (RunWriter run = new RunWriter(root, "test", Scale.QUICK, 1, RunWriter.nullStream(), false)) {
            run.kernels(KernelRegistry.probe(List.of()));
            try (var ctx = run.experiment("spdy-timings", "test")) {
                new SpdyTimings().run(ctx);
            }
            dir = run.finish(Map.of());
        }
        Path e = dir.resolve("spdy-timings");
        Map<String, Metric> m = MetricsCsv.read(e.resolve("metrics.csv")).stream().collect(Collectors.toMap(Metric::name, Function.identity()));
        assertThat(m.get("max_speedup[model=resnet18,kept=none]").value()).isCloseTo(4.241, within(0.001));
        assertThat(m.get("max_speedup[model=resnet18,accounting=spdy]").value()).isCloseTo(7.365, within(0.001));
        assertThat(m.get("max_speedup[model=resnet18,accounting=correct]").value()).isCloseTo(3.963, within(0.001));
        assertThat(m.get("max_speedup[model=yolov5s,kept=none]").value()).isCloseTo(1.970, within(0.001));
        assertThat(m.get("true_speedup[model=resnet18,target=2,accounting=spdy]").value()).isCloseTo(1.62, within(0.01));
        assertThat(m.get("timing_levels[per_layer]").value()).isEqualTo(42);
        assertThat(m.get("dp_buckets[default]").value()).isEqualTo(10_000);
        for (String t : List.of("max_targets.csv", "profiles_2x.csv", "target_sweep.csv", "profile-resnet18-2x-correct.txt"))
            assertThat(e.resolve(t)).as(t).exists();
        assertThat(Files.readString(e.resolve("profile-resnet18-2x-correct.txt"))).startsWith("0.0000 conv1\n").endsWith("0.0000 fc\n");
    }
}
