package dev.prunebench.experiments.scalpel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.models.nn.Networks;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalpelRuleTest {

    @Test void simdAwareForFullyConnectedOnMcuAndCpuNodePruningForConvolutionsAndEverythingOnTheGpu() {
        assertThat(ScalpelRule.forLayer("mcu", false)).isEqualTo("simd");
        assertThat(ScalpelRule.forLayer("cpu", false)).isEqualTo("simd");
        assertThat(ScalpelRule.forLayer("mcu", true)).isEqualTo("node");
        assertThat(ScalpelRule.forLayer("cpu", true)).isEqualTo("node");
        assertThat(ScalpelRule.forLayer("gpu", false)).isEqualTo("node");
        assertThat(ScalpelRule.forLayer("gpu", true)).isEqualTo("node");
        assertThatThrownBy(() -> ScalpelRule.forLayer("tpu", false)).hasMessageContaining("tpu").hasMessageContaining("mcu");
    }

    @Test void denseMultiplyAccumulatesOfTheLeNetsPerLayer() {
        // conv1 20·25 weights at 24×24 outputs, conv2 50·500 at 8×8, fc1 800→500, fc2 500→10
        assertThat(ScalpelRule.layers(Networks.build("lenet5", 0))).containsExactly(new ScalpelRule.Layer("conv1", true, 288_000),
                new ScalpelRule.Layer("conv2", true, 1_600_000), new ScalpelRule.Layer("fc1", false, 400_000), new ScalpelRule.Layer("fc2", false, 5_000));
        assertThat(ScalpelRule.macs(Networks.build("lenet300", 0))).isEqualTo(784 * 300 + 300 * 100 + 100 * 10);
    }

    @Test void aNetworkTakesTheStructureOfMostOfItsMultiplyAccumulates() {
        var lenet5 = ScalpelRule.layers(Networks.build("lenet5", 0));
        var lenet300 = ScalpelRule.layers(Networks.build("lenet300", 0));
        assertThat(ScalpelRule.forNetwork("cpu", lenet5)).isEqualTo("node");   // 1.89 M conv MACs against 0.41 M FC
        assertThat(ScalpelRule.forNetwork("mcu", lenet5)).isEqualTo("node");
        assertThat(ScalpelRule.forNetwork("cpu", lenet300)).isEqualTo("simd");
        assertThat(ScalpelRule.forNetwork("mcu", lenet300)).isEqualTo("simd");
        assertThat(ScalpelRule.forNetwork("gpu", lenet300)).isEqualTo("node");
        // FC-heavy conv net: the FC structure wins; a tie goes to the first layer's structure
        assertThat(ScalpelRule.forNetwork("cpu", List.of(new ScalpelRule.Layer("conv1", true, 10), new ScalpelRule.Layer("fc1", false, 11)))).isEqualTo("simd");
        assertThat(ScalpelRule.forNetwork("cpu", List.of(new ScalpelRule.Layer("conv1", true, 10), new ScalpelRule.Layer("fc1", false, 10)))).isEqualTo("node");
        assertThat(ScalpelRule.forNetwork("cpu", List.of(new ScalpelRule.Layer("fc1", false, 10), new ScalpelRule.Layer("conv1", true, 10)))).isEqualTo("simd");
        assertThatThrownBy(() -> ScalpelRule.forNetwork("cpu", List.of())).hasMessageContaining("no layers");
        assertThat(ScalpelRule.perLayer("cpu", lenet5)).containsExactly(java.util.Map.entry("conv1", "node"), java.util.Map.entry("conv2", "node"),
                java.util.Map.entry("fc1", "simd"), java.util.Map.entry("fc2", "simd"));
    }

    @Test void theCombinedNetworkIsScalpelsWhereTheRuleMixesStructuresAndItWasMeasured() {
        var lenet5 = ScalpelRule.layers(Networks.build("lenet5", 0));
        var lenet300 = ScalpelRule.layers(Networks.build("lenet300", 0));
        assertThat(ScalpelRule.method("cpu", lenet5, true)).isEqualTo("combined");
        assertThat(ScalpelRule.method("mcu", lenet5, true)).isEqualTo("combined");
        assertThat(ScalpelRule.method("cpu", lenet5, false)).isEqualTo("node");
        assertThat(ScalpelRule.method("gpu", lenet5, true)).isEqualTo("node");   // one structure throughout: no combination needed
        assertThat(ScalpelRule.method("cpu", lenet300, true)).isEqualTo("simd");
    }

    @Test void theGroupSizeRunIsThePlatformsWidthOrTheNearestKept() {
        assertThat(ScalpelRule.simdWidth("mcu", 16)).isEqualTo(2);
        assertThat(ScalpelRule.simdWidth("cpu", 16)).isEqualTo(16);
        assertThat(ScalpelRule.simdWidth("gpu", 16)).isZero();
        assertThat(ScalpelRule.groupFor(16, List.of(2, 4, 8, 16))).isEqualTo(16);
        assertThat(ScalpelRule.groupFor(16, List.of(2, 4, 8))).isEqualTo(8);
        assertThat(ScalpelRule.groupFor(2, List.of(8))).isEqualTo(8);
        assertThat(ScalpelRule.groupFor(6, List.of(4, 8))).isEqualTo(8);     // a tie: the larger
        assertThat(ScalpelRule.groupFor(0, List.of(2, 16, 4))).isEqualTo(16); // no width: the largest
        assertThat(ScalpelRule.groupFor(8, List.of())).isEqualTo(-1);
    }
}
