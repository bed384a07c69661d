package dev.prunebench.cli;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.io.LoadedMatrix;
import dev.prunebench.core.io.MatrixFiles;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.core.storage.StorageCost;
import dev.prunebench.core.storage.StorageFormula;
import dev.prunebench.experiments.formats.Encoded;
import dev.prunebench.experiments.formats.FormatsStorage;
import dev.prunebench.experiments.formats.PrunedMatrices;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "storage", description = {
        "Exact bytes of each format for an R x C matrix at a sparsity: values, indices, pointers, metadata, total, and relative to dense.",
        "Measured by encoding a seeded random matrix pruned to exactly that sparsity (gcsr:G prunes whole groups); shapes over "
                + StorageCommand.ENCODE_LIMIT + " elements use the closed form, and say so."})
final class StorageCommand implements Callable<Integer> {
    /** Above this many elements the dense buffer (4 bytes each) gets too large to encode on a laptop. */
    static final long ENCODE_LIMIT = 1L << 26;

    @Spec CommandSpec spec;

    @Option(names = "--rows", description = "rows (output features); required unless --matrix") Integer rowsOption;
    @Option(names = "--cols", description = "columns (input features); required unless --matrix") Integer colsOption;
    @Option(names = "--matrix", paramLabel = "FILE", description = "bytes of this file's matrix (.npy, .mtx, .smtx) in each format, "
            + "precision and policy, counted on its non-zeros (as info and export count them) instead of a random matrix") Path matrix;
    int rows, cols;
    @Option(names = "--sparsity", description = "fraction of weights removed, in [0, 1] (gcsr:G: fraction of groups)") Double sparsity;
    @Option(names = "--break-even", description = "instead of bytes at one sparsity: the smallest sparsity at which each format is smaller than dense "
            + "(bisection on the closed form, confirmed by encoding matrices at that point and one unit denser)") boolean breakEven;
    @Option(names = "--format", split = ",", defaultValue = "coo,csr,gcsr:4,gcsr:8,gcsr:32,nm:2:4",
            description = "formats: coo, csr, gcsr:G, nm:N:M, dense; with --matrix also node (node-pruned dense: kept rows x kept columns and both index maps) (default: ${DEFAULT-VALUE})") List<String> formats;
    @Option(names = "--precision", split = ",", defaultValue = "fp32", description = "fp32, fp16, bf16, int8 (default: ${DEFAULT-VALUE})") List<String> precisions;
    @Option(names = "--policy", split = ",", defaultValue = "minimal,fixed32", description = "index widths: minimal, fixed32 (default: ${DEFAULT-VALUE})") List<String> policies;
    @Option(names = "--seed", defaultValue = "1", description = "seed of the random matrix (default: ${DEFAULT-VALUE})") long seed;
    @Option(names = "--closed-form", description = "use the closed form even for shapes small enough to encode") boolean closedForm;

