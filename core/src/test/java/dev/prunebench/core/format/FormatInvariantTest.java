package dev.prunebench.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each invariant violation throws IllegalArgumentException naming the field, the index and the value. */
class FormatInvariantTest {

    static final float[] V3 = {1f, 2f, 3f};

    static Stream<Arguments> violations() {
        return Stream.of(
                // dimensions
                bad("dense rows 0", () -> new Dense(0, 3, new float[0]), "rows", "0"),
                bad("dense cols negative", () -> new Dense(2, -1, new float[0]), "cols", "-1"),
                bad("dense overflow", () -> Dense.zeros(65_536, 65_536), "rows*cols", "65536x65536"),
                bad("dense wrong length", () -> new Dense(2, 3, new float[5]), "data", "length 5", "expected 6"),
                bad("dense NaN", () -> new Dense(1, 3, new float[] {0f, Float.NaN, 1f}), "data[1]", "NaN"),
                bad("dense infinity", () -> new Dense(1, 2, new float[] {Float.POSITIVE_INFINITY, 1f}), "data[0]", "Infinity"),
                // CSR
                bad("csr rowPtr length", () -> new Csr(2, 3, new int[] {0, 3}, new int[] {0, 1, 2}, V3), "rowPtr", "length 2", "expected 3"),
                bad("csr rowPtr[0]", () -> new Csr(2, 3, new int[] {1, 2, 3}, new int[] {0, 1, 2}, V3), "rowPtr[0]", "1"),
                bad("csr rowPtr not monotone", () -> new Csr(3, 3, new int[] {0, 2, 1, 3}, new int[] {0, 1, 2}, V3), "rowPtr[2]", "1", "non-decreasing"),
                bad("csr rowPtr end", () -> new Csr(2, 3, new int[] {0, 1, 2}, new int[] {0, 1, 2}, V3), "rowPtr[2]", "2", "expected 3"),
                bad("csr col out of range", () -> new Csr(1, 3, new int[] {0, 3}, new int[] {0, 1, 3}, V3), "colIndex[2]", "3", "out of range"),
                bad("csr col negative", () -> new Csr(1, 3, new int[] {0, 3}, new int[] {-1, 1, 2}, V3), "colIndex[0]", "-1"),
                bad("csr col unsorted", () -> new Csr(1, 3, new int[] {0, 3}, new int[] {0, 2, 1}, V3), "colIndex[2]", "1", "not sorted"),
                bad("csr col duplicate", () -> new Csr(1, 3, new int[] {0, 3}, new int[] {0, 1, 1}, V3), "colIndex[2]", "1", "duplicate"),
                bad("csr colIndex length", () -> new Csr(1, 3, new int[] {0, 3}, new int[] {0, 1}, V3), "colIndex", "length 2", "expected 3"),
                bad("csr values NaN", () -> new Csr(1, 3, new int[] {0, 1}, new int[] {0}, new float[] {Float.NaN}), "values[0]", "NaN"),
                bad("csr values null", () -> new Csr(1, 3, new int[] {0, 1}, new int[] {0}, null), "values", "null"),
                // COO
                bad("coo row out of range", () -> new Coo(2, 2, new int[] {0, 2}, new int[] {0, 0}, new float[] {1, 2}), "rowIndex[1]", "2", "out of range"),
                bad("coo col out of range", () -> new Coo(2, 2, new int[] {0, 1}, new int[] {0, 5}, new float[] {1, 2}), "colIndex[1]", "5", "out of range"),
                bad("coo rows unsorted", () -> new Coo(2, 2, new int[] {1, 0}, new int[] {0, 0}, new float[] {1, 2}), "rowIndex[1]", "0", "sorted"),
                bad("coo duplicate", () -> new Coo(2, 2, new int[] {1, 1}, new int[] {1, 1}, new float[] {1, 2}), "colIndex[1]", "1", "duplicate"),
                bad("coo lengths", () -> new Coo(2, 2, new int[] {1, 1}, new int[] {1}, new float[] {1, 2}), "colIndex", "length 1", "expected 2"),
                // GroupedCsr
                bad("gcsr g zero", () -> new GroupedCsr(1, 4, 0, new int[] {0, 0}, new int[0], new float[0]), "g", "0"),
                bad("gcsr fromDense g negative", () -> GroupedCsr.fromDense(new float[4], 1, 4, -2), "g", "-2"),
                bad("gcsr values length", () -> new GroupedCsr(1, 8, 4, new int[] {0, 1}, new int[] {1}, new float[3]), "values", "length 3", "expected 4"),
                bad("gcsr group index out of range", () -> new GroupedCsr(1, 8, 4, new int[] {0, 1}, new int[] {2}, new float[4]), "groupIndex[0]", "2", "out of range"),
                bad("gcsr group index unsorted", () -> new GroupedCsr(1, 8, 4, new int[] {0, 2}, new int[] {1, 0}, new float[8]), "groupIndex[1]", "0", "not sorted"),
                bad("gcsr groupPtr monotone", () -> new GroupedCsr(2, 8, 4, new int[] {0, 2, 1}, new int[] {0}, new float[4]), "groupPtr[2]", "1"),
                bad("gcsr padding non-zero", () -> new GroupedCsr(1, 6, 4, new int[] {0, 1}, new int[] {1}, new float[] {1, 2, 0, 9}), "values[3]", "padding", "9.0"),
                // N:M
                bad("nm N > M", () -> NmSparse.fromDense(new float[4], 1, 4, 5, 4), "N", "5", "M = 4"),
                bad("nm M zero", () -> FormatSpec.nm(1, 0), "M", "0"),
                bad("nm N zero", () -> FormatSpec.nm(0, 4), "N", "0"),
                bad("nm values length", () -> new NmSparse(1, 4, 2, 4, new float[3], new byte[1]), "values", "length 3", "expected 2"),
                bad("nm meta length", () -> new NmSparse(1, 8, 2, 4, new float[4], new byte[2]), "meta", "length 2", "expected 1"),
                bad("nm positions not increasing", () -> new NmSparse(1, 4, 2, 4, new float[] {1, 2}, new byte[] {0b0101}), "meta slot 1", "row 0", "group 0", "position 1"),
                bad("nm violation", () -> NmSparse.fromDense(new float[] {0, 0, 0, 0, 1, 1, 1, 0}, 1, 8, 2, 4), "row 0", "group 1", "3 non-zeros"),
                // specs
                bad("spec unknown", () -> FormatSpec.parse("ell"), "format", "ell"),
                bad("spec non-integer", () -> FormatSpec.parse("gcsr:x"), "format", "gcsr:x"),
                bad("spec g zero", () -> FormatSpec.parse("gcsr:0"), "g", "0"),
                bad("spec N > M", () -> FormatSpec.parse("nm:4:2"), "N", "4")
        );
    }

