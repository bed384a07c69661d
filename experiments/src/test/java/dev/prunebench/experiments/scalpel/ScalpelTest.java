package dev.prunebench.experiments.scalpel;

import static dev.prunebench.experiments.mcu.ScalpelMcuTest.pruned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.kernels.cuda.CudaModelBackend;
import dev.prunebench.models.io.ModelFiles;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.prune.NodePruning;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricsCsv;
import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScalpelTest {

    static ScalpelRows.Row row(String platform, String net, String method, double speedup, long size, long dense) {
        return new ScalpelRows.Row(platform, net, 1, method, method, 0, "k", "d", "s", speedup, speedup, speedup, 1, 1, size, dense, 1, 1, 99, "measured");
    }

    static Map<String, Map<String, ScalpelInputs.Kept>> models() {
        Map<String, Map<String, ScalpelInputs.Kept>> m = new java.util.LinkedHashMap<>();
        for (String net : ScalpelRows.NETS) m.put(net, Map.of("dense", new ScalpelInputs.Kept("dense", 0, Networks.build(net, 0), 99, "x")));
        return m;
    }

    @Test void theScalpelRowIsTheMeasuredRowOfTheStructureTheRulePicksPerPlatformAndNetwork() {
        List<ScalpelRows.Row> rows = List.of(row("cpu", "lenet300", "deepcompression", 1.1, 20, 100), row("cpu", "lenet300", "simd", 2.0, 30, 100),
                row("cpu", "lenet300", "node", 1.5, 50, 100), row("cpu", "lenet5", "simd", 0.5, 40, 100), row("cpu", "lenet5", "node", 1.4, 50, 100),
                row("gpu", "lenet300", "simd", 3.0, 30, 100), row("gpu", "lenet300", "node", 1.2, 50, 100), row("gpu", "lenet5", "deepcompression", 0.4, 20, 100));
        List<ScalpelRows.Row> all = ScalpelSummary.withScalpel(rows, models());
        List<ScalpelRows.Row> sc = all.stream().filter(r -> r.method().equals("scalpel")).toList();
        // cpu: lenet300 (all FC) simd, lenet5 (conv-heavy) node; gpu: node; gpu lenet5 has no node row: no scalpel row, not a stand-in
        assertThat(sc).extracting(r -> r.platform() + " " + r.net() + " " + r.structure() + " " + r.speedup())
                .containsExactly("cpu lenet300 simd 2.0", "cpu lenet5 node 1.4", "gpu lenet300 node 1.2");
        assertThat(all).hasSize(rows.size() + 3);

        List<ScalpelSummary.Mean> means = ScalpelSummary.means(all);
        ScalpelSummary.Mean cpuScalpel = means.stream().filter(m -> m.platform().equals("cpu") && m.method().equals("scalpel")).findFirst().orElseThrow();
        assertThat(cpuScalpel.speedup()).isCloseTo((2.0 + 1.4) / 2, within(1e-12));
        assertThat(cpuScalpel.sizeReductionPct()).isCloseTo(100 * (0.7 + 0.5) / 2, within(1e-9));
        assertThat(cpuScalpel.nets()).containsExactly("lenet300", "lenet5");
        ScalpelSummary.Mean gpuDc = means.stream().filter(m -> m.platform().equals("gpu") && m.method().equals("deepcompression")).findFirst().orElseThrow();
        assertThat(gpuDc.nets()).containsExactly("lenet5");  // a mean says which networks it is over

        // the verdict compares the two on the networks both ran on: cpu deepcompression only has lenet300
        assertThat(ScalpelSummary.verdict("cpu", all)).contains("over [lenet300], Scalpel 2.00× and Deep Compression 1.10×").contains("ahead")
                .contains("[lenet5] lacks a kept model");
        assertThat(ScalpelSummary.verdict("gpu", all)).contains("share no measured network").contains("slower than dense on [lenet5], as published");
        assertThat(ScalpelSummary.verdict("mcu", all)).isNull();

        // noisy CPU speedups (the issue's [0.03, 33.42]): no conclusion either way
        List<ScalpelRows.Row> noisy = all.stream().map(r -> !r.platform().equals("cpu") ? r : new ScalpelRows.Row(r.platform(), r.net(), r.batch(), r.method(),
                r.structure(), r.g(), r.kernel(), r.baseline(), r.shape(), r.speedup(), 0.03, 33.42, r.timeUs(), r.baselineTimeUs(), r.sizeBytes(),
                r.denseSizeBytes(), r.macs(), r.denseMacs(), r.accuracy(), r.provenance())).toList();
        assertThat(ScalpelSummary.verdict("cpu", noisy)).contains("inconclusive (noise)").doesNotContain("ahead of traditional pruning");
    }

    @Test void whereTheRuleMixesStructuresTheCombinedNetworkIsScalpelsWhenMeasured() {
        List<ScalpelRows.Row> rows = List.of(row("cpu", "lenet5", "node", 1.4, 50, 100), row("cpu", "lenet5", "combined", 1.7, 30, 100),
                row("cpu", "lenet300", "combined", 9.0, 30, 100), row("cpu", "lenet300", "simd", 2.0, 30, 100),
                row("gpu", "lenet5", "node", 1.2, 50, 100), row("gpu", "lenet5", "combined", 3.0, 30, 100),
                row("mcu", "lenet5", "node", 1.1, 50, 100));
        List<ScalpelRows.Row> sc = ScalpelSummary.withScalpel(rows, models()).stream().filter(r -> r.method().equals("scalpel")).toList();
        // LeNet-5 on the CPU mixes node (conv) and SIMD-aware (FC): the combined network; LeNet-300-100 is all FC, the GPU all node: not combined;
        // the MCU has no combined row: the majority's structure
        assertThat(sc).extracting(r -> r.platform() + " " + r.net() + " " + r.structure())
                .containsExactly("cpu lenet5 combined", "cpu lenet300 simd", "gpu lenet5 node", "mcu lenet5 node");
    }

    @Test void fig1IsRelativeTimePerPlatformSizeAndMacsAfterDeepCompression() {
        List<ScalpelRows.Row> rows = List.of(row("mcu", "lenet5", "deepcompression", 2.0, 20, 100), row("cpu", "lenet5", "deepcompression", 0.5, 16, 100),
                row("gpu", "lenet5", "deepcompression", 0.25, 16, 100), row("cpu", "lenet5", "node", 4, 1, 100));
        var t = ScalpelTables.fig1Table(rows);
        List<String> got = new ArrayList<>();
        for (int i = 0; i < t.rowCount(); i++) got.add(t.stringColumn("quantity").get(i) + "=" + t.doubleColumn("relative").get(i));
        assertThat(got).containsExactly("time mcu=0.5", "time cpu b1=2.0", "time gpu=4.0", "size=0.16", "MACs=1.0");
    }

    @Test void perLayerWinnersRankTheStructuresAndSayWhetherTheRulesPickWon() {
        List<ScalpelRows.LayerRow> ls = List.of(
                new ScalpelRows.LayerRow("cpu", "lenet5", 1, "conv1", true, "node", 0, "k", "dense", 1.5, 1.4, 1.6, "measured"),
                new ScalpelRows.LayerRow("cpu", "lenet5", 1, "conv1", true, "deepcompression", 0, "k", "csr", 0.5, 0.4, 0.6, "measured"),
                new ScalpelRows.LayerRow("cpu", "lenet5", 1, "fc1", false, "deepcompression", 0, "k", "csr", 3.0, 2.9, 3.1, "measured"),
                new ScalpelRows.LayerRow("cpu", "lenet5", 1, "fc1", false, "simd", 8, "k", "gcsr:8", 2.0, 1.9, 2.1, "measured"),
                new ScalpelRows.LayerRow("cpu", "lenet5", 1, "fc1", false, "simd-g16", 16, "k", "gcsr:16", 9.0, 9, 9, "measured"));
        List<ScalpelSummary.Winner> w = ScalpelSummary.winners(ls);
        assertThat(w).hasSize(2);
        assertThat(w.get(0).winner()).isEqualTo("node");
        assertThat(w.get(0).margin()).isCloseTo(3.0, within(1e-12));
        assertThat(w.get(0).rule()).isEqualTo("node");
        assertThat(w.get(1).winner()).isEqualTo("deepcompression"); // simd-g16 is an extra row, not one of the table's methods
        assertThat(w.get(1).rule()).isEqualTo("simd");
        assertThat(w.get(1).ruleSpeedup()).isEqualTo(2.0);
    }

    /** The kept models of the accuracy experiments and scalpel-mcu's tables, in small widths; the CPU and the GPU model run for real. */
    @Test void joinsTheMcuRowsAndMeasuresCpuAndModelledGpuOnTheKeptNetworks(@TempDir Path root) throws Exception {
        KernelRegistry reg = KernelRegistry.probe(List.of(CpuBackends.backends().get(0), CpuBackends.backends().get(1), new CudaModelBackend()));
        Path dir;
        try (RunWriter run = new RunWriter(root, "test", Scale.QUICK, 3, RunWriter.nullStream(), false)) {
            run.kernels(reg);
            try (var dc = run.experiment(ScalpelInputs.DC, "test")) {
                for (String net : ScalpelRows.NETS) {
                    int[] widths = net.equals("lenet300") ? new int[] {12, 6} : new int[] {2, 3, 8};
                    ModelFiles.save(Networks.build(net, widths, 1), dc.dir().resolve(Experiment.KEPT_MODELS).resolve(net + "-dense"), Map.of("test_accuracy", 0.9));
                    ModelFiles.save(pruned(Networks.build(net, widths, 1), 0.1, 1, 2), dc.dir().resolve(Experiment.KEPT_MODELS).resolve(net + "-deepcompression"),
                            Map.of("test_accuracy", 0.89));
                }
            }
            try (var sc = run.experiment(ScalpelInputs.ACC, "test")) {
                Network l300 = Networks.build("lenet300", new int[] {12, 6}, 1);
                ModelFiles.save(pruned(Networks.build("lenet300", new int[] {12, 6}, 1), 0.2, 8, 3), sc.dir().resolve(Experiment.KEPT_MODELS).resolve("lenet300-simd-g8"),
                        Map.of("test_accuracy", 0.88));
                ModelFiles.save(NodePruning.shrink(l300, Map.of("fc1", new int[] {0, 2, 5, 7}, "fc2", new int[] {1, 3})),
                        sc.dir().resolve(Experiment.KEPT_MODELS).resolve("lenet300-node"), Map.of("test_accuracy", 0.87));
                ModelFiles.save(pruned(Networks.build("lenet5", new int[] {2, 3, 8}, 1), 0.5, 8, 4), sc.dir().resolve(Experiment.KEPT_MODELS).resolve("lenet5-combined-g8"),
                        Map.of("test_accuracy", 0.86));
            }
            try (var mcu = run.experiment(ScalpelInputs.MCU, "test")) {
                Files.writeString(mcu.dir().resolve("networks.csv"), """
                        net,method,shape,instructions,dense_instructions,speedup,cycles_estimated,speedup_cycles_estimated,flash_bytes,dense_flash_bytes,size_reduction,fp32_test_accuracy,provenance
                        lenet300,deepcompression,784-12-6-10,100,250,2.5,120,2.1,300,1000,0.7,89.0,emulated
                        lenet300,simd,784-12-6-10,50,250,5.0,60,4.2,400,1000,0.6,88.0,emulated
                        """);
                Files.writeString(mcu.dir().resolve("layers.csv"), """
                        net,method,layer,kernel,format,instructions,dense_instructions,speedup,cycles_estimated,flash_bytes,dense_flash_bytes,provenance
                        lenet300,simd,fc1,mcu-q15-gcsr,gcsr:2,40,200,5.0,50,300,800,emulated
                        lenet300,simd,fc2,mcu-q15-gcsr,gcsr:2,10,50,5.0,10,100,200,emulated
                        """);
            }
            Scalpel e = new Scalpel();
            try (var ctx = run.experiment(e.id(), e.paper())) {
                e.run(ctx);
            }
            dir = run.finish(Map.of()).resolve(e.id());
        }
        List<String> nets = Files.readAllLines(dir.resolve("networks.csv"));
        assertThat(nets).anyMatch(l -> l.startsWith("mcu,lenet300,1,simd,simd,8,mcu-q15-gcsr,mcu-q15-dense,784-12-6-10,5.0,"))
                .anyMatch(l -> l.startsWith("mcu,lenet300,1,scalpel,simd,8,"))
                .anyMatch(l -> l.startsWith("cpu,lenet300,1,deepcompression,") && l.endsWith(",measured,false"))
                .anyMatch(l -> l.startsWith("cpu,lenet300,64,node,node,0,"))
                .anyMatch(l -> l.startsWith("cpu,lenet300,1,scalpel,simd,8,gcsr-vector,"))
                .anyMatch(l -> l.startsWith("gpu,lenet300,1,scalpel,node,0,model-sgemm,model-sgemm,784-4-2-10,") && l.endsWith(",modelled,true"))
                .anyMatch(l -> l.startsWith("cpu,lenet5,1,deepcompression,"))
                .anyMatch(l -> l.startsWith("cpu,lenet5,64,scalpel,combined,8,"))
                .noneMatch(l -> l.startsWith("gpu,lenet5,1,combined,"));
        List<Metric> ms = MetricsCsv.read(dir.resolve("metrics.csv"));
        Metric gpu = ms.stream().filter(m -> m.name().equals("speedup[net=lenet300,method=node,platform=gpu]")).findFirst().orElseThrow();
        assertThat(gpu.modelled()).isTrue();
        assertThat(gpu.value()).isGreaterThan(1.0); // a quarter of the fc1 rows and a third of fc2's: less traffic in the model
        assertThat(ms.stream().filter(m -> m.name().equals("speedup[net=lenet300,method=simd,platform=cpu]")).findFirst().orElseThrow().modelled()).isFalse();
        assertThat(ms).anyMatch(m -> m.name().equals("mean_speedup[method=scalpel,platform=cpu,batch=64]"))
                .anyMatch(m -> m.name().equals("size_reduction[method=scalpel,platform=gpu]") && m.unit().equals("%"))
                .noneMatch(m -> m.name().contains("platform=mcu")); // the MCU's metrics are scalpel-mcu's
        assertThat(Scalpel.emits(Scale.STANDARD)).containsAll(ms.stream().map(Metric::name).filter(n -> n.startsWith("mean_speedup")).toList());
        assertThat(Files.readAllLines(dir.resolve("layer_winners.csv"))).anyMatch(l -> l.startsWith("mcu,lenet300,1,fc1,fc,simd,5.0,"));
        assertThat(nets).anyMatch(l -> l.startsWith("cpu,lenet5,1,combined,combined,8,") && l.contains(" for conv + gcsr-vector for fc"));
        assertThat(Files.readString(dir.resolve("experiment.json"))).contains("lenet5 simd").contains("lenet5 node"); // not kept: skipped with why
    }
}
