package dev.prunebench.kernels.cpu.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.KernelFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The species is chosen at run time, so CI on an AVX2 (8 lanes) or 128-bit (4 lanes) machine takes other paths
 * than this AVX-512 one: a child JVM with {@code -XX:MaxVectorSize} capped runs every vector kernel on tail shapes
 * against the dense reference with those lane counts.
 */
class NarrowerSpeciesTest {

    @ParameterizedTest(name = "MaxVectorSize={0}")
    @ValueSource(ints = {16, 32})
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void kernelsAreRightWithFewerLanes(int maxVectorBytes, @TempDir Path tmp) throws Exception {
        assumeTrue(VectorKernels.availability().available(), VectorKernels.availability()::toString);
        assumeTrue(Lanes.S.vectorByteSize() > maxVectorBytes, "this CPU's species is already that narrow");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // waits for the child's exit, however late a busy machine makes it (the test's timeout bounds it); its output
        // goes to a file, so the wait is interruptible and nothing blocks on a full pipe
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(java, "-XX:MaxVectorSize=" + maxVectorBytes, "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            p.waitFor();
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(out).contains("Float" + maxVectorBytes * 8 + " species").contains("all cases within tolerance");
        assertThat(p.exitValue()).as(out).isZero();
    }

    /** Runs in the child JVM; exits 1 naming the first case out of tolerance. */
    public static final class Child {
        public static void main(String[] args) {
            System.out.println(VectorKernels.availability());
            List<FormatSpec> specs = List.of(FormatSpec.DENSE, FormatSpec.CSR, FormatSpec.grouped(1), FormatSpec.grouped(3),
                    FormatSpec.grouped(4), FormatSpec.grouped(6), FormatSpec.grouped(8), FormatSpec.grouped(16),
                    FormatSpec.grouped(17), FormatSpec.nm(2, 4), FormatSpec.nm(3, 7));
            int[][] shapes = {{13, 207, 1}, {6, 13, 2}, {13, 13, 4}, {6, 64, 6}, {13, 6, 8}, {6, 13, 13}, {13, 207, 50}, {6, 13, 17}};
            long seed = 1;
            int cases = 0;
            for (MatMul k : VectorKernels.all())
                for (FormatSpec spec : specs) {
                    if (!k.supports(spec)) continue;
                    for (int[] s : shapes) {
                        int m = s[0], kk = s[1], n = s[2];
                        float[] w = KernelFixtures.matrix(spec, m, kk, 0.3, seed);
                        float[] x = KernelFixtures.dense(kk, n, seed + 7);
                        seed++;
                        try (MatMul.Prepared p = k.prepare(spec.encode(w, m, kk), x, n, (int) (seed % 2) + 1)) {
                            p.run();
                            double err = KernelFixtures.relativeError(p.result(), KernelFixtures.reference(w, m, kk, x, n));
                            if (!(err <= 1e-5 * Math.sqrt(kk))) {
                                System.out.println("FAIL " + k.id() + " " + spec + " M=" + m + " K=" + kk + " N=" + n + " error " + err);
                                System.exit(1);
                            }
                        }
                        cases++;
                    }
                }
            System.out.println(cases + " cases: all cases within tolerance");
        }
    }
}
