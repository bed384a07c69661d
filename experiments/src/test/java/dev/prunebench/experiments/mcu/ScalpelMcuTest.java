package dev.prunebench.experiments.mcu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.kernels.mcu.QemuCortexM4Backend;
import dev.prunebench.models.io.ModelFiles;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.nn.Param;
import dev.prunebench.models.prune.NodePruning;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricsCsv;
import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ScalpelMcuTest {

    /** Random groups of g along rows kept with probability keep: a mask shaped like the accuracy experiments' (also used by ScalpelTest). */
    public static Network pruned(Network n, double keep, int g, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Param w : n.weights()) {
            boolean[] k = new boolean[w.size()];
            for (int i = 0; i < k.length; i += g) {
                boolean on = r.nextDouble() < keep;
                for (int j = i; j < Math.min(i + g, k.length) && (j / w.cols() == i / w.cols()); j++) k[j] = on;
            }
            w.setMask(k);
        }
        return n;
    }

    @Test void theKeptNetworksRunOnTheEmulatedBoardAndAreCountedExactly(@TempDir Path root) throws Exception {
        QemuCortexM4Backend b = new QemuCortexM4Backend();
        assumeTrue(b.probe().available(), "mcu-qemu: " + b.probe());
        KernelRegistry reg = KernelRegistry.probe(List.of(b, new dev.prunebench.kernels.mcu.Q15Reference.JavaBackend()));
        String oldData = System.getProperty("prunebench.data");
        System.setProperty("prunebench.data", root.resolve("data").toString());
        Path mnist = Files.createDirectories(root.resolve("data").resolve("mnist"));
        dev.prunebench.experiments.accuracy.AccuracyExperimentsTest.write(mnist, dev.prunebench.models.data.MnistFiles.TRAIN_IMAGES,
                dev.prunebench.models.data.MnistFiles.TRAIN_LABELS, 50, 1);
        dev.prunebench.experiments.accuracy.AccuracyExperimentsTest.write(mnist, dev.prunebench.models.data.MnistFiles.TEST_IMAGES,
                dev.prunebench.models.data.MnistFiles.TEST_LABELS, 30, 2);
        try {
            runAndCheck(root, reg);
        } finally {
            if (oldData == null) System.clearProperty("prunebench.data");
            else System.setProperty("prunebench.data", oldData);
        }
    }

    private void runAndCheck(Path root, KernelRegistry reg) throws Exception {
        Path dir;
        try (RunWriter run = new RunWriter(root, "test", Scale.QUICK, 3, RunWriter.nullStream(), false)) {
            run.kernels(reg);
            // what the accuracy experiments keep, in small widths
            try (var dc = run.experiment(ScalpelMcu.DC, "test")) {
                for (String net : List.of("lenet300", "lenet5")) {
                    int[] widths = net.equals("lenet300") ? new int[] {12, 6} : new int[] {2, 3, 8};
                    Network dense = Networks.build(net, widths, 1);
                    ModelFiles.save(dense, dc.dir().resolve(Experiment.KEPT_MODELS).resolve(net + "-dense"), Map.of("test_accuracy", 0.9));
                    ModelFiles.save(pruned(Networks.build(net, widths, 1), 0.1, 1, 2), dc.dir().resolve(Experiment.KEPT_MODELS).resolve(net + "-deepcompression"),
                            Map.of("test_accuracy", 0.89));
                }
            }
            try (var sc = run.experiment(ScalpelMcu.SCALPEL, "test")) {
                Network l300 = Networks.build("lenet300", new int[] {12, 6}, 1);
                ModelFiles.save(pruned(Networks.build("lenet300", new int[] {12, 6}, 1), 0.2, 8, 3), sc.dir().resolve(Experiment.KEPT_MODELS).resolve("lenet300-simd-g8"),
                        Map.of("test_accuracy", 0.88));
                ModelFiles.save(NodePruning.shrink(l300, Map.of("fc1", new int[] {0, 2, 5, 7}, "fc2", new int[] {1, 3})),
                        sc.dir().resolve(Experiment.KEPT_MODELS).resolve("lenet300-node"), Map.of("test_accuracy", 0.87));
                // Scalpel's combined LeNet-5: convolutions run dense, FC layers as SMLAD pairs
                ModelFiles.save(pruned(Networks.build("lenet5", new int[] {2, 3, 8}, 1), 0.5, 8, 5),
                        sc.dir().resolve(Experiment.KEPT_MODELS).resolve("lenet5-combined-g8"), Map.of("test_accuracy", 0.86));
            }
            ScalpelMcu e = new ScalpelMcu();
            try (var ctx = run.experiment(e.id(), e.paper())) {
                e.run(ctx);
            }
            dir = run.finish(Map.of()).resolve(e.id());
        }
        List<String> nets = Files.readAllLines(dir.resolve("networks.csv"));
        assertThat(nets).anyMatch(l -> l.startsWith("lenet300,deepcompression,")).anyMatch(l -> l.startsWith("lenet300,simd,"))
                .anyMatch(l -> l.startsWith("lenet300,node,784-4-2-10,")).anyMatch(l -> l.startsWith("lenet5,deepcompression,"))
                .anyMatch(l -> l.startsWith("lenet5,combined,")).noneMatch(l -> l.startsWith("lenet300,combined,"));
        assertThat(Files.readAllLines(dir.resolve("layers.csv"))).anyMatch(l -> l.startsWith("lenet5,combined,conv1,mcu-q15-dense,dense,"))
                .anyMatch(l -> l.startsWith("lenet5,combined,fc1,mcu-q15-gcsr,gcsr:2,"));
        assertThat(nets.subList(1, nets.size())).allMatch(l -> l.endsWith(",emulated"));
        List<Metric> ms = MetricsCsv.read(dir.resolve("metrics.csv"));
        Metric sp = ms.stream().filter(m -> m.name().equals("speedup[net=lenet300,method=simd,platform=mcu]")).findFirst().orElseThrow();
        assertThat(sp.modelled()).isTrue();
        assertThat(sp.value()).isGreaterThan(1.0);  // 80 % of the groups gone: fewer instructions than dense on the same board
        assertThat(ms).anyMatch(m -> m.name().equals("mean_speedup[method=deepcompression,platform=mcu]"))
                .anyMatch(m -> m.name().equals("mean_speedup[method=scalpel,platform=mcu]"))
                .anyMatch(m -> m.name().equals("size_reduction[method=scalpel,platform=mcu]") && m.unit().equals("%"));
        assertThat(Files.readString(dir.resolve("experiment.json"))).contains("lenet5 simd");
        // q15 accuracy on the (tiny) test set, per network and method, from the host-side q15 arithmetic: labelled modelled
        Metric q = ms.stream().filter(m -> m.name().equals("q15_accuracy[net=lenet300,method=node,platform=mcu]")).findFirst().orElseThrow();
        assertThat(q.modelled()).isTrue();
        assertThat(q.value()).isBetween(0.0, 100.0);
        assertThat(ms).anyMatch(m -> m.name().equals("q15_accuracy[net=lenet5,dense,platform=mcu]"))
                .anyMatch(m -> m.name().equals("q15_accuracy_delta[net=lenet5,method=deepcompression,platform=mcu]"));
        assertThat(nets.get(0)).contains("q15_test_accuracy");  // no lenet5 SIMD model kept: skipped with why
        // q7 beside q15: every network (dense included) on the q7 kernels, emulated; speedup over the q7 dense network
        List<String> q7 = Files.readAllLines(dir.resolve("networks_q7.csv"));
        assertThat(q7).anyMatch(l -> l.startsWith("lenet300,dense,")).anyMatch(l -> l.startsWith("lenet300,simd,"))
                .anyMatch(l -> l.startsWith("lenet5,combined,"));
        assertThat(q7.subList(1, q7.size())).allMatch(l -> l.endsWith(",emulated"));
        assertThat(Files.readAllLines(dir.resolve("layers_q7.csv"))).anyMatch(l -> l.startsWith("lenet5,combined,conv1,mcu-q7-dense,dense,"))
                .anyMatch(l -> l.startsWith("lenet5,combined,fc1,mcu-q7-gcsr,gcsr:2,"))
                .anyMatch(l -> l.startsWith("lenet300,deepcompression,fc1,mcu-q7-csr,csr,"));
        Metric fl = ms.stream().filter(m -> m.name().equals("q7_flash_vs_q15[net=lenet300,method=dense,platform=mcu]")).findFirst().orElseThrow();
        assertThat(fl.value()).isBetween(0.4, 0.9);  // half the weights, plus code
        assertThat(ms.stream().filter(m -> m.name().equals("q7_speedup[net=lenet300,method=simd,platform=mcu]")).findFirst().orElseThrow().modelled()).isTrue();
        // q15 with fixed scales and q7 accuracy, modelled; the per-image q15 numbers are the ones above
        List<String> acc = Files.readAllLines(dir.resolve("accuracy.csv"));
        assertThat(acc.get(0)).contains("q15_fixed_test_accuracy", "q7_test_accuracy", "q7_fixed_test_accuracy");
        assertThat(acc.subList(1, acc.size())).allMatch(l -> l.endsWith(",modelled"));
        assertThat(ms).anyMatch(m -> m.name().equals("q7_accuracy[net=lenet5,dense,platform=mcu]") && m.modelled())
                .anyMatch(m -> m.name().startsWith("q15_fixed_accuracy[net=lenet300,") || m.name().startsWith("q15_fixed_accuracy[net=lenet5,"));
    }
}
