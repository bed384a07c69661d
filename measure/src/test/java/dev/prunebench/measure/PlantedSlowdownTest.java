package dev.prunebench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.kernel.MatMul;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The knob's wiring (which kernel, what it delegates); how much slower it makes a kernel is measured in runs, not here. */
class PlantedSlowdownTest {

    @AfterEach void clear() { System.clearProperty(PlantedSlowdown.PROPERTY); }

    static MatMul.Prepared counting(AtomicInteger runs, AtomicInteger closes) {
        return new MatMul.Prepared() {
            @Override public void run() { runs.incrementAndGet(); }
            @Override public float[] result() { return new float[] {42f}; }
            @Override public void close() { closes.incrementAndGet(); }
            @Override public String variant() { return "v"; }
        };
    }

    @Test void offUnlessTheKernelIsNamed() {
        AtomicInteger runs = new AtomicInteger(), closes = new AtomicInteger();
        MatMul.Prepared p = counting(runs, closes);
        assertThat(PlantedSlowdown.configured()).isNull();
        assertThat(PlantedSlowdown.wrap("gcsr-vector", p)).isSameAs(p);
        System.setProperty(PlantedSlowdown.PROPERTY, "csr-vector=0.10");
        assertThat(PlantedSlowdown.wrap("gcsr-vector", p)).isSameAs(p);
    }

    @Test void theNamedKernelIsWrappedAndStillComputes() {
        System.setProperty(PlantedSlowdown.PROPERTY, "gcsr-vector=0.10");
        assertThat(PlantedSlowdown.configured()).isEqualTo(new PlantedSlowdown.Plant("gcsr-vector", 0.10));
        AtomicInteger runs = new AtomicInteger(), closes = new AtomicInteger();
        MatMul.Prepared w = PlantedSlowdown.wrap("gcsr-vector", counting(runs, closes));
        assertThat(w).isNotInstanceOf(MatMul.SelfTimed.class);
        w.run();
        w.run();
        assertThat(runs.get()).isEqualTo(2);
        assertThat(w.result()).containsExactly(42f);
        assertThat(w.variant()).isEqualTo("v");
        w.close();
        assertThat(closes.get()).isEqualTo(1);
    }

    @Test void badValuesAreRefusedNamingTheProperty() {
        for (String v : new String[] {"gcsr-vector", "gcsr-vector=abc", "gcsr-vector=0", "gcsr-vector=-1", "=0.1"}) {
            System.setProperty(PlantedSlowdown.PROPERTY, v);
            assertThatThrownBy(PlantedSlowdown::configured).as(v).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(PlantedSlowdown.PROPERTY);
        }
    }
}
