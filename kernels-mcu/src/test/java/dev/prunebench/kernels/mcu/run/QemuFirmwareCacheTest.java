package dev.prunebench.kernels.mcu.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.kernels.mcu.QemuCortexM4Backend;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two builders of the same firmware into one empty cache, as two prunebench runs at once: both succeed with the
 * same counts and leave one complete entry. Skips without arm-none-eabi-gcc and qemu-system-arm.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class QemuFirmwareCacheTest {
    static final QemuCortexM4Backend BACKEND = new QemuCortexM4Backend();

    /** A counted loop; the salt makes each test's firmware its own (a fresh key in a fresh cache either way). */
    static String layer(int salt) {
        return """
                #include <stdint.h>
                const uint32_t LAYER_OUTPUTS = 1u;
                const uint32_t LAYER_REPS = 256u;
                int16_t Y[1] = {SALT};
                __attribute__((naked, noinline)) void layer(void) {
                    __asm__ volatile("ldr r0, =500\\n1:\\n\\tsubs r0, r0, #1\\n\\tbne 1b\\n\\tbx lr\\n\\t.ltorg");
                }
                """.replace("SALT", Integer.toString(salt));
    }

    @BeforeEach void tools() {
        assumeTrue(BACKEND.probe().available(), "mcu-qemu: " + BACKEND.probe().reason());
    }

    static void assertOneCompleteEntry(Path cache) throws IOException {
        List<String> names;
        try (var s = Files.list(cache)) {
            names = s.map(p -> p.getFileName().toString()).toList();
        }
        assertThat(names).as("one entry, no temporary folder left").hasSize(1);
        assertThat(Firmware.complete(cache.resolve(names.get(0)), names.get(0))).isTrue();
    }

    @Test void twoThreadsBuildTheSameFirmwareIntoAnEmptyCache(@TempDir Path cache) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Firmware.Run>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) runs.add(pool.submit(() -> {
                go.await();
                return Firmware.buildAndRun(layer(11), 1, cache);
            }));
            go.countDown();
            Firmware.Run a = runs.get(0).get(), b = runs.get(1).get();
            assertThat(a.outputs()).containsExactly(11);
            assertThat(b.instructions()).isEqualTo(a.instructions()).isEqualTo(2L * 500 + 2);
        } finally {
            pool.shutdownNow();
        }
        assertOneCompleteEntry(cache);
    }

    /** Two JVMs, started together once both are up (each says "ready" and waits for a line): the reported failure. */
    @Test void twoProcessesBuildTheSameFirmwareIntoAnEmptyCache(@TempDir Path cache) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> ps = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++)
                ps.add(new ProcessBuilder(java, "-D" + Firmware.CACHE_PROPERTY + "=" + cache, "-cp", System.getProperty("java.class.path"),
                        BuildMain.class.getName(), "12").redirectErrorStream(true).start());
            List<BufferedReader> outs = new ArrayList<>();
            for (Process p : ps) {
                BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                StringBuilder seen = new StringBuilder();
                String l;
                while ((l = in.readLine()) != null && !l.equals("ready")) seen.append(l).append('\n');
                assertThat(l).as("child's ready line; it printed:%n%s", seen).isNotNull();
                outs.add(in);
            }
            for (Process p : ps) {
                OutputStream o = p.getOutputStream();
                o.write('\n');
                o.flush();
            }
            List<String> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String out = outs.get(i).lines().reduce("", (x, y) -> x + y + "\n");
                assertThat(ps.get(i).waitFor()).as("child %d exit status; it printed:%n%s", i, out).isZero();
                results.add(out.lines().filter(x -> x.startsWith("instructions ")).findFirst().orElse(out));
            }
            assertThat(results.get(0)).isEqualTo("instructions " + (2L * 500 + 2)).isEqualTo(results.get(1));
        } finally {
            ps.forEach(Process::destroyForcibly);
        }
        assertOneCompleteEntry(cache);
    }

    /** One prunebench-like process: builds {@code layer(salt)} once the test says go. */
    public static final class BuildMain {
        public static void main(String[] args) throws IOException {
            System.out.println("ready");
            System.out.flush();
            if (System.in.read() < 0) return;
            Firmware.Run r = Firmware.buildAndRun(layer(Integer.parseInt(args[0])), 1);
            System.out.println("instructions " + r.instructions());
        }
    }
}
