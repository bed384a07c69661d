package dev.prunebench.experiments.hartenstein;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.kernels.cpu.measure.Budget;
import dev.prunebench.kernels.cpu.measure.Comparison;
import dev.prunebench.kernels.cpu.measure.Environment;
import dev.prunebench.kernels.cpu.measure.Interleaved;
import dev.prunebench.kernels.cpu.measure.Verification;
import dev.prunebench.kernels.cpu.patterns.Patterns;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.PlotSpec;
import dev.prunebench.results.Scale;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Hartenstein et al., Fig. 3 on this CPU: W (M×K, N(0, 1) weights, group-RMS pruned to an exact rate with groups of
 * g adjacent weights) times X (K×N), speedup of each sparse kernel over the dense baseline on the same backend family,
 * measured interleaved in one run; break-even pruning rate per g. Run for N = 50 (their batch) and N = 1 (SpMV).
 *
 * <p>Dense baseline: MKL {@code cblas_sgemm} (N &gt; 1) / {@code cblas_sgemv} (N = 1); when MKL is unavailable, the
 * next available dense kernel, named in the {@code dense_baseline} column. Every kernel result is checked against a
 * double-precision reference before it is timed; a failing kernel gets a row with status {@code failed} and no times.
 */
public final class HartensteinSpmmCpu implements Experiment {

    /** Sparse kernels swept, in table order; ids not registered (or on an unavailable backend) are skipped with why. */
    public static final List<String> DEFAULT_KERNELS = List.of("gcsr-vector", "csr-vector", "mkl-sparse-csr");

    /** Dense baselines tried in order, for N &gt; 1 and N = 1. */
    static final List<String> DENSE_MM = List.of("mkl-sgemm", "openblas-sgemm", "dense-vector");
    static final List<String> DENSE_MV = List.of("mkl-sgemv", "mkl-sgemm", "openblas-sgemm", "dense-vector");

    /**
     * What one run sweeps.
     *
     * @param rows    M (rows of W)
     * @param cols    K (columns of W, rows of X)
     * @param ns      the N values (columns of X)
     * @param rates   pruning rates, ascending, each in [0, 1)
     * @param groups  group sizes g
     * @param budget  the interleaved comparison's budget
     * @param threads threads per kernel (1 for the tables)
     * @param kernels sparse kernel ids
     * @param extendDown rates below the grid, descending, tried one by one while a kernel is still faster than dense
     * @param extendUp   rates above the grid, ascending, tried one by one while a kernel is still slower than dense
     */
    public record Config(int rows, int cols, int[] ns, double[] rates, int[] groups, Budget budget, int threads, List<String> kernels,
                         double[] extendDown, double[] extendUp) {
        public Config {
            if (rows < 1 || cols < 1) throw new IllegalArgumentException("shape: must be positive, got " + rows + "×" + cols);
            if (ns.length == 0 || rates.length == 0 || groups.length == 0) throw new IllegalArgumentException("ns, rates and groups: must not be empty");
            for (int n : ns) if (n < 1) throw new IllegalArgumentException("n: must be >= 1, got " + n);
            for (int g : groups) if (g < 1) throw new IllegalArgumentException("g: must be >= 1, got " + g);
            for (int i = 0; i < rates.length; i++) {
                if (!(rates[i] >= 0 && rates[i] < 1)) throw new IllegalArgumentException("rate: must be in [0, 1), got " + rates[i]);
                if (i > 0 && rates[i] <= rates[i - 1]) throw new IllegalArgumentException("rates: must be ascending, got " + Arrays.toString(rates));
            }
            if (threads < 1) throw new IllegalArgumentException("threads: must be >= 1, got " + threads);
            for (double r : extendDown) if (!(r >= 0 && r < rates[0])) throw new IllegalArgumentException("extendDown: " + r + " not in [0, " + rates[0] + ")");
            for (double r : extendUp) if (!(r > rates[rates.length - 1] && r < 1)) throw new IllegalArgumentException("extendUp: " + r + " not in (" + rates[rates.length - 1] + ", 1)");
            ns = ns.clone(); rates = rates.clone(); groups = groups.clone(); kernels = List.copyOf(kernels);
            extendDown = extendDown.clone(); extendUp = extendUp.clone();
        }

        private static final double[] DOWN = {0.70, 0.60, 0.50, 0.40, 0.30, 0.20};
        private static final double[] UP = {0.99};
        private static final double[] FULL_DOWN = {0.75, 0.70, 0.65, 0.60, 0.55, 0.50, 0.40, 0.30, 0.20, 0.10};
        private static final double[] FULL_UP = {0.99, 0.995};

        public static Config forScale(Scale scale) {
            double[] grid = new double[10];
            for (int i = 0; i < grid.length; i++) grid[i] = (80 + 2 * i) / 100.0;
            int[] allG = {1, 2, 4, 8, 16, 32, 64};
            return switch (scale) {
                case QUICK -> new Config(1024, 1024, new int[] {50, 1}, new double[] {0.80, 0.90, 0.98}, new int[] {1, 8, 32},
                        Budget.quick(), 1, DEFAULT_KERNELS, DOWN, UP);
                case STANDARD -> new Config(4096, 4096, new int[] {50, 1}, grid, allG, new Budget(2, 9, 10_000_000L, 2000, 1L, 400_000_000L), 1, DEFAULT_KERNELS,
                        DOWN, UP);
                case FULL -> new Config(4096, 4096, new int[] {50, 1}, grid, allG, Budget.full(), 1, DEFAULT_KERNELS, FULL_DOWN, FULL_UP);
            };
        }
    }

