package dev.prunebench.measure;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One matrix, several formats and kernels, each timed in the same interleaved rounds as its baselines ({@link Bench}):
 * the engine of {@code prunebench spmm}. X is a seeded N(0, 1) K×N matrix; every kernel is verified against the
 * double-precision reference before it is timed. Baselines: every dense kernel of the candidate's platform (the
 * speedup is over the fastest of them, and over each), or the baselines the caller names (a sparse one such as
 * {@code mkl-sparse-csr} gets W as CSR).
 */
public final class SpmmBench {
    private SpmmBench() {}

    /**
     * One kernel on one format. Times in ms (median and 95 % interval); speedup over {@code baseline} (the fastest of
     * the baselines at this point); {@code over}: speedup over each baseline; status "ok", "failed: …" (verification)
     * or "error: …" (the kernel refused the input); {@code isBaseline} for the baselines' own rows; {@code control} the
     * A/A control of its rounds (null when none); {@code coherent} whether the ratio of the median times lies inside the
     * speedup interval; {@code counts} the exact counts of a counted kernel (emulator or hardware model: its times are
     * NaN and its speedup is the exact ratio of the cost count), null for a timed one.
     */
    public record Result(String format, String kernel, String backend, String provenance, boolean isBaseline, String baseline, double medianMs,
                         double lowMs, double highMs, double baselineMs, double speedup, double speedupLow, double speedupHigh,
                         Map<String, Double> over, double gflops, double setupMs, long nnz, double relError, String status, String variant,
                         Bench.Control control, boolean coherent, MatMul.Counts counts) {
        public boolean unstable() { return control != null && !control.stable(); }

        /** Counted on an emulator or computed by a model, never timed. */
        public boolean counted() { return counts != null; }

        /** A count by name, or -1 when this row has no such count. */
        public long count(String name) {
            Long v = counts == null ? null : counts.values().get(name);
            return v == null ? -1 : v;
        }
    }

