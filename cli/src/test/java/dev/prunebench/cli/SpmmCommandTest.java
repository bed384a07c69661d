package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.kernels.cpu.nativeblas.MklBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class SpmmCommandTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.execute(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Run(code, o.toString(), e.toString());
    }

    @Test
    void printsATableForAGeneratedMatrix() {
        assumeTrue(new MklBackend().probe().available(), "MKL: " + new MklBackend().probe());
        Run r = run("spmm", "--shape", "64x48", "--rate", "0.8", "--pattern", "grouped", "--g", "4", "--n", "4",
                "--formats", "csr,gcsr:4", "--repeats", "3", "--min-sample-ms", "0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("generated 64x48").contains("mkl-sparse-csr").contains("speedup over the fastest baseline")
                .contains("dense-vector").contains("openblas-sgemm")
                .contains("gcsr:4").contains(" ok");
    }

    @Test
    void readsAMatrixFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assumeTrue(new MklBackend().probe().available(), "MKL: " + new MklBackend().probe());
        var w = dev.prunebench.measure.Patterns.uniform(40, 30, 0.75, 3);
        var file = dir.resolve("w.mtx");
        dev.prunebench.core.io.MatrixFiles.write(file, w);
        Run r = run("spmm", "--matrix", file.toString(), "--n", "1", "--formats", "csr,gcsr:2", "--repeats", "3", "--min-sample-ms", "0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("w.mtx").contains("40×30, nnz 300").contains("mkl-sgemv").contains("baseline");
    }

    @Test
    void badInputIsNamed() {
        Run f = run("spmm", "--shape", "8x8", "--formats", "zzz");
        assertThat(f.code()).isEqualTo(2);
        assertThat(f.err()).contains("zzz");
        Run s = run("spmm", "--shape", "8by8");
        assertThat(s.code()).isEqualTo(2);
        assertThat(s.err()).contains("--shape");
        Run m = run("spmm", "--matrix", "/nonexistent/w.npy");
        assertThat(m.code()).isEqualTo(2);
        assertThat(m.err()).contains("/nonexistent/w.npy");
        Run b = run("spmm", "--shape", "8x8", "--backends", "gpu9000");
        assertThat(b.code()).isEqualTo(2);
        assertThat(b.err()).contains("gpu9000");
    }

    @Test
    void kernelsThatDoNotApplyAreLeftOutWithTheirReason() {
        Run r = run("spmm", "--shape", "32x24", "--n", "4", "--formats", "dense", "--repeats", "3", "--min-sample-ms", "0");
        assertThat(r.code()).as(r.err()).isZero();
        if (new MklBackend().probe().available()) assertThat(r.err()).contains("left out mkl-sgemv").contains("N = 1");
        assertThat(r.out()).contains("dense-vector").contains("baseline");
    }

    @Test
    void aPatternThatCannotMakeTheFormatIsAnErrorNamingBoth() {
        Run r = run("spmm", "--shape", "32x24", "--rate", "0.5", "--n", "4", "--formats", "nm:2:4", "--repeats", "3", "--min-sample-ms", "0");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("nm:2:4").contains("uniform").doesNotContain("Exception");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void anEmptySelectionIsAnError() {
        assumeTrue(new MklBackend().probe().available(), "MKL: " + new MklBackend().probe());
        Run r = run("spmm", "--shape", "32x24", "--formats", "csr", "--kernels", "mkl-sgemm");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no chosen kernel takes any of the formats [csr]").contains("mkl-sgemm");
        Run u = run("spmm", "--shape", "32x24", "--kernels", "warp-magic");
        assertThat(u.code()).isEqualTo(2);
        assertThat(u.err()).contains("warp-magic").contains("no available backend declares it");
    }

    @Test
    void answersHelp() {
        Run r = run("spmm", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--formats").contains("--baseline");
    }
}