    private final Config fixed;
    private final Function<String, Optional<MatMul>> lookup;

    /** The registered experiment: configuration from the run's scale, kernels from {@link CpuBackends}. */
    public HartensteinSpmmCpu() { this(null, CpuBackends::kernel); }

    /** A fixed configuration and kernel lookup (tests, the JMH-free smoke runs). */
    public HartensteinSpmmCpu(Config config, Function<String, Optional<MatMul>> lookup) {
        this.fixed = config;
        this.lookup = lookup;
    }

    @Override public String id() { return "hartenstein-spmm-cpu"; }

    @Override public String paper() { return "Hartenstein et al., Weight Pruning for DNNs on GPUs, Fig. 3 (on this CPU)"; }

    @Override public String description() {
        return "SpMM W 4096×4096 · X 4096×50 (and N = 1), group-RMS pruning 80–98 %, g = 1…64: speedup over MKL dense and break-even rate per g";
    }

    /** One measured (or failed) row of speedup.csv. */
    record Row(int n, int g, double rate, String kernel, String backend, String format, String dense, double medianMs, double ciLowMs,
               double ciHighMs, double denseMs, double speedup, double spLow, double spHigh, double gflops, double cyclesPerNnz,
               double setupMs, long nnz, long bytes, double relError, String status, String grid) {}

