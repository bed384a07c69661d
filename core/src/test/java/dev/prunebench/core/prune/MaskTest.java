package dev.prunebench.core.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaskTest {

    @TempDir Path tmp;

    static Mask random(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean[] k = new boolean[rows * cols];
        for (int i = 0; i < k.length; i++) k[i] = r.nextBoolean();
        return Mask.of(k, rows, cols);
    }

    @Test
    void applyZeroMaskedAndCounts() {
        Mask m = Mask.of(new boolean[] {true, false, false, true, true, false}, 2, 3);
        float[] w = {1, 2, 3, 4, 5, 6};
        assertThat(m.apply(w)).containsExactly(1, 0, 0, 4, 5, 0);
        assertThat(w).containsExactly(1, 2, 3, 4, 5, 6); // apply copies
        float[] grad = {9, 9, 9, 9, 9, 9};
        m.zeroMasked(grad);
        assertThat(grad).containsExactly(9, 0, 0, 9, 9, 0);
        assertThat(m.isRespectedBy(grad)).isTrue();
        assertThat(m.isRespectedBy(w)).isFalse();
        assertThat(m.kept()).isEqualTo(3);
        assertThat(m.removed()).isEqualTo(3);
        assertThat(m.rate()).isEqualTo(0.5);
        assertThat(m.keptInRow(0)).isEqualTo(1);
        assertThat(m.keptInRow(1)).isEqualTo(2);
        assertThat(m.keep(1, 0)).isTrue();
        assertThat(m.keep(0, 2)).isFalse();
    }

    @Test
    void zeroMaskedCoversTheLastWordAndOnlyRemovedPositions() {
        for (int n : new int[] {1, 6, 13, 63, 64, 65, 207, 702}) {
            Mask m = random(1, n, n);
            float[] a = new float[n];
            Arrays.fill(a, 1f);
            m.zeroMasked(a);
            for (int i = 0; i < n; i++) assertThat(a[i]).isEqualTo(m.keepAt(i) ? 1f : 0f);
        }
    }

    @Test
    void combinations() {
        Mask a = random(7, 13, 1), b = random(7, 13, 2);
        for (int i = 0; i < 91; i++) {
            assertThat(a.and(b).keepAt(i)).isEqualTo(a.keepAt(i) && b.keepAt(i));
            assertThat(a.or(b).keepAt(i)).isEqualTo(a.keepAt(i) || b.keepAt(i));
            assertThat(a.not().keepAt(i)).isEqualTo(!a.keepAt(i));
        }
        assertThat(a.not().not()).isEqualTo(a);
        assertThat(a.not().kept()).isEqualTo(91 - a.kept());
        assertThat(Mask.all(3, 5).kept()).isEqualTo(15);
        assertThat(Mask.none(3, 5).not()).isEqualTo(Mask.all(3, 5));
        assertThatThrownBy(() -> a.and(Mask.all(13, 7))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7x13 vs 13x7");
    }

    @Test
    void fileRoundTripsForAwkwardShapes() throws IOException {
        for (int[] s : new int[][] {{1, 1}, {1, 8}, {3, 7}, {5, 9}, {13, 64}, {2, 207}}) {
            Mask m = random(s[0], s[1], s[0] * 31L + s[1]);
            Path f = tmp.resolve("m" + s[0] + "x" + s[1] + ".pbmask");
            MaskFile.write(f, m);
            assertThat(MaskFile.read(f)).isEqualTo(m);
            assertThat(Files.size(f)).isEqualTo(15 + (long) s[0] * ((s[1] + 7) / 8) + 4);
        }
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".pbmask")); // no temp files left
        }
    }

    @Test
    void fileLayoutIsTheDocumentedOne() {
        Mask m = Mask.of(new boolean[] {true, false, true, false, false, false, false, false, false, true}, 1, 10);
        byte[] b = MaskFile.toBytes(m);
        assertThat(new String(b, 0, 7, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PBMASK1");
        assertThat(Arrays.copyOfRange(b, 7, 15)).containsExactly(0, 0, 0, 1, 0, 0, 0, 10);
        assertThat(b[15] & 0xFF).isEqualTo(0b1010_0000); // MSB first, as numpy.packbits
        assertThat(b[16] & 0xFF).isEqualTo(0b0100_0000);
        assertThat(b).hasSize(15 + 2 + 4);
    }

    @Test
    void malformedFilesNameFileAndOffset() throws IOException {
        byte[] good = MaskFile.toBytes(random(3, 10, 5));
        assertBad(Arrays.copyOf(good, 4), "offset 4");
        byte[] magic = good.clone();
        magic[2] = 'X';
        assertBad(magic, "offset 2");
        assertBad(Arrays.copyOf(good, 12), "offset 12");
        assertBad(Arrays.copyOf(good, good.length - 1), "truncated");
        byte[] longer = Arrays.copyOf(good, good.length + 3);
        assertBad(longer, "offset " + good.length);
        byte[] rows = good.clone();
        rows[7] = (byte) 0x80; // negative rows
        assertBad(rows, "offset 7");
        byte[] flipped = good.clone();
        flipped[15] ^= 0x01; // a padding bit (cols = 10): CRC catches it first
        assertBad(flipped, "checksum");
    }

    @Test
    void paddingBitsMustBeZero() throws IOException {
        byte[] b = MaskFile.toBytes(random(2, 10, 5));
        b[16] |= 0x01; // row 0, byte 1, a bit past column 9
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 15, 4);
        java.nio.ByteBuffer.wrap(b).putInt(19, (int) crc.getValue());
        assertBad(b, "offset 16");
    }

    private void assertBad(byte[] bytes, String fragment) throws IOException {
        Path f = tmp.resolve("bad.pbmask");
        Files.write(f, bytes);
        assertThatThrownBy(() -> MaskFile.read(f)).isInstanceOf(IOException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining(fragment);
    }

    @Test
    void csrAndCooStoreExactlyTheKeptPositionsIncludingKeptZeros() {
        Mask m = Mask.of(new boolean[] {true, true, false, false, true, false}, 2, 3);
        float[] w = {0f, 2f, 3f, 4f, 0f, 6f}; // kept (0,0) and (1,1) are exact zeros
        SparseFormat csr = m.encode(w, FormatSpec.CSR);
        assertThat(csr.storedValues()).isEqualTo(3);
        assertThat(csr.nnz()).isEqualTo(1);
        assertThat(((Csr) csr).colIndex()).containsExactly(0, 1, 1);
        assertThat(csr.toDense()).containsExactly(0, 2, 0, 0, 0, 0);
        assertThat(m.encode(w, FormatSpec.COO).storedValues()).isEqualTo(3);
        assertThat(m.encode(w, FormatSpec.DENSE).toDense()).containsExactly(m.apply(w));
    }

    @Test
    void groupedCsrKeepsExactlyTheMasksGroupsEvenAllZeroOnes() {
        int rows = 4, cols = 10, g = 4; // 3 groups per row, the last one 2 wide
        float[] w = PrunerProperties.weights(rows, cols, 9);
        Arrays.fill(w, 0, 4, 0f); // group 0 of row 0 is all zero but large-scoring groups elsewhere are pruned
        Mask m = Pruner.prune(w, rows, cols, Structure.group(g), Score.RMS, 0.5);
        // force-keep the all-zero group to show it survives encoding
        boolean[] k = m.toBooleans();
        Arrays.fill(k, 0, 4, true);
        Mask withZeroGroup = Mask.of(k, rows, cols);
        GroupedCsr gc = (GroupedCsr) withZeroGroup.encode(w, FormatSpec.grouped(g));
        long maskGroups = 0;
        for (int r = 0; r < rows; r++) for (int j = 0; j < 3; j++) if (withZeroGroup.keep(r, j * g)) maskGroups++;
        assertThat(gc.keptGroups()).isEqualTo(maskGroups);
        assertThat(gc.groupIndex()[0]).isEqualTo(0);
        assertThat(gc.toDense()).containsExactly(withZeroGroup.apply(w));
        // fromDense, by contrast, drops the all-zero group
        assertThat(GroupedCsr.fromDense(withZeroGroup.apply(w), rows, cols, g).keptGroups()).isEqualTo(maskGroups - 1);
        assertThat(gc.storage(Precision.FP32, IndexPolicy.MINIMAL).values()).isEqualTo(maskGroups * g * 4);
    }

    @Test
    void nmEncodingRejectsOverfullWindows() {
        Mask m = Mask.of(new boolean[] {true, true, true, false}, 1, 4);
        assertThatThrownBy(() -> m.encode(new float[] {1, 2, 3, 4}, FormatSpec.nm(2, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 0, window 0").hasMessageContaining("3 kept > 2");
    }

    @Test
    void ofNonZerosAndBadShapes() {
        assertThat(Mask.ofNonZeros(new float[] {0, 1, -0f, 2}, 2, 2).toBooleans()).containsExactly(false, true, false, true);
        assertThatThrownBy(() -> Mask.all(0, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows");
        assertThatThrownBy(() -> Mask.all(2, 2).apply(new float[3])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length 3");
        assertThatThrownBy(() -> Mask.all(2, 2).encode(new float[] {1, Float.NaN, 0, 0}, FormatSpec.CSR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weights[1]");
    }
}
