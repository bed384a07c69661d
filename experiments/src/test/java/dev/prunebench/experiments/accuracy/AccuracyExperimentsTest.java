package dev.prunebench.experiments.accuracy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.experiments.Experiment;
import dev.prunebench.models.data.Idx;
import dev.prunebench.models.data.MnistFiles;
import dev.prunebench.results.MetricsCsv;
import dev.prunebench.results.Metric;
import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three accuracy experiments end to end at quick scale on a tiny synthetic MNIST (written as IDX files into a
 * temporary data root, so nothing is downloaded): they finish, write their tables and the scorecard's metrics.
 */
public class AccuracyExperimentsTest {
    @TempDir static Path tmp;
    static String oldData;

    @BeforeAll static void tinyMnist() throws IOException {
        oldData = System.getProperty("prunebench.data");
        System.setProperty("prunebench.data", tmp.resolve("data").toString());
        Path dir = Files.createDirectories(tmp.resolve("data").resolve("mnist"));
        write(dir, MnistFiles.TRAIN_IMAGES, MnistFiles.TRAIN_LABELS, 400, 1);
        write(dir, MnistFiles.TEST_IMAGES, MnistFiles.TEST_LABELS, 100, 2);
    }

    @AfterAll static void restore() {
        if (oldData == null) System.clearProperty("prunebench.data");
        else System.setProperty("prunebench.data", oldData);
    }

