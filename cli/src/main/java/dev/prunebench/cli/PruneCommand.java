package dev.prunebench.cli;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.io.LoadedMatrix;
import dev.prunebench.core.io.MatrixFiles;
import dev.prunebench.core.prune.Layer;
import dev.prunebench.core.prune.MaskFile;
import dev.prunebench.core.prune.PruneResult;
import dev.prunebench.core.prune.PrunedStorage;
import dev.prunebench.core.prune.Pruner;
import dev.prunebench.core.prune.Score;
import dev.prunebench.core.prune.Structure;
import dev.prunebench.core.storage.Precision;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code prunebench prune IN --structure S --score SC --rate R --out OUT}: prunes one matrix to an exact rate, writes
 * the pruned matrix (or its mask) and prints the achieved rates and the exact bytes per format.
 *
 * <p>A sparse input (.mtx, .smtx) is pruned as its dense matrix: absent entries are weights equal to 0 and are the
 * first to go.
 */
@Command(name = "prune", description = {
        "Prune a matrix to an exact rate; write the pruned matrix and print achieved rate, nnz and bytes per format.",
        "Units: unstructured = weights, group:G = G adjacent weights of a row at offsets that are multiples of G,",
        "node = rows; exactly round(rate x units) lowest-scoring units are removed, ties to the lower index.",
        "nm:N:M keeps the N largest of every M consecutive weights of a row: its rate is fixed at (M-N)/M,",
        "so --rate may be left out (or must equal it)."})