    @Override public void run(ExperimentContext ctx) throws Exception {
        Config cfg = fixed != null ? fixed : Config.forScale(ctx.scale());
        record(ctx, cfg);

        List<MatMul> kernels = new ArrayList<>();
        for (String id : cfg.kernels()) {
            Optional<MatMul> k = lookup.apply(id);
            if (k.isPresent()) kernels.add(k.get());
            else ctx.skipped(id, whyMissing(id));
        }
        Map<Integer, MatMul> dense = new TreeMap<>();
        for (int n : cfg.ns()) {
            Optional<MatMul> d = (n == 1 ? DENSE_MV : DENSE_MM).stream().map(lookup).flatMap(Optional::stream).findFirst();
            if (d.isEmpty()) ctx.skipped("n=" + n, "no dense baseline available (tried " + String.join(", ", n == 1 ? DENSE_MV : DENSE_MM) + ")");
            else dense.put(n, d.get());
        }
        if (kernels.isEmpty() || dense.isEmpty()) {
            ctx.note("nothing measured: no sparse kernel or no dense baseline is available on this machine");
            writeTables(ctx, cfg, List.of());
            return;
        }
        for (var e : dense.entrySet()) ctx.parameter("dense_baseline_n" + e.getKey(), e.getValue().id() + " on " + e.getValue().backendId());

        Sweep sw = new Sweep(ctx, cfg, dense, Environment.nominalMhz(), ctx.seed());
        List<Row> rows = new ArrayList<>();
        float[] w0 = Patterns.groupRms(cfg.rows(), cfg.cols(), 1, 0.0, sw.seed).data();  // unpruned N(0,1) weights, shared by every g
        for (int n : cfg.ns()) sw.xs.put(n, Patterns.normalVector(cfg.cols() * n, sw.seed + 1000 + n));
        for (int g : cfg.groups()) {
            var ranking = new Patterns.GroupRanking(w0, cfg.rows(), cfg.cols(), g);
            List<Row> gRows = new ArrayList<>();
            for (double rate : cfg.rates()) gRows.addAll(sw.measure(ranking, g, rate, kernels, cfg.ns(), "issue"));
            // When a kernel stays on one side of 1 over the whole grid, step outside it until the speedup crosses 1,
            // so the break-even rate is measured rather than reported as "none in range".
            for (int n : cfg.ns())
                for (MatMul k : kernels) {
                    List<Row> series = gRows.stream().filter(r -> r.n() == n && r.kernel().equals(k.id()) && r.status().equals("ok")).toList();
                    if (series.isEmpty()) continue;
                    boolean fastAtLow = series.get(0).speedup() >= 1, slowAtHigh = series.get(series.size() - 1).speedup() < 1;
                    if (fastAtLow && series.stream().allMatch(r -> r.speedup() >= 1))
                        for (double rate : cfg.extendDown()) {
                            List<Row> r = sw.measure(ranking, g, rate, List.of(k), new int[] {n}, "extended");
                            gRows.addAll(r);
                            if (r.isEmpty() || !r.get(0).status().equals("ok") || r.get(0).speedup() < 1) break;
                        }
                    else if (slowAtHigh && series.stream().allMatch(r -> r.speedup() < 1))
                        for (double rate : cfg.extendUp()) {
                            List<Row> r = sw.measure(ranking, g, rate, List.of(k), new int[] {n}, "extended");
                            gRows.addAll(r);
                            if (r.isEmpty() || !r.get(0).status().equals("ok") || r.get(0).speedup() >= 1) break;
                        }
                }
            rows.addAll(gRows);
        }
        writeTables(ctx, cfg, rows);
        threadScaling(ctx, cfg, kernels, w0, sw);
    }

