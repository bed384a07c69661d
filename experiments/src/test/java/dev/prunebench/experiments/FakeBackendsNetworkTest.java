package dev.prunebench.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.measure.Budget;
import dev.prunebench.models.infer.KernelNetwork;
import dev.prunebench.models.infer.NetworkLatency;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.nn.Param;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A pruned network runs forward, end to end, on backends that exist only in this test — one counted (as an emulator),
 * one with its own clock (as a GPU) — through the same seams as the CPU: the registry, the kernels' refusals, the
 * interleaved harness and counted kernels.
 */
class FakeBackendsNetworkTest {

    static Network prunedLenet300() {
        Network net = Networks.build("lenet300", new int[] {24, 12}, 3);
        SplittableRandom r = new SplittableRandom(5);
        for (Param w : net.weights()) {
            boolean[] keep = new boolean[w.size()];
            for (int i = 0; i < keep.length; i++) keep[i] = r.nextDouble() < 0.2;
            w.setMask(keep);
        }
        return net;
    }

    @Test void aCountedBackendRunsTheNetworkAndGivesExactCounts() {
        KernelRegistry reg = KernelRegistry.probe(List.of(FakeBackends.counted(), FakeBackends.selfTimed()));
        Network net = prunedLenet300();
        try (KernelNetwork plan = KernelNetwork.plan(net, reg, layer -> KernelNetwork.Choice.of("fakemcu-csr", "csr"), 1, 1)) {
            assertThat(plan.verify().passed()).isTrue();
            assertThat(plan.counts()).isPresent();
        }
        NetworkLatency.Result r = NetworkLatency.measure(net, reg, layer -> KernelNetwork.Choice.of("fakemcu-csr", "csr"), "fakemcu-dense", 1, 1,
                new Budget(0, 3, 0, 200, 1));
        assertThat(r.counted()).isTrue();
        // planted cost: dense M·K·N per layer against 4·nnz·N + M for csr; the exact ratio of the sums
        long dense = 24L * 784 + 12L * 24 + 10L * 12, sparse = 0;
        for (Param w : net.weights()) sparse += 4L * w.kept() + w.rows();
        assertThat(r.baselineCounts().costValue()).isEqualTo(dense);
        assertThat(r.counts().costValue()).isEqualTo(sparse);
        assertThat(r.speedup().median()).isEqualTo((double) dense / sparse);
        assertThat(r.layers()).hasSize(3).allMatch(NetworkLatency.LayerLatency::counted);
    }

    @Test void aSelfTimedBackendRunsTheNetworkThroughTheSameHarness() {
        KernelRegistry reg = KernelRegistry.probe(List.of(FakeBackends.selfTimed()));
        Network net = prunedLenet300();
        NetworkLatency.Result r = NetworkLatency.measure(net, reg, layer -> KernelNetwork.Choice.of("fakegpu-csr", "csr"), "fakegpu-dense", 4, 1,
                new Budget(0, 3, 0, 200, 1));
        assertThat(r.counted()).isFalse();
        assertThat(r.candidateCheck().passed()).isTrue();
        // each layer's kernel is sampled by its own (planted) clock: the per-layer speedup is the planted cost ratio
        NetworkLatency.LayerLatency fc1 = r.layer("fc1").orElseThrow();
        Param w = net.param("fc1.weight");
        assertThat(fc1.speedup().median()).isCloseTo((24.0 * 784 * 4) / (4.0 * w.kept() * 4 + 24), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test void aKernelThatRefusesALayerIsNamed() {
        KernelRegistry reg = KernelRegistry.probe(List.of(FakeBackends.counted()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KernelNetwork.plan(prunedLenet300(), reg,
                        layer -> new KernelNetwork.Choice("fakemcu-csr", FormatSpec.grouped(4)), 1, 1))
                .hasMessageContaining("fc1").hasMessageContaining("fakemcu-csr").hasMessageContaining("gcsr:4");
    }
}