    @Override public Integer call() throws IOException {
        if (matrix != null) return fileBytes();
        if (rowsOption == null) throw new IllegalArgumentException("--rows: required (or --matrix FILE)");
        if (colsOption == null) throw new IllegalArgumentException("--cols: required (or --matrix FILE)");
        rows = rowsOption;
        cols = colsOption;
        if (rows <= 0) throw new IllegalArgumentException("--rows: must be > 0, got " + rows);
        if (cols <= 0) throw new IllegalArgumentException("--cols: must be > 0, got " + cols);
        for (String f : formats)
            if (f.trim().equalsIgnoreCase(dev.prunebench.core.export.Encoding.NODE))
                throw new IllegalArgumentException("--format node: needs --matrix FILE (which rows and columns hold a non-zero is a property of a matrix, not of a sparsity)");
        List<FormatSpec> fs = formats.stream().map(FormatSpec::parse).toList();
        List<Precision> ps = precisions.stream().map(Precision::parse).toList();
        List<IndexPolicy> pols = policies.stream().map(IndexPolicy::parse).toList();
        long elements = (long) rows * cols;
        for (Precision p : ps) {
            try {
                StorageFormula.checkDenseFits(rows, cols, p);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--rows/--cols: " + e.getMessage());
            }
        }
        if (breakEven) {
            if (sparsity != null) throw new IllegalArgumentException("--sparsity: not used with --break-even");
            return breakEven(fs, ps, pols, elements);
        }
        if (sparsity == null) throw new IllegalArgumentException("--sparsity: required (or --break-even)");
        if (!(sparsity >= 0 && sparsity <= 1)) throw new IllegalArgumentException("--sparsity: must be in [0, 1], got " + sparsity);
        double sparsity = this.sparsity;
        boolean encode = !closedForm && elements <= ENCODE_LIMIT;
        // everything is computed before anything is printed: a shape refused half-way prints nothing
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        out.printf(Locale.ROOT, "%dx%d at sparsity %s: %s%n", rows, cols, fmt(sparsity), encode
                ? "bytes measured by encoding a random matrix pruned to exactly that sparsity (seed " + seed + ")"
                : "bytes from the closed form (StorageFormula)" + (closedForm ? "" : ", " + elements + " elements is too large to encode here"));
        out.printf(Locale.ROOT, "%-9s %-9s %-8s %8s %14s %14s %12s %12s %14s %9s%n",
                "format", "precision", "policy", "sparsity", "values", "indices", "pointers", "metadata", "total", "vs dense");
        float[] buf = encode ? new float[(int) elements] : null;
        for (FormatSpec f : fs) {
            long kept = PrunedMatrices.keptFor(f, rows, cols, sparsity);
            if (kept < 0) {
                out.printf(Locale.ROOT, "%-9s cannot hold sparsity %s: it keeps at most %d of every %d weights (sparsity >= %s)%n",
                        f, fmt(sparsity), f.n(), f.m(), fmt(PrunedMatrices.minSparsityNm(f, rows, cols)));
                continue;
            }
            Encoded e = encode && encodable(f) ? Encoded.atKept(f, rows, cols, sparsity, kept, seed, buf) : null;
            double actual = e != null ? e.matrix().sparsity()
                    : f.kind() == FormatSpec.Kind.GCSR ? Double.NaN : 1.0 - (double) kept / elements;
            for (Precision p : ps)
                for (IndexPolicy pol : pols) {
                    StorageCost c = e != null ? e.matrix().storage(p, pol)
                            : StorageFormula.of(f, rows, cols, f.kind() == FormatSpec.Kind.NM || f.kind() == FormatSpec.Kind.DENSE ? 0 : kept, p, pol);
                    long dense = elements * p.bytes();
                    out.printf(Locale.ROOT, "%-9s %-9s %-8s %8s %14d %14d %12d %12d %14d %8.2f%%%n",
                            f, p.id(), pol.id(), Double.isNaN(actual) ? "-" : String.format(Locale.ROOT, "%.4f", actual),
                            c.values(), c.indices(), c.pointers(), c.metadata(), c.total(), 100.0 * c.total() / dense);
                }
        }
        for (Precision p : ps) out.printf(Locale.ROOT, "dense %s: %d bytes%n", p.id(), elements * p.bytes());
        if (elements >= 1L << 32)
            out.println("note: past 2^32 stored entries a 4-byte pointer or index overflows; the widths above are IndexPolicy's (at most 4 bytes)");
        out.flush();
        spec.commandLine().getOut().print(text);
        return 0;
    }