    /**
     * Multithreading at one point of the sweep (unstructured, the rate nearest 0.90, the largest N): each kernel with
     * {@code threads} = 2 (and more, up to the cores) interleaved with itself on 1 thread, same matrix and X.
     */
    private void threadScaling(ExperimentContext ctx, Config cfg, List<MatMul> kernels, float[] w0, Sweep sw) {
        int cores = Runtime.getRuntime().availableProcessors();
        Table t = Table.create("threads", IntColumn.create("n"), DoubleColumn.create("rate"), StringColumn.create("kernel"),
                IntColumn.create("threads"), DoubleColumn.create("median_ms"), DoubleColumn.create("one_thread_ms"),
                DoubleColumn.create("speedup"), DoubleColumn.create("speedup_ci_low"), DoubleColumn.create("speedup_ci_high"),
                IntColumn.create("cores"), StringColumn.create("status"));
        if (cores < 2) {
            ctx.skipped("thread scaling", "this machine offers " + cores + " core to the JVM");
            ctx.table("threads", t);
            return;
        }
        double rate = cfg.rates()[0];
        for (double r : cfg.rates()) if (Math.abs(r - 0.90) < Math.abs(rate - 0.90)) rate = r;
        int n = Arrays.stream(cfg.ns()).max().getAsInt();
        Dense d = new Dense(cfg.rows(), cfg.cols(), new Patterns.GroupRanking(w0, cfg.rows(), cfg.cols(), 1).prune(rate));
        Csr csr = Csr.fromDense(d.data(), d.rows(), d.cols());
        float[] x = sw.xs.get(n), ref = Verification.reference(csr, x, n);
        ctx.log().printf("  thread scaling at rate %.2f, n=%d, up to %d threads%n", rate, n, cores);
        for (MatMul k : kernels) {
            FormatSpec spec = preferredFormat(k, 1);
            if (spec == null) continue;
            SparseFormat w = spec.kind() == FormatSpec.Kind.GCSR ? GroupedCsr.fromDense(d.data(), d.rows(), d.cols(), 1) : csr;
            try (MatMul.Prepared one = k.prepare(w, x, n, 1)) {
                for (int th = 2; th <= Math.min(cores, 8); th *= 2) {
                    try (MatMul.Prepared many = k.prepare(w, x, n, th)) {
                        Verification v = Verification.check(many, ref, cfg.cols());
                        String status = v.passed() ? "ok" : String.format(Locale.ROOT, "failed: rel error %.3g > %.3g", v.relError(), v.tolerance());
                        double med = Double.NaN, oneMs = Double.NaN, sp = Double.NaN, lo = Double.NaN, hi = Double.NaN;
                        if (v.passed()) {
                            Comparison c = Interleaved.compare(many, one, cfg.budget().withSeed(sw.seed + th));
                            med = c.candidate().median() / 1e6;
                            oneMs = c.baseline().median() / 1e6;
                            sp = c.speedup().median();
                            lo = c.speedup().low();
                            hi = c.speedup().high();
                            ctx.metric(Metric.timing(name("thread_speedup", "kernel", k.id(), "threads", th, "rate", rate, "n", n), sp, "x", c.speedups()));
                            ctx.log().printf("    %-16s %d threads: %.2f× over 1 thread [%.2f, %.2f]%n", k.id(), th, sp, lo, hi);
                        }
                        t.intColumn("n").append(n);
                        t.doubleColumn("rate").append(rate);
                        t.stringColumn("kernel").append(k.id());
                        t.intColumn("threads").append(th);
                        t.doubleColumn("median_ms").append(med);
                        t.doubleColumn("one_thread_ms").append(oneMs);
                        t.doubleColumn("speedup").append(sp);
                        t.doubleColumn("speedup_ci_low").append(lo);
                        t.doubleColumn("speedup_ci_high").append(hi);
                        t.intColumn("cores").append(cores);
                        t.stringColumn("status").append(status);
                    }
                }
            }
        }
        ctx.table("threads", t);
    }

    /** The measurement of one (g, rate) point for some kernels and N values, sharing the run's operands. */
    private final class Sweep {
        final ExperimentContext ctx;
        final Config cfg;
        final Map<Integer, MatMul> dense;
        final double mhz;
        final long seed;
        final Map<Integer, float[]> xs = new LinkedHashMap<>();
        final java.util.Set<String> nnzRecorded = new java.util.HashSet<>();
        final java.util.Set<String> skippedOnce = new java.util.HashSet<>();

        Sweep(ExperimentContext ctx, Config cfg, Map<Integer, MatMul> dense, double mhz, long seed) {
            this.ctx = ctx; this.cfg = cfg; this.dense = dense; this.mhz = mhz; this.seed = seed;
        }

