package dev.prunebench.kernels.cpu.bench;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.env.Load;
import dev.prunebench.core.env.Machine;
import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.kernels.cpu.Peak;
import dev.prunebench.kernels.cpu.vector.VectorKernels;
import dev.prunebench.measure.Bench;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Interleaved;
import dev.prunebench.measure.Patterns;
import dev.prunebench.measure.Stats;
import dev.prunebench.measure.Verification;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The CPU kernel targets of issue 27 that concern csr-vector, remeasured in one JVM ({@code scripts/perf-cpu.sh}):
 * the fp32 peak (FMA microbenchmark, with the table-based {@link Peak} beside it), then two points, each one group of
 * interleaved rounds ({@link Bench}: verification first, the A/A control of a baseline timed twice, medians with
 * bootstrap 95 % intervals): SpMM 4096×4096 · 4096×50 at 90 % uniform and SpMV (N = 1) at 4096², 90 %, one thread,
 * fp32. Candidate {@code csr-vector}; baselines MKL {@code mkl-sparse-csr} (sparse: {@code mkl_sparse_s_mm} /
 * {@code _mv}), MKL {@code mkl-sgemm} / {@code mkl-sgemv} and our {@code dense-vector} (dense). For each point it
 * prints the speedup over each baseline, the useful flops (2·nnz·N) as a fraction of both peaks, and the cycles per
 * non-zero against the FMA and L2 bounds, the clock being the one the measured FMA peak implies.
 *
 * <p>Usage: {@code PerfCpu [repeats] [min-sample-ms] [wall|cpu]} (defaults 15, 20, wall). {@code cpu} times every sample
 * (and the peak) with the calling thread's CPU time instead of the wall clock: on a machine shared with other work
 * it leaves out the time the thread waited descheduled (not what the others do to the caches); one thread only.
 */
public final class PerfCpu {
    private PerfCpu() {}

