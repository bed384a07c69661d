package dev.prunebench.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.Tuple;

/** Every format round-trips a dense matrix exactly, for shapes with loop tails and any sparsity. */
class FormatRoundTripProperties {

    private static void assertRoundTrip(SparseFormat f, float[] dense) {
        assertThat(f.toDense()).as("%s toDense", f).containsExactly(dense);
        assertThat(f.nnz()).as("%s nnz", f).isEqualTo(Matrices.nonZeros(dense));
        assertThat(f.storedValues()).isGreaterThanOrEqualTo(f.nnz());
        // through the spec and back, from another format
        SparseFormat again = f.spec().encode(new Dense(f.rows(), f.cols(), dense.clone()));
        assertThat(again).isEqualTo(f);
        assertThat(FormatSpec.DENSE.encode(f)).isEqualTo(new Dense(f.rows(), f.cols(), dense));
        assertThat(FormatSpec.parse(f.spec().toString())).isEqualTo(f.spec());
    }

    @Property(tries = 150)
    void denseCooCsr(@ForAll @IntRange(min = 1, max = 40) int rows, @ForAll @IntRange(min = 1, max = 70) int cols,
                     @ForAll @DoubleRange(min = 0, max = 1) double sparsity, @ForAll long seed) {
        float[] d = Matrices.random(rows, cols, sparsity, seed);
        assertRoundTrip(new Dense(rows, cols, d.clone()), d);
        assertRoundTrip(Coo.fromDense(d, rows, cols), d);
        Csr csr = Csr.fromDense(d, rows, cols);
        assertRoundTrip(csr, d);
        // CSR holds exactly the non-zeros, and rebuilding it from its own arrays passes the invariant checks
        assertThat(csr.storedValues()).isEqualTo(Matrices.nonZeros(d));
        assertThat(new Csr(rows, cols, csr.rowPtr().clone(), csr.colIndex().clone(), csr.values().clone())).isEqualTo(csr);
    }

    @Property(tries = 150)
    void groupedCsr(@ForAll @IntRange(min = 1, max = 30) int rows, @ForAll @IntRange(min = 1, max = 150) int cols,
                    @ForAll @IntRange(min = 1, max = 64) int g, @ForAll @DoubleRange(min = 0, max = 1) double sparsity, @ForAll long seed) {
        float[] d = Matrices.grouped(rows, cols, g, sparsity, seed);
        GroupedCsr gc = GroupedCsr.fromDense(d, rows, cols, g);
        assertRoundTrip(gc, d);
        assertThat(gc.groupsPerRow()).isEqualTo((cols + g - 1) / g);
        assertThat(gc.storedValues()).isEqualTo((long) gc.keptGroups() * g);
        // a kept group is exactly one holding a non-zero
        int kept = 0;
        for (int r = 0; r < rows; r++)
            for (int c0 = 0; c0 < cols; c0 += g) {
                boolean nz = false;
                for (int c = c0; c < Math.min(cols, c0 + g); c++) nz |= d[r * cols + c] != 0f;
                if (nz) kept++;
            }
        assertThat(gc.keptGroups()).isEqualTo(kept);
        assertThat(new GroupedCsr(rows, cols, g, gc.groupPtr().clone(), gc.groupIndex().clone(), gc.values().clone())).isEqualTo(gc);
    }

    @Provide
    Arbitrary<Tuple.Tuple2<Integer, Integer>> nmPairs() {
        return Arbitraries.of(Tuple.of(2, 4), Tuple.of(1, 4), Tuple.of(4, 8), Tuple.of(2, 8), Tuple.of(1, 2), Tuple.of(3, 3));
    }

    @Property(tries = 150)
    void nmSparse(@ForAll @IntRange(min = 1, max = 30) int rows, @ForAll @IntRange(min = 1, max = 70) int cols,
                  @ForAll("nmPairs") Tuple.Tuple2<Integer, Integer> nm, @ForAll long seed) {
        int n = nm.get1(), m = nm.get2();
        float[] d = Matrices.nm(rows, cols, n, m, seed);
        NmSparse s = NmSparse.fromDense(d, rows, cols, n, m);
        assertRoundTrip(s, d);
        int windows = (cols + m - 1) / m;
        assertThat(s.values()).hasSize(rows * windows * n);
        assertThat(s.meta()).hasSize((rows * windows * n * NmSparse.bits(m) + 7) / 8);
        assertThat(new NmSparse(rows, cols, n, m, s.values().clone(), s.meta().clone())).isEqualTo(s);
    }

    @Property(tries = 100)
    void nmViolationNamesRowAndGroup(@ForAll @IntRange(min = 1, max = 20) int rows, @ForAll @IntRange(min = 4, max = 40) int cols,
                                     @ForAll long seed) {
        float[] d = Matrices.nm(rows, cols, 2, 4, seed);
        java.util.Random rnd = new java.util.Random(seed);
        int r = rnd.nextInt(rows), w = rnd.nextInt(cols / 4);
        for (int p = 0; p < 3; p++) d[r * cols + w * 4 + p] = 1f + p;
        // the first violating window in row-major order is the one reported; only this one violates
        assertThatThrownBy(() -> NmSparse.fromDense(d, rows, cols, 2, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2:4")
                .hasMessageContaining("row " + r + ",")
                .hasMessageContaining("group " + w + " ");
    }

    @Property(tries = 50)
    void csrRejectsWhatFromDenseWouldNeverProduce(@ForAll @IntRange(min = 2, max = 20) int rows, @ForAll @IntRange(min = 2, max = 20) int cols,
                                                  @ForAll long seed) {
        float[] d = Matrices.random(rows, cols, 0.3, seed);
        Csr c = Csr.fromDense(d, rows, cols);
        int[] ptr = c.rowPtr().clone();
        // swap the first two entries of the first row with at least two: unsorted column indices
        for (int r = 0; r < rows; r++)
            if (ptr[r + 1] - ptr[r] >= 2) {
                int[] ci = c.colIndex().clone();
                int t = ci[ptr[r]]; ci[ptr[r]] = ci[ptr[r] + 1]; ci[ptr[r] + 1] = t;
                int k = ptr[r] + 1;
                assertThatThrownBy(() -> new Csr(rows, cols, ptr, ci, c.values()))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("colIndex[" + k + "]").hasMessageContaining("not sorted");
                return;
            }
    }
}
