package dev.prunebench.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.Matrices;
import dev.prunebench.core.format.SparseFormat;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** The closed form agrees with what the encoded formats count, and the bisection finds the true boundary. */
class StorageFormulaProperties {

    @Property(tries = 150)
    void closedFormEqualsEncoded(@ForAll @IntRange(min = 1, max = 300) int rows, @ForAll @IntRange(min = 1, max = 300) int cols,
                                 @ForAll @IntRange(min = 1, max = 64) int g, @ForAll @DoubleRange(min = 0, max = 1) double sparsity,
                                 @ForAll long seed) {
        float[] rnd = Matrices.random(rows, cols, sparsity, seed);
        float[] grouped = Matrices.grouped(rows, cols, g, sparsity, seed);
        float[] nm = Matrices.nm(rows, cols, 2, 4, seed);
        for (Precision p : Precision.values())
            for (IndexPolicy pol : IndexPolicy.values()) {
                for (FormatSpec s : new FormatSpec[] {FormatSpec.DENSE, FormatSpec.COO, FormatSpec.CSR}) {
                    SparseFormat f = s.encode(rnd, rows, cols);
                    long kept = s == FormatSpec.DENSE ? 0 : f.storedValues();
                    assertThat(StorageFormula.of(s, rows, cols, kept, p, pol)).as("%s %s %s", s, p, pol).isEqualTo(f.storage(p, pol));
                }
                GroupedCsr gc = GroupedCsr.fromDense(grouped, rows, cols, g);
                assertThat(StorageFormula.of(gc.spec(), rows, cols, gc.keptGroups(), p, pol)).isEqualTo(gc.storage(p, pol));
                SparseFormat n = FormatSpec.nm(2, 4).encode(nm, rows, cols);
                assertThat(StorageFormula.of(n.spec(), rows, cols, 0, p, pol)).isEqualTo(n.storage(p, pol));
            }
    }

    @Property(tries = 100)
    void bisectionFindsTheLargestKeptCountBelowDense(@ForAll @IntRange(min = 1, max = 40) int rows, @ForAll @IntRange(min = 1, max = 40) int cols,
                                                      @ForAll @IntRange(min = 1, max = 9) int g) {
        for (FormatSpec s : new FormatSpec[] {FormatSpec.COO, FormatSpec.CSR, FormatSpec.grouped(g)})
            for (Precision p : Precision.values())
                for (IndexPolicy pol : IndexPolicy.values()) {
                    long dense = (long) rows * cols * p.bytes(), expected = -1;
                    for (long k = 0; k <= StorageFormula.units(s, rows, cols); k++)
                        if (StorageFormula.of(s, rows, cols, k, p, pol).total() < dense) expected = k;
                    assertThat(StorageFormula.maxKeptBelowDense(s, rows, cols, p, pol)).as("%s %s %s", s, p, pol).isEqualTo(expected);
                }
    }

    @Example
    void csr4096BreakEvenByHand() {
        // fp32 minimal: 4K + 2K + 4097*4 < 67 108 864 → K < 11 182 413.3; K = 11 182 413
        long k = StorageFormula.maxKeptBelowDense(FormatSpec.CSR, 4096, 4096, Precision.FP32, IndexPolicy.MINIMAL);
        assertThat(k).isEqualTo((67_108_864L - 4097 * 4 - 1) / 6);
        // 2:4 fp32: half the values plus 2 bits per kept value
        assertThat(StorageFormula.of(FormatSpec.nm(2, 4), 4096, 4096, 0, Precision.FP32, IndexPolicy.MINIMAL).total())
                .isEqualTo(4096L * 4096 / 2 * 4 + 4096L * 4096 / 2 * 2 / 8);
    }

    @Example
    void rejectsKeptOutOfRange() {
        assertThatThrownBy(() -> StorageFormula.of(FormatSpec.CSR, 2, 2, 5, Precision.FP32, IndexPolicy.MINIMAL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kept: 5");
        assertThatThrownBy(() -> StorageFormula.units(FormatSpec.CSR, 0, 2)).hasMessageContaining("rows");
    }
}
