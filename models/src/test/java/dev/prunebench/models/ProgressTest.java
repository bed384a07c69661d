package dev.prunebench.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test void terminalFormDrawsABar() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (Progress p = Progress.start("train", 4, new PrintStream(b, true, StandardCharsets.UTF_8), true)) {
            assertThat(p.drawn()).isTrue();
            for (int i = 0; i < 4; i++) {
                p.step();
                p.message("epoch " + i);
            }
        }
        assertThat(b.toString(StandardCharsets.UTF_8)).contains("train", "4/4", "\r");
    }

    @Test void otherwiseItCountsAndWritesNothing() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (Progress p = Progress.start("sweep", 3, new PrintStream(b, true, StandardCharsets.UTF_8), false)) {
            p.step();
            p.message("a");
            p.step();
            assertThat(p.drawn()).isFalse();
            assertThat(p.done()).isEqualTo(2);
        }
        assertThat(b.size()).isZero();
    }

    @Test void aNegativeTotalIsRefused() {
        assertThatThrownBy(() -> Progress.start("x", -1, System.err, false)).hasMessage("progress x: total must be >= 0, got -1");
    }
}
