package dev.prunebench.kernels.cpu.nativeblas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.measure.Verification;
import dev.prunebench.measure.Patterns;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class NativeKernelsTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{1, 1}, {6, 13}, {13, 6}, {207, 70}, {64, 64}};
        int[] ns = {1, 6, 50};
        List<MatMul> kernels = List.of(new MklSgemm(), new MklSgemv(), new MklSparseCsr(), new OpenBlasSgemm());
        for (MatMul k : kernels)
            for (int[] s : shapes)
                for (int n : ns) {
                    if (k instanceof MklSgemv && n != 1) continue;
                    for (String f : k instanceof MklSparseCsr ? List.of("csr", "coo", "gcsr:4", "nm:2:4") : List.of("dense"))
                        out.add(Arguments.of(k, s[0], s[1], n, f));
                }
        return out.stream();
    }

    static Availability availability(MatMul k) {
        return k.backendId().equals(MklBackend.ID) ? new MklBackend().probe() : new OpenBlasBackend().probe();
    }

    @ParameterizedTest(name = "{0} {1}x{2} n={3} {4}")
    @MethodSource("cases")
    void matchesTheDenseReference(MatMul kernel, int rows, int cols, int n, String format) {
        Availability a = availability(kernel);
        assumeTrue(a.available(), a.toString());
        FormatSpec spec = FormatSpec.parse(format);
        Dense d = spec.kind() == FormatSpec.Kind.NM ? nmPattern(rows, cols) : Patterns.grouped(rows, cols, spec.kind() == FormatSpec.Kind.GCSR ? spec.g() : 1, 0.7, rows * 31L + cols);
        SparseFormat w = spec.encode(d.data(), rows, cols);
        float[] x = Patterns.normalVector(cols * n, 7);
        float[] ref = Verification.reference(d, x, n);
        try (MatMul.Prepared p = kernel.prepare(w, x, n, 1)) {
            Verification v = Verification.check(p, ref, cols);
            assertThat(v.passed()).as("rel error %s vs tolerance %s", v.relError(), v.tolerance()).isTrue();
            p.run();  // a second run gives the same answer (C is overwritten, not accumulated)
            assertThat(Verification.compare(p.result(), ref, cols).passed()).isTrue();
            p.close();
            p.close();  // idempotent
        }
    }

    private static Dense nmPattern(int rows, int cols) {
        float[] w = Patterns.normalVector(rows * cols, 3);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) if (c % 4 == 1 || c % 4 == 2) w[r * cols + c] = 0;
        return new Dense(rows, cols, w);
    }

    @Test
    void bothLibrariesWorkInOneJvm() {
        Availability mkl = new MklBackend().probe(), ob = new OpenBlasBackend().probe();
        assumeTrue(mkl.available() && ob.available(), "needs both: mkl " + mkl + ", openblas " + ob);
        Dense d = Patterns.uniform(33, 21, 0.5, 1);
        float[] x = Patterns.normalVector(21 * 5, 2), ref = Verification.reference(d, x, 5);
        // alternate the libraries: a symbol clash would show as a wrong answer or a crash here
        for (int i = 0; i < 3; i++)
            for (MatMul k : List.of(new MklSgemm(), new OpenBlasSgemm(), new MklSparseCsr()))
                try (var p = k.prepare(k instanceof MklSparseCsr ? FormatSpec.CSR.encode(d) : d, x, 5, 1)) {
                    assertThat(Verification.check(p, ref, 21).passed()).as(k.id()).isTrue();
                }
        assertThat(MklBackend.version()).contains("Math Kernel Library");
        // both libraries are really mapped into this process (neither call silently went to the other)
        try {
            String maps = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/maps"));
            assertThat(maps).contains("libopenblas").contains("libmkl");
        } catch (java.io.IOException e) {
            // not Linux: nothing more to check
        }
        assertThat(OpenBlasBackend.version()).startsWith("OpenBLAS 0.");
    }

    @Test
    void anAllZeroMatrixGivesZeros() {
        assumeTrue(new MklBackend().probe().available());
        Dense d = Patterns.uniform(17, 9, 1.0, 1);
        for (int n : new int[] {1, 3}) {
            float[] x = Patterns.normalVector(9 * n, 2);
            try (var p = new MklSparseCsr().prepare(FormatSpec.CSR.encode(d), x, n, 1)) {
                p.run();
                assertThat(p.result()).hasSize(17 * n).containsOnly(0f);
            }
        }
    }

    @Test
    void badShapesAndFormatsAreRejectedByName() {
        assumeTrue(new MklBackend().probe().available());
        Dense d = Patterns.uniform(4, 3, 0.5, 1);
        assertThatThrownBy(() -> new MklSgemm().prepare(d, new float[5], 2, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mkl-sgemm").hasMessageContaining("x has length 5");
        assertThatThrownBy(() -> new MklSgemm().prepare(FormatSpec.CSR.encode(d), new float[6], 2, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dense");
        assertThatThrownBy(() -> new MklSgemv().prepare(d, new float[6], 2, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("N = 2");
        assertThatThrownBy(() -> new MklSparseCsr().prepare(d, new float[3], 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sparse format");
        assertThatThrownBy(() -> new MklSparseCsr().prepare(FormatSpec.CSR.encode(d), new float[3], 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads");
    }

    @Test
    void registryListsEveryBackendWithItsAnswer() {
        var sw = new java.io.StringWriter();
        CpuBackends.registry().print(new java.io.PrintWriter(sw));
        assertThat(sw.toString()).contains("mkl").contains("openblas");
        for (var e : CpuBackends.registry().entries()) {
            assertThat(sw.toString()).contains(e.status());
            if (!e.availability().available()) assertThat(e.kernels()).isEmpty();
        }
        if (new MklBackend().probe().available()) {
            assertThat(CpuBackends.registry().kernel("mkl-sparse-csr")).isPresent();
            assertThat(CpuBackends.registry().require("mkl-sgemv").refuses(FormatSpec.DENSE, 50)).contains("N = 1");
            assertThat(CpuBackends.registry().require("mkl-sgemv").refuses(FormatSpec.DENSE, 1)).isNull();
        }
    }
}
