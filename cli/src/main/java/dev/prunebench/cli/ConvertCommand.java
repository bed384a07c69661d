package dev.prunebench.cli;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.io.LoadedMatrix;
import dev.prunebench.core.io.MatrixFiles;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.core.storage.StorageCost;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "convert", description = {
        "Read a matrix (.npy, .mtx, .smtx), encode it in a format to check that it fits (nm:2:4 names the first row and group that "
                + "violate it), and write it by OUT's extension (.npy dense float32, .mtx coordinate real general)."})
final class ConvertCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "input .npy, .mtx or .smtx") Path in;
    @Parameters(index = "1", paramLabel = "OUT", description = "output .npy or .mtx") Path out;
    @Option(names = "--format", defaultValue = "csr", description = "format the matrix must fit: dense, coo, csr, gcsr:G, nm:N:M (default: ${DEFAULT-VALUE})") String format;
    @Option(names = "--seed", defaultValue = "1", description = "seed for values of pattern-only inputs (default: ${DEFAULT-VALUE})") long seed;

    @Override public Integer call() throws Exception {
        FormatSpec f = FormatSpec.parse(format);
        MatrixFiles.Kind outKind = MatrixFiles.kind(out);
        if (outKind == MatrixFiles.Kind.SMTX) throw new IllegalArgumentException("OUT " + out + ": writing .smtx is not supported (it holds no values); use .mtx or .npy");
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize()))
            throw new IllegalArgumentException("OUT " + out + ": is the input file");
        Outputs.checkFile("OUT", out);
        LoadedMatrix m = MatrixFiles.read(in, seed);
        SparseFormat x = m.matrix();
        // checked on the non-zeros: a huge sparse input is never densified unless OUT is a dense .npy
        NonZeros nz = NonZeros.of(x);
        String violation = f.kind() == FormatSpec.Kind.NM ? nz.nmViolation(f) : null;
        if (violation != null) throw new IllegalArgumentException(in + " does not fit " + f + ": " + violation);
        StorageCost bytes;
        try {
            bytes = nz.storage(f, Precision.FP32, IndexPolicy.MINIMAL);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(in + " does not fit " + f + ": " + e.getMessage(), e);
        }
        if (outKind == MatrixFiles.Kind.NPY && !(x instanceof Dense)) NonZeros.checkDenseFits("OUT " + out, x.rows(), x.cols());
        // every format holds the same matrix exactly: what is written is that matrix (.npy dense, .mtx its non-zeros)
        MatrixFiles.write(out, outKind == MatrixFiles.Kind.NPY && x instanceof Dense ? x : nz.csr());
        PrintWriter o = spec.commandLine().getOut();
        if (m.note() != null) o.println("note: " + m.note());
        o.printf(Locale.ROOT, "%s (%dx%d, %d non-zeros) -> %s, checked as %s: %d bytes at fp32/minimal, %d stored values%n",
                in, x.rows(), x.cols(), nz.nnz(), out, f, bytes.total(), nz.storedValues(f));
        return 0;
    }
}