        List<Row> measure(Patterns.GroupRanking ranking, int g, double rate, List<MatMul> kernels, int[] ns, String grid) {
            List<Row> rows = new ArrayList<>();
            Dense d = new Dense(cfg.rows(), cfg.cols(), ranking.prune(rate));
            Csr csr = Csr.fromDense(d.data(), d.rows(), d.cols());
            GroupedCsr gcsr = null;
            long nnz = csr.values().length;
            // points of the extended grid exist only when a kernel did not break even on the fixed grid, which
            // depends on timings: recorded as info, so a regression check never calls their absence a failure
            boolean fixedGrid = !"extended".equals(grid);
            if (nnzRecorded.add(g + "|" + rate))
                ctx.metric(fixedGrid ? Metric.exact(name("nnz", "g", g, "rate", rate), nnz, "count")
                        : Metric.info(name("nnz", "g", g, "rate", rate), nnz, "count"));
            for (int n : ns) {
                MatMul denseK = dense.get(n);
                if (denseK == null) continue;
                float[] x = xs.get(n);
                float[] ref = Verification.reference(csr, x, n);
                ctx.log().printf("  g=%d rate=%.3f n=%d nnz=%d%s%n", g, rate, n, nnz, grid.equals("issue") ? "" : " (outside the issue grid)");
                long t0 = System.nanoTime();
                try (MatMul.Prepared base = denseK.prepare(d, x, n, cfg.threads())) {
                    double baseSetup = (System.nanoTime() - t0) / 1e6;
                    Verification bv = Verification.check(base, ref, cfg.cols());
                    if (!bv.passed()) {
                        rows.add(failed(n, g, rate, denseK, "dense", denseK.id(), nnz, 0, baseSetup, bv, grid));
                        continue;
                    }
                    for (MatMul k : kernels) {
                        FormatSpec spec = preferredFormat(k, g);
                        if (spec == null) {
                            if (skippedOnce.add(k.id() + " g=" + g)) ctx.skipped(k.id() + " g=" + g, "takes neither csr nor gcsr:" + g);
                            continue;
                        }
                        SparseFormat w;
                        if (spec.kind() == FormatSpec.Kind.GCSR) {
                            if (gcsr == null) gcsr = GroupedCsr.fromDense(d.data(), d.rows(), d.cols(), g);
                            w = gcsr;
                        } else w = csr;
                        long bytes = w.storage(Precision.FP32, IndexPolicy.FIXED32).total();
                        long s0 = System.nanoTime();
                        try (MatMul.Prepared p = k.prepare(w, x, n, cfg.threads())) {
                            double setup = (System.nanoTime() - s0) / 1e6;
                            Verification v = Verification.check(p, ref, cfg.cols());
                            if (!v.passed()) {
                                rows.add(failed(n, g, rate, k, spec.toString(), denseK.id(), nnz, bytes, setup, v, grid));
                                ctx.log().printf("    %s FAILED verification: rel error %.3g > %.3g%n", k.id(), v.relError(), v.tolerance());
                                continue;
                            }
                            Comparison c = Interleaved.compare(p, base, cfg.budget().withSeed(seed ^ (g * 131L + n)));
                            double sec = c.candidate().median() / 1e9;
                            Row row = new Row(n, g, rate, k.id(), k.backendId(), spec.toString(), denseK.id(),
                                    c.candidate().median() / 1e6, c.candidate().low() / 1e6, c.candidate().high() / 1e6,
                                    c.baseline().median() / 1e6, c.speedup().median(), c.speedup().low(), c.speedup().high(),
                                    2.0 * nnz * n / sec / 1e9, Double.isNaN(mhz) || nnz == 0 ? Double.NaN : sec * mhz * 1e6 / nnz,
                                    setup, nnz, bytes, v.relError(), "ok", grid);
                            rows.add(row);
                            String metricName = name("speedup", "kernel", k.id(), "g", g, "rate", rate, "n", n);
                            ctx.metric(fixedGrid ? Metric.timing(metricName, c.speedup().median(), "x", c.speedups())
                                    : new Metric(metricName, Metric.Kind.INFO, c.speedup().median(), "x", c.speedups(), false));
                            ctx.log().printf("    %-16s %8.3f ms  speedup %.2f× [%.2f, %.2f]  (dense %s %.3f ms)%n", k.id(), row.medianMs(),
                                    row.speedup(), row.spLow(), row.spHigh(), denseK.id(), row.denseMs());
                        }
                    }
                }
            }
            return rows;
        }
    }

    private void record(ExperimentContext ctx, Config cfg) {
        ctx.parameter("shape", cfg.rows() + "x" + cfg.cols());
        ctx.parameter("n", Arrays.toString(cfg.ns()));
        ctx.parameter("rates", Arrays.toString(cfg.rates()));
        ctx.parameter("groups", Arrays.toString(cfg.groups()));
        ctx.parameter("pattern", "group RMS over g adjacent weights at column multiples of g, exact rate, on seeded N(0,1) weights");
        ctx.parameter("budget", cfg.budget().toString());
        ctx.parameter("threads", cfg.threads());
        ctx.parameter("kernels", cfg.kernels());
        ctx.parameter("environment", Environment.capture(cfg.threads()));
        ctx.note("speedup = dense baseline time / sparse kernel time, per interleaved pair; median and a 95 % percentile-bootstrap "
                + "interval over pairs. GFLOP/s counts useful work only (2·nnz·N). cycles_per_nnz = time × nominal clock / nnz "
                + "(the clock from /proc/cpuinfo is nominal, not measured). setup_ms is the kernel's prepare(): native copies "
                + "and, for MKL sparse, mkl_sparse_optimize, timed once and not part of the multiply.");
        ctx.note("mkl-sparse-csr always receives the CSR of the same non-zeros the other kernels multiply.");
    }

