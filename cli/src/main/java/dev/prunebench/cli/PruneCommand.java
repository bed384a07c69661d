package dev.prunebench.cli;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.io.LoadedMatrix;
import dev.prunebench.core.io.MatrixFiles;
import dev.prunebench.core.prune.Layer;
import dev.prunebench.core.prune.Mask;
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

    @Option(names = "--existing-zeros", defaultValue = "pruned", paramLabel = "MODE",
            description = {"how weights that are already 0 in IN are taken when choosing what to remove:",
                    "pruned (default): as pruned already: a unit whose weights are all 0 counts as removed, and the mask removes every "
                            + "existing zero too, so the mask's rate is the output's sparsity; a --rate below what the zeros already "
                            + "remove keeps them all removed and removes nothing more (the output's true sparsity is printed);",
                    "weights: as weights of value 0: they score lowest and go first, and the rate counts every unit, zero or not"})
    String existingZeros;

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
        boolean zerosPruned = zerosPruned(existingZeros);
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
        long inputZeros = 0;
        for (float v : w) if (v == 0f) inputZeros++;
        Mask prior = zerosPruned && inputZeros > 0 ? Mask.ofNonZeros(w, m.rows(), m.cols()) : null;
        Layer layer = new Layer(in.getFileName().toString(), w, m.rows(), m.cols(), sc);
        double own = Pruner.priorRate(layer, s, prior);
        // the zeros already remove more units than asked: they all stay removed, and nothing more goes
        long units = s.units(m.rows(), m.cols());
        boolean below = Math.round(r * units) < Math.round(own * units);
        PruneResult res = Pruner.prune(layer, s, below ? own : r, prior);
        switch (outKind) {
            case ".npy" -> MatrixFiles.write(out, new Dense(m.rows(), m.cols(), res.mask().apply(w)));
            case ".mtx" -> MatrixFiles.write(out, res.mask().encode(w, FormatSpec.CSR));
            default -> MaskFile.write(out, res.mask());
        }
        if (maskOut != null) MaskFile.write(maskOut, res.mask());

        // what the written file holds, as info counts it on that file: its non-zeros (a kept weight that is 0 is no non-zero)
        float[] pruned = res.mask().apply(w);
        long nnz = 0;
        for (float v : pruned) if (v != 0f) nnz++;
        long elements2 = (long) m.rows() * m.cols();
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "input      %s: %dx%d %s, nnz %d%n", in, m.rows(), m.cols(), m.spec(), m.nnz());
        if (lm.note() != null) o.println("note       " + lm.note());
        if (inputZeros > 0)
            o.printf(Locale.ROOT, "zeros      the input already has %d zeros (sparsity %.6f); --existing-zeros %s: %s%n", inputZeros,
                    (double) inputZeros / elements2,
                    (zerosPruned ? "pruned" : "weights") + (spec.commandLine().getParseResult().hasMatchedOption("--existing-zeros") ? "" : " (the default)"),
                    zerosPruned ? "they count as pruned (a unit of zeros only is removed already)"
                            : "they are weights of value 0 (lowest scores, removed first; kept positions may hold zeros)");
        o.printf(Locale.ROOT, "pruned     %s by %s to rate %s%n", s.id(), sc.id(), r);
        if (below)
            o.printf(Locale.ROOT, "below      the zeros of the input already remove %d of %d %s (unit rate %.6f > --rate %s): all kept removed, "
                    + "nothing more removed; the output's sparsity is below%n", res.removedUnits(), res.units(), unitName(s), own, r);
        o.printf(Locale.ROOT, "mask       unit rate %.6f (%d of %d %s removed), mask rate %.6f (%d of %d positions removed, %d kept)%n",
                res.unitRate(), res.removedUnits(), res.units(), unitName(s), res.weightSparsity(), res.mask().removed(), elements2, res.mask().kept());
        o.printf(Locale.ROOT, "output     sparsity %.6f, nnz %d%s%n", 1.0 - (double) nnz / elements2, nnz,
                res.mask().kept() > nnz ? " (" + (res.mask().kept() - nnz) + " kept positions hold a zero" + (outKind.equals(".mtx") ? "; the .mtx stores them explicitly" : "") + ")" : "");
        if (!Double.isNaN(res.threshold()))
            o.printf(Locale.ROOT, "threshold  %.9g (%s; units below it removed, ties at it to the lower index)%n", res.threshold(), sc.id());
        o.printf(Locale.ROOT, "wrote      %s%s%n", out, maskOut == null ? "" : " and " + maskOut);
        printBytes(o, pruned, nnz, w, m.rows(), m.cols(), s, res, p, extra);
        o.flush();
        return 0;
    }

    /** {@code --existing-zeros}: whether zeros already in the input count as pruned. */
    private static boolean zerosPruned(String mode) {
        return switch (mode.strip().toLowerCase(Locale.ROOT)) {
            case "weights" -> false;
            case "pruned" -> true;
            default -> throw new IllegalArgumentException("--existing-zeros: unknown '" + mode + "' (expected weights or pruned)");
        };
    }

    /** The byte table of the output's non-zeros (what info prints on the written file), and the shrunk matrix of node pruning. */
    private static void printBytes(PrintWriter o, float[] pruned, long nnz, float[] w, int rows, int cols, Structure s, PruneResult res, Precision p,
                                   List<FormatSpec> extra) {
        // bytes of the output's non-zeros, the numbers info prints for the written file
        Mask nonZeros = Mask.ofNonZeros(pruned, rows, cols);
        o.printf(Locale.ROOT, "bytes of the output's %d non-zeros (what info reports on the written matrix)%n", nnz);
        o.printf(Locale.ROOT, "%-14s %14s %14s %14s   (%s values)%n", "format", "stored-values", "bytes-minimal", "bytes-fixed32", p.id());
        List<PrunedStorage.FormatBytes> sizes = new ArrayList<>(PrunedStorage.of(pruned, nonZeros, s instanceof Structure.Node ? Structure.parse("unstructured") : s, p, extra));
        if (s instanceof Structure.Node) // the rows removed: a property of the mask (a kept row may hold zeros)
            for (PrunedStorage.FormatBytes fb : PrunedStorage.of(w, res.mask(), s, p, List.of())) if (fb.format().equals("dense-shrunk")) sizes.add(fb);
        for (PrunedStorage.FormatBytes fb : sizes) {
            if (fb.skipped() != null) o.printf(Locale.ROOT, "%-14s skipped: %s%n", fb.format(), fb.skipped());
            else o.printf(Locale.ROOT, "%-14s %14d %14d %14d%n", fb.format(), fb.storedValues(), fb.minimal(), fb.fixed32());
        }
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
