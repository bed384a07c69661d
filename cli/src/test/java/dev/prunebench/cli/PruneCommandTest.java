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
import java.util.List;
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
        assertThat(out.toString()).contains("unit rate 0.900000 (108 of 120 groups removed)", "mask rate 0.900000", "output     sparsity 0.900000", "gcsr:8", "csr", "dense",
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
        assertThat(out.toString()).contains("mask rate 0.500000", "output     sparsity 0.500000", "nm:2:4");
        assertThat(MatrixFiles.read(o, 0).matrix().nnz()).isEqualTo(24 * 20);
    }

    /** An input already 90 % sparse (someone's own pruned weights): prune reports what info reports on the file it wrote. */
    @Test
    void pruneOnASparseInputReportsWhatInfoReportsOnItsOutput() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        float[] w = new float[128 * 128];
        for (int i = 0; i < w.length; i++) w[i] = r.nextDouble() < 0.1 ? (float) r.nextGaussian() : 0f;
        Path sparse = tmp.resolve("sparse.npy");
        MatrixFiles.write(sparse, new Dense(128, 128, w));
        for (String[] c : new String[][] {{"group:8", "0.9", "p.mtx", "weights"}, {"nm:2:4", null, "n.npy", "weights"}, {"group:8", "0.9", "q.npy", "pruned"},
                {"unstructured", "0.95", "u.mtx", "weights"}, {"unstructured", "0.5", "b.npy", "pruned"}}) {
            out.getBuffer().setLength(0);
            Path o = tmp.resolve(c[2]);
            List<String> args = new java.util.ArrayList<>(List.of("prune", sparse.toString(), "--structure", c[0], "--out", o.toString(), "--existing-zeros", c[3]));
            if (c[1] != null) args.addAll(List.of("--rate", c[1]));
            assertThat(run(args.toArray(String[]::new))).as(err.toString()).isZero();
            String pruned = out.toString();
            assertThat(pruned).contains("zeros      the input already has ").contains("--existing-zeros " + c[3]);
            out.getBuffer().setLength(0);
            assertThat(run("info", o.toString())).as(err.toString()).isZero();
            String info = out.toString();
            String sparsity = find(info, "sparsity  (\\S+)"), nnz = find(info, "nnz       (\\d+)");
            assertThat(pruned).as(String.join(" ", args)).contains("output     sparsity " + sparsity + ", nnz " + nnz);
            for (String f : List.of("coo", "csr", "gcsr:8")) {
                if (f.equals("gcsr:8") && !c[0].equals("group:8")) continue;
                // info: format, minimal bytes, share, fixed32 bytes, share, stored values; prune: format, stored values, minimal, fixed32
                java.util.regex.Matcher i = java.util.regex.Pattern.compile("(?m)^" + f + "\\s+(\\d+)\\s+\\S+\\s+(\\d+)\\s+\\S+\\s+(\\d+)$").matcher(info);
                assertThat(i.find()).as(f + " in " + info).isTrue();
                assertThat(pruned).as(f).containsPattern("(?m)^" + java.util.regex.Pattern.quote(f) + "\\s+" + i.group(3) + "\\s+" + i.group(1) + "\\s+" + i.group(2) + "$");
            }
        }
    }

    private static String find(String text, String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in " + text).isTrue();
        return m.group(1);
    }

    @Test
    void existingZerosPrunedMakesTheMaskRateTheOutputsSparsity() throws IOException {
        float[] w = new float[8 * 16];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < w.length; i++) w[i] = i % 3 == 0 ? 0f : (float) r.nextGaussian();
        Path sparse = tmp.resolve("z.npy");
        MatrixFiles.write(sparse, new Dense(8, 16, w));
        assertThat(run("prune", sparse.toString(), "--structure", "group:4", "--rate", "0.5", "--existing-zeros", "pruned", "--out", tmp.resolve("z.pbmask").toString()))
                .as(err.toString()).isZero();
        String o = out.toString();
        String mask = find(o, "mask rate ([0-9.]+)"), sparsity = find(o, "output     sparsity ([0-9.]+)");
        assertThat(mask).isEqualTo(sparsity);
        // a rate below what the zeros already remove: they all stay removed, nothing more goes, and the output's true sparsity is said
        out.getBuffer().setLength(0);
        Path y = tmp.resolve("y.npy");
        assertThat(run("prune", sparse.toString(), "--structure", "unstructured", "--rate", "0.1", "--out", y.toString())).as(err.toString()).isZero();
        String below = out.toString();
        assertThat(below).contains("--existing-zeros pruned (the default)").contains("below      the zeros of the input already remove 43 of 128 weights");
        assertThat(find(below, "output     sparsity ([0-9.]+)")).isEqualTo(String.format(java.util.Locale.ROOT, "%.6f", 43 / 128.0));
        float[] back = MatrixFiles.read(y, 1).matrix().toDense();
        for (int i = 0; i < w.length; i++) assertThat(back[i]).as("weight %d", i).isEqualTo(w[i]);
        assertBad(new String[] {"prune", sparse.toString(), "--structure", "unstructured", "--rate", "0.1", "--existing-zeros", "bogus", "--out", tmp.resolve("y.npy").toString()},
                "--existing-zeros: unknown 'bogus'");
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
