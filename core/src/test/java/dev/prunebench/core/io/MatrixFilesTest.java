package dev.prunebench.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.format.Coo;
import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.Matrices;
import dev.prunebench.core.format.NmSparse;
import dev.prunebench.core.format.SparseFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MatrixFilesTest {

    @TempDir Path dir;

    Path text(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.US_ASCII);
        return p;
    }

    Path bytes(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    static float[] dense(LoadedMatrix m) { return m.matrix().toDense(); }

    // ---------- round trips ----------

    @Property(tries = 60)
    void writeThenReadIsExact(@ForAll @IntRange(min = 1, max = 30) int rows, @ForAll @IntRange(min = 1, max = 40) int cols,
                              @ForAll @DoubleRange(min = 0, max = 1) double sparsity, @ForAll long seed) throws IOException {
        Path tmp = Files.createTempDirectory("prunebench-io");
        try {
            float[] d = Matrices.random(rows, cols, sparsity, seed);
            // extreme magnitudes must survive the decimal text of .mtx
            if (d.length > 1) { d[0] = Float.MIN_VALUE; d[d.length - 1] = -Float.MAX_VALUE; }
            for (SparseFormat f : List.<SparseFormat>of(new Dense(rows, cols, d), Csr.fromDense(d, rows, cols), Coo.fromDense(d, rows, cols))) {
                Path npy = tmp.resolve("m.npy"), mtx = tmp.resolve("m.mtx");
                MatrixFiles.write(npy, f);
                MatrixFiles.write(mtx, f);
                LoadedMatrix a = MatrixFiles.read(npy, 1), b = MatrixFiles.read(mtx, 1);
                assertThat(a.matrix()).isInstanceOf(Dense.class);
                assertThat(b.matrix()).isInstanceOf(Csr.class);
                assertThat(a.note()).isNull();
                assertThat(b.note()).isNull();
                assertThat(dense(a)).containsExactly(d);
                assertThat(dense(b)).containsExactly(d);
                assertThat(b.matrix()).isEqualTo(Csr.fromDense(d, rows, cols));
            }
        } finally {
            try (Stream<Path> s = Files.list(tmp)) { for (Path p : s.toList()) Files.delete(p); }
            Files.delete(tmp);
        }
    }

    @Test
    void writesAnyFormatAndLeavesNoTemporaryFile() throws IOException {
        float[] d = Matrices.nm(6, 10, 2, 4, 7);
        for (SparseFormat f : List.<SparseFormat>of(NmSparse.fromDense(d, 6, 10, 2, 4), GroupedCsr.fromDense(d, 6, 10, 3))) {
            MatrixFiles.write(dir.resolve("x.mtx"), f);
            MatrixFiles.write(dir.resolve("sub/x.npy"), f);
            assertThat(dense(MatrixFiles.read(dir.resolve("x.mtx"), 0))).containsExactly(d);
            assertThat(dense(MatrixFiles.read(dir.resolve("sub/x.npy"), 0))).containsExactly(d);
        }
        try (Stream<Path> s = Files.walk(dir)) {
            assertThat(s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("x.mtx", "x.npy");
        }
    }

    @Test
    void failedWriteLeavesNothingBehind() throws IOException {
        // the target is a non-empty directory: the final move fails, and the temporary file must be gone
        Path target = dir.resolve("taken.mtx");
        Files.createDirectories(target.resolve("inside"));
        assertThatThrownBy(() -> MatrixFiles.write(target, Dense.zeros(2, 2))).isInstanceOf(IOException.class);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("taken.mtx");
        }
        // an existing file is replaced whole
        Path f = dir.resolve("f.npy");
        MatrixFiles.write(f, new Dense(1, 3, new float[] {1, 2, 3}));
        MatrixFiles.write(f, new Dense(2, 1, new float[] {4, 5}));
        assertThat(MatrixFiles.read(f, 0).matrix()).isEqualTo(new Dense(2, 1, new float[] {4, 5}));
    }

    @Test
    void npyWrittenLikeNumpy() throws IOException {
        Path p = dir.resolve("w.npy");
        MatrixFiles.write(p, new Dense(2, 3, new float[] {1, 2, 3, 4, 5, 6}));
        byte[] b = Files.readAllBytes(p);
        int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        String header = new String(b, 10, headerLen, StandardCharsets.ISO_8859_1);
        assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }").endsWith("\n");
        assertThat((10 + headerLen) % 64).isZero();
        assertThat(b).hasSize(10 + headerLen + 24);
    }

    @Test
    void writeRefusesSmtxAndUnknownExtensions() {
        Dense d = Dense.zeros(1, 1);
        assertThatThrownBy(() -> MatrixFiles.write(dir.resolve("a.smtx"), d)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".smtx");
        assertThatThrownBy(() -> MatrixFiles.write(dir.resolve("a.csv"), d)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'.csv'");
        assertThatThrownBy(() -> MatrixFiles.read(dir.resolve("a"), 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("extension");
        assertThatThrownBy(() -> MatrixFiles.read(dir.resolve("missing.mtx"), 0)).isInstanceOf(NoSuchFileException.class).hasMessageContaining("missing.mtx");
    }

    // ---------- MatrixMarket variants ----------

    @Test
    void mtxCommentsBlankLinesAndCase() throws IOException {
        Path p = text("c.mtx", "%%MatrixMarket Matrix Coordinate Real General\n% a comment\n\n%another\n2 3 2\n\n1 3 2.5\n% mid comment\n2 1 -1e-3\n\n");
        assertThat(dense(MatrixFiles.read(p, 0))).containsExactly(0, 0, 2.5f, -1e-3f, 0, 0);
    }

    @Test
    void mtxSymmetricIsExpanded() throws IOException {
        Path p = text("s.mtx", "%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 1\n3 1 2\n3 2 4\n");
        assertThat(dense(MatrixFiles.read(p, 0))).containsExactly(1, 0, 2, 0, 0, 4, 2, 4, 0);
    }

    @Test
    void mtxSkewSymmetricIsExpandedWithSign() throws IOException {
        Path p = text("k.mtx", "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 1 3\n");
        assertThat(dense(MatrixFiles.read(p, 0))).containsExactly(0, -3, 3, 0);
    }

    @Test
    void mtxSymmetricListedInBothTrianglesIsADuplicate() throws IOException {
        Path p = text("s2.mtx", "%%MatrixMarket matrix coordinate real symmetric\n3 3 2\n3 1 2\n1 3 2\n");
        assertThatThrownBy(() -> MatrixFiles.read(p, 0)).isInstanceOf(IOException.class)
                .hasMessageContaining("s2.mtx").hasMessageContaining("line 4").hasMessageContaining("duplicate entry (1, 3)").hasMessageContaining("line 3");
    }

    @Test
    void mtxIntegerField() throws IOException {
        Path p = text("i.mtx", "%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 1 7\n2 2 -3\n");
        assertThat(dense(MatrixFiles.read(p, 0))).containsExactly(7, 0, 0, -3);
        Path q = text("i2.mtx", "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 7.5\n");
        assertThatThrownBy(() -> MatrixFiles.read(q, 0)).hasMessageContaining("line 3").hasMessageContaining("'7.5' is not an integer");
    }

    @Test
    void mtxPatternDrawsSeededValuesAndSaysSo() throws IOException {
        Path p = text("p.mtx", "%%MatrixMarket matrix coordinate pattern general\n3 4 3\n1 1\n2 4\n3 2\n");
        LoadedMatrix a = MatrixFiles.read(p, 42), b = MatrixFiles.read(p, 42), c = MatrixFiles.read(p, 43);
        assertThat(a.note()).contains("p.mtx").contains("N(0,1)").contains("seed 42");
        assertThat(a.matrix()).isEqualTo(b.matrix());
        assertThat(a.matrix()).isNotEqualTo(c.matrix());
        assertThat(a.matrix().nnz()).isEqualTo(3);
        float[] d = dense(a);
        assertThat(d[0]).isNotZero();
        assertThat(d[7]).isNotZero();
        assertThat(d[9]).isNotZero();
    }

    @Test
    void mtxArrayFormat() throws IOException {
        // column-major: (1,1)=1 (2,1)=2 (1,2)=0 (2,2)=4 (1,3)=5 (2,3)=6
        Path p = text("a.mtx", "%%MatrixMarket matrix array real general\n% c\n2 3\n1\n2\n0\n4\n5\n6\n");
        LoadedMatrix m = MatrixFiles.read(p, 0);
        assertThat(m.matrix()).isInstanceOf(Csr.class);
        assertThat(dense(m)).containsExactly(1, 0, 5, 2, 4, 6);
        Path s = text("as.mtx", "%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n");
        assertThat(dense(MatrixFiles.read(s, 0))).containsExactly(1, 2, 2, 3);
        Path shortArray = text("a2.mtx", "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n");
        assertThatThrownBy(() -> MatrixFiles.read(shortArray, 0)).hasMessageContaining("file ends after 3 values").hasMessageContaining("needs 4");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty | '' | line 1",
            "no banner | '2 2 1\n1 1 1\n' | line 1: expected the banner",
            "complex | '%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n' | field 'complex' not supported",
            "hermitian | '%%MatrixMarket matrix coordinate real hermitian\n1 1 1\n1 1 1\n' | symmetry 'hermitian'",
            "vector | '%%MatrixMarket vector coordinate real general\n1 1 1\n1 1 1\n' | object 'vector'",
            "size line words | '%%MatrixMarket matrix coordinate real general\n2 2\n1 1 1\n' | line 2: size line must hold 3",
            "no size line | '%%MatrixMarket matrix coordinate real general\n% only\n' | line 3: file ends before the size line",
            "zero rows | '%%MatrixMarket matrix coordinate real general\n0 2 0\n' | line 2: rows must be > 0, got 0",
            "truncated | '%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n2 2 2\n' | file ends after 2 entries, the size line declared 3",
            "too many | '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1\n2 2 2\n' | line 4: more entries than the 1 declared",
            "row zero | '%%MatrixMarket matrix coordinate real general\n2 2 1\n0 1 1\n' | line 3: row index 0 out of range [1, 2]",
            "col too big | '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 3 1\n' | line 3: column index 3 out of range [1, 2]",
            "duplicate | '%%MatrixMarket matrix coordinate real general\n2 2 2\n1 2 1\n1 2 5\n' | line 4: duplicate entry (1, 2), already given on line 3",
            "bad value | '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2 x\n' | line 3: value 'x' is not a number",
            "nan | '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2 NaN\n' | line 3: value 'NaN' is NaN",
            "overflow | '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2 1e39\n' | line 3: value '1e39' overflows fp32",
            "fields | '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2\n' | line 3: expected 3 fields",
            "huge count | '%%MatrixMarket matrix coordinate real general\n2 2 999999999999\n' | entries 999999999999 cannot fit",
            "huge shape | '%%MatrixMarket matrix coordinate real general\n100000 100000 1\n1 1 1\n' | more than 2147483647 elements",
            "symmetric not square | '%%MatrixMarket matrix coordinate real symmetric\n2 3 1\n1 1 1\n' | must be square",
    })
    void mtxMalformed(String name, String content, String message) throws IOException {
        Path p = text("bad.mtx", content.replace("\\n", "\n"));
        assertThatThrownBy(() -> MatrixFiles.read(p, 0)).isInstanceOf(IOException.class).hasMessageContaining("bad.mtx").hasMessageContaining(message);
    }

    // ---------- .npy variants ----------

    static final double[] SIX = {1.5, -2, 0, 4, 1e-7, 6};

    @ParameterizedTest(name = "v{0} {1} fortran={2}")
    @CsvSource({
            "1, <f4, false", "1, <f4, true", "1, >f4, false", "1, >f4, true",
            "1, <f8, false", "1, <f8, true", "1, >f8, false", "2, >f8, true",
            "2, <f4, false", "3, <f4, true", "3, <f8, false"})
    void npyVersionsDtypesAndOrders(int major, String descr, boolean fortran) throws IOException {
        Path p = bytes("v.npy", NpyBytes.build(major, descr, fortran, 2, 3, SIX));
        LoadedMatrix m = MatrixFiles.read(p, 0);
        assertThat(m.matrix()).isInstanceOf(Dense.class);
        assertThat(m.matrix().rows()).isEqualTo(2);
        assertThat(dense(m)).containsExactly(1.5f, -2f, 0f, 4f, 1e-7f, 6f);
    }

    @Test
    void npyMalformed() throws IOException {
        expectNpy("one-d", NpyBytes.build(1, "<f4", false, "(6,)", 1, 6, SIX), "expected 2-D");
        expectNpy("three-d", NpyBytes.build(1, "<f4", false, "(1, 2, 3)", 2, 3, SIX), "expected 2-D");
        expectNpy("int", NpyBytes.build(1, "<i4", false, 2, 3, SIX), "unsupported dtype '<i4'");
        expectNpy("half", NpyBytes.build(1, "<f2", false, 2, 3, SIX), "unsupported dtype '<f2'");
        expectNpy("zero", NpyBytes.build(1, "<f4", false, "(0, 3)", 2, 3, new double[0]), "dimensions must be > 0");
        double[] nan = SIX.clone();
        nan[4] = Double.NaN;
        expectNpy("nan", NpyBytes.build(1, "<f8", false, 2, 3, nan), "flat index 4 (row 1, col 1)");
        double[] big = SIX.clone();
        big[5] = 1e300;
        expectNpy("overflow", NpyBytes.build(1, "<f8", true, 2, 3, big), "flat index 5 (row 1, col 2)", "overflows float32");
        byte[] ok = NpyBytes.build(1, "<f4", false, 2, 3, SIX);
        expectNpy("short", java.util.Arrays.copyOf(ok, ok.length - 1), "data section has 23 bytes", "needs 24");
        expectNpy("long", java.util.Arrays.copyOf(ok, ok.length + 4), "data section has 28 bytes");
        byte[] v4 = ok.clone();
        v4[6] = 4;
        expectNpy("version", v4, "byte 6", "unsupported .npy version 4.0");
        byte[] magic = ok.clone();
        magic[1] = 'X';
        expectNpy("magic", magic, "byte 1", "not a .npy file");
        expectNpy("empty", new byte[0], "byte 0", "not a .npy file");
        byte[] hdrLen = ok.clone();
        hdrLen[8] = (byte) 0xff;
        hdrLen[9] = (byte) 0x7f;
        expectNpy("header length", hdrLen, "runs past the end");
    }

    void expectNpy(String name, byte[] content, String... messages) throws IOException {
        Path p = bytes(name + ".npy", content);
        var t = assertThatThrownBy(() -> MatrixFiles.read(p, 0)).as(name).isInstanceOf(IOException.class).hasMessageContaining(name + ".npy");
        for (String m : messages) t.hasMessageContaining(m);
    }

    // ---------- .smtx ----------

    @Test
    void smtxReadsPatternWithSeededValues() throws IOException {
        // 3x4: row 0 {1, 3}, row 1 {}, row 2 {0, 2, 3}, columns of row 2 given unsorted
        Path p = text("d.smtx", "3, 4, 5\n0 2 2 5\n1 3 3 0 2\n");
        LoadedMatrix m = MatrixFiles.read(p, 9);
        Csr c = (Csr) m.matrix();
        assertThat(c.rowPtr()).containsExactly(0, 2, 2, 5);
        assertThat(c.colIndex()).containsExactly(1, 3, 0, 2, 3);
        assertThat(c.nnz()).isEqualTo(5);
        assertThat(m.note()).contains("d.smtx").contains("N(0,1)").contains("seed 9");
        assertThat(MatrixFiles.read(p, 9).matrix()).isEqualTo(c);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty | '' | line 1: empty file",
            "header | '3 4\n' | line 1: expected 'rows, cols, nnz'",
            "nnz vs offsets | '2, 2, 3\n0 1 2\n0 1\n' | line 2: last row offset 2 disagrees with nnz 3",
            "offsets count | '2, 2, 2\n0 2\n0 1\n' | line 2: holds 2 row offsets, expected 3",
            "offsets decrease | '2, 2, 1\n0 2 1\n0\n' | line 2: row offset 2 = 1 is less than row offset 1 = 2",
            "missing line 3 | '2, 2, 2\n0 1 2\n' | line 3: file ends",
            "col range | '2, 2, 2\n0 1 2\n0 2\n' | line 3: column index 1 = 2 out of range [0, 2)",
            "col dup | '1, 3, 2\n0 2\n1 1\n' | line 3: column 1 appears twice in row 0",
            "not int | '1, 3, 2\n0 2\n1 x\n' | line 3: column indices: entry 1 'x' is not an integer",
            "too many | '1, 3, 1\n0 1\n1 2\n' | line 3: more than the 1 column indices expected",
            "huge nnz | '1000, 1000, 900000\n0\n' | cannot fit in a file",
            "trailing | '1, 3, 1\n0 1\n1\n7\n' | unexpected content",
    })
    void smtxMalformed(String name, String content, String message) throws IOException {
        Path p = text("bad.smtx", content.replace("\\n", "\n"));
        assertThatThrownBy(() -> MatrixFiles.read(p, 0)).isInstanceOf(IOException.class).hasMessageContaining("bad.smtx").hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.NPY", "b.Mtx", "c.SMTX"})
    void extensionsAreCaseInsensitive(String name) {
        assertThat(MatrixFiles.kind(Path.of(name)).name()).isEqualTo(name.substring(2).toUpperCase());
    }
}
