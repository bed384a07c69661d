package dev.prunebench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.experiments.Backends;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Comparison;
import dev.prunebench.measure.Interleaved;
import dev.prunebench.measure.Patterns;
import dev.prunebench.measure.Verification;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "threads", mixinStandardHelpOptions = true, description = {
        "Thread scaling of CPU kernels: each kernel with 1, 2, … up to the machine's cores, every thread count timed interleaved with the same "
                + "kernel on one thread (same W and X), speedup over one thread with its 95%% interval and the parallel efficiency.",
        "The 1-thread row times the kernel against a second 1-thread copy of itself: the A/A control of the table."})
final class ThreadsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--shape", paramLabel = "MxK", defaultValue = "4096x4096", description = "W's shape (default: ${DEFAULT-VALUE})")
    String shape;

    @Option(names = "--n", defaultValue = "50", description = "columns of X (default: ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--rate", defaultValue = "0.9", description = "W's pruning rate (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--pattern", defaultValue = "uniform", description = "W's pattern: uniform, magnitude, power-law, … (default: ${DEFAULT-VALUE})")
    String pattern;

    @Option(names = "--kernels", split = ",", defaultValue = "csr-vector,mkl-sparse-csr,dense-vector,mkl-sgemm",
            description = "kernel ids; sparse ones get W as csr, dense ones as dense (default: ${DEFAULT-VALUE})")
    List<String> kernels;

    @Option(names = "--max-threads", description = "the largest thread count (default: the cores the JVM sees)")
    Integer maxThreads;

    @Option(names = "--repeats", defaultValue = "7", description = "timed pairs per row (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--min-sample-ms", defaultValue = "10", description = "a sample lasts at least this long (default: ${DEFAULT-VALUE})")
    double minSampleMs;

    @Option(names = "--seed", defaultValue = "20260101", description = "seed for W, X and the bootstrap (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "print the table as JSON")
    boolean json;

    record Row(String kernel, String format, int threads, double ms, double oneThreadMs, double speedup, double low, double high, String status) {
        double efficiency() { return speedup / threads; }
    }

    @Override public Integer call() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int max = maxThreads == null ? cores : maxThreads;
        if (max < 1 || max > MatMul.MAX_THREADS) throw new IllegalArgumentException("--max-threads: must be in [1, " + MatMul.MAX_THREADS + "], got " + max);
        if (n < 1 || n > 1 << 16) throw new IllegalArgumentException("--n: must be in [1, 65536], got " + n);
        if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("--rate: must be in [0, 1), got " + rate);
        if (repeats < 3 || repeats > 1000) throw new IllegalArgumentException("--repeats: must be in [3, 1000], got " + repeats);
        if (!(minSampleMs >= 0 && minSampleMs <= 10_000)) throw new IllegalArgumentException("--min-sample-ms: must be in [0, 10000], got " + minSampleMs);
        Patterns.Kind kind = BreakevenCommand.patternKind(pattern);
        int[] mk = BreakevenCommand.parseShape(shape);
        Memory.check("--shape " + shape + " with --n " + n, 4L * mk[0] * mk[1] * 4 + 4L * mk[1] * n + 16L * mk[0] * n,
                Math.max((long) mk[0] * mk[1], Math.max((long) mk[1] * n, (long) mk[0] * n)));
        KernelRegistry reg = Backends.registry();
        List<MatMul> ks = new ArrayList<>();
        for (String id : kernels) {
            MatMul k = reg.kernel(id).orElseThrow(() -> new IllegalArgumentException("--kernels: " + id + ": " + reg.whyMissing(id)));
            if (k.refuses(FormatSpec.CSR, n) != null && k.refuses(FormatSpec.DENSE, n) != null)
                throw new IllegalArgumentException("--kernels: " + id + " takes neither csr nor dense at N = " + n + " (" + k.refuses(FormatSpec.CSR, n) + ")");
            ks.add(k);
        }
        Dense d = Patterns.generate(kind, mk[0], mk[1], rate, 1, seed);
        Csr csr = Csr.fromDense(d.data(), d.rows(), d.cols());
        float[] x = Patterns.normalVector(Math.multiplyExact(mk[1], n), seed + 1), ref = Verification.reference(csr, x, n);
        var loadBefore = dev.prunebench.core.env.Load.snapshot();
        List<Row> rows = new ArrayList<>();
        Budget budget = new Budget(2, repeats, Math.round(minSampleMs * 1e6), 1000, seed, 300_000_000L);
        for (MatMul k : ks) rows.addAll(scale(k, k.refuses(FormatSpec.CSR, n) == null ? csr : d, x, ref, max, budget));
        var load = dev.prunebench.core.env.Load.since(loadBefore);
        String loadLine = BreakevenCommand.loadLine(load);
        print(rows, mk, csr.nnz(), cores, loadLine);
        if (load.warning() != null) spec.commandLine().getErr().println("prunebench: WARNING: " + load.warning());
        return rows.stream().allMatch(r -> r.status().equals("ok")) ? 0 : 1;
    }

    /** One kernel at 1 … max threads, each interleaved with the kernel on one thread. */
    private List<Row> scale(MatMul k, SparseFormat w, float[] x, float[] ref, int max, Budget budget) {
        List<Row> out = new ArrayList<>();
        try (MatMul.Prepared one = k.prepare(w, x, n, 1)) {
            for (int t = 1; t <= max; t++) {
                try (MatMul.Prepared many = k.prepare(w, x, n, t)) {
                    Verification v = Verification.check(many, ref, w.cols());
                    if (!v.passed()) {
                        out.add(new Row(k.id(), w.spec().toString(), t, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                                String.format(Locale.ROOT, "failed: rel error %.3g > %.3g", v.relError(), v.tolerance())));
                        continue;
                    }
                    Comparison c = Interleaved.compare(many, one, budget.withSeed(seed + t));
                    Row r = new Row(k.id(), w.spec().toString(), t, c.candidate().median() / 1e6, c.baseline().median() / 1e6, c.speedup().median(),
                            c.speedup().low(), c.speedup().high(), "ok");
                    spec.commandLine().getErr().printf(Locale.ROOT, "  %s %d thread(s): %.2f× [%.2f, %.2f] over 1 thread%n", k.id(), t, r.speedup(), r.low(), r.high());
                    out.add(r);
                }
            }
        }
        return out;
    }

    private void print(List<Row> rows, int[] mk, long nnz, int cores, String loadLine) throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        var env = Backends.cpuEnvironment(cores);
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("shape", List.of(mk[0], mk[1]));
            j.put("n", n);
            j.put("rate", rate);
            j.put("nnz", nnz);
            j.put("cores", cores);
            j.put("cpu", env.get("cpu_model"));
            j.put("load", loadLine);
            List<Map<String, Object>> rs = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("kernel", r.kernel());
                m.put("format", r.format());
                m.put("threads", r.threads());
                m.put("median_ms", nullNaN(r.ms()));
                m.put("one_thread_ms", nullNaN(r.oneThreadMs()));
                m.put("speedup", nullNaN(r.speedup()));
                m.put("speedup_low", nullNaN(r.low()));
                m.put("speedup_high", nullNaN(r.high()));
                m.put("efficiency", nullNaN(r.efficiency()));
                m.put("status", r.status());
                rs.add(m);
            }
            j.put("rows", rs);
            o.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(j));
            o.flush();
            return;
        }
        o.printf(Locale.ROOT, "W %dx%d (%s, rate %.4f, nnz %d), X %dx%d, fp32; CPU: %s, %d cores seen by the JVM; %s%n", mk[0], mk[1], pattern, rate, nnz,
                mk[1], n, env.get("cpu_model"), cores, loadLine);
        o.printf(Locale.ROOT, "%-16s %-7s %7s %10s %10s %-24s %10s %s%n", "kernel", "format", "threads", "ms", "1-thr ms", "speedup [95% CI]", "efficiency", "status");
        for (Row r : rows)
            o.printf(Locale.ROOT, "%-16s %-7s %7d %10.4f %10.4f %-24s %9.0f%% %s%n", r.kernel(), r.format(), r.threads(), r.ms(), r.oneThreadMs(),
                    String.format(Locale.ROOT, "%.2f× [%.2f, %.2f]", r.speedup(), r.low(), r.high()), 100 * r.efficiency(), r.status());
        o.println("each row: the kernel on that many threads interleaved with the same kernel on one thread (same W, X); the 1-thread row is the "
                + "A/A control (one thread against another 1-thread copy). Rows are split over threads by stored entries (RowSplit.balanced).");
        o.flush();
    }

    private static Double nullNaN(double d) { return Double.isNaN(d) ? null : d; }
}