final class PruneCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "input matrix: .npy, .mtx or .smtx")
    Path in;

    @Option(names = "--structure", required = true, paramLabel = "S", description = "unstructured | group:G | nm:N:M | node")
    String structure;

    @Option(names = "--score", defaultValue = "rms", paramLabel = "SC",
            description = "magnitude|rms (default) | mean | max | median | l1 | l2 | random (per-unit, seeded by --seed)")
    String score;

    @Option(names = "--rate", paramLabel = "R", description = "fraction of units to remove, in [0, 1] (required except for nm:N:M)")
    Double rate;

    @Option(names = "--out", required = true, paramLabel = "OUT",
            description = "pruned matrix: .npy (dense float32) or .mtx (the kept entries, kept zeros included); or .pbmask for the mask")
    Path out;

    @Option(names = "--mask", paramLabel = "FILE", description = "also write the mask (.pbmask)")
    Path maskOut;

    @Option(names = "--format", split = ",", paramLabel = "FMT",
            description = "more formats to size, e.g. gcsr:8,nm:2:4 (dense, coo, csr and the structure's own format are always sized)")
    List<String> formats = new ArrayList<>();

    @Option(names = "--precision", defaultValue = "fp32", description = "value precision for byte counts: fp32 | fp16 | bf16 | int8 (default: ${DEFAULT-VALUE})")
    String precision;

    @Option(names = "--seed", defaultValue = "20260101", description = "seed for --score random and for values of pattern-only inputs (default: ${DEFAULT-VALUE})")
    long seed;

    @Override public Integer call() throws Exception {
        // check every argument before reading anything
        Structure s = Structure.parse(structure);
        Score sc = Score.parse(score, seed);
        Precision p = Precision.parse(precision);
        List<FormatSpec> extra = new ArrayList<>();
        for (String f : formats) extra.add(FormatSpec.parse(f));
        double r;
        if (rate == null) {
            if (!(s instanceof Structure.Nm nm)) throw new IllegalArgumentException("--rate: required for structure " + s.id());
            r = nm.rate();
        } else {
            r = rate;
            if (!(r >= 0 && r <= 1)) throw new IllegalArgumentException("--rate: must be in [0, 1], got " + rate);
        }
        String outKind = extension(out, "--out", ".npy", ".mtx", ".pbmask");
        if (maskOut != null) extension(maskOut, "--mask", ".pbmask");
        Outputs.checkFile("--out", out);
        if (maskOut != null) Outputs.checkFile("--mask", maskOut);
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize()))
            throw new IllegalArgumentException("--out " + out + ": is the input file");
        if (maskOut != null && maskOut.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize()))
            throw new IllegalArgumentException("--mask " + maskOut + ": is the same file as --out");

        LoadedMatrix lm = MatrixFiles.read(in, seed);
        SparseFormat m = lm.matrix();
        if (s instanceof Structure.Group grp && grp.g() > m.cols())
            throw new IllegalArgumentException("--structure " + s.id() + ": group size " + grp.g() + " is larger than the " + m.cols() + " columns of " + in);
        for (FormatSpec f : extra)
            if (f.kind() == FormatSpec.Kind.GCSR && f.g() > m.cols())
                throw new IllegalArgumentException("--format " + f + ": group size " + f.g() + " is larger than the " + m.cols() + " columns of " + in);
        // pruning ranks every weight: the dense matrix, its scores and the pruned copy must fit (a huge sparse file is refused here)
        long elements = (long) m.rows() * m.cols();
        Memory.check("IN " + in + ": pruning a " + m.rows() + "x" + m.cols() + " matrix (dense float32, scores, mask and pruned copy)",
                elements > Long.MAX_VALUE / 16 ? -1 : 13 * elements, elements);
        float[] w = m.toDense();
        PruneResult res = Pruner.prune(new Layer(in.getFileName().toString(), w, m.rows(), m.cols(), sc), s, r);

        switch (outKind) {
            case ".npy" -> MatrixFiles.write(out, new Dense(m.rows(), m.cols(), res.mask().apply(w)));
            case ".mtx" -> MatrixFiles.write(out, res.mask().encode(w, FormatSpec.CSR));
            default -> MaskFile.write(out, res.mask());
        }
        if (maskOut != null) MaskFile.write(maskOut, res.mask());

        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "input      %s: %dx%d %s, nnz %d%n", in, m.rows(), m.cols(), m.spec(), m.nnz());
        if (lm.note() != null) o.println("note       " + lm.note());
        o.printf(Locale.ROOT, "pruned     %s by %s to rate %s%n", s.id(), sc.id(), r);
        long nnz = 0;
        float[] pruned = res.mask().apply(w);
        for (float v : pruned) if (v != 0f) nnz++;
        o.printf(Locale.ROOT, "achieved   unit rate %.6f (%d of %d %s removed), weight sparsity %.6f, kept %d weights, nnz %d%n",
                res.unitRate(), res.removedUnits(), res.units(), unitName(s), res.weightSparsity(), res.mask().kept(), nnz);
        if (!Double.isNaN(res.threshold()))
            o.printf(Locale.ROOT, "threshold  %.9g (%s; units below it removed, ties at it to the lower index)%n", res.threshold(), sc.id());
        o.printf(Locale.ROOT, "wrote      %s%s%n", out, maskOut == null ? "" : " and " + maskOut);
        o.printf(Locale.ROOT, "%-14s %14s %14s %14s   (%s values)%n", "format", "stored-values", "bytes-minimal", "bytes-fixed32", p.id());
        for (PrunedStorage.FormatBytes fb : PrunedStorage.of(w, res.mask(), s, p, extra)) {
            if (fb.skipped() != null) o.printf(Locale.ROOT, "%-14s skipped: %s%n", fb.format(), fb.skipped());
            else o.printf(Locale.ROOT, "%-14s %14d %14d %14d%n", fb.format(), fb.storedValues(), fb.minimal(), fb.fixed32());
        }
        o.flush();
        return 0;
    }

    private static String unitName(Structure s) {
        return switch (s) {
            case Structure.Unstructured u -> "weights";
            case Structure.Group g -> "groups";
            case Structure.Nm nm -> "weights";
            case Structure.Node n -> "nodes";
        };
    }

    private static String extension(Path file, String option, String... allowed) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String a : allowed) if (name.endsWith(a)) return a;
        throw new IllegalArgumentException(option + ": '" + file + "' has an unsupported extension (expected " + String.join(", ", allowed) + ")");
    }
}
