package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test void plainOutputIsAFewLinesNotABar() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (Progress p = Progress.start("sweep", 100, new PrintStream(b, true, StandardCharsets.UTF_8), false)) {
            for (int i = 0; i < 100; i++) p.step();
        }
        String out = b.toString(StandardCharsets.UTF_8);
        assertThat(out.lines()).hasSize(10).allMatch(l -> l.startsWith("  sweep: "));
        assertThat(out).doesNotContain("\r").contains("100/100 (100 %)");
    }

    @Test void terminalFormDrawsABar() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (Progress p = Progress.start("train", 4, new PrintStream(b, true, StandardCharsets.UTF_8), true)) {
            for (int i = 0; i < 4; i++) p.step("epoch " + i);
        }
        String out = b.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("train", "4/4", "\r");
    }

    @Test void quietIsSilent() {
        try (Progress p = Progress.start("sweep", 3, RunWriter.nullStream(), false)) {
            p.step("a");
            p.step("b");
            assertThat(p.done()).isEqualTo(2);
        }
    }
}
