package dev.prunebench.models.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.core.prune.Layer;
import dev.prunebench.core.prune.Pruner;
import dev.prunebench.core.prune.Structure;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.measure.Verification;
import dev.prunebench.models.infer.KernelNetwork.Choice;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.nn.Param;
import dev.prunebench.models.prune.NodePruning;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InferKernelNetworkTest {
    static final KernelRegistry CPU = CpuBackends.registry();

    /** Relative-norm errors seen, printed once per class for the record of tolerances. */
    static final List<String> SEEN = new ArrayList<>();

    /** Small seeded weights and biases (biases are zero after init; give them values so the bias path is tested). */
    static Network network(String id, long seed) {
        Network net = Networks.build(id, seed);
        var rng = new java.util.SplittableRandom(seed + 99);
        for (Param p : net.params())
            if (!p.prunable()) {
                float[] b = new float[p.size()];
                for (int i = 0; i < b.length; i++) b[i] = (float) (rng.nextDouble() * 0.2 - 0.1);
                p.set(b);
            }
        return net;
    }

    /** Masks every weight matrix to {@code rate} with the structure (magnitude scores). */
    static Network pruned(Network net, Structure s, double rate) {
        for (Param w : net.weights()) {
            var mask = Pruner.prune(Layer.of(w.name(), w.values().clone(), w.rows(), w.cols()), s, rate).mask();
            w.setMask(mask.toBooleans());
        }
        return net;
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String id : List.of("lenet300", "lenet5", "mlp"))
            for (int batch : new int[] {1, 7})
                for (String[] kf : new String[][] {{"dense-vector", "dense"}, {"csr-vector", "csr"}, {"gcsr-vector", "gcsr:8"}})
                    for (boolean prune : new boolean[] {false, true}) out.add(Arguments.of(id, batch, kf[0], kf[1], prune));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} batch {1} {2} {3} pruned={4}")
    @MethodSource("cases")
    void matchesNetworkForward(String id, int batch, String kernel, String format, boolean prune) {
        Network net = network(id, 7);
        if (prune) pruned(net, format.startsWith("gcsr") ? Structure.group(8) : Structure.UNSTRUCTURED, 0.9);
        float[] x = KernelNetwork.randomInput(net, batch, 3);
        float[] want = net.forward(x.clone(), batch, false);
        try (KernelNetwork plan = KernelNetwork.plan(net, CPU, name -> Choice.of(kernel, format), batch, 1, x)) {
            Verification v = plan.verify();
            record(id + " b" + batch + " " + kernel + " " + format + (prune ? " pruned" : ""), v.relError());
            assertThat(v.passed()).as("%s: %s", plan, v).isTrue();
            assertThat(relErr(plan.result(), want)).isLessThanOrEqualTo(KernelNetwork.TOLERANCE);
            assertThat(plan.result()).hasSize(batch * net.classes());
            // the timed pass recomputes the same logits without re-preparing anything
            int[] before = plan.layers().stream().mapToInt(KernelNetwork.KernelLayer::preparations).toArray();
            plan.run();
            assertThat(relErr(plan.result(), want)).isLessThanOrEqualTo(KernelNetwork.TOLERANCE);
            assertThat(plan.layers().stream().mapToInt(KernelNetwork.KernelLayer::preparations).toArray()).isEqualTo(before);
            // CPU kernels copy X: a new input re-prepares each layer once
            float[] x2 = KernelNetwork.randomInput(net, batch, 4);
            float[] want2 = net.forward(x2.clone(), batch, false);
            assertThat(relErr(plan.forward(x2), want2)).isLessThanOrEqualTo(KernelNetwork.TOLERANCE);
            for (var kl : plan.layers()) {
                assertThat(kl.bindsInput()).as(kl.toString()).isFalse();
                assertThat(kl.preparations()).isEqualTo(2);
                assertThat(kl.format()).isEqualTo(FormatSpec.parse(format));
            }
            assertThat(plan.layers()).extracting(KernelNetwork.KernelLayer::name)
                    .isEqualTo(net.weights().stream().map(p -> p.name().replace(".weight", "")).toList());
        }
    }

    @Test void convolutionColumnsAreBatchTimesOutputPixels() {
        Network net = network("lenet5", 1);
        try (KernelNetwork plan = KernelNetwork.plan(net, CPU, n -> Choice.of("csr-vector", "csr"), 3, 1)) {
            var ls = plan.layers();
            assertThat(ls.get(0).n()).isEqualTo(3 * 24 * 24);
            assertThat(ls.get(0).cols()).isEqualTo(25);
            assertThat(ls.get(1).n()).isEqualTo(3 * 8 * 8);
            assertThat(ls.get(1).cols()).isEqualTo(20 * 25);
            assertThat(ls.get(2).n()).isEqualTo(3);
            assertThat(ls.get(0).convolution()).isTrue();
            assertThat(ls.get(2).convolution()).isFalse();
        }
    }

    @Test void mixedKernelsPerLayer() {
        Network net = pruned(network("lenet300", 2), Structure.group(8), 0.8);
        Map<String, Choice> pick = Map.of("fc1", Choice.of("gcsr-vector", "gcsr:8"), "fc2", Choice.of("csr-vector", "csr"),
                "fc3", Choice.of("dense-vector", "dense"));
        try (KernelNetwork plan = KernelNetwork.plan(net, CPU, pick::get, 5, 2)) {
            Verification v = plan.verify();
            record("lenet300 b5 mixed 2 threads", v.relError());
            assertThat(v.passed()).as(v.toString()).isTrue();
            assertThat(plan.describe()).contains("fc1 gcsr-vector (gcsr:8)", "fc2 csr-vector (csr)", "fc3 dense-vector (dense)");
        }
    }

    @Test void nodeShrunkNetworks() {
        Network mlp = network("lenet300", 5);
        Network small = NodePruning.shrink(mlp, Map.of("fc1", NodePruning.topUnits(mlp, "fc1", 97), "fc2", NodePruning.topUnits(mlp, "fc2", 33)));
        Network conv = network("lenet5", 5);
        Network smallConv = NodePruning.shrink(conv, Map.of("conv1", NodePruning.topUnits(conv, "conv1", 11),
                "conv2", NodePruning.topUnits(conv, "conv2", 23), "fc1", NodePruning.topUnits(conv, "fc1", 101)));
        for (Network net : List.of(small, smallConv))
            for (String[] kf : new String[][] {{"dense-vector", "dense"}, {"csr-vector", "csr"}})
                for (int batch : new int[] {1, 7})
                    try (KernelNetwork plan = KernelNetwork.plan(net, CPU, n -> Choice.of(kf[0], kf[1]), batch, 1)) {
                        Verification v = plan.verify();
                        record(net.id() + " " + net.shape() + " b" + batch + " " + kf[0], v.relError());
                        assertThat(v.passed()).as("%s %s", plan, v).isTrue();
                    }
        try (KernelNetwork plan = KernelNetwork.plan(small, CPU, n -> Choice.of("dense-vector", "dense"), 2, 1)) {
            assertThat(plan.layers()).extracting(KernelNetwork.KernelLayer::rows).containsExactly(97, 33, 10);
            assertThat(plan.layers()).extracting(KernelNetwork.KernelLayer::cols).containsExactly(784, 97, 33);
        }
    }

    @Test void uniformPicksTheBackendsKernelForTheFormat() {
        Network net = pruned(network("lenet5", 3), Structure.group(8), 0.75);
        try (KernelNetwork plan = KernelNetwork.uniform(net, CPU, "cpu-vector", n -> FormatSpec.grouped(8), 7, 1)) {
            assertThat(plan.layers()).allSatisfy(l -> assertThat(l.kernel().id()).isEqualTo("gcsr-vector"));
            assertThat(plan.verify().passed()).isTrue();
            assertThat(plan.backends(CPU)).extracting(b -> b.id()).containsExactly("cpu-vector");
        }
        assertThatThrownBy(() -> KernelNetwork.uniform(net, CPU, "no-such-backend", n -> FormatSpec.CSR, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-backend");
        assertThatThrownBy(() -> KernelNetwork.uniform(net, CPU, "cpu-vector", n -> FormatSpec.COO, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer conv1").hasMessageContaining("coo").hasMessageContaining("csr-vector");
    }

    @Test void refusalsNameLayerKernelAndFormat() {
        Network net = network("lenet300", 1);
        assertThatThrownBy(() -> KernelNetwork.plan(net, CPU, n -> Choice.of("csr-vector", "dense"), 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer fc1").hasMessageContaining("csr-vector").hasMessageContaining("dense").hasMessageContaining("refuses");
        assertThatThrownBy(() -> KernelNetwork.plan(net, CPU, n -> Choice.of("no-such-kernel", "csr"), 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer fc1").hasMessageContaining("no-such-kernel");
        // a dense weight is not 2:4: the encoding fails and says where
        assertThatThrownBy(() -> KernelNetwork.plan(net, CPU, n -> Choice.of("nm-vector", "nm:2:4"), 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer fc1").hasMessageContaining("nm:2:4");
        if (CPU.kernel("mkl-sgemv").isPresent())
            assertThatThrownBy(() -> KernelNetwork.plan(net, CPU, n -> Choice.of("mkl-sgemv", "dense"), 7, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer fc1").hasMessageContaining("mkl-sgemv").hasMessageContaining("N = 7");
        assertThatThrownBy(() -> KernelNetwork.plan(net, CPU, n -> Choice.of("csr-vector", "csr"), 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch");
        try (KernelNetwork plan = KernelNetwork.plan(net, CPU, n -> Choice.of("csr-vector", "csr"), 2, 1)) {
            assertThatThrownBy(() -> plan.forward(new float[3])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1568");
            float[] bad = new float[2 * 784];
            bad[800] = Float.NaN;
            assertThatThrownBy(() -> plan.forward(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input[800]");
        }
    }

    @Test void nmPrunedNetworkOnTheNmKernel() {
        Network net = pruned(network("mlp", 4), Structure.nm(2, 4), 0.5);
        try (KernelNetwork plan = KernelNetwork.plan(net, CPU, n -> Choice.of("nm-vector", "nm:2:4"), 7, 1)) {
            Verification v = plan.verify();
            record("mlp b7 nm-vector nm:2:4", v.relError());
            assertThat(v.passed()).as(v.toString()).isTrue();
        }
    }

    @Test void inPlaceKernelNeedsNoRepreparationAndCountsAreSummed() {
        KernelRegistry reg = KernelRegistry.probe(List.of(new InPlaceCountedBackend()));
        Network net = pruned(network("lenet5", 6), Structure.UNSTRUCTURED, 0.5);
        try (KernelNetwork plan = KernelNetwork.uniform(net, reg, InPlaceCountedBackend.ID, n -> FormatSpec.CSR, 7, 1)) {
            assertThat(plan.verify().passed()).isTrue();
            float[] x2 = KernelNetwork.randomInput(net, 7, 11);
            assertThat(relErr(plan.forward(x2), net.forward(x2.clone(), 7, false))).isLessThanOrEqualTo(KernelNetwork.TOLERANCE);
            for (var kl : plan.layers()) {
                assertThat(kl.bindsInput()).isTrue();
                assertThat(kl.preparations()).isEqualTo(1);
            }
            MatMul.Counts c = plan.counts().orElseThrow();
            long macs = 0;
            for (var kl : plan.layers()) macs += kl.weight().storedValues() * kl.n();
            assertThat(c.cost()).isEqualTo("macs");
            assertThat(c.costValue()).isEqualTo(macs);
        }
        try (KernelNetwork plan = KernelNetwork.plan(network("lenet300", 1), CPU, n -> Choice.of("csr-vector", "csr"), 1, 1)) {
            assertThat(plan.counts()).isEmpty();
        }
    }

    @Test void nativeKernelsWhenAvailable() {
        List<String[]> picks = new ArrayList<>();
        for (String[] kf : new String[][] {{"mkl-sgemm", "dense"}, {"openblas-sgemm", "dense"}, {"mkl-sparse-csr", "csr"}})
            if (CPU.kernel(kf[0]).isPresent()) picks.add(kf);
        org.junit.jupiter.api.Assumptions.assumeFalse(picks.isEmpty(), "no native backend available: " + CPU.unusable());
        Network net = pruned(network("lenet5", 8), Structure.UNSTRUCTURED, 0.9);
        for (String[] kf : picks)
            for (int batch : new int[] {1, 7})
                try (KernelNetwork plan = KernelNetwork.plan(net, CPU, n -> Choice.of(kf[0], kf[1]), batch, 1)) {
                    Verification v = plan.verify();
                    record("lenet5 b" + batch + " " + kf[0] + " pruned", v.relError());
                    assertThat(v.passed()).as("%s %s", plan, v).isTrue();
                    float[] x2 = KernelNetwork.randomInput(net, batch, 21);
                    assertThat(relErr(plan.forward(x2), net.forward(x2.clone(), batch, false))).isLessThanOrEqualTo(KernelNetwork.TOLERANCE);
                }
    }

    /** Every layout change: pooling the input (window 3), fc after pool without flatten, conv after fc, ending in a conv. */
    @Test void unusualLayerOrders() {
        var rng = new java.util.SplittableRandom(12);
        var a = new Network("custom", new int[0], List.of(
                new dev.prunebench.models.nn.MaxPool2d("p0", 1, 12, 12, 3),
                new dev.prunebench.models.nn.Flatten("f0", 1, 4, 4),
                new dev.prunebench.models.nn.Linear("fc1", 16, 50).init(rng),
                new dev.prunebench.models.nn.Relu("r1", 50),
                new dev.prunebench.models.nn.Conv2d("conv1", 2, 5, 5, 3, 2).init(rng),
                new dev.prunebench.models.nn.MaxPool2d("p1", 3, 4, 4, 2),
                new dev.prunebench.models.nn.Linear("fc2", 12, 4).init(rng)));
        var b = new Network("custom-conv-last", new int[0], List.of(
                new dev.prunebench.models.nn.Conv2d("conv0", 1, 6, 6, 2, 3).init(rng),
                new dev.prunebench.models.nn.Relu("r0", 2 * 4 * 4),
                new dev.prunebench.models.nn.Linear("fc1", 32, 18).init(rng),
                new dev.prunebench.models.nn.Conv2d("conv1", 2, 3, 3, 3, 2).init(rng)));
        for (Network net : List.of(a, b))
            for (int batch : new int[] {1, 7})
                for (String[] kf : new String[][] {{"dense-vector", "dense"}, {"csr-vector", "csr"}, {"gcsr-vector", "gcsr:8"}})
                    try (KernelNetwork plan = KernelNetwork.plan(net, CPU, n -> Choice.of(kf[0], kf[1]), batch, 1)) {
                        Verification v = plan.verify();
                        record(net.id() + " b" + batch + " " + kf[0], v.relError());
                        assertThat(v.passed()).as("%s %s", plan, v).isTrue();
                    }
    }

    @Test void closeIsIdempotentAndStopsRuns() {
        KernelNetwork plan = KernelNetwork.plan(network("lenet300", 1), CPU, n -> Choice.of("csr-vector", "csr"), 1, 1);
        plan.close();
        plan.close();
        assertThatThrownBy(plan::run).isInstanceOf(IllegalStateException.class);
    }

    static double relErr(float[] got, float[] ref) {
        double num = 0, den = 0;
        for (int i = 0; i < got.length; i++) {
            double d = (double) got[i] - ref[i];
            num += d * d;
            den += (double) ref[i] * ref[i];
        }
        return Math.sqrt(num / den);
    }

    static synchronized void record(String what, double err) {
        SEEN.add(String.format("%-48s %.2e", what, err));
    }

    @org.junit.jupiter.api.AfterAll static void print() {
        double max = 0;
        for (String s : SEEN) max = Math.max(max, Double.parseDouble(s.substring(s.lastIndexOf(' ') + 1)));
        System.out.println("[infer] relative-norm errors of " + SEEN.size() + " plans, max " + String.format("%.2e", max));
        SEEN.forEach(s -> System.out.println("[infer]   " + s));
    }
}
