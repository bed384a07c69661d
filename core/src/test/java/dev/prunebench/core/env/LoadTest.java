package dev.prunebench.core.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadTest {
    static Path proc(Path dir, String loadavg, String cpu, long utime, long stime) throws Exception {
        Files.createDirectories(dir.resolve("self"));
        Files.writeString(dir.resolve("loadavg"), loadavg);
        Files.writeString(dir.resolve("stat"), "cpu  " + cpu + "\ncpu0 1 2 3 4 5 6 7 8 0 0\n");
        // the command name holds a space and a parenthesis, as real ones may
        Files.writeString(dir.resolve("self/stat"), "42 (java (x) y) S 1 42 42 0 -1 4194560 1 0 0 0 " + utime + " " + stime + " 0 0 20 0 30 0\n");
        return dir;
    }

    @Test void anotherJobOnBothCoresIsBusyAndSaysSo(@TempDir Path tmp) throws Exception {
        // user nice system idle iowait irq softirq steal
        var a = Load.snapshot(proc(tmp.resolve("a"), "9.50 8.00 4.00 3/200 1", "1000 0 100 1000 0 0 0 0 0 0", 100, 0), tmp.resolve("none"));
        // 400 ticks pass on 2 cores: 390 busy, of which ours 100: others 290 / 400 × 2 = 1.45 cores; 10 stolen
        var b = Load.snapshot(proc(tmp.resolve("b"), "12.00 9.00 4.50 3/200 1", "1380 0 110 1000 0 0 0 10 0 0", 190, 10), tmp.resolve("none"));
        var r = Load.between(a, b, 2);
        assertThat(r.othersCores()).isCloseTo(1.45, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(r.stealFraction()).isCloseTo(0.025, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(r.busy()).isTrue();
        assertThat(r.warning()).startsWith("the machine was busy: intervals are wide").contains("9.50").contains("1.45 cores");
        assertThat(r.asMap()).containsEntry("busy", true).containsEntry("cpu_mhz_after", "unreadable").containsEntry("governor", "unreadable")
                .containsEntry("load_average_before", 9.5);
    }

    @Test void aQuietMachineHasNoWarning(@TempDir Path tmp) throws Exception {
        var a = Load.snapshot(proc(tmp.resolve("a"), "0.10 0.10 0.10 1/100 1", "1000 0 100 1000 0 0 0 0 0 0", 100, 0), tmp.resolve("none"));
        var b = Load.snapshot(proc(tmp.resolve("b"), "0.90 0.20 0.10 1/100 1", "1200 0 102 1200 0 0 0 0 0 0", 300, 1), tmp.resolve("none"));
        var r = Load.between(a, b, 2);
        assertThat(r.othersCores()).isCloseTo(2.0 / 402, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(r.busy()).isFalse();
        assertThat(r.warning()).isNull();
    }

    @Test void nothingReadableGivesUnreadableNotAnError(@TempDir Path tmp) {
        var s = Load.snapshot(tmp.resolve("missing"), tmp.resolve("missing"));
        assertThat(s.load1()).isNaN();
        var r = Load.between(s, s, 2);
        assertThat(r.busy()).isFalse();
        assertThat(r.asMap()).containsEntry("other_processes_cores", "unreadable");
        assertThat(Load.snapshot()).isNotNull();
    }
}
