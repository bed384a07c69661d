package dev.prunebench.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConvShapeTest {
    @Test
    void sizesOfLeNet5sConvolutions() {
        ConvShape c1 = new ConvShape(1, 28, 28, 20, 5), c2 = new ConvShape(20, 12, 12, 50, 5);
        assertThat(c1.outH()).isEqualTo(24);
        assertThat(c1.pixels()).isEqualTo(576);
        assertThat(c1.patch()).isEqualTo(25);
        assertThat(c2.patch()).isEqualTo(500);
        assertThat(c2.inputSize()).isEqualTo(2880);
        assertThat(c2.pixels()).isEqualTo(64);
        assertThat(c2.toString()).isEqualTo("20×12×12 → 50×8×8, 5×5");
    }

    @Test
    void badShapesNameTheField() {
        assertThatThrownBy(() -> new ConvShape(0, 5, 5, 1, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inChannels");
        assertThatThrownBy(() -> new ConvShape(1, 5, 5, 0, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outChannels");
        assertThatThrownBy(() -> new ConvShape(1, 5, 5, 1, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kernel");
        assertThatThrownBy(() -> new ConvShape(1, 5, 2, 1, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("smaller than the 3×3");
    }
}
