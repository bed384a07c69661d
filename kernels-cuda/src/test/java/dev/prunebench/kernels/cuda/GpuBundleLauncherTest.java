package dev.prunebench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU bundle's launcher ({@code src/bundle/run.sh}) on a machine without a GPU driver, with no JDK on PATH: exit
 * 2 and one line saying no driver was found, within 30 s, writing nothing. When a bundle was built
 * ({@code scripts/gpu-check.sh --bundle-only}, {@code target/gpu-bundle/}), its launcher is also run past the driver
 * check with a stand-in {@code libcuda.so.1}: the bundled runtime starts, names the CUDA libraries it found or missed,
 * and the check stops with exit 2 (no usable device), leaving no output folder behind.
 */
class GpuBundleLauncherTest {
    @TempDir Path tmp;

    static final Path SOURCE_LAUNCHER = Path.of("src/bundle/run.sh");
    static final Path BUILT_BUNDLE = Path.of("../target/gpu-bundle");

    /** A PATH folder with the tools the launcher uses, and no java. */
    Path toolsWithoutJava() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String t : List.of("bash", "dirname", "awk", "grep", "head", "ldconfig", "timeout", "mkdir", "tee", "readlink", "ls", "tail", "sed", "cat", "rm",
                "python3"))
            for (String d : List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
                Path p = Path.of(d, t);
                if (Files.isExecutable(p)) {
                    Files.createSymbolicLink(bin.resolve(t), p);
                    break;
                }
            }
        assertThat(bin.resolve("java")).doesNotExist();
        return bin;
    }

    static boolean realDriverHere() {
        for (String d : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib"))
            if (Files.exists(Path.of(d, "libcuda.so.1"))) return true;
        return false;
    }

    record Result(int rc, String out, double seconds) {}

    Result run(Path launcher, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(toolsWithoutJava().resolve("bash").toString(), launcher.toAbsolutePath().toString()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, (System.nanoTime() - t0) / 1e9);
    }

    @Test void withoutADriverTheLauncherSaysSoInOneLineAndExitsTwo() throws Exception {
        assumeFalse(realDriverHere(), "this machine has an NVIDIA driver (libcuda.so.1): the no-driver path cannot be shown here");
        assumeTrue(Files.exists(Path.of("/bin/bash")) || Files.exists(Path.of("/usr/bin/bash")), "no bash");
        Path out = tmp.resolve("out");
        Result r = run(SOURCE_LAUNCHER, Map.of("PATH", tmp.resolve("bin").toString(), "HOME", tmp.toString(), "OUT", out.toString()));
        assertThat(r.rc).as(r.out).isEqualTo(2);
        assertThat(r.out.lines().toList()).hasSize(1);
        assertThat(r.out).startsWith("[gpu-check] no GPU driver found: libcuda.so.1");
        assertThat(r.seconds).isLessThan(30);
        assertThat(out).doesNotExist();
    }

    @Test void aBuiltBundleStartsItsOwnRuntimeAndStopsWithExitTwoWithoutADevice() throws Exception {
        assumeTrue(Files.isExecutable(BUILT_BUNDLE.resolve("run.sh")) && Files.isExecutable(BUILT_BUNDLE.resolve("runtime/bin/java")),
                "no GPU bundle built (scripts/gpu-check.sh --bundle-only builds target/gpu-bundle/)");
        assumeFalse(realDriverHere(), "this machine has an NVIDIA driver: the stand-in driver is not needed");
        assumeTrue(CublasFfmStubTest.onPath("gcc"), "gcc is not on PATH: no stand-in libcuda.so.1 can be built");
        Path drv = Files.createDirectories(tmp.resolve("drv"));
        Files.writeString(tmp.resolve("fake.c"), "int prunebench_stand_in_driver;\n");
        Process cc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-o", drv.resolve("libcuda.so.1").toString(), tmp.resolve("fake.c").toString())
                .inheritIO().start();
        assertThat(cc.waitFor()).isZero();
        Path out = tmp.resolve("out");
        Result r = run(BUILT_BUNDLE.resolve("run.sh"), Map.of("PATH", tmp.resolve("bin").toString(), "HOME", tmp.toString(), "OUT", out.toString(),
                "LD_LIBRARY_PATH", drv.toString()));
        assertThat(r.rc).as(r.out).isEqualTo(2);
        assertThat(r.out).contains("[gpu-check] driver: " + drv.resolve("libcuda.so.1"))
                .containsPattern("libcublas\\.so\\.1[23]")
                .contains("libcusparse.so.12")
                .contains("[gpu-check] no usable GPU: ");
        assertThat(r.seconds).isLessThan(30);
        assertThat(out).doesNotExist();
    }
}