    /**
     * @param reg       the registry the kernels come from (their backends and platforms)
     * @param w         the matrix as loaded (any format)
     * @param formats   formats to encode it in; each candidate runs on each format it takes at this N
     * @param kernels   candidate kernels (already filtered to those that apply to at least one format)
     * @param baselines the baselines, or null for every dense kernel of each candidate's platform
     */
    public static List<Result> run(KernelRegistry reg, SparseFormat w, List<FormatSpec> formats, List<MatMul> kernels, List<MatMul> baselines,
                                   int n, int threads, Budget budget, long seed, PrintStream log) {
        if (n < 1) throw new IllegalArgumentException("n: must be >= 1, got " + n);
        float[] x = Patterns.normalVector(Math.multiplyExact(w.cols(), n), seed);
        Dense dense = w instanceof Dense d ? d : new Dense(w.rows(), w.cols(), w.toDense());
        Csr csr = w instanceof Csr c ? c : Csr.fromDense(dense.data(), w.rows(), w.cols());
        long nnz = csr.nnz();
        float[] ref = Verification.reference(csr, x, n);
        Map<FormatSpec, SparseFormat> encoded = new LinkedHashMap<>();
        for (FormatSpec f : formats) {
            try {
                encoded.put(f, f.kind() == FormatSpec.Kind.DENSE ? dense : f.kind() == FormatSpec.Kind.CSR ? csr : f.encode(dense.data(), w.rows(), w.cols()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("format " + f + " cannot hold this W: " + e.getMessage(), e);
            }
        }
        List<Bench.Entry> base = new ArrayList<>();
        List<MatMul> bks = baselines;
        if (bks == null) {
            bks = new ArrayList<>();
            for (MatMul k : kernels)
                for (MatMul d : reg.denseBaselines(reg.backendOf(k).platform(), n)) if (!bks.contains(d)) bks.add(d);
        }
        for (MatMul b : bks) base.add(new Bench.Entry(b, reg.backendOf(b), b.supports(FormatSpec.DENSE) ? dense : csr));
        List<Bench.Entry> cands = new ArrayList<>();
        for (var e : encoded.entrySet())
            for (MatMul k : kernels) {
                if (k.refuses(e.getKey(), n) != null) continue;
                // a dense kernel that is also a baseline is timed once, as the baseline
                if (e.getKey().kind() == FormatSpec.Kind.DENSE && bks.contains(k)) continue;
                cands.add(new Bench.Entry(k, reg.backendOf(k), e.getValue()));
            }
        List<Result> out = new ArrayList<>();
        for (Bench.Outcome o : Bench.run(cands, base, x, n, threads, budget, ref, w.cols(), log)) {
            double med = o.time() == null ? Double.NaN : o.time().median() / 1e6;
            Map<String, Double> over = new LinkedHashMap<>();
            for (var s : o.speedupOver().entrySet()) over.put(s.getKey(), s.getValue().interval().median());
            double baseMs = Double.NaN;
            Stats.Interval sp = o.speedup();
            if (sp != null && o.time() != null) baseMs = o.timeRatio() == null ? med * sp.median() : med * o.timeRatio().median();
            out.add(new Result(o.entry().format(), o.kernelId(), o.entry().backend().id(), o.provenance(), o.dense(),
                    o.fastestDense() == null ? "-" : o.fastestDense(), med, o.time() == null ? Double.NaN : o.time().low() / 1e6,
                    o.time() == null ? Double.NaN : o.time().high() / 1e6, baseMs, sp == null ? Double.NaN : sp.median(),
                    sp == null ? Double.NaN : sp.low(), sp == null ? Double.NaN : sp.high(), over,
                    Double.isNaN(med) ? Double.NaN : 2.0 * nnz * n / (med / 1e3) / 1e9, o.setupMs(), nnz,
                    o.verification() == null ? Double.NaN : o.verification().relError(), o.status(), o.variant(), o.control(), o.coherent(), o.counts()));
        }
        return out;
    }

    /** A fixed-width text table of the results: the timed rows, then the counted ones ({@link #countedTable}). */
    public static String table(List<Result> all) {
        StringBuilder s = new StringBuilder();
        List<Result> rs = all.stream().filter(r -> !r.counted()).toList();
        List<Result> counted = all.stream().filter(Result::counted).toList();
        if (!rs.isEmpty()) timedTable(s, rs);
        if (!counted.isEmpty()) {
            if (!rs.isEmpty()) s.append('\n');
            countedTable(s, counted);
        }
        return s.toString();
    }

    /**
     * The counted rows: emulated (QEMU: instructions, an estimate of cycles, the layer's flash) or modelled (the GPU
     * memory-access model: DRAM bytes, modelled time); the speedup is the exact ratio of the cost count (instructions,
     * modelled time) over the dense kernel of the platform with the lowest one. No time is printed: nothing was timed.
     */
    static void countedTable(StringBuilder s, List<Result> rs) {
        s.append(String.format(Locale.ROOT, "%-10s %-18s %-10s %-9s %-9s %13s %13s %11s %13s %13s %-9s %-16s %9s %s%n", "format", "kernel", "backend", "role",
                "counted", "instructions", "est. cycles", "flash B", "DRAM B", "model time us", "speedup", "over", "rel err", "status"));
        for (Result r : rs)
            s.append(String.format(Locale.ROOT, "%-10s %-18s %-10s %-9s %-9s %13s %13s %11s %13s %13s %-9s %-16s %9.2e %s%n", r.format(), r.kernel(), r.backend(),
                    r.isBaseline() ? "baseline" : "candidate", r.provenance(), countText(r, "instructions"), countText(r, "cycles_estimated"),
                    countText(r, "flash_bytes"), countText(r, "dram_bytes"), r.count("est_time_ps") < 0 ? "-" : String.format(Locale.ROOT, "%.3f", r.count("est_time_ps") / 1e6),
                    Double.isNaN(r.speedup()) ? "-" : String.format(Locale.ROOT, "%.3f×", r.speedup()), r.baseline(), r.relError(),
                    r.status() + (r.variant().isEmpty() ? "" : "; ran " + r.variant())));
        s.append("counted rows: exact counts of one run, not times; 'emulated' = counted under QEMU (-icount: instructions; cycles are an estimate),\n");
        s.append("'modelled' = computed by the GPU memory-access model (time from its roofline); no load or noise enters them;\n");
        s.append("speedup = the cost count (instructions; modelled time) of the platform's cheapest dense kernel ('over') / the row's own\n");
    }

    private static String countText(Result r, String name) {
        long v = r.count(name);
        return v < 0 ? "-" : Long.toString(v);
    }

    private static void timedTable(StringBuilder s, List<Result> rs) {
        s.append(String.format(Locale.ROOT, "%-10s %-18s %-10s %-9s %10s %-21s %8s %8s %-21s %-16s %9s %s%n", "format", "kernel", "backend", "role",
                "time ms", "95% CI ms", "GFLOP/s", "setup ms", "speedup [95% CI]", "over", "rel err", "status"));
        for (Result r : rs) {
            s.append(String.format(Locale.ROOT, "%-10s %-18s %-10s %-9s %10.4f %-21s %8.2f %8.2f %-21s %-16s %9.2e %s%n", r.format(), r.kernel(), r.backend(),
                    r.isBaseline() ? "baseline" : "candidate", r.medianMs(), String.format(Locale.ROOT, "[%.4f, %.4f]", r.lowMs(), r.highMs()), r.gflops(),
                    r.setupMs(), String.format(Locale.ROOT, "%.2f× [%.2f, %.2f]%s", r.speedup(), r.speedupLow(), r.speedupHigh(), r.coherent() ? "" : "†"), r.baseline(),
                    r.relError(), r.status() + (r.unstable() ? " UNSTABLE" : "") + (r.provenance().equals("measured") ? "" : " (" + r.provenance() + ")")
                            + (r.variant().isEmpty() ? "" : "; ran " + r.variant())));
        }
        if (!rs.isEmpty()) {
            s.append("speedup over the fastest baseline of each row's platform, measured in the same interleaved rounds (column 'over');\n");
            s.append("over each baseline:\n");
            for (Result r : rs) {
                if (r.over().isEmpty()) continue;
                s.append(String.format(Locale.ROOT, "  %-10s %-18s", r.format(), r.kernel()));
                for (var e : r.over().entrySet()) s.append(String.format(Locale.ROOT, "  %s %.2f×", e.getKey(), e.getValue()));
                s.append('\n');
            }
            s.append("GFLOP/s counts useful work 2·nnz·N (for a dense kernel too, so it compares with the sparse rows)\n");
            Set<String> seen = new LinkedHashSet<>();
            for (Result r : rs) if (r.control() != null) seen.add(r.control().describe());
            for (String c : seen) s.append(c).append(" (control: the baseline timed twice in the same rounds)\n");
            for (Result r : rs)
                if (r.isBaseline() && !r.kernel().equals(r.baseline()) && r.speedupHigh() >= 1)
                    s.append(String.format(Locale.ROOT, "the fastest baseline %s is not separated from %s (%s over it: %.2f× [%.2f, %.2f]): either is \"the fastest\"%n",
                            r.baseline(), r.kernel(), r.kernel(), r.speedup(), r.speedupLow(), r.speedupHigh()));
            if (rs.stream().anyMatch(Result::unstable))
                s.append("UNSTABLE: the A/A control's interval excludes 1, so the machine moved more than the intervals admit: these speedups decide nothing\n");
            if (rs.stream().anyMatch(r -> !r.coherent()))
                s.append("†: the times' ratio, within their intervals, misses the speedup interval (median of per-round ratios): the machine drifted during the rounds\n");
        }
    }
}
