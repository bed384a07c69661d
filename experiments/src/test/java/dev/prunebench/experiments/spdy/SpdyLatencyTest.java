package dev.prunebench.experiments.spdy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.prunebench.core.spdy.ErrorTable;
import dev.prunebench.core.spdy.LatencyTable;
import dev.prunebench.core.spdy.SpdyFiles;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
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

class SpdyLatencyTest {

    @Test void spdyLevelsAreZeroThenGeometricInDensity() {
        double[] l = LatencyDatabase.spdyLevels();
        assertThat(l).hasSize(42);
        assertThat(l[0]).isZero();
        assertThat(l[1]).isCloseTo(0.4, within(1e-12));
        assertThat(l[41]).isCloseTo(0.99, within(1e-12));
        // the published files' levels, as they print them (4 places)
        List<LatencyTable.Timing> published = SpdyTimingsTest.file("resnet18").read().layer("conv1").timings();
        for (int k = 0; k < 42; k++)
            assertThat(String.format(java.util.Locale.ROOT, "%.4f", l[k])).as("level " + k).isEqualTo(String.format(java.util.Locale.ROOT, "%.4f", published.get(k).level()));
    }

    @Test void prunedWeightsKeepTheFormatsStructure() {
        float[] w = new float[8 * 8];
        for (int i = 0; i < w.length; i++) w[i] = (i * 37 % 64) - 31.5f;
        assertThat(count(LatencyDatabase.pruned(w, 8, 8, "csr", 0.75))).isEqualTo(16);
        assertThat(count(LatencyDatabase.pruned(w, 8, 8, "nm:2:4", 0.5))).isEqualTo(32);
        float[] node = LatencyDatabase.pruned(w, 8, 8, LatencyDatabase.NODE, 0.5);
        assertThat(LatencyDatabase.keptRows(node, 8, 8)).isEqualTo(4);
        float[] g = LatencyDatabase.pruned(w, 8, 8, "gcsr:4", 0.5);
        for (int r = 0; r < 8; r++)
            for (int c0 = 0; c0 < 8; c0 += 4) {
                int nz = 0;
                for (int c = c0; c < c0 + 4; c++) if (g[r * 8 + c] != 0) nz++;
                assertThat(nz).isIn(0, 4);
            }
    }

    static int count(float[] a) {
        int n = 0;
        for (float v : a) if (v != 0) n++;
        return n;
    }

    @Test void errorsGrowWithTheLevelAndAreZeroDense() {
        Network net = Networks.build("lenet5", new int[] {4, 6, 16}, 3);
        LatencyTable t = new LatencyTable(1, 1, List.of(
                new LatencyTable.Layer("conv2", List.of(new LatencyTable.Timing("dense", 0, 1), new LatencyTable.Timing("csr", 0.5, 1), new LatencyTable.Timing("csr", 0.9, 1))),
                new LatencyTable.Layer("fc1", List.of(new LatencyTable.Timing("dense", 0, 1), new LatencyTable.Timing("csr", 0.5, 1), new LatencyTable.Timing("csr", 0.9, 1)))), List.of());
        float[] x = dev.prunebench.models.infer.KernelNetwork.randomInput(net, 16, 5);
        float[] before = net.weights().get(1).values().clone();
        ErrorTable e = ErrorDatabase.measure(net, t, x, 16);
        for (String l : List.of("conv2", "fc1")) {
            assertThat(e.error(l, "dense", 0)).isZero();
            assertThat(e.error(l, "csr", 0.5)).isPositive().isLessThan(e.error(l, "csr", 0.9));
            assertThat(e.error(l, "csr", 0.9)).isLessThan(1.5);
        }
        assertThat(net.weights().get(1).values()).as("weights restored").containsExactly(before);
    }

