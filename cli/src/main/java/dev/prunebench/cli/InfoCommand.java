package dev.prunebench.cli;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.io.LoadedMatrix;
import dev.prunebench.core.io.MatrixFiles;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.core.storage.StorageCost;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "info", description = "Shape, non-zeros, sparsity, row-length statistics, empty rows, bytes per format (fp32, minimal and fixed32 "
        + "indices, counted on the matrix's non-zeros: never densified) and whether it satisfies N:M, for a .npy, .mtx or .smtx file.")
final class InfoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = ".npy, .mtx or .smtx") Path file;
    @Option(names = "--seed", defaultValue = "1", description = "seed for values of pattern-only files (default: ${DEFAULT-VALUE})") long seed;
    @Option(names = "--precision", split = ",", defaultValue = "fp32", description = "value precisions of the byte table: fp32, fp16, bf16, int8 (default: ${DEFAULT-VALUE})") List<String> precisions;
    @Option(names = "--format", split = ",", description = "formats of the byte table: dense, coo, csr, gcsr:G, nm:N:M, node (node-pruned dense: kept rows x kept columns and both index maps; default: dense, coo, csr, gcsr:4/8/16/32 and the N:M it fits)") List<String> formats;

    static final List<FormatSpec> FORMATS = List.of(FormatSpec.DENSE, FormatSpec.COO, FormatSpec.CSR,
            FormatSpec.grouped(4), FormatSpec.grouped(8), FormatSpec.grouped(16), FormatSpec.grouped(32));
    static final List<FormatSpec> NM = List.of(FormatSpec.nm(2, 4), FormatSpec.nm(1, 4), FormatSpec.nm(4, 8));

    @Override public Integer call() throws Exception {
        List<Precision> ps = precisions.stream().map(p -> ExportCommand.parse("--precision", () -> Precision.parse(p))).toList();
        List<NonZeros.Sized> chosen = formats == null ? null : formats.stream().map(f -> NonZeros.Sized.parse("--format", f)).toList();
        LoadedMatrix m = MatrixFiles.read(file, seed);
        SparseFormat x = m.matrix();
        int rows = x.rows(), cols = x.cols();
        NonZeros nz = NonZeros.of(x); // never the dense form: a huge sparse file stays small
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "file      %s (read as %s)%n", file, x.spec());
        if (m.note() != null) o.println("note      " + m.note());
        long nnz = nz.nnz();
        int[] len = new int[rows];
        for (int r = 0; r < rows; r++) len[r] = nz.rowLength(r);
        o.printf(Locale.ROOT, "shape     %d x %d (%d elements)%n", rows, cols, (long) rows * cols);
        o.printf(Locale.ROOT, "nnz       %d (stored in file: %d)%n", nnz, x.storedValues());
        o.printf(Locale.ROOT, "sparsity  %.6f%n", 1.0 - (double) nnz / ((double) rows * cols));
        int[] sorted = len.clone();
        Arrays.sort(sorted);
        double mean = (double) nnz / rows, var = 0;
        for (int l : len) var += (l - mean) * (l - mean);
        double median = rows % 2 == 1 ? sorted[rows / 2] : (sorted[rows / 2 - 1] + sorted[rows / 2]) / 2.0;
        long empty = Arrays.stream(len).filter(l -> l == 0).count();
        o.printf(Locale.ROOT, "row nnz   min %d, median %s, mean %.3f, max %d, stddev %.3f (population)%n",
                sorted[0], StorageCommand.fmt(median), mean, sorted[rows - 1], Math.sqrt(var / rows));
        o.printf(Locale.ROOT, "empty     %d of %d rows%n", empty, rows);
        for (FormatSpec f : NM) {
            String violation = nz.nmViolation(f);
            if (violation == null) o.printf(Locale.ROOT, "%-9s yes%n", f);
            else o.printf(Locale.ROOT, "%-9s no: %s%n", f, violation);
        }
        for (Precision p : ps) {
        long dense = (long) rows * cols * p.bytes();
        o.printf(Locale.ROOT, "%nbytes at %s (this matrix, encoded)%n%-9s %14s %9s %14s %9s %14s%n", p.id(), "format", "minimal", "vs dense", "fixed32", "vs dense", "stored values");
        for (NonZeros.Sized f : chosen == null ? FORMATS.stream().map(d -> new NonZeros.Sized(d.toString(), d)).toList() : chosen) {
            if (nz.violation(f) != null) { o.printf(Locale.ROOT, "%-9s does not fit: %s%n", f, nz.violation(f)); continue; }
            StorageCost a = nz.storage(f, p, IndexPolicy.MINIMAL), b = nz.storage(f, p, IndexPolicy.FIXED32);
            o.printf(Locale.ROOT, "%-9s %14d %8.2f%% %14d %8.2f%% %14d%n", f, a.total(), 100.0 * a.total() / dense, b.total(), 100.0 * b.total() / dense, nz.storedValues(f));
        }
        if (chosen != null) continue;
        for (FormatSpec f : NM) {
            if (nz.nmViolation(f) != null) continue; // already reported above
            StorageCost a = nz.storage(f, p, IndexPolicy.MINIMAL);
            o.printf(Locale.ROOT, "%-9s %14d %8.2f%% %14d %8.2f%% %14d%n", f, a.total(), 100.0 * a.total() / dense, a.total(), 100.0 * a.total() / dense, nz.storedValues(f));
        }
        }
        return 0;
    }
}
