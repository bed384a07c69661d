package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.io.MatrixFiles;
import dev.prunebench.core.prune.Mask;
import dev.prunebench.core.prune.MaskFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneCommandTest {

    @TempDir Path tmp;
    Path in;
    final StringWriter out = new StringWriter(), err = new StringWriter();

    @BeforeEach
    void input() throws IOException {
        SplittableRandom r = new SplittableRandom(1);
        float[] w = new float[24 * 40];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        in = tmp.resolve("w.npy");
        MatrixFiles.write(in, new Dense(24, 40, w));
    }

    private int run(String... args) {
        return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void groupPruningWritesMtxAndMaskAndPrintsBytes() throws IOException {
        Path o = tmp.resolve("p.mtx"), m = tmp.resolve("p.pbmask");
        int rc = run("prune", in.toString(), "--structure", "group:8", "--score", "rms", "--rate", "0.9", "--out", o.toString(), "--mask", m.toString(),
                "--format", "nm:2:4");
        assertThat(rc).as(err.toString()).isZero();
        // 24 rows x 5 groups = 120 groups; round(0.9 * 120) = 108 removed
        assertThat(out.toString()).contains("unit rate 0.900000 (108 of 120 groups removed)", "weight sparsity 0.900000", "gcsr:8", "csr", "dense",
                "threshold  ", "nm:2:4         skipped: mask violates 2:4 at row ");
        SparseFormat back = MatrixFiles.read(o, 0).matrix();
        Mask mask = MaskFile.read(m);
        assertThat(mask.kept()).isEqualTo(12 * 8);
        assertThat(back.nnz()).isEqualTo(96);
        float[] d = back.toDense();
        for (int i = 0; i < d.length; i++) assertThat(d[i] != 0f).isEqualTo(mask.keepAt(i));
    }

    @Test
    void nmNeedsNoRateAndWritesNpy() throws IOException {
        Path o = tmp.resolve("p.npy");
        int rc = run("prune", in.toString(), "--structure", "nm:2:4", "--out", o.toString());
        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).contains("weight sparsity 0.500000", "nm:2:4");
        assertThat(MatrixFiles.read(o, 0).matrix().nnz()).isEqualTo(24 * 20);
    }

    @Test
    void nodePruningReportsTheShrunkMatrix() {
        int rc = run("prune", in.toString(), "--structure", "node", "--score", "l2", "--rate", "0.25", "--out", tmp.resolve("n.pbmask").toString());
        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).contains("(6 of 24 nodes removed)", "dense-shrunk");
        assertThat(out.toString()).containsPattern("dense-shrunk +720 +2880 +2880");
    }

    @Test
    void badArgumentsGiveOneLineAndExitCode2() {
        assertBad(new String[] {"prune", in.toString(), "--structure", "group:8", "--rate", "1.5", "--out", tmp.resolve("a.npy").toString()},
                "--rate: must be in [0, 1], got 1.5");
        assertBad(new String[] {"prune", in.toString(), "--structure", "group:0", "--rate", "0.5", "--out", tmp.resolve("a.npy").toString()},
                "g must be >= 1");
        assertBad(new String[] {"prune", in.toString(), "--structure", "nm:5:4", "--out", tmp.resolve("a.npy").toString()}, "N = 5 > M = 4");
        assertBad(new String[] {"prune", in.toString(), "--structure", "nm:2:4", "--rate", "0.9", "--out", tmp.resolve("a.npy").toString()},
                "fixes the rate at 0.5");
        assertBad(new String[] {"prune", in.toString(), "--structure", "node", "--out", tmp.resolve("a.npy").toString()}, "--rate: required");
        assertBad(new String[] {"prune", in.toString(), "--structure", "node", "--score", "snip", "--rate", "0.5", "--out", tmp.resolve("a.npy").toString()},
                "score: unknown 'snip'");
        assertBad(new String[] {"prune", in.toString(), "--structure", "node", "--rate", "0.5", "--out", tmp.resolve("a.csv").toString()},
                "--out", "unsupported extension");
        assertBad(new String[] {"prune", tmp.resolve("missing.npy").toString(), "--structure", "node", "--rate", "0.5", "--out", tmp.resolve("a.npy").toString()},
                "missing.npy");
        assertBad(new String[] {"prune", in.toString(), "--rate", "0.5", "--out", tmp.resolve("a.npy").toString()}, "--structure");
        assertThat(tmp.resolve("a.npy")).doesNotExist();
    }

    private void assertBad(String[] args, String... fragments) {
        err.getBuffer().setLength(0);
        int rc = run(args);
        assertThat(rc).isEqualTo(2);
        String e = err.toString().strip();
        assertThat(e).startsWith("prunebench: ").contains(fragments);
        assertThat(e.lines().count()).as(e).isEqualTo(1);
    }

    @Test
    void randomScoreIsReproducibleFromTheSeed() throws IOException {
        Path a = tmp.resolve("a.pbmask"), b = tmp.resolve("b.pbmask"), c = tmp.resolve("c.pbmask");
        for (Path[] pz : new Path[][] {{a, null}, {b, null}}) assertThat(run("prune", in.toString(), "--structure", "group:4", "--score", "random",
                "--seed", "7", "--rate", "0.5", "--out", pz[0].toString())).isZero();
        assertThat(run("prune", in.toString(), "--structure", "group:4", "--score", "random", "--seed", "8", "--rate", "0.5", "--out", c.toString())).isZero();
        assertThat(MaskFile.read(a)).isEqualTo(MaskFile.read(b)).isNotEqualTo(MaskFile.read(c));
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    }
}
