package dev.prunebench.kernels.cpu.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnvironmentTest {
    @Test
    void environmentNamesTheMachine() {
        var env = Environment.capture(1);
        assertThat(env).containsKeys("cpu_model", "cpu_simd_flags", "cpu_nominal_mhz", "jdk", "vector_species", "mkl", "openblas", "threads");
        assertThat(Environment.simdFlags("flags\t: fpu sse4_2 avx avx2 fma avx512f\n")).isEqualTo("sse4_2 avx avx2 fma avx512f");
    }
}