    static final int SIZE = 4096, N_SPMM = 50;
    static final double RATE = 0.90;
    static final double TARGET_SPMM = 2.5, TARGET_PEAK = 0.30, TARGET_SPMV = 1.2;

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        double minMs = args.length > 1 ? Double.parseDouble(args[1]) : 20;
        boolean cpu = args.length > 2 && args[2].equals("cpu");
        if (args.length > 2 && !cpu && !args[2].equals("wall")) throw new IllegalArgumentException("clock: wall or cpu, got '" + args[2] + "'");
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        LongSupplier clockNs = cpu ? threads::getCurrentThreadCpuTime : System::nanoTime;
        Interleaved timer = new Interleaved(clockNs);
        PrintStream out = System.out;
        Load.Snapshot before = Load.snapshot();
        Machine.Clock clock = Machine.nominalClock();
        VectorKernels.MeasuredPeak peak = VectorKernels.measurePeak(40, 5, clockNs);
        double table = Peak.gflops(clock);
        double ghz = peak.gflops() / (2.0 * Peak.lanes() * Peak.fmaPorts());
        out.printf(Locale.ROOT, "clock: %s%n", cpu ? "the timing thread's CPU time (descheduled time left out)" : "wall (System.nanoTime)");
        out.printf(Locale.ROOT, "CPU: %s; %s; %d cores%n", Machine.cpuInfo(java.nio.file.Path.of("/proc/cpuinfo")).getOrDefault("model name", "?"),
                Machine.vectorSpecies(), Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "fp32 peak, measured: %s%n", peak.describe());
        out.printf(Locale.ROOT, "fp32 peak, table:    %s (measured / table = %.2f)%n", Peak.describe(clock), peak.gflops() / table);
        out.printf(Locale.ROOT, "clock the measured peak implies: %.2f GHz (measured peak / (%d lanes × %d FMA port(s) × 2)); cycles below use it%n",
                ghz, Peak.lanes(), Peak.fmaPorts());
        Budget budget = new Budget(3, repeats, Math.round(minMs * 1e6), 2000, 20260101L, 400_000_000L);
        Dense w = Patterns.uniform(SIZE, SIZE, RATE, 20260101L);
        Csr csr = Csr.fromDense(w.data(), SIZE, SIZE);
        Point mm = point(out, w, csr, N_SPMM, List.of("mkl-sparse-csr", "mkl-sgemm", "dense-vector"), budget, timer);
        Point mv = point(out, w, csr, 1, List.of("mkl-sparse-csr", "mkl-sgemv", "dense-vector"), budget, timer);
        out.println();
        out.println("| what | measured | target | met |");
        out.println("|---|---|---|---|");
        row(out, "csr-vector 4096²·50, 90 % uniform, over MKL `mkl_sparse_s_mm`", mm, TARGET_SPMM);
        double frac = mm.gflops() / peak.gflops();
        out.printf(Locale.ROOT, "| same, useful flops (2·nnz·N) / measured fp32 peak | %.1f %% (%.1f GFLOP/s of %.1f; table peak: %.1f %%) | ≥ %.0f %% | %s |%n",
                100 * frac, mm.gflops(), peak.gflops(), 100 * mm.gflops() / table, 100 * TARGET_PEAK,
                mm.cand().unstable() ? "undecided (A/A failed)" : frac >= TARGET_PEAK ? "yes" : "no");
        row(out, "SpMV (N = 1) 4096², 90 %, over MKL `mkl_sparse_s_mv`", mv, TARGET_SPMV);
        out.println();
        bounds(out, mm, mv, peak, ghz, csr.nnz());
        Load.Report load = Load.since(before);
        out.printf(Locale.ROOT, "load: average %.2f before, %.2f after; other processes %.2f of %d cores; steal %.1f %%%s%n",
                load.before().load1(), load.after().load1(), load.othersCores(), load.cores(), 100 * load.stealFraction(),
                load.warning() == null ? "" : " — " + load.warning());
    }

    /** One point's outcome for csr-vector, with the intervals over each baseline. */
    record Point(int n, Bench.Outcome cand, List<Bench.Outcome> all) {
        Stats.Interval over(String baseline) { return cand.speedupOver().get(baseline).interval(); }

        double gflops() { return 2.0 * cand.entry().w().nnz() * n / cand.time().median(); }

        double nsPerNnz() { return cand.time().median() / cand.entry().w().nnz(); }
    }

    private static Point point(PrintStream out, Dense w, Csr csr, int n, List<String> baselines, Budget budget, Interleaved timer) {
        KernelRegistry reg = CpuBackends.registry();
        float[] x = Patterns.normalVector(Math.multiplyExact(SIZE, n), 20260102L);
        float[] ref = Verification.reference(csr, x, n);
        List<Bench.Entry> base = new ArrayList<>();
        for (String id : baselines) {
            MatMul k = reg.require(id);
            base.add(new Bench.Entry(k, reg.backendOf(k), k.supports(w.spec()) ? w : csr));
        }
        MatMul cand = reg.require("csr-vector");
        out.printf(Locale.ROOT, "%npoint: W %d×%d, %.0f %% uniform (nnz %d), X %d×%d, 1 thread, fp32; baselines: sparse mkl-sparse-csr, dense %s%n",
                SIZE, SIZE, 100 * RATE, csr.nnz(), SIZE, n, String.join(", ", baselines.subList(1, baselines.size())));
        List<Bench.Outcome> os = Bench.run(List.of(new Bench.Entry(cand, reg.backendOf(cand), csr)), base, x, n, 1, budget, ref, SIZE, out, timer);
        Bench.Outcome c = null;
        for (Bench.Outcome o : os) {
            if (!o.ok()) throw new IllegalStateException(o.kernelId() + ": " + o.status());
            out.printf(Locale.ROOT, "  %-15s %9.4f ms [%.4f, %.4f]  %6.1f GFLOP/s%s%n", o.kernelId(), o.time().median() / 1e6, o.time().low() / 1e6,
                    o.time().high() / 1e6, 2.0 * csr.nnz() * n / o.time().median(), o.variant().isEmpty() ? "" : "  (ran " + o.variant() + ")");
            if (o.kernelId().equals("csr-vector")) c = o;
        }
        Point p = new Point(n, c, os);
        for (String id : baselines) {
            Stats.Interval s = p.over(id);
            out.printf(Locale.ROOT, "  csr-vector over %-15s %.2f× [%.2f, %.2f]%n", id, s.median(), s.low(), s.high());
        }
        if (c.unstable()) out.println("  the A/A control failed: these speedups decide nothing");
        return p;
    }

    /** A speedup row over MKL's sparse BLAS: met when the median reaches the target ("median only" when its interval does not). */
    private static void row(PrintStream out, String what, Point p, double target) {
        Stats.Interval s = p.over("mkl-sparse-csr");
        String met = p.cand().unstable() ? "undecided (A/A failed)" : s.median() >= target ? (s.low() >= target ? "yes" : "median only") : "no";
        out.printf(Locale.ROOT, "| %s | %.2f× [%.2f, %.2f] | ≥ %.1f× | %s |%n", what, s.median(), s.low(), s.high(), target, met);
    }

    /**
     * Cycles per non-zero of csr-vector against two bounds of this core: the FMA bound (vector FMAs a non-zero needs,
     * padded N / lanes, over the FMA ports) and the L2 bound (bytes of X a non-zero reads, one padded row, over the
     * measured L2 read bandwidth per cycle).
     */
    private static void bounds(PrintStream out, Point mm, Point mv, VectorKernels.MeasuredPeak peak, double ghz, long nnz) {
        int lanes = Peak.lanes(), ports = Peak.fmaPorts();
        int padded = Math.ceilDiv(N_SPMM, lanes) * lanes;
        double fma = (double) padded / lanes / ports, l2 = padded * 4.0 / (peak.l2BytesPerNs() / ghz);
        out.printf(Locale.ROOT, "SpMM: %.2f cycles per non-zero (%.3f ns); FMA bound %.2f (%d vector FMAs / %d port(s)), L2 bound %.2f (%d B of X at %.1f B/cycle): %.1f× the larger%n",
                mm.nsPerNnz() * ghz, mm.nsPerNnz(), fma, padded / lanes, ports, l2, padded * 4, peak.l2BytesPerNs() / ghz, mm.nsPerNnz() * ghz / Math.max(fma, l2));
        double fmaMv = 1.0 / lanes / ports, gather = ghz / peak.gatherPerNs();
        out.printf(Locale.ROOT, "SpMV: %.2f cycles per non-zero (%.3f ns); FMA bound %.3f, gather bound %.2f (one float gathered per non-zero at the measured %.2f floats/ns): %.1f× the gather bound%n",
                mv.nsPerNnz() * ghz, mv.nsPerNnz(), fmaMv, gather, peak.gatherPerNs(), mv.nsPerNnz() * ghz / gather);
    }
}