    private int breakEven(List<FormatSpec> fs, List<Precision> ps, List<IndexPolicy> pols, long elements) {
        boolean encode = !closedForm && elements <= ENCODE_LIMIT;
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        out.printf(Locale.ROOT, "%dx%d: smallest sparsity at which each format takes fewer bytes than dense (bisection on the closed form%s)%n",
                rows, cols, encode ? "; confirmed by encoding random matrices at that point and one unit denser, seed " + seed : "; not encoded");
        out.printf(Locale.ROOT, "%-9s %-9s %-8s %12s %14s %14s %14s %8s  %s%n",
                "format", "precision", "policy", "break-even", "kept units", "bytes there", "dense bytes", "vs dense", "check");
        for (FormatSpec f : fs)
            for (Precision p : ps)
                for (IndexPolicy pol : pols) {
                    FormatsStorage.BreakEven b = FormatsStorage.breakEven(f, rows, cols, p, pol, seed, encode && encodable(f));
                    long bytes = b.encodedBytes() >= 0 ? b.encodedBytes() : b.formulaBytes();
                    String check = b.confirmation() + (b.note().isEmpty() ? "" : "; " + b.note());
                    // "never" has no break-even point, hence no bytes there
                    out.printf(Locale.ROOT, "%-9s %-9s %-8s %12s %14s %14s %14d %8s  %s%n", f, p.id(), pol.id(),
                            Double.isNaN(b.sparsity()) ? "never" : String.format(Locale.ROOT, "%.6f", b.sparsity()),
                            b.kept() < 0 ? "-" : b.kept() + "/" + b.units(), bytes < 0 ? "-" : Long.toString(bytes), b.denseBytes(),
                            bytes < 0 ? "-" : String.format(Locale.ROOT, "%.2f%%", 100.0 * bytes / b.denseBytes()),
                            encode && encodable(f) ? check : "closed form only");
                }
        out.println("gcsr:G break-even is the fraction of groups removed; nm:N:M has a fixed size, so its break-even is the lowest sparsity it holds.");
        out.flush();
        spec.commandLine().getOut().print(text);
        return 0;
    }

    /** The byte table of a user's matrix: every chosen format, precision and policy, on its non-zeros. */
    private int fileBytes() throws IOException {
        if (rowsOption != null || colsOption != null) throw new IllegalArgumentException("--rows/--cols: not used with --matrix (the file gives the shape)");
        if (sparsity != null || breakEven) throw new IllegalArgumentException("--sparsity/--break-even: not used with --matrix (the file gives the sparsity)");
        List<NonZeros.Sized> fs = formats.stream().map(f -> NonZeros.Sized.parse("--format", f)).toList();
        List<Precision> ps = precisions.stream().map(p -> ExportCommand.parse("--precision", () -> Precision.parse(p))).toList();
        List<IndexPolicy> pols = policies.stream().map(p -> ExportCommand.parse("--policy", () -> IndexPolicy.parse(p))).toList();
        LoadedMatrix m = MatrixFiles.read(matrix, seed);
        NonZeros nz = NonZeros.of(m.matrix());
        long elements = (long) nz.rows() * nz.cols();
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        if (m.note() != null) out.println("note: " + m.note());
        out.printf(Locale.ROOT, "%s: %dx%d, %d non-zeros (sparsity %.4f): bytes of this matrix encoded%n", matrix, nz.rows(), nz.cols(), nz.nnz(),
                1.0 - (double) nz.nnz() / elements);
        out.printf(Locale.ROOT, "%-9s %-9s %-8s %8s %14s %14s %12s %12s %14s %9s%n",
                "format", "precision", "policy", "sparsity", "values", "indices", "pointers", "metadata", "total", "vs dense");
        for (NonZeros.Sized f : fs) {
            String v = nz.violation(f);
            if (v != null) { out.printf(Locale.ROOT, "%-9s does not fit: %s%n", f, v); continue; }
            for (Precision p : ps)
                for (IndexPolicy pol : pols) {
                    StorageCost c = nz.storage(f, p, pol);
                    out.printf(Locale.ROOT, "%-9s %-9s %-8s %8.4f %14d %14d %12d %12d %14d %8.2f%%%n", f, p.id(), pol.id(),
                            1.0 - (double) nz.nnz() / elements, c.values(), c.indices(), c.pointers(), c.metadata(), c.total(),
                            100.0 * c.total() / (elements * p.bytes()));
                }
        }
        for (Precision p : ps) out.printf(Locale.ROOT, "dense %s: %d bytes%n", p.id(), elements * p.bytes());
        out.flush();
        spec.commandLine().getOut().print(text);
        return 0;
    }

    /** Whether the encoded arrays stay small: a group far wider than the matrix is mostly padding (gcsr:2147483647). */
    private boolean encodable(FormatSpec f) {
        return f.kind() != FormatSpec.Kind.GCSR || StorageFormula.units(f, rows, cols) <= ENCODE_LIMIT / f.g();
    }

    static String fmt(double d) {
        String s = String.format(Locale.ROOT, "%.4f", d);
        return s.replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }
}
