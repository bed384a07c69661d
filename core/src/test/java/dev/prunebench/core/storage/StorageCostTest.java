package dev.prunebench.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.format.Coo;
import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.Matrices;
import dev.prunebench.core.format.NmSparse;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Storage equals the lecture's formulas (ANCHORS.md, "Sparse formats"), written out here independently of the
 * production code: values K × bytes; column indices K × (1 byte if N ≤ 256, 2 if N ≤ 65 536, else 4); row pointers
 * (N + 1) entries each wide enough for the largest pointer value K.
 */
class StorageCostTest {

    /** Bytes for an index into a dimension of n (values 0 … n−1), as the lecture states it. */
    static long lectureIndexBytes(long n) {
        return n <= 256 ? 1 : n <= 65_536 ? 2 : 4;
    }

    /** Bytes for a pointer whose largest value is k: the unsigned type that can represent k. */
    static long pointerBytes(long k) {
        return k <= 0xFF ? 1 : k <= 0xFFFF ? 2 : 4;
    }

    static long csrLecture(long rows, long cols, long k, int valueBytes) {
        return k * valueBytes + k * lectureIndexBytes(cols) + (rows + 1) * pointerBytes(k);
    }

    @Property(tries = 200)
    void csrMatchesTheLecture(@ForAll @IntRange(min = 1, max = 300) int rows, @ForAll @IntRange(min = 1, max = 300) int cols,
                              @ForAll @DoubleRange(min = 0, max = 1) double sparsity, @ForAll long seed) {
        Csr c = Csr.fromDense(Matrices.random(rows, cols, sparsity, seed), rows, cols);
        long k = c.values().length;
        for (Precision p : Precision.values()) {
            StorageCost s = c.storage(p, IndexPolicy.MINIMAL);
            assertThat(s.total()).isEqualTo(csrLecture(rows, cols, k, p.bytes()));
            assertThat(s.values()).isEqualTo(k * p.bytes());
            assertThat(s.indices()).isEqualTo(k * lectureIndexBytes(cols));
            assertThat(s.pointers()).isEqualTo((rows + 1) * pointerBytes(k));
            assertThat(s.metadata()).isZero();
            StorageCost f = c.storage(p, IndexPolicy.FIXED32);
            assertThat(f.total()).isEqualTo(k * p.bytes() + 4 * k + 4 * (rows + 1L));
        }
    }

    @Property(tries = 200)
    void groupedCsrMatchesTheFormula(@ForAll @IntRange(min = 1, max = 60) int rows, @ForAll @IntRange(min = 1, max = 600) int cols,
                                     @ForAll @IntRange(min = 1, max = 64) int g, @ForAll @DoubleRange(min = 0, max = 1) double sparsity,
                                     @ForAll long seed) {
        GroupedCsr gc = GroupedCsr.fromDense(Matrices.grouped(rows, cols, g, sparsity, seed), rows, cols, g);
        long kg = gc.keptGroups(), groups = (cols + g - 1) / g;
        for (Precision p : Precision.values()) {
            long expected = kg * g * p.bytes() + kg * lectureIndexBytes(groups) + (rows + 1) * pointerBytes(kg);
            assertThat(gc.storage(p, IndexPolicy.MINIMAL).total()).isEqualTo(expected);
            assertThat(gc.storage(p, IndexPolicy.FIXED32).total()).isEqualTo(kg * g * p.bytes() + 4 * kg + 4 * (rows + 1L));
        }
    }

