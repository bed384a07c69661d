package dev.prunebench.kernels.cpu.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.KernelFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The column-panel SpMM ({@link PanelRows}, C rows of four vectors and more) with panels far narrower than the L2 would give, so every shape runs over
 * several panels (C rows carried from one panel to the next), a last panel narrower than the others, rows with no
 * entry in some panels and empty rows; against the double-precision reference, one to three threads.
 */
class PanelRowsTest {

    @BeforeEach
    void vectorApi() {
        assumeTrue(VectorKernels.availability().available(), VectorKernels.availability()::toString);
    }

    static Stream<Arguments> cases() {
        int[][] shapes = {{1, 1}, {1, 40}, {40, 1}, {13, 13}, {57, 130}, {6, 702}};
        int n0 = PanelRows.MIN_WIDTH; // narrower C rows run ListRows (AllKernelsTest)
        int[] ns = {n0 - 15, n0 - 14, n0, n0 + 1, n0 + 16, 2 * n0 + 3};
        int[] widths = {1, 3, 7, 64, 1 << 16};
        List<Arguments> out = new ArrayList<>();
        long seed = 11;
        for (int[] s : shapes)
            for (int n : ns)
                for (int w : widths) out.add(Arguments.of(s[0], s[1], n, w, (int) (seed % 3) + 1, seed++));
        return out.stream();
    }

    @ParameterizedTest(name = "M={0} K={1} N={2} width={3} threads={4}")
    @MethodSource("cases")
    void matchesTheDenseReferenceOverManyPanels(int m, int k, int n, int width, int threads, long seed) {
        float[] w = KernelFixtures.matrix(FormatSpec.CSR, m, k, 0.3, seed);
        float[] x = KernelFixtures.dense(k, n, seed + 1);
        Csr csr = Csr.fromDense(w, m, k);
        double[] want = KernelFixtures.reference(w, m, k, x, n);
        PanelRows p = new PanelRows(m, k, csr.rowPtr(), csr.colIndex(), csr.values(), Math.min(width, 65_536), x, n, 1, "test");
        p.run();
        float[] got = p.result();
        assertThat(KernelFixtures.relativeError(got, want)).as("relative error").isLessThanOrEqualTo(1e-5 * Math.sqrt(k));
        p.run(); // the first panel overwrites C: a second run gives the same C, not twice it
        assertThat(p.result()).containsExactly(got);
        // the registered kernel (panel width from this machine's L2) with threads gives the same C within rounding
        try (MatMul.Prepared q = VectorKernels.kernel("csr-vector").orElseThrow().prepare(csr, x, n, threads)) {
            q.run();
            assertThat(KernelFixtures.relativeError(q.result(), want)).isLessThanOrEqualTo(1e-5 * Math.sqrt(k));
        }
    }

