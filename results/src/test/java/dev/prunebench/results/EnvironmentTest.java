package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentTest {

    @Test void captureRecordsWhatTheIssueAsksFor() {
        Environment e = Environment.capture();
        assertThat(e.asMap()).containsKeys("cpu_model", "cpu_mhz_nominal", "cpu_mhz_at_capture", "cpu_flags", "cores", "memory_total", "os", "jdk_vendor",
                "jdk_version", "jvm_flags", "vector_species", "gpu", "git_commit", "git_dirty", "fingerprint");
        assertThat(e.get("cores")).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(e.get("jdk_version")).isEqualTo(Runtime.version().toString());
        // surefire starts the tests with --add-modules jdk.incubator.vector
        assertThat((String) e.get("vector_species")).matches("float \\d+-bit \\(\\d+ lanes\\)");
        assertThat(e.fingerprint()).contains(Runtime.getRuntime().availableProcessors() + " cores");
        e.put("mkl_version", "2025.0");
        assertThat(e.get("mkl_version")).isEqualTo("2025.0");
    }

    @Test void fingerprintKeepsOnlyKernelRelevantFlags() {
        String f = Environment.fingerprintOf("Intel(R)  Xeon(R)   Gold", 2, Set.of("avx512f", "fpu", "avx2", "sse2", "fma"));
        assertThat(f).isEqualTo("Intel(R) Xeon(R) Gold | 2 cores | avx2 fma avx512f");
    }

    @Test void cpuInfoReadsTheFirstProcessor(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("cpuinfo");
        Files.writeString(f, "processor\t: 0\nmodel name\t: CPU A\ncpu MHz\t\t: 2100.000\nflags\t\t: fpu avx2\n\nprocessor\t: 1\nmodel name\t: CPU B\n");
        assertThat(Environment.cpuInfo(f)).containsEntry("model name", "CPU A").containsEntry("flags", "fpu avx2");
        assertThat(Environment.cpuInfo(tmp.resolve("missing")).get("model name")).startsWith("unknown (");
    }
}