    static String whyMissing(String id) {
        String backend = id.startsWith("mkl-") ? "mkl" : id.startsWith("openblas-") ? "openblas"
                : id.endsWith("-vector") ? "cpu-vector" : id.endsWith("-scalar") ? "cpu-scalar" : null;
        if (backend != null) {
            var e = CpuBackends.backend(backend);
            if (e.isPresent() && !e.get().availability().available())
                return "backend " + backend + " unavailable because " + e.get().availability().reason();
        }
        return "no kernel with id " + id + " is registered in this build";
    }

    /** gcsr:g for kernels that take only grouped CSR, else csr when supported, else gcsr:g when supported; null if neither. */
    static FormatSpec preferredFormat(MatMul k, int g) {
        FormatSpec gs = FormatSpec.grouped(g);
        if (k.supports(gs) && !k.supports(FormatSpec.CSR)) return gs;
        if (k.supports(FormatSpec.CSR)) return FormatSpec.CSR;
        return k.supports(gs) ? gs : null;
    }

    private static Row failed(int n, int g, double rate, MatMul k, String format, String dense, long nnz, long bytes, double setup, Verification v,
                              String grid) {
        return new Row(n, g, rate, k.id(), k.backendId(), format, dense, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, setup, nnz, bytes, v.relError(),
                String.format(Locale.ROOT, "failed: rel error %.3g > tolerance %.3g", v.relError(), v.tolerance()), grid);
    }

    private void writeTables(ExperimentContext ctx, Config cfg, List<Row> rows) {
        Table t = Table.create("speedup",
                IntColumn.create("n"), IntColumn.create("g"), DoubleColumn.create("rate"), StringColumn.create("kernel"),
                StringColumn.create("backend"), StringColumn.create("format"), StringColumn.create("dense_baseline"),
                DoubleColumn.create("median_ms"), DoubleColumn.create("ci_low"), DoubleColumn.create("ci_high"),
                DoubleColumn.create("dense_median_ms"), DoubleColumn.create("speedup"), DoubleColumn.create("speedup_ci_low"),
                DoubleColumn.create("speedup_ci_high"), DoubleColumn.create("gflops"), DoubleColumn.create("cycles_per_nnz"),
                DoubleColumn.create("setup_ms"), LongColumn.create("nnz"), LongColumn.create("bytes"), DoubleColumn.create("rel_error"),
                StringColumn.create("status"), StringColumn.create("grid"));
        for (Row r : rows) {
            t.intColumn("n").append(r.n());
            t.intColumn("g").append(r.g());
            t.doubleColumn("rate").append(r.rate());
            t.stringColumn("kernel").append(r.kernel());
            t.stringColumn("backend").append(r.backend());
            t.stringColumn("format").append(r.format());
            t.stringColumn("dense_baseline").append(r.dense());
            t.doubleColumn("median_ms").append(r.medianMs());
            t.doubleColumn("ci_low").append(r.ciLowMs());
            t.doubleColumn("ci_high").append(r.ciHighMs());
            t.doubleColumn("dense_median_ms").append(r.denseMs());
            t.doubleColumn("speedup").append(r.speedup());
            t.doubleColumn("speedup_ci_low").append(r.spLow());
            t.doubleColumn("speedup_ci_high").append(r.spHigh());
            t.doubleColumn("gflops").append(r.gflops());
            t.doubleColumn("cycles_per_nnz").append(r.cyclesPerNnz());
            t.doubleColumn("setup_ms").append(r.setupMs());
            t.longColumn("nnz").append(r.nnz());
            t.longColumn("bytes").append(r.bytes());
            t.doubleColumn("rel_error").append(r.relError());
            t.stringColumn("status").append(r.status());
            t.stringColumn("grid").append(r.grid());
        }
        ctx.table("speedup", t);

        Table be = Table.create("break_even", IntColumn.create("n"), IntColumn.create("g"), StringColumn.create("kernel"),
                StringColumn.create("dense_baseline"), StringColumn.create("break_even_rate"), StringColumn.create("how"));
        Map<String, List<Row>> series = new LinkedHashMap<>();
        for (Row r : rows) if (r.status().equals("ok")) series.computeIfAbsent(r.n() + "|" + r.g() + "|" + r.kernel(), k -> new ArrayList<>()).add(r);
        for (List<Row> s : series.values()) {
            s.sort((a, b) -> Double.compare(a.rate(), b.rate()));
            Row first = s.get(0);
            double[] rate = s.stream().mapToDouble(Row::rate).toArray(), sp = s.stream().mapToDouble(Row::speedup).toArray();
            BreakEven b = breakEven(rate, sp);
            be.intColumn("n").append(first.n());
            be.intColumn("g").append(first.g());
            be.stringColumn("kernel").append(first.kernel());
            be.stringColumn("dense_baseline").append(first.dense());
            be.stringColumn("break_even_rate").append(Double.isNaN(b.rate()) ? "none in range" : String.format(Locale.ROOT, "%.4f", b.rate()));
            be.stringColumn("how").append(b.how());
            if (!Double.isNaN(b.rate()))
                ctx.metric(Metric.timing(name("break_even_rate", "kernel", first.kernel(), "g", first.g(), "n", first.n()), b.rate(), "fraction",
                        new double[] {b.rate()}));
        }
        ctx.table("break_even", be);

        for (int n : cfg.ns())
            for (String k : cfg.kernels()) {
                if (rows.stream().noneMatch(r -> r.n() == n && r.kernel().equals(k))) continue;
                ctx.plot(new PlotSpec("speedup-" + k + "-n" + n, "Speedup of " + k + " over dense, N = " + n + " (one line per g)", "speedup",
                        "rate", "speedup", "g", List.of("kernel=" + k, "n=" + n), "pruning rate", "speedup over dense (×)", false,
                        PlotSpec.Style.LINE, 1.0));
            }
    }