    @Property(tries = 100)
    void cooAndNmMatchTheFormula(@ForAll @IntRange(min = 1, max = 300) int rows, @ForAll @IntRange(min = 1, max = 300) int cols,
                                 @ForAll long seed) {
        Coo coo = Coo.fromDense(Matrices.random(rows, cols, 0.7, seed), rows, cols);
        long k = coo.values().length;
        NmSparse nm = NmSparse.fromDense(Matrices.nm(rows, cols, 2, 4, seed), rows, cols, 2, 4);
        long slots = (long) rows * ((cols + 3) / 4) * 2;
        for (Precision p : Precision.values()) {
            assertThat(coo.storage(p, IndexPolicy.MINIMAL).total())
                    .isEqualTo(k * p.bytes() + k * (lectureIndexBytes(rows) + lectureIndexBytes(cols)));
            assertThat(coo.storage(p, IndexPolicy.FIXED32).total()).isEqualTo(k * p.bytes() + 8 * k);
            // 2:4: two value slots per window of four, 2 bits of position each, packed
            for (IndexPolicy pol : IndexPolicy.values()) {
                StorageCost s = nm.storage(p, pol);
                assertThat(s.values()).isEqualTo(slots * p.bytes());
                assertThat(s.metadata()).isEqualTo((slots * 2 + 7) / 8);
                assertThat(s.indices() + s.pointers()).isZero();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void denseIsRowsTimesColsTimesPrecision(Precision p) {
        Dense d = Dense.zeros(300, 784);
        for (IndexPolicy pol : IndexPolicy.values())
            assertThat(d.storage(p, pol)).isEqualTo(new StorageCost(300L * 784 * p.bytes(), 0, 0, 0));
    }

    @Test
    void lectureExample4096At90Percent() {
        // 4096x4096, K = 1 677 722 kept (10 %), fp32: 4K values + 2K column indices + 4097 * 4 row pointers
        long k = 1_677_722, n = 4096;
        assertThat(csrLecture(n, n, k, 4)).isEqualTo(4 * k + 2 * k + 4097 * 4);
        // dense 4096x4096 fp32 is 67 108 864 bytes; CSR at 90 % is 6.0 % + pointers of it
        assertThat(4 * n * n).isEqualTo(67_108_864L);
    }

    /**
     * The lead's deliberate choice: row pointers take the K + 1 values 0…K, so {@code width(K + 1)}. The lecture
     * writes "sized by K" (1 byte if K ≤ 256), which would store the pointer value 256 in one byte. They differ only
     * at K = 256 and K = 65 536.
     */
    @ParameterizedTest
    @CsvSource({
            "255, 1", "256, 2", "257, 2",
            "65535, 2", "65536, 4", "65537, 4"})
    void rowPointerWidthAtTheBoundary(int k, int expectedWidth) {
        assertThat(IndexPolicy.MINIMAL.width(k + 1L)).isEqualTo(expectedWidth);
        assertThat(pointerBytes(k)).isEqualTo(expectedWidth);
        long lectureLiteral = k <= 256 ? 1 : k <= 65_536 ? 2 : 4;
        assertThat(lectureLiteral == expectedWidth).isEqualTo(k != 256 && k != 65_536);
        // a real CSR with exactly k stored values: 1 row of k + 1 columns... wide enough to hold k entries
        int cols = k + 1;
        float[] d = new float[cols];
        for (int i = 0; i < k; i++) d[i] = 1f;
        Csr c = Csr.fromDense(d, 1, cols);
        assertThat(c.storage(Precision.FP32, IndexPolicy.MINIMAL).pointers()).isEqualTo(2L * expectedWidth);
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "256, 1", "257, 2", "65536, 2", "65537, 4", "2147483647, 4"})
    void indexWidthIsSizedByTheRange(long count, int width) {
        assertThat(IndexPolicy.MINIMAL.width(count)).isEqualTo(width);
        assertThat(IndexPolicy.FIXED32.width(count)).isEqualTo(4);
    }

    @Test
    void columnIndexWidthAt256And257Columns() {
        float[] d256 = new float[256], d257 = new float[257];
        d256[255] = 1f;
        d257[256] = 1f;
        assertThat(Csr.fromDense(d256, 1, 256).storage(Precision.INT8, IndexPolicy.MINIMAL).indices()).isEqualTo(1);
        assertThat(Csr.fromDense(d257, 1, 257).storage(Precision.INT8, IndexPolicy.MINIMAL).indices()).isEqualTo(2);
    }

    @Test
    void parseAndErrors() {
        assertThat(Precision.parse("FP16")).isEqualTo(Precision.FP16);
        assertThat(Precision.BF16.bytes()).isEqualTo(2);
        assertThat(Precision.INT8.bytes()).isEqualTo(1);
        assertThat(IndexPolicy.parse("fixed32")).isEqualTo(IndexPolicy.FIXED32);
        assertThatThrownBy(() -> Precision.parse("fp64")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fp64");
        assertThatThrownBy(() -> IndexPolicy.parse("tiny")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tiny");
        assertThatThrownBy(() -> new StorageCost(-1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThat(new StorageCost(1, 2, 3, 4).overhead()).isEqualTo(9);
    }
}