    @Test void refittingTheKeptWeightsNeverLosesMoreAndMatchesTheForwardErrorWithoutIt() {
        Network net = Networks.build("mlp", new int[] {12, 10, 8, 8, 6, 6}, 4);
        List<LatencyTable.Layer> ls = new java.util.ArrayList<>();
        for (String name : ErrorDatabase.weightLayers(net))
            ls.add(new LatencyTable.Layer(name, List.of(new LatencyTable.Timing("dense", 0, 1), new LatencyTable.Timing("csr", 0.5, 1),
                    new LatencyTable.Timing("gcsr:2", 0.5, 1), new LatencyTable.Timing("node", 0.5, 1))));
        LatencyTable t = new LatencyTable(1, 1, ls, List.of());
        float[] x = dev.prunebench.models.infer.KernelNetwork.randomInput(net, 40, 9);
        ErrorTable plain = ErrorDatabase.measure(net, t, x, 40, false), refit = ErrorDatabase.measure(net, t, x, 40, true);
        for (var e : plain.entries().entrySet()) {
            double r = refit.entries().get(e.getKey());
            assertThat(r).as(e.getKey().toString()).isLessThanOrEqualTo(e.getValue() * (1 + 1e-4) + 1e-9);
            // a removed row has nothing to re-fit: node pruning loses exactly as much either way
            if (e.getKey().format().equals("node")) assertThat(r).as(e.getKey().toString()).isCloseTo(e.getValue(), within(1e-4));
        }
        // the input layer sees 40 samples of 784 features: far fewer than its kept weights, the fit still only helps
        assertThat(refit.error("fc2", "csr", 0.5)).isLessThan(plain.error("fc2", "csr", 0.5));
    }

    @Test void quickRunMeasuresATableTheReaderTakesAndChecksThePrediction(@TempDir Path root) throws Exception {
        Path dir;
        try (RunWriter run = new RunWriter(root, "test", Scale.QUICK, 1, RunWriter.nullStream(), false)) {
            run.kernels(CpuBackends.registry());
            try (var ctx = run.experiment("spdy-latency", "test")) {
                new SpdyLatency().run(ctx);
            }
            dir = run.finish(Map.of()).resolve("spdy-latency");
        }
        LatencyTable t = SpdyFiles.readTimings(dir.resolve("timings-lenet5-b1.txt"));
        assertThat(t.names()).containsExactly("conv1", "conv2", "fc1", "fc2");
        assertThat(t.formats()).contains("dense", "csr", "gcsr:4", "nm:2:4", "node");
        assertThat(t.base()).isGreaterThan(t.prunable() * 0.5);
        assertThat(SpdyFiles.readErrors(dir.resolve("errors-lenet5-b1.txt")).entries()).isNotEmpty();
        List<Metric> ms = MetricsCsv.read(dir.resolve("metrics.csv"));
        assertThat(ms).anyMatch(m -> m.name().startsWith("max_speedup[net=lenet5,batch=1,mode=spdy-formats]"));
        List<String> profiles = Files.readAllLines(dir.resolve("profiles.csv"));
        profiles.forEach(System.out::println);
        assertThat(profiles.get(0)).startsWith("network,batch,mode,series,target,predicted_speedup,measured_speedup");
        // which targets the table reaches depends on this machine's timings: a target it does not reach is said so
        String json = Files.readString(dir.resolve("experiment.json"));
        for (String mode : List.of("spdy-csr", "spdy-formats"))
            for (String target : List.of("1.5", "2.0", "3.0"))
                assertThat(profiles.stream().anyMatch(r -> r.startsWith("lenet5,1," + mode + ",") && r.contains("," + target + ","))
                        || json.contains(mode + ": target " + String.format(java.util.Locale.ROOT, "%.2f", Double.parseDouble(target)) + "x beyond the largest reachable")
                        || json.contains(mode + ": target " + target + "x: unreachable"))
                        .as(mode + " at " + target + "x: a profile row or a note saying why not").isTrue();
        Files.readAllLines(dir.resolve("timings-lenet5-b1.txt")).stream().limit(30).forEach(System.out::println);
    }
}
