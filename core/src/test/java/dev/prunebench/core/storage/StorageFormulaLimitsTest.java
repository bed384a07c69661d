package dev.prunebench.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.format.FormatSpec;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Byte counts of the largest shapes: exact, or refused naming the limit; never wrapped round to a negative number. */
class StorageFormulaLimitsTest {
    static final int MAX = Integer.MAX_VALUE;

    @Test void unitsOfTheLargestShapeAreExact() {
        // (cols + g - 1) / g used to overflow int for cols near 2^31
        assertThat(StorageFormula.units(FormatSpec.grouped(32), MAX, MAX)).isEqualTo((long) MAX * ((MAX + 31L) / 32));
        assertThat(StorageFormula.units(FormatSpec.nm(2, 4), MAX, MAX)).isEqualTo((long) MAX * ((MAX + 3L) / 4) * 2);
    }

    @Test void bytesThatFitAreExact() {
        // int8 dense at 2^31-1 squared fits a long: R*C bytes
        assertThat(StorageFormula.of(FormatSpec.DENSE, MAX, MAX, 0, Precision.INT8, IndexPolicy.MINIMAL).total())
                .isEqualTo(BigInteger.valueOf(MAX).pow(2).longValueExact());
        long units = StorageFormula.units(FormatSpec.nm(2, 4), MAX, MAX);
        StorageCost nm = StorageFormula.of(FormatSpec.nm(2, 4), MAX, MAX, 0, Precision.INT8, IndexPolicy.MINIMAL);
        assertThat(nm.values()).isEqualTo(units);
        assertThat(nm.metadata()).isEqualTo(units * 2 / 8);
    }

    @Test void bytesThatDoNotFitAreRefusedNamingTheLimit() {
        assertThatThrownBy(() -> StorageFormula.of(FormatSpec.DENSE, MAX, MAX, 0, Precision.FP32, IndexPolicy.MINIMAL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2^63 - 1").hasMessageContaining("2147483647x2147483647");
        assertThatThrownBy(() -> StorageFormula.checkDenseFits(MAX, MAX, Precision.FP32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("18446744056529682436 bytes");
        long all = (long) MAX * MAX;
        assertThatThrownBy(() -> StorageFormula.of(FormatSpec.COO, MAX, MAX, all, Precision.INT8, IndexPolicy.FIXED32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2^63 - 1");
        assertThatThrownBy(() -> new StorageCost(Long.MAX_VALUE, 1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test void breakEvenOfTheLargestShapeNeverOverflows() {
        long k = StorageFormula.maxKeptBelowDense(FormatSpec.COO, MAX, MAX, Precision.INT8, IndexPolicy.FIXED32);
        assertThat(k).isPositive();
        assertThat(StorageFormula.of(FormatSpec.COO, MAX, MAX, k, Precision.INT8, IndexPolicy.FIXED32).total())
                .isLessThan(StorageFormula.of(FormatSpec.DENSE, MAX, MAX, 0, Precision.INT8, IndexPolicy.FIXED32).total());
    }
}