    /** Class k: a bright 6×6 block at a class-specific place on a noisy background. */
    public static void write(Path dir, String images, String labels, int n, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] px = new byte[n * 784], lb = new byte[n];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(10);
            lb[i] = (byte) k;
            for (int p = 0; p < 784; p++) px[i * 784 + p] = (byte) r.nextInt(60);
            int r0 = 2 + (k / 5) * 13, c0 = 1 + (k % 5) * 5;
            for (int y = 0; y < 6; y++) for (int x = 0; x < 5; x++) px[i * 784 + (r0 + y) * 28 + c0 + x] = (byte) 230;
        }
        Files.write(dir.resolve(images), Idx.encode(Idx.IMAGES_MAGIC, new int[] {n, 28, 28}, px));
        Files.write(dir.resolve(labels), Idx.encode(Idx.LABELS_MAGIC, new int[] {n}, lb));
    }

    static List<String> run(Experiment e, String... tables) throws Exception {
        return runWithSpeedups(e, null, tables);
    }

    /** A look at the experiment's output folder before the run is closed. */
    interface Inspect {
        void check(Path out) throws Exception;
    }

    static List<String> runWithSpeedups(Experiment e, String speedupCsv, String... tables) throws Exception {
        return runWithSpeedups(e, speedupCsv, out -> { }, tables);
    }

    /** Runs {@code e}; {@code speedupCsv}, when given, is placed as hartenstein-spmm-cpu's table in the same run first. */
    static List<String> runWithSpeedups(Experiment e, String speedupCsv, Inspect inspect, String... tables) throws Exception {
        try (RunWriter run = new RunWriter(tmp.resolve("results"), "test", Scale.QUICK, 7, RunWriter.nullStream(), false)) {
            if (speedupCsv != null)
                try (RunWriter.Context c = run.experiment("hartenstein-spmm-cpu", "fig 3")) {
                    Files.writeString(c.dir().resolve("speedup.csv"), speedupCsv);
                }
            try (RunWriter.Context ctx = run.experiment(e.id(), e.paper())) {
                e.run(ctx);
            }
            Path out = run.tmpDir().resolve(e.id());
            for (String t : tables) assertThat(out.resolve(t + ".csv")).as(t).isRegularFile();
            // the networks whose accuracy was measured are kept for later experiments of the run
            try (var kept = Files.list(out.resolve("models"))) {
                List<Path> models = kept.toList();
                assertThat(models).isNotEmpty();
                for (Path m : models) assertThat(dev.prunebench.models.io.ModelFiles.load(m).meta()).containsKey("test_accuracy");
            }
            if (speedupCsv != null) {
                // rate 0.9, n = 50 only, finite speedups, g measured here (1, 8, 64): three points
                List<String> rows = Files.readAllLines(out.resolve("accuracy_vs_speedup.csv"));
                assertThat(rows).hasSize(4);
                assertThat(rows.get(0)).isEqualTo("kernel,n,g,speedup,accuracy");
                assertThat(rows.subList(1, 4)).allMatch(r -> r.startsWith("csr-vector,50,1,0.8,") || r.startsWith("csr-vector,50,8,1.5,") || r.startsWith("mkl-sparse-csr,50,8,1.2,"));
            }
            inspect.check(out);
            return MetricsCsv.read(out.resolve("metrics.csv")).stream().map(Metric::name).collect(Collectors.toList());
        }
    }

    /**
     * Two runs of one accuracy experiment at quick scale (the dense model trained anew each time: the cache is
     * emptied between them) give identical accuracy, loss and count metrics, of the same kind, and CI's exact check
     * ({@code compare --exact-only}) passes; with MKL in its reproducible mode (or the Java GEMM) they are EXACT.
     */
    @Test void twoRunsGiveIdenticalAccuracyMetrics() throws Exception {
        Path[] runs = new Path[2];
        for (int i = 0; i < 2; i++) {
            deleteTree(tmp.resolve("data").resolve("models"));
            try (RunWriter run = new RunWriter(tmp.resolve("twice-" + i), "test", Scale.QUICK, 7, RunWriter.nullStream(), false)) {
                Experiment e = new DeepCompressionLenet();
                try (RunWriter.Context ctx = run.experiment(e.id(), e.paper())) {
                    e.run(ctx);
                }
                runs[i] = run.finish(java.util.Map.of());
            }
        }
        java.util.function.Function<Path, java.util.Map<String, Metric>> read = dir -> {
            try {
                return MetricsCsv.read(dir.resolve("deepcompression-lenet").resolve("metrics.csv")).stream()
                        .filter(m -> !m.name().startsWith("train_seconds"))
                        .collect(Collectors.toMap(Metric::name, m -> m, (a, b) -> a, java.util.TreeMap::new));
            } catch (IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
        };
        java.util.Map<String, Metric> a = read.apply(runs[0]), b = read.apply(runs[1]);
        assertThat(a.keySet()).contains("error[net=lenet300,dense]", "error_delta[net=lenet5,pruned=0.92]", "loss[net=lenet300,pruned=0.92]",
                "pruned_weights[net=lenet5,pruned=0.92]", "loss[net=lenet5,dense]");
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String n : a.keySet()) {
            assertThat(Double.doubleToLongBits(b.get(n).value())).as(n + ": " + a.get(n).value() + " vs " + b.get(n).value())
                    .isEqualTo(Double.doubleToLongBits(a.get(n).value()));
            assertThat(b.get(n).kind()).as(n).isEqualTo(a.get(n).kind());
        }
        // MKL's reproducible mode was set before anything touched MKL in this JVM (ReproducibleMklFirst), as in a run
        assertThat(dev.prunebench.models.train.Reproducibility.bitwiseReproducible()).as(dev.prunebench.models.train.Reproducibility.status()).isTrue();
        assertThat(a.values()).allMatch(m -> m.kind() == Metric.Kind.EXACT);
        var cmp = dev.prunebench.results.Compare.compare(dev.prunebench.results.RunData.read(runs[0]), dev.prunebench.results.RunData.read(runs[1]),
                dev.prunebench.results.Compare.Options.DEFAULT, true);
        assertThat(cmp.regressed()).isFalse();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var w = Files.walk(p)) {
            for (Path q : w.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    @Test void hartenstein() throws Exception {
        String speedups = "n,g,rate,kernel,dense,speedup\n50,1,0.9,csr-vector,false,0.8\n50,8,0.9,csr-vector,false,1.5\n50,8,0.9,mkl-sparse-csr,false,1.2\n"
                + "50,8,0.8,csr-vector,false,1.1\n10,8,0.9,csr-vector,false,9.9\n50,64,0.9,gcsr-vector,false,NaN\n50,8,0.9,mkl-sgemm,true,0.7\n";
        List<String> m = runWithSpeedups(new HartensteinAccuracy(), speedups, "accuracy_by_g", "aggregation", "accuracy_vs_speedup");
        assertThat(m).contains("accuracy[net=mlp,dense]", "accuracy[net=mlp,g=8,rate=0.90]", "accuracy[net=mlp,g=1,rate=0.90]",
                "accuracy_delta[net=mlp,g=8,rate=0.90]", "accuracy_delta_vs_g1[net=mlp,g=64,rate=0.90]");
        assertThat(m).containsAll(AccuracyNames.emits("hartenstein-accuracy", Scale.QUICK));
    }

    @Test void deepCompression() throws Exception {
        List<String> m = run(new DeepCompressionLenet(), "error", "layers");
        assertThat(m).contains("error[net=lenet300,dense]", "error[net=lenet300,pruned=0.92]", "error[net=lenet5,dense]", "error[net=lenet5,pruned=0.92]",
                "error_delta[net=lenet300,pruned=0.92]", "error[net=lenet5,pruned=0.92,rates=han]", "error_delta[net=lenet5,pruned=0.92,rates=han]");
        assertThat(m).containsAll(AccuracyNames.emits("deepcompression-lenet", Scale.QUICK));
    }

    @Test void scalpel() throws Exception {
        List<String> m = runWithSpeedups(new ScalpelAccuracy(), null, AccuracyExperimentsTest::everyMethodKeepsANetwork, "simd", "node", "summary");
        assertThat(m).contains("kept_nodes[net=lenet300,layer=fc1]", "kept_nodes[net=lenet300,layer=fc2]", "kept_nodes[net=lenet5,layer=conv1]",
                "kept_nodes[net=lenet5,layer=conv2]", "kept_nodes[net=lenet5,layer=fc1]", "accuracy[net=lenet300,node]", "accuracy[net=lenet5,node]",
                "pruned_fraction[net=lenet300,g=8]", "pruned_fraction[net=lenet5,g=8]", "accuracy_delta[net=lenet5,node]");
        assertThat(m).containsAll(AccuracyNames.emits("scalpel-accuracy", Scale.QUICK));
    }

    /** Quick scale keeps one network per method (the search's, or the grid's first rate labelled so): CI runs every Scalpel row. */
    private static void everyMethodKeepsANetwork(Path out) throws Exception {
        try (var kept = Files.list(out.resolve("models"))) {
            assertThat(kept.map(p -> p.getFileName().toString()).toList()).contains("lenet300-simd-g8", "lenet5-simd-g8", "lenet5-combined-g8");
        }
        for (var row : dev.prunebench.results.Csv.readMaps(out.resolve("summary.csv"))) {
            if (row.get("method").startsWith("simd") || row.get("method").contains("simd fc"))
                assertThat(row.get("selection")).as(row.toString()).matches(ScalpelAccuracy.SEARCHED + "|fixed rate 0\\.50 \\(quick scale: .*");
            if (row.get("selection").startsWith("fixed rate")) assertThat(Double.parseDouble(row.get("pruned_fraction"))).isGreaterThan(0.4);
        }
        assertThat(dev.prunebench.models.io.ModelFiles.load(out.resolve("models").resolve("lenet300-simd-g8")).meta()).containsKey("selection");
    }
}
