package dev.prunebench.models.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.core.prune.Structure;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Stats;
import dev.prunebench.models.infer.KernelNetwork.Choice;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.prune.NodePruning;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Structure of the latency results, not speed (speed is never asserted in unit tests). */
class InferLatencyTest {
    static final KernelRegistry CPU = CpuBackends.registry();
    static final Budget TINY = new Budget(0, 3, 0, 200, 1);

    static void wellFormed(Stats.Interval i) {
        assertThat(i).isNotNull();
        assertThat(i.median()).isPositive().isFinite();
        assertThat(i.low()).isLessThanOrEqualTo(i.median());
        assertThat(i.high()).isGreaterThanOrEqualTo(i.median());
    }

    @Test void prunedAgainstDenseEndToEndAndPerLayer() {
        for (int batch : new int[] {1, 64}) {
            Network net = InferKernelNetworkTest.pruned(InferKernelNetworkTest.network("lenet300", 1), Structure.UNSTRUCTURED, 0.9);
            var r = NetworkLatency.measure(net, CPU, n -> Choice.of("csr-vector", "csr"), "dense-vector", batch, 1, TINY);
            assertThat(r.network()).isEqualTo("lenet300");
            assertThat(r.batch()).isEqualTo(batch);
            assertThat(r.counted()).isFalse();
            assertThat(r.candidateCheck().passed()).isTrue();
            assertThat(r.baselineCheck().passed()).isTrue();
            assertThat(r.candidate()).contains("csr-vector");
            assertThat(r.baseline()).contains("dense-vector");
            wellFormed(r.time());
            wellFormed(r.baselineTime());
            wellFormed(r.speedup());
            assertThat(r.counts()).isNull();
            assertThat(r.layers()).extracting(NetworkLatency.LayerLatency::layer).containsExactly("fc1", "fc2", "fc3");
            for (var l : r.layers()) {
                assertThat(l.kernel()).isEqualTo("csr-vector");
                assertThat(l.baselineKernel()).isEqualTo("dense-vector");
                assertThat(l.format()).isEqualTo("csr");
                assertThat(l.baselineFormat()).isEqualTo("dense");
                assertThat(l.n()).isEqualTo(batch);
                assertThat(l.counted()).isFalse();
                wellFormed(l.time());
                wellFormed(l.baselineTime());
                wellFormed(l.speedup());
            }
            assertThat(r.layer("fc1").orElseThrow().rows()).isEqualTo(300);
        }
    }

    @Test void convolutionNetwork() {
        Network net = InferKernelNetworkTest.pruned(InferKernelNetworkTest.network("lenet5", 2), Structure.group(8), 0.8);
        var r = NetworkLatency.measure(net, CPU, n -> Choice.of("gcsr-vector", "gcsr:8"), "dense-vector", 7, 1, TINY);
        assertThat(r.layers()).extracting(NetworkLatency.LayerLatency::layer).containsExactly("conv1", "conv2", "fc1", "fc2");
        assertThat(r.layer("conv1").orElseThrow().n()).isEqualTo(7 * 24 * 24);
        wellFormed(r.speedup());
    }

    @Test void nodeShrunkCandidateAgainstTheOriginal() {
        Network net = InferKernelNetworkTest.network("lenet300", 3);
        Network small = NodePruning.shrink(net, Map.of("fc1", NodePruning.topUnits(net, "fc1", 60)));
        try (var cand = KernelNetwork.plan(small, CPU, n -> Choice.of("dense-vector", "dense"), 4, 1);
             var base = KernelNetwork.plan(net, CPU, n -> Choice.of("dense-vector", "dense"), 4, 1)) {
            var r = NetworkLatency.measure(cand, base, TINY);
            var fc1 = r.layer("fc1").orElseThrow();
            assertThat(fc1.rows()).isEqualTo(60);
            assertThat(fc1.baselineRows()).isEqualTo(300);
            assertThat(r.layer("fc2").orElseThrow().cols()).isEqualTo(60);
            wellFormed(r.speedup());
        }
    }

    @Test void countedPlansGiveSummedCountsAndTheirExactRatio() {
        KernelRegistry reg = KernelRegistry.probe(List.of(new InPlaceCountedBackend()));
        Network net = InferKernelNetworkTest.pruned(InferKernelNetworkTest.network("lenet5", 4), Structure.UNSTRUCTURED, 0.75);
        var r = NetworkLatency.measure(net, reg, n -> new Choice(InPlaceCountedBackend.KERNEL, FormatSpec.CSR), InPlaceCountedBackend.KERNEL, 3, 1, TINY);
        assertThat(r.counted()).isTrue();
        assertThat(r.time()).isNull();
        assertThat(r.baselineTime()).isNull();
        long sparse = 0, dense = 0;
        for (var l : r.layers()) {
            assertThat(l.counted()).isTrue();
            assertThat(l.time()).isNull();
            long nnz = l.counts().costValue() / l.n();
            assertThat(l.baselineCounts().costValue()).isEqualTo((long) l.rows() * l.cols() * l.n());
            assertThat(l.speedup().median()).isEqualTo((double) l.baselineCounts().costValue() / l.counts().costValue());
            assertThat(nnz).isLessThan((long) l.rows() * l.cols());
            sparse += l.counts().costValue();
            dense += l.baselineCounts().costValue();
        }
        assertThat(r.counts().costValue()).isEqualTo(sparse);
        assertThat(r.baselineCounts().costValue()).isEqualTo(dense);
        assertThat(r.speedup().median()).isEqualTo((double) dense / sparse);
        assertThat(r.speedup().low()).isEqualTo(r.speedup().high());
    }

    @Test void countsAndTimesDoNotMix() {
        KernelRegistry emu = KernelRegistry.probe(List.of(new InPlaceCountedBackend()));
        Network net = InferKernelNetworkTest.network("lenet300", 5);
        try (var counted = KernelNetwork.uniform(net, emu, InPlaceCountedBackend.ID, n -> FormatSpec.CSR, 2, 1);
             var timed = KernelNetwork.plan(net, CPU, n -> Choice.of("dense-vector", "dense"), 2, 1);
             var other = KernelNetwork.plan(net, CPU, n -> Choice.of("dense-vector", "dense"), 3, 1)) {
            assertThatThrownBy(() -> NetworkLatency.measure(counted, timed, TINY))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("counted");
            assertThatThrownBy(() -> NetworkLatency.measure(timed, other, TINY))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch");
        }
    }

    @Test void fastestDenseIsADenseBaselineOfThePlatform() {
        Network net = InferKernelNetworkTest.network("lenet300", 6);
        String id = NetworkLatency.fastestDense(net, CPU, "cpu", 1, 1, TINY);
        assertThat(CPU.denseBaselines("cpu", 1)).extracting(MatMul::id).contains(id);
        assertThatThrownBy(() -> NetworkLatency.fastestDense(net, CPU, "no-platform", 1, 1, TINY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-platform");
    }
}
