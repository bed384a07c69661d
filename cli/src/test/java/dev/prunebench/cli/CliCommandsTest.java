package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.io.MatrixFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliCommandsTest {

    @TempDir Path dir;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.execute(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Result(code, o.toString(), e.toString());
    }

    Path mtx(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "%%MatrixMarket matrix coordinate real general\n" + body);
        return p;
    }

    @Test
    void storagePrintsMeasuredBytes() {
        Result r = run("storage", "--rows", "100", "--cols", "300", "--sparsity", "0.9", "--format", "csr,gcsr:4,nm:2:4", "--precision", "fp32,int8");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("measured by encoding").contains("seed 1");
        // CSR 100x300 at 90 %: K = 3000; fp32 minimal = 3000*4 + 3000*2 + 101*2
        assertThat(r.out()).containsPattern("csr\\s+fp32\\s+minimal\\s+0\\.9000\\s+12000\\s+6000\\s+202\\s+0\\s+18202\\s+15\\.17%");
        assertThat(r.out()).containsPattern("csr\\s+int8\\s+fixed32\\s+0\\.9000\\s+3000\\s+12000\\s+404\\s+0\\s+15404");
        // 2:4 holds 0.9: constant size, half the values plus 2 bits each
        assertThat(r.out()).containsPattern("nm:2:4\\s+fp32\\s+minimal\\s+0\\.9000\\s+60000\\s+0\\s+0\\s+3750\\s+63750");
        assertThat(r.out()).contains("dense fp32: 120000 bytes");
    }

    @Test
    void storageSaysWhenNmCannotHoldTheSparsityAndUsesTheClosedFormForHugeShapes() {
        Result r = run("storage", "--rows", "200000", "--cols", "100000", "--sparsity", "0.3", "--format", "csr,nm:2:4");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("closed form").contains("nm:2:4    cannot hold sparsity 0.3");
        // K = 0.7 * 2e10 = 1.4e10: values 5.6e10, column indices 4 bytes each (100 000 > 65 536 columns), pointers 4 bytes each
        assertThat(r.out()).containsPattern("csr\\s+fp32\\s+minimal\\s+0\\.3000\\s+56000000000\\s+56000000000\\s+800004\\s+0\\s+112000800004");
        assertThat(r.out()).contains("4-byte pointer");
    }

    @Test
    void storageBreakEven() {
        Result r = run("storage", "--rows", "64", "--cols", "64", "--break-even", "--format", "csr,nm:2:4", "--precision", "fp32", "--policy", "minimal");
        assertThat(r.code()).as(r.err()).isZero();
        // CSR 64x64 fp32 minimal: 5K + 65 * 2 < 16384 up to K = 3250
        assertThat(r.out()).containsPattern("csr\\s+fp32\\s+minimal\\s+0\\.206543\\s+3250/4096\\s+16380\\s+16384\\s+.*confirmed by encoding");
        assertThat(r.out()).containsPattern("nm:2:4\\s+fp32\\s+minimal\\s+0\\.500000\\s+2048/4096\\s+8704\\s+16384\\s+53\\.13%");
        Result both = run("storage", "--rows", "4", "--cols", "4", "--break-even", "--sparsity", "0.5");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--sparsity");
    }

    @Test
    void storageBadInputExitsTwoWithOneLine() {
        for (String[] args : new String[][] {
                {"storage", "--rows", "0", "--cols", "3", "--sparsity", "0.5"},
                {"storage", "--rows", "3", "--cols", "3", "--sparsity", "1.5"},
                {"storage", "--rows", "3", "--cols", "3", "--sparsity", "0.5", "--format", "ell"},
                {"storage", "--rows", "3", "--cols", "3", "--sparsity", "0.5", "--precision", "fp64"},
                {"storage", "--rows", "3", "--cols", "3"}}) {
            Result r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("prunebench: ");
        }
    }

    @Test
    void infoReportsShapeRowStatisticsAndNm() throws IOException {
        Path p = mtx("a.mtx", "3 8 5\n1 1 1\n1 2 2\n2 5 3\n3 8 4\n3 3 -1\n");
        Result r = run("info", p.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("shape     3 x 8").contains("nnz       5").contains("sparsity  0.791667")
                .contains("row nnz   min 1, median 2.0, mean 1.667, max 2").contains("empty     0 of 3 rows")
                .contains("nm:2:4    yes").contains("nm:1:4    no: matrix violates 1:4 at row 0, group 0");
        // CSR fp32 minimal: 5*4 + 5*1 + 4*1 = 29
        assertThat(r.out()).containsPattern("csr\\s+29\\s+30\\.21%\\s+56");
        Path s = dir.resolve("p.smtx");
        Files.writeString(s, "2, 3, 3\n0 1 3\n2 0 1\n");
        Result q = run("info", s.toString(), "--seed", "4");
        assertThat(q.out()).contains("N(0,1) with seed 4").contains("empty     0 of 2 rows");
    }

    @Test
    void convertChecksTheFormatAndWrites() throws IOException {
        Path in = mtx("in.mtx", "2 4 3\n1 1 1.5\n1 4 -2\n2 2 3\n");
        Path out = dir.resolve("out.npy");
        Result r = run("convert", in.toString(), out.toString(), "--format", "nm:2:4");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(MatrixFiles.read(out, 0).matrix()).isEqualTo(new Dense(2, 4, new float[] {1.5f, 0, 0, -2, 0, 3, 0, 0}));

        Path bad = mtx("bad.mtx", "1 4 3\n1 1 1\n1 2 2\n1 3 3\n");
        Path never = dir.resolve("never.mtx");
        Result b = run("convert", bad.toString(), never.toString(), "--format", "nm:2:4");
        assertThat(b.code()).isEqualTo(2);
        assertThat(b.err()).contains("does not fit nm:2:4").contains("row 0, group 0");
        assertThat(never).doesNotExist();

        Result missing = run("convert", dir.resolve("nope.mtx").toString(), never.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.mtx");
        Result smtxOut = run("convert", in.toString(), dir.resolve("x.smtx").toString());
        assertThat(smtxOut.code()).isEqualTo(2);
        assertThat(smtxOut.err()).contains(".smtx");
        Result malformed = run("info", mtx("m.mtx", "2 2 1\n3 1 1\n").toString());
        assertThat(malformed.code()).isEqualTo(2);
        assertThat(malformed.err()).contains("m.mtx: line 3: row index 3 out of range [1, 2]");
    }

    @Test
    void listShowsFormatsStorage() {
        Result r = run("list");
        assertThat(r.out()).contains("formats-storage").contains("lecture");
    }
}