    @Test
    void panelWidthsAreEqualAndWithinSixteenBits() {
        assertThatThrownBy(() -> new PanelRows(1, 1, new int[] {0, 0}, new int[0], new float[0], 1, new float[2], 2, 1, "t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("N = 2").hasMessageContaining("narrower");
        long perRow = 4L * Lanes.rowWidth(50);
        int cols = (int) Math.max(1, PanelRows.PANEL_BYTES / perRow);
        assertThat(PanelRows.width(1, 50)).isEqualTo(1);
        int k = 10 * cols + 1; // ten panels and a sliver: evened out to eleven equal panels
        int w = PanelRows.width(k, 50);
        assertThat(Math.ceilDiv(k, w)).isEqualTo(Math.ceilDiv(k, Math.min(cols, 65_536)));
        assertThat(w).isLessThanOrEqualTo(Math.min(cols, 65_536));
        assertThat(PanelRows.width(1 << 20, 2)).isLessThanOrEqualTo(65_536);
        assertThatThrownBy(() -> new PanelRows(1, 1, new int[] {0, 0}, new int[0], new float[0], 0, new float[64], 64, 1, "t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("panel width").hasMessageContaining("got 0");
    }

    @Test
    void panelsAreCutOnlyWhereEachRowHoldsEnoughEntriesPerPanel() {
        // 4096² at 90 %, four panels: ~100 entries per row and panel
        assertThat(PanelRows.pays(1_677_722, 4096, 4096, 1024)).isTrue();
        // 128×128 at 90 %, N = 3136 (panels ~20 columns wide): ~2 entries per row and panel
        assertThat(PanelRows.pays(1_638, 128, 128, 20)).isFalse();
        assertThat(PanelRows.pays(16L * 10 * 3, 10, 300, 100)).as("exactly the least").isTrue();
        assertThat(PanelRows.pays(16L * 10 * 3 - 1, 10, 300, 100)).isFalse();
        // the registered kernel on such a wide C row (one panel then) is still right
        float[] w = KernelFixtures.matrix(FormatSpec.CSR, 24, 40, 0.1, 5);
        int n = (int) Math.min(4096, PanelRows.PANEL_BYTES / 4 / 4 + 64); // C rows so wide that panels would hold ~4 columns
        float[] x = KernelFixtures.dense(40, n, 6);
        try (MatMul.Prepared q = VectorKernels.kernel("csr-vector").orElseThrow().prepare(Csr.fromDense(w, 24, 40), x, n, 1)) {
            q.run();
            assertThat(KernelFixtures.relativeError(q.result(), KernelFixtures.reference(w, 24, 40, x, n))).isLessThanOrEqualTo(1e-5 * Math.sqrt(40));
        }
    }

    @Test
    void cacheSizesAreReadFromSysfsAndFallBackWhenMissing(@TempDir Path dir) throws Exception {
        write(dir.resolve("index0"), "1", "Data", "32K");
        write(dir.resolve("index1"), "1", "Instruction", "32K");
        write(dir.resolve("index2"), "2", "Unified", "1024K");
        assertThat(CacheSizes.read(dir, 2, 7)).isEqualTo(1024 * 1024);
        assertThat(CacheSizes.read(dir, 1, 7)).isEqualTo(32 * 1024);
        assertThat(CacheSizes.read(dir, 3, 7)).isEqualTo(7);
        assertThat(CacheSizes.read(dir.resolve("none"), 2, 7)).isEqualTo(7);
        write(dir.resolve("index3"), "3", "Unified", "lots");
        assertThat(CacheSizes.read(dir, 3, 9)).isEqualTo(9);
        assertThat(CacheSizes.parseSize("32M")).isEqualTo(32L << 20);
        assertThat(CacheSizes.parseSize("512")).isEqualTo(512);
        assertThat(CacheSizes.parseSize("-4K")).isEqualTo(-1);
        assertThat(CacheSizes.l2Bytes()).isPositive();
    }

    private static void write(Path idx, String level, String type, String size) throws Exception {
        Files.createDirectories(idx);
        Files.writeString(idx.resolve("level"), level + "\n");
        Files.writeString(idx.resolve("type"), type + "\n");
        Files.writeString(idx.resolve("size"), size + "\n");
    }

    @Test
    void thePeakMicrobenchmarkGivesFiniteFiguresAndRefusesBadArguments() {
        VectorKernels.MeasuredPeak p = VectorKernels.measurePeak(2, 1, System::nanoTime);
        assertThat(p.gflops()).isPositive().isFinite();
        assertThat(p.l2BytesPerNs()).isPositive().isFinite();
        assertThat(p.gatherPerNs()).isPositive().isFinite();
        assertThat(p.lanes()).isEqualTo(Lanes.L);
        assertThat(p.describe()).contains("GFLOP/s").contains("independent chains");
        assertThatThrownBy(() -> VectorKernels.measurePeak(0, 1, System::nanoTime)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trials");
        assertThat(FmaPeak.fmaLoop(3)).isFinite();
    }
}
