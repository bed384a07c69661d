package dev.prunebench.experiments.accuracy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.spdy.LatencyTable;
import dev.prunebench.core.spdy.Spdy;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.models.data.MnistFiles;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricsCsv;
import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** spdy-mnist on a tiny synthetic MNIST (nothing downloaded), and its baselines' choice of levels. */
class SpdyMnistTest {
    @TempDir static Path tmp;
    static String oldData;

    @BeforeAll static void tinyMnist() throws IOException {
        oldData = System.getProperty("prunebench.data");
        System.setProperty("prunebench.data", tmp.resolve("data").toString());
        Path dir = Files.createDirectories(tmp.resolve("data").resolve("mnist"));
        AccuracyExperimentsTest.write(dir, MnistFiles.TRAIN_IMAGES, MnistFiles.TRAIN_LABELS, 400, 1);
        AccuracyExperimentsTest.write(dir, MnistFiles.TEST_IMAGES, MnistFiles.TEST_LABELS, 100, 2);
    }

    @AfterAll static void restore() {
        if (oldData == null) System.clearProperty("prunebench.data");
        else System.setProperty("prunebench.data", oldData);
    }

    /** Two layers, dense 1 s each, csr at 0.5 / 0.9 taking 0.8 / 0.3 s, 0.5 s outside: base 2.5 s. */
    static LatencyTable table() {
        List<LatencyTable.Timing> t = List.of(new LatencyTable.Timing("dense", 0, 1), new LatencyTable.Timing("csr", 0.5, 0.8), new LatencyTable.Timing("csr", 0.9, 0.3));
        return new LatencyTable(2.5, 2, List.of(new LatencyTable.Layer("conv1", t), new LatencyTable.Layer("fc2", t)), List.of());
    }

    @Test void uniformTakesTheLeastLevelThatMeetsTheTarget() {
        Spdy csr = new Spdy(table(), Set.of(), Spdy.Accounting.CORRECT);
        assertThat(SpdyMnist.uniform(csr, 1.15, new double[] {0.5, 0.9}).picks()).extracting(Spdy.Pick::level).containsExactly(0.5, 0.5);
        Spdy.Profile p = SpdyMnist.uniform(csr, 2, new double[] {0.5, 0.9});
        assertThat(p.picks()).extracting(Spdy.Pick::level).containsExactly(0.9, 0.9);
        assertThat(p.trueSpeedup()).isEqualTo(2.5 / 1.1);
        assertThat(SpdyMnist.uniform(csr, 3, new double[] {0.5, 0.9})).isNull();
    }

    @Test void quickRunOnATinyMnist() throws Exception {
        Path out;
        try (RunWriter run = new RunWriter(tmp.resolve("results"), "test", Scale.QUICK, 7, RunWriter.nullStream(), false)) {
            run.kernels(CpuBackends.registry());
            SpdyMnist e = new SpdyMnist();
            try (RunWriter.Context ctx = run.experiment(e.id(), e.paper())) {
                e.run(ctx);
            }
            out = run.finish(Map.of()).resolve(e.id());
        }
        List<String> rows = Files.readAllLines(out.resolve("methods.csv"));
        rows.forEach(System.out::println);
        assertThat(rows.get(0)).startsWith("net,batch,method,target,predicted_speedup,measured_speedup");
        List<Metric> metrics = MetricsCsv.read(out.resolve("metrics.csv"));
        List<String> names = metrics.stream().map(Metric::name).toList();
        assertThat(names).contains("accuracy[net=lenet5,dense]", "accuracy[net=mlp,dense]", "profiles_outside_10pct",
                "profiles_outside_10pct[net=lenet5,batch=1]", "profiles_outside_10pct[net=mlp,batch=1]");
        // the total is the sum over the cases
        double total = metrics.stream().filter(m -> m.name().equals("profiles_outside_10pct")).findFirst().orElseThrow().value();
        double sum = metrics.stream().filter(m -> m.name().startsWith("profiles_outside_10pct[")).mapToDouble(Metric::value).sum();
        assertThat(total).isEqualTo(sum);
        // which targets the measured table reaches depends on this machine: each method at each target is measured or skipped with why
        String json = Files.readString(out.resolve("experiment.json"));
        SpdyMnist.Setup setup = SpdyMnist.forScale(Scale.QUICK);
        assertThat(setup.cases()).containsExactly(new SpdyMnist.Case("lenet5", 1), new SpdyMnist.Case("mlp", 1));
        for (SpdyMnist.Case c : setup.cases()) {
            for (String method : SpdyMnist.METHODS)
                for (double target : setup.targets())
                    assertThat(names.contains("accuracy[" + SpdyMnist.key(c, method, target) + ",retrained]") || json.contains(SpdyMnist.skipName(c, method, target)))
                            .as(c + " " + method + " at " + target + "x").isTrue();
            assertThat(out.resolve("timings-" + c.tag() + ".txt")).isRegularFile();
            assertThat(out.resolve("errors-" + c.tag() + ".txt")).isRegularFile();
        }
        // the batch-64 cases left out at quick scale are named with why
        for (SpdyMnist.Case c : setup.left()) assertThat(json).contains(c.net() + " batch " + c.batch());
        // every row of the table belongs to a run case, and a row outside 10 % says why
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",", -1);
            assertThat(List.of("lenet5", "mlp")).contains(f[0]);
            assertThat(f[1]).isEqualTo("1");
            assertThat(f[9].isEmpty()).as(row).isEqualTo(f[8].equals("true"));
        }
    }

    @Test void standardRunsBothNetworksAtBothBatches() {
        for (Scale s : List.of(Scale.STANDARD, Scale.FULL)) {
            SpdyMnist.Setup setup = SpdyMnist.forScale(s);
            assertThat(setup.cases()).containsExactlyInAnyOrder(new SpdyMnist.Case("lenet5", 1), new SpdyMnist.Case("lenet5", 64),
                    new SpdyMnist.Case("mlp", 1), new SpdyMnist.Case("mlp", 64));
            assertThat(setup.left()).isEmpty();
            assertThat(setup.targets()).containsExactly(1.5, 2, 3);
        }
        assertThat(SpdyMnist.key(new SpdyMnist.Case("mlp", 64), "spdy", 2.0)).isEqualTo("net=mlp,batch=64,method=spdy,target=2.0");
    }

    @Test void outsideWhyTellsNoiseFromAGap() {
        assertThat(SpdyMnist.outsideWhy(2.0, 1.5, 1.2, 2.4)).contains("slower").contains("noise");
        assertThat(SpdyMnist.outsideWhy(2.0, 1.5, 1.4, 1.6)).contains("slower").contains("per-layer table");
        assertThat(SpdyMnist.outsideWhy(1.5, 2.0, 1.9, 2.1)).contains("faster").contains("per-layer table");
    }
}
