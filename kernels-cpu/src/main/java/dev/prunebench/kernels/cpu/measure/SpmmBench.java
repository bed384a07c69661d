package dev.prunebench.kernels.cpu.measure;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.patterns.Patterns;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One matrix, several formats and kernels, each compared interleaved with one dense baseline: the engine of
 * {@code prunebench spmm}. X is a seeded N(0, 1) K×N matrix; every kernel is verified against the double-precision
 * reference before it is timed.
 */
public final class SpmmBench {
    private SpmmBench() {}

    /**
     * One kernel on one format. Times in ms (median and 95 % interval); speedup over {@code baseline}; status "ok",
     * "failed: …" (verification) or "error: …" (the kernel refused the input).
     */
    public record Result(String format, String kernel, String backend, String baseline, double medianMs, double lowMs, double highMs,
                         double baselineMs, double speedup, double speedupLow, double speedupHigh, double gflops, double setupMs,
                         long nnz, double relError, String status) {}

    /**
     * @param w         the matrix as loaded (any format)
     * @param formats   formats to encode it in; a kernel runs on each format it supports
     * @param kernels   candidate kernels (dense ones included only if "dense" is among the formats)
     * @param baseline  the kernel every candidate is compared with: usually dense (W given as {@link Dense}); a sparse
     *                  one (e.g. {@code mkl-sparse-csr}) gets W as CSR, for "is this kernel faster than the library's
     *                  sparse routine" on the same matrix
     */
    public static List<Result> run(SparseFormat w, List<FormatSpec> formats, List<MatMul> kernels, MatMul baseline, int n, int threads,
                                   Budget budget, long seed, java.io.PrintWriter log) {
        if (n < 1) throw new IllegalArgumentException("n: must be >= 1, got " + n);
        if (!baseline.supports(FormatSpec.DENSE) && !baseline.supports(FormatSpec.CSR))
            throw new IllegalArgumentException("baseline " + baseline.id() + ": takes neither dense nor csr W");
        float[] x = Patterns.normalVector(Math.multiplyExact(w.cols(), n), seed);
        Dense dense = w instanceof Dense d ? d : new Dense(w.rows(), w.cols(), w.toDense());
        Csr csr = w instanceof Csr c ? c : Csr.fromDense(dense.data(), w.rows(), w.cols());
        long nnz = csr.nnz();
        float[] ref = Verification.reference(csr, x, n);
        List<Result> out = new ArrayList<>();
        try (MatMul.Prepared base = baseline.prepare(baseline.supports(FormatSpec.DENSE) ? dense : csr, x, n, threads)) {
            Verification bv = Verification.check(base, ref, w.cols());
            if (!bv.passed())
                throw new IllegalStateException("baseline " + baseline.id() + " fails verification: rel error " + bv.relError() + " > " + bv.tolerance());
            for (FormatSpec f : formats) {
                SparseFormat enc;
                try {
                    enc = f.kind() == FormatSpec.Kind.DENSE ? dense : f.kind() == FormatSpec.Kind.CSR ? csr : f.encode(dense.data(), w.rows(), w.cols());
                } catch (IllegalArgumentException e) {
                    out.add(new Result(f.toString(), "-", "-", baseline.id(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                            Double.NaN, Double.NaN, Double.NaN, Double.NaN, nnz, Double.NaN, "error: cannot encode: " + e.getMessage()));
                    continue;
                }
                for (MatMul k : kernels) {
                    if (!k.supports(f)) continue;
                    if (log != null) log.printf("  %s on %s …%n", k.id(), f);
                    long t0 = System.nanoTime();
                    try (MatMul.Prepared p = k.prepare(enc, x, n, threads)) {
                        double setup = (System.nanoTime() - t0) / 1e6;
                        Verification v = Verification.check(p, ref, w.cols());
                        if (!v.passed()) {
                            out.add(new Result(f.toString(), k.id(), k.backendId(), baseline.id(), Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, setup, nnz, v.relError(),
                                    String.format(Locale.ROOT, "failed: rel error %.3g > %.3g", v.relError(), v.tolerance())));
                            continue;
                        }
                        Comparison c = Interleaved.compare(p, base, budget);
                        double sec = c.candidate().median() / 1e9;
                        out.add(new Result(f.toString(), k.id(), k.backendId(), baseline.id(), c.candidate().median() / 1e6,
                                c.candidate().low() / 1e6, c.candidate().high() / 1e6, c.baseline().median() / 1e6, c.speedup().median(),
                                c.speedup().low(), c.speedup().high(), 2.0 * nnz * n / sec / 1e9, setup, nnz, v.relError(), "ok"));
                    } catch (IllegalArgumentException e) {
                        out.add(new Result(f.toString(), k.id(), k.backendId(), baseline.id(), Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                                Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, nnz, Double.NaN, "error: " + e.getMessage()));
                    }
                }
            }
        }
        return out;
    }

    /** A fixed-width text table of the results. */
    public static String table(List<Result> rs) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-10s %-18s %-10s %10s %-21s %10s %8s %8s %-21s %9s %s%n", "format", "kernel", "backend", "time ms",
                "95% CI ms", "base ms", "GFLOP/s", "setup ms", "speedup [95% CI]", "rel err", "status"));
        for (Result r : rs) {
            s.append(String.format(Locale.ROOT, "%-10s %-18s %-10s %10.4f %-21s %10.4f %8.2f %8.2f %-21s %9.2e %s%n", r.format(), r.kernel(), r.backend(),
                    r.medianMs(), String.format(Locale.ROOT, "[%.4f, %.4f]", r.lowMs(), r.highMs()), r.baselineMs(), r.gflops(), r.setupMs(),
                    String.format(Locale.ROOT, "%.2f× [%.2f, %.2f]", r.speedup(), r.speedupLow(), r.speedupHigh()), r.relError(), r.status()));
        }
        if (!rs.isEmpty()) s.append("speedup over ").append(rs.get(0).baseline())
                .append(" (base ms: its median in the same interleaved run), same matrix; GFLOP/s counts useful work 2·nnz·N\n");
        return s.toString();
    }
}