    private static Arguments bad(String name, ThrowingCallable call, String... mentions) {
        return Arguments.of(name, call, mentions);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void violationIsNamed(String name, ThrowingCallable call, String[] mentions) {
        var t = assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class);
        for (String m : mentions) t.hasMessageContaining(m);
    }

    @Test
    void shortLastGroupIsPaddedAndCounted() {
        // 1x6 with g = 4: groups [0..3] and [4..5] (short), each stored 4 wide
        float[] d = {0, 0, 0, 0, 5, 6};
        GroupedCsr g = GroupedCsr.fromDense(d, 1, 6, 4);
        assertThat(g.groupIndex()).containsExactly(1);
        assertThat(g.values()).containsExactly(5f, 6f, 0f, 0f);
        assertThat(g.groupWidth(1)).isEqualTo(2);
        assertThat(g.storedValues()).isEqualTo(4);
        assertThat(g.nnz()).isEqualTo(2);
        assertThat(g.toDense()).containsExactly(d);
    }

    @Test
    void nmShortLastWindowNarrowerThanN() {
        // 1x5, 4:8 would be one window; use 2:4 with a last window of width 1 (< N)
        float[] d = {1, 0, 2, 0, 3};
        NmSparse s = NmSparse.fromDense(d, 1, 5, 2, 4);
        assertThat(s.values()).containsExactly(1f, 2f, 3f, 0f);
        assertThat(s.positions()).containsExactly(0, 2, 0, 0);
        assertThat(s.toDense()).containsExactly(d);
    }

    @Test
    void nmMetadataIsTwoBitsPerSlotFor24() {
        assertThat(NmSparse.bits(4)).isEqualTo(2);
        assertThat(NmSparse.bits(8)).isEqualTo(3);
        assertThat(NmSparse.bits(2)).isEqualTo(1);
        assertThat(NmSparse.bits(1)).isZero();
        assertThat(NmSparse.bits(5)).isEqualTo(3);
    }

    @Test
    void specNames() {
        assertThat(FormatSpec.parse("CSR")).isEqualTo(FormatSpec.CSR);
        assertThat(FormatSpec.parse(" gcsr:8 ")).isEqualTo(FormatSpec.grouped(8));
        assertThat(FormatSpec.parse("2:4")).isEqualTo(FormatSpec.nm(2, 4));
        assertThat(FormatSpec.parse("nm:4:8").toString()).isEqualTo("nm:4:8");
    }

    @Test
    void storedZerosCountAsStoredNotNonZero() {
        Csr c = new Csr(1, 3, new int[] {0, 2}, new int[] {0, 2}, new float[] {0f, 4f});
        assertThat(c.nnz()).isEqualTo(1);
        assertThat(c.storedValues()).isEqualTo(2);
        assertThat(c.sparsity()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
    }
}
