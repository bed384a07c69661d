package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Counting on the non-zeros gives exactly what encoding the dense matrix gives: bytes, stored values, the N:M check. */
class NonZerosTest {

    static final List<FormatSpec> FORMATS = List.of(FormatSpec.DENSE, FormatSpec.COO, FormatSpec.CSR, FormatSpec.grouped(1),
            FormatSpec.grouped(3), FormatSpec.grouped(8), FormatSpec.nm(2, 4), FormatSpec.nm(1, 4), FormatSpec.nm(4, 8), FormatSpec.nm(1, 1));

    @Property(tries = 300)
    void sameAsEncodingTheDenseMatrix(@ForAll @IntRange(min = 1, max = 12) int rows, @ForAll @IntRange(min = 1, max = 21) int cols,
                                      @ForAll @DoubleRange(min = 0, max = 1) double density, @ForAll long seed, @ForAll boolean asCsrWithZeros) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] d = new float[rows * cols];
        for (int i = 0; i < d.length; i++) if (rnd.nextDouble() < density) d[i] = (float) rnd.nextGaussian();
        SparseFormat input = new Dense(rows, cols, d);
        if (asCsrWithZeros) { // a .mtx may store explicit zeros: they are not non-zeros
            Csr all = Csr.fromDense(ones(rows * cols), rows, cols);
            input = new Csr(rows, cols, all.rowPtr(), all.colIndex(), d.clone());
        }
        NonZeros nz = NonZeros.of(input);
        long nnz = 0;
        for (float v : d) if (v != 0f) nnz++;
        assertThat(nz.nnz()).isEqualTo(nnz);
        for (FormatSpec f : FORMATS) {
            SparseFormat e;
            try {
                e = f.encode(d, rows, cols);
            } catch (IllegalArgumentException ex) {
                assertThat(nz.nmViolation(f)).as(f.toString()).isEqualTo(ex.getMessage());
                continue;
            }
            if (f.kind() == FormatSpec.Kind.NM) assertThat(nz.nmViolation(f)).as(f.toString()).isNull();
            assertThat(nz.storedValues(f)).as(f.toString()).isEqualTo(e.storedValues());
            for (Precision p : Precision.values())
                for (IndexPolicy pol : IndexPolicy.values())
                    assertThat(nz.storage(f, p, pol)).as(f + " " + p + " " + pol).isEqualTo(e.storage(p, pol));
        }
    }

    static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}