    /** The break-even rate and how it was found. */
    record BreakEven(double rate, String how) {}

    /**
     * The first crossing of speedup = 1 going up the rate grid, by linear interpolation between the two rates that
     * bracket it; NaN with the reason when the speedup stays on one side of 1 over the whole range.
     */
    static BreakEven breakEven(double[] rate, double[] speedup) {
        if (rate.length == 0) return new BreakEven(Double.NaN, "no measurements");
        if (speedup[0] >= 1) return new BreakEven(Double.NaN, String.format(Locale.ROOT, "faster than dense over the whole range (%.2f× at %.2f)", speedup[0], rate[0]));
        for (int i = 1; i < rate.length; i++) {
            if (speedup[i] >= 1) {
                double f = (1 - speedup[i - 1]) / (speedup[i] - speedup[i - 1]);
                return new BreakEven(rate[i - 1] + f * (rate[i] - rate[i - 1]), "interpolated between " + rate[i - 1] + " and " + rate[i]);
            }
        }
        return new BreakEven(Double.NaN, String.format(Locale.ROOT, "slower than dense over the whole range (%.2f× at %.2f)",
                speedup[rate.length - 1], rate[rate.length - 1]));
    }

    /** Two decimals (0.90) for whole percents, more only when needed (0.995). */
    static String rate(double r) {
        if (Math.abs(r * 100 - Math.rint(r * 100)) < 1e-9) return String.format(Locale.ROOT, "%.2f", r);
        String s = String.format(Locale.ROOT, "%.6f", r);
        return s.replaceAll("0+$", "");
    }

    /** e.g. {@code speedup[kernel=gcsr-vector,g=32,rate=0.90,n=50]}; rates printed with two decimals. */
    static String name(String base, Object... kv) {
        StringBuilder s = new StringBuilder(base).append('[');
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) s.append(',');
            Object v = kv[i + 1];
            s.append(kv[i]).append('=').append(v instanceof Double d ? rate(d) : v);
        }
        return s.append(']').toString();
    }
}
