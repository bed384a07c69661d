package dev.prunebench.kernels.cpu.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class VectorKernelsTest {

    @Test
    void listsOneKernelPerFormatUnderTheAgreedIds() {
        assertThat(VectorKernels.all()).extracting(MatMul::id).containsExactly("dense-vector", "csr-vector", "gcsr-vector", "nm-vector");
        assertThat(VectorKernels.all()).extracting(MatMul::backendId).containsOnly("cpu-vector");
        assertThat(VectorKernels.backend().id()).isEqualTo("cpu-vector");
        assertThat(VectorKernels.kernel("gcsr-vector")).containsSame(VectorKernels.all().get(2));
        assertThat(VectorKernels.kernel("mkl-sgemm")).isEmpty();
        MatMul gcsr = VectorKernels.all().get(2);
        assertThat(gcsr.supports(FormatSpec.grouped(1))).isTrue();
        assertThat(gcsr.supports(FormatSpec.grouped(63))).isTrue();
        assertThat(gcsr.supports(FormatSpec.CSR)).isFalse();
        assertThat(VectorKernels.all().get(3).supports(FormatSpec.nm(3, 7))).isTrue();
    }

    @Test
    void theProbeNamesTheSpeciesWhenTheModuleIsThere() {
        // surefire runs with --add-modules jdk.incubator.vector (root pom), so here the module is present
        assertThat(VectorKernels.availability().available()).as(VectorKernels.availability().toString()).isTrue();
        assertThat(VectorKernels.availability().reason()).matches("Float\\d+ species, \\d+ lanes");
        assertThat(VectorKernels.backend().probe()).isEqualTo(VectorKernels.availability());
    }

    /** Without the module the probe says so and every kernel refuses to prepare, naming the reason; nothing else runs. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void withoutTheModuleTheBackendIsUnavailableWithItsReason(@TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        assumeTrue(cp != null && !cp.isBlank(), "no class path to hand to a child JVM");
        // waits for the child's exit, however late a busy machine makes it (the test's timeout bounds it); its output
        // goes to a file, so the wait is interruptible and nothing blocks on a full pipe
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(java, "-Xshare:auto", "-cp", cp, NoModuleMain.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            p.waitFor();
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(out).contains("available=false")
                .contains("module jdk.incubator.vector is not in the boot layer")
                .contains("csr-vector: backend cpu-vector is unavailable because module jdk.incubator.vector");
        assertThat(p.exitValue()).as(out).isZero();
    }

    /** Run in a child JVM without --add-modules. */
    public static final class NoModuleMain {
        public static void main(String[] args) {
            System.out.println("available=" + VectorKernels.availability().available() + " " + VectorKernels.availability());
            MatMul csr = VectorKernels.all().get(1);
            try {
                csr.prepare(Csr.fromDense(new float[] {1, 0, 0, 1}, 2, 2), new float[] {1, 2}, 1, 1);
                System.out.println("prepared: WRONG");
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
            }
        }
    }

    @Test
    void groupStrideForSpmvIsAWholeVectorOfTheSpeciesUsed() {
        assumeTrue(VectorKernels.availability().available(), VectorKernels.availability()::toString);
        int lanes = Lanes.L;
        assertThat(GroupRows.spmvStride(1)).isEqualTo(1);
        assertThat(GroupRows.spmvStride(2)).isEqualTo(2);
        assertThat(GroupRows.spmvStride(3)).isEqualTo(4);
        assertThat(GroupRows.spmvStride(8)).isEqualTo(8);
        for (int g : List.of(9, 16, 17, 64)) assertThat(GroupRows.spmvStride(g) % lanes).isZero();
        assertThat(GroupRows.spmvStride(16)).isEqualTo(Math.max(16, lanes));
    }

    @Test
    void paddedXKeepsStrideNAndRoomForAWholeLastVector() {
        assumeTrue(VectorKernels.availability().available(), VectorKernels.availability()::toString);
        float[] x = {1, 2, 3, 4, 5, 6};
        float[] p = Lanes.pad(x, 3, 2, 5, Lanes.padded(2));
        assertThat(p).hasSize(5 * 2 + Lanes.padded(2) - 2);
        assertThat(java.util.Arrays.copyOf(p, 6)).containsExactly(x);
        for (int i = 6; i < p.length; i++) assertThat(p[i]).isZero();
        assertThatThrownBy(() -> Lanes.padded(Integer.MAX_VALUE)).isInstanceOf(ArithmeticException.class);
    }
}
