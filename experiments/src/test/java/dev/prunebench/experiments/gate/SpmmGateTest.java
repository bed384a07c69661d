package dev.prunebench.experiments.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.experiments.Experiments;
import dev.prunebench.experiments.hartenstein.HartensteinSpmmCpu;
import dev.prunebench.experiments.sweep.SpmmSweep;
import dev.prunebench.results.Scale;
import org.junit.jupiter.api.Test;

class SpmmGateTest {

    @Test
    void theGateMeasuresTheSameFixedPointsOfTheFullSweepAtEveryScaleAndNeverExtends() {
        for (Scale s : Scale.values()) {
            SpmmSweep.Config gate = SpmmGate.forScale(s), full = HartensteinSpmmCpu.forScale(s);
            assertThat(gate.rows()).isEqualTo(full.rows());
            assertThat(gate.cols()).isEqualTo(full.cols());
            assertThat(gate.ns()).containsExactly(full.ns());
            assertThat(gate.budget()).isEqualTo(full.budget());
            assertThat(gate.kernels()).isEqualTo(full.kernels());
            assertThat(gate.platform()).isEqualTo("cpu");
            assertThat(gate.threads()).isEqualTo(1);
            assertThat(gate.rates()).containsExactly(0.80, 0.90, 0.98);
            assertThat(gate.groups()).containsExactly(1, 8, 32);
            // a fixed grid: no rate is added to bracket a break-even, so every run averages the same points
            assertThat(gate.extendDown()).isEmpty();
            assertThat(gate.extendUp()).isEmpty();
            // every gate point is a point of the full sweep at that scale
            for (double r : gate.rates()) assertThat(full.rates()).contains(r);
            for (int g : gate.groups()) assertThat(full.groups()).contains(g);
        }
        assertThat(SpmmGate.forScale(Scale.STANDARD).rows()).isEqualTo(4096);
        assertThat(Experiments.byId()).containsKey("spmm-gate");
    }
}
