package dev.prunebench.core.prune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import java.io.IOException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class MaskProperties {

    @Property(tries = 200)
    void groupMaskEncodesToExactlyItsGroups(@ForAll @IntRange(min = 1, max = 12) int rows, @ForAll @IntRange(min = 1, max = 40) int cols,
                                            @ForAll @IntRange(min = 1, max = 16) int g, @ForAll @DoubleRange(min = 0, max = 1) double rate,
                                            @ForAll long seed) {
        float[] w = PrunerProperties.weights(rows, cols, seed); // about 1 in 13 weights is exactly 0, whole groups sometimes
        PruneResult r = Pruner.prune(Layer.of("fc", w, rows, cols), Structure.group(g), rate);
        GroupedCsr gc = (GroupedCsr) r.mask().encode(w, FormatSpec.grouped(g));
        assertThat((long) gc.keptGroups()).isEqualTo(r.units() - r.removedUnits());
        assertThat(gc.toDense()).containsExactly(r.mask().apply(w));
        SparseFormat csr = r.mask().encode(w, FormatSpec.CSR);
        assertThat(csr.storedValues()).isEqualTo(r.mask().kept());
        assertThat(csr.toDense()).containsExactly(r.mask().apply(w));
    }

    @Property(tries = 200)
    void fileRoundTrip(@ForAll @IntRange(min = 1, max = 30) int rows, @ForAll @IntRange(min = 1, max = 70) int cols, @ForAll long seed) throws IOException {
        Mask m = MaskTest.random(rows, cols, seed);
        assertThat(MaskFile.fromBytes(MaskFile.toBytes(m), "m")).isEqualTo(m);
    }

    @Property(tries = 200)
    void appliedWeightsRespectTheMask(@ForAll @IntRange(min = 1, max = 30) int rows, @ForAll @IntRange(min = 1, max = 70) int cols, @ForAll long seed) {
        Mask m = MaskTest.random(rows, cols, seed);
        float[] w = PrunerProperties.weights(rows, cols, seed);
        float[] a = m.apply(w);
        assertThat(m.isRespectedBy(a)).isTrue();
        for (int i = 0; i < w.length; i++) if (m.keepAt(i)) assertThat(a[i]).isEqualTo(w[i]);
        assertThat(Mask.ofNonZeros(a, rows, cols).and(m)).isEqualTo(Mask.ofNonZeros(a, rows, cols));
    }
}
