package dev.prunebench.experiments.sweep;

import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.env.Machine;
import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.experiments.AaControl;
import dev.prunebench.experiments.Shard;
import dev.prunebench.measure.AaSummary;
import dev.prunebench.measure.Bench;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Patterns;
import dev.prunebench.measure.Stats;
import dev.prunebench.measure.Verification;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricName;
import dev.prunebench.results.PlotSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.math3.stat.StatUtils;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The sweep behind Hartenstein et al. Fig. 3, for any platform: W (M×K, seeded N(0, 1) weights, group-RMS pruned to
 * an exact rate with groups of g adjacent weights) times X (K×N); at every (g, rate, N) each sparse kernel of the
 * platform is timed (or counted) in the same interleaved rounds as every dense kernel of the platform
 * ({@link Bench}); speedups over the fastest dense kernel and over each; the grid extended outside its range until a
 * kernel's break-even is bracketed; break-even rates with an interval from the speedup intervals; tables and plots.
 *
 * <p>Nothing here knows a backend: kernels come from the run's {@link KernelRegistry} by id, dense baselines are the
 * registry's dense kernels of the platform, and emulated or modelled backends are labelled by their provenance.
 * {@code hartenstein-spmm-cpu} is a thin user (platform {@code cpu}); a GPU experiment is another.
 */
public final class SpmmSweep {

    /** The baseline name used in metrics and tables for "the fastest dense kernel of the platform at this point". */
    public static final String FASTEST = "fastest-dense";

    /**
     * What one sweep measures.
     *
     * @param rows       M (rows of W)
     * @param cols       K (columns of W, rows of X)
     * @param ns         the N values (columns of X)
     * @param rates      pruning rates, ascending, each in [0, 1)
     * @param groups     group sizes g
     * @param budget     the interleaved comparison's budget
     * @param threads    threads per kernel (1 for the tables)
     * @param kernels    sparse kernel ids
     * @param extendDown rates below the grid, descending, tried one by one while a kernel is still faster than dense
     * @param extendUp   rates above the grid, ascending, tried one by one while a kernel is still slower than dense
     * @param platform   the platform whose kernels and dense baselines are swept ({@code cpu}, {@code gpu}, {@code mcu})
     */
    public record Config(int rows, int cols, int[] ns, double[] rates, int[] groups, Budget budget, int threads, List<String> kernels,
                         double[] extendDown, double[] extendUp, String platform) {
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
            if (platform == null || platform.isBlank()) throw new IllegalArgumentException("platform: must be given");
            ns = ns.clone(); rates = rates.clone(); groups = groups.clone(); kernels = List.copyOf(kernels);
            extendDown = extendDown.clone(); extendUp = extendUp.clone();
        }
    }

    /**
     * One measured (or failed) row of {@code speedup.csv}: a sparse kernel or one of the dense baselines at a point.
     * Speedup columns are over {@code fastestDense}; {@code over} holds the speedup over each dense kernel.
     */
    public record Row(int n, int g, double rate, String kernel, String backend, String provenance, String format, boolean dense,
                      String fastestDense, double medianMs, double ciLowMs, double ciHighMs, double fastestDenseMs, double speedup,
                      double spLow, double spHigh, double gflops, double cyclesPerNnz, double setupMs, long nnz, long bytes, double relError,
                      String counts, String clock, String status, String grid, Map<String, Bench.Speedup> over, String variant, boolean unstable) {
        public boolean ok() { return "ok".equals(status); }

        /** ok and timed in rounds whose A/A control held: its speedup may decide a break-even. */
        public boolean usable() { return ok() && !unstable; }
    }

    /** The break-even of one series, with the interval the speedup intervals give. */
    public record BreakEven(double rate, double low, double high, String how) {}

    private final Config cfg;
    /** The A/A controls of this sweep's points. */
    private final AaSummary aa = new AaSummary();

    private final Shard shard;

    public SpmmSweep(Config cfg) { this(cfg, Shard.WHOLE); }

    /**
     * A sweep measuring only the points of one shard: the fixed grid's points (g, rate, N) in the order g, then rate,
     * then N (as given in the config), point k measured by shard (k mod count) + 1. A sharded sweep measures no
     * extended points and writes no series metrics (break-even, dense baselines, A/A summary): those need every point
     * of a series, which only the whole sweep has.
     */
    public SpmmSweep(Config cfg, Shard shard) { this.cfg = cfg; this.shard = shard; }

    /** The index of point (g, rate, N) in the fixed point order that shards slice. */
    public static int pointIndex(Config cfg, int gi, int ri, int ni) { return (gi * cfg.rates().length + ri) * cfg.ns().length + ni; }

    public Config config() { return cfg; }

    /** Runs the sweep through the run's registry, writing its tables, metrics and plots; returns the rows. */
    public List<Row> run(ExperimentContext ctx) {
        KernelRegistry reg = ctx.kernels();
        record(ctx);
        for (KernelRegistry.Entry e : reg.entries())
            if (e.backend().platform().equals(cfg.platform()) && !e.usable()) ctx.skipped("backend " + e.backend().id(), e.status());
        List<MatMul> kernels = new ArrayList<>();
        for (String id : cfg.kernels()) {
            var k = reg.kernel(id);
            if (k.isEmpty()) ctx.skipped(id, reg.whyMissing(id));
            else if (!reg.backendOf(k.get()).platform().equals(cfg.platform()))
                ctx.skipped(id, "runs on platform " + reg.backendOf(k.get()).platform() + ", this sweep is on " + cfg.platform());
            else kernels.add(k.get());
        }
        Map<Integer, List<MatMul>> dense = new TreeMap<>();
        for (int n : cfg.ns()) {
            List<MatMul> d = reg.denseBaselines(cfg.platform(), n);
            if (d.isEmpty()) ctx.skipped("n=" + n, "no dense kernel available on platform " + cfg.platform());
            else {
                dense.put(n, d);
                ctx.parameter("dense_baselines_n" + n, d.stream().map(k -> k.id() + " on " + k.backendId()).toList());
            }
        }
        if (kernels.isEmpty() || dense.isEmpty()) {
            ctx.note("nothing measured: no sparse kernel or no dense baseline is available on platform " + cfg.platform() + " on this machine");
            writeTables(ctx, List.of());
            return List.of();
        }
        Point pt = new Point(ctx, reg, dense);
        List<Row> rows = new ArrayList<>();
        float[] w0 = Patterns.groupRms(cfg.rows(), cfg.cols(), 1, 0.0, ctx.seed()).data();  // unpruned N(0,1) weights, shared by every g
        for (int n : cfg.ns()) pt.xs.put(n, Patterns.normalVector(cfg.cols() * n, ctx.seed() + 1000 + n));
        boolean sharded = !shard.whole();
        for (int gi = 0; gi < cfg.groups().length; gi++) {
            int g = cfg.groups()[gi];
            var ranking = new Patterns.GroupRanking(w0, cfg.rows(), cfg.cols(), g);
            List<Row> gRows = new ArrayList<>();
            for (int ri = 0; ri < cfg.rates().length; ri++) {
                List<Integer> mine = new ArrayList<>();
                for (int ni = 0; ni < cfg.ns().length; ni++) if (shard.owns(pointIndex(cfg, gi, ri, ni))) mine.add(cfg.ns()[ni]);
                if (mine.isEmpty()) continue;
                // nnz of (g, rate) is one metric for all N: the shard owning the first N records it
                boolean nnzHere = shard.owns(pointIndex(cfg, gi, ri, 0));
                gRows.addAll(pt.measure(ranking, g, cfg.rates()[ri], kernels, mine.stream().mapToInt(Integer::intValue).toArray(), "fixed", nnzHere));
            }
            if (sharded) { rows.addAll(gRows); continue; }
            // When a kernel stays on one side of 1 over the whole grid, step outside it until the speedup crosses 1,
            // so the break-even rate is measured rather than reported as "none in range".
            for (int n : cfg.ns())
                for (MatMul k : kernels) {
                    List<Row> series = gRows.stream().filter(r -> r.n() == n && r.kernel().equals(k.id()) && r.usable()).toList();
                    if (series.isEmpty()) continue;
                    boolean allFast = series.stream().allMatch(r -> r.speedup() >= 1), allSlow = series.stream().allMatch(r -> r.speedup() < 1);
                    double[] ext = allFast ? cfg.extendDown() : allSlow ? cfg.extendUp() : new double[0];
                    for (double rate : ext) {
                        List<Row> r = pt.measure(ranking, g, rate, List.of(k), new int[] {n}, "extended", true).stream().filter(x -> !x.dense()).toList();
                        gRows.addAll(r);
                        if (r.isEmpty() || !r.get(0).ok() || (allFast ? r.get(0).speedup() < 1 : r.get(0).speedup() >= 1)) break;
                    }
                }
            rows.addAll(gRows);
        }
        writeTables(ctx, rows);
        if (!sharded) AaControl.record(ctx, aa);
        return rows;
    }

    /** The measurement of one (g, rate) point for some kernels and N values, sharing the run's operands. */
    private final class Point {
        final ExperimentContext ctx;
        final KernelRegistry reg;
        final Map<Integer, List<MatMul>> dense;
        final Machine.Clock clock = Machine.nominalClock();
        final Map<Integer, float[]> xs = new LinkedHashMap<>();
        final Set<String> nnzRecorded = new HashSet<>(), skippedOnce = new HashSet<>();

        Point(ExperimentContext ctx, KernelRegistry reg, Map<Integer, List<MatMul>> dense) {
            this.ctx = ctx; this.reg = reg; this.dense = dense;
        }

        List<Row> measure(Patterns.GroupRanking ranking, int g, double rate, List<MatMul> kernels, int[] ns, String grid, boolean recordNnz) {
            List<Row> rows = new ArrayList<>();
            Dense d = new Dense(cfg.rows(), cfg.cols(), ranking.prune(rate));
            Csr csr = Csr.fromDense(d.data(), d.rows(), d.cols());
            GroupedCsr gcsr = null;
            long nnz = csr.values().length;
            // points of the extended grid exist only when a kernel did not break even on the fixed grid, which
            // depends on timings: recorded as info, so a regression check never calls their absence a failure
            boolean fixedGrid = !"extended".equals(grid);
            if (recordNnz && nnzRecorded.add(g + "|" + rate))
                ctx.metric(fixedGrid ? Metric.exact(name("nnz", "g", g, "rate", rate), nnz, "count")
                        : Metric.info(name("nnz", "g", g, "rate", rate), nnz, "count"));
            List<Bench.Entry> cands = new ArrayList<>();
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
                cands.add(new Bench.Entry(k, reg.backendOf(k), w));
            }
            for (int n : ns) {
                List<MatMul> dk = dense.get(n);
                if (dk == null) continue;
                float[] x = xs.get(n), ref = Verification.reference(csr, x, n);
                ctx.log().printf(Locale.ROOT, "  g=%d rate=%.3f n=%d nnz=%d%s%n", g, rate, n, nnz, fixedGrid ? "" : " (outside the fixed grid)");
                List<Bench.Entry> de = dk.stream().map(k -> new Bench.Entry(k, reg.backendOf(k), d)).toList();
                List<Bench.Outcome> os = Bench.run(cands, de, x, n, cfg.threads(), cfg.budget().withSeed(ctx.seed() ^ (g * 131L + n)), ref, cfg.cols(), ctx.log());
                aa.addAll(os);
                Map<String, Double> denseMs = new LinkedHashMap<>();
                for (Bench.Outcome o : os) if (o.dense() && o.ok() && o.time() != null) denseMs.put(o.kernelId(), o.time().median() / 1e6);
                for (Bench.Outcome o : os) {
                    Row row = row(o, n, g, rate, nnz, grid, denseMs);
                    rows.add(row);
                    if (!row.ok() || row.dense()) continue;
                    Backend b = o.entry().backend();
                    boolean counted = o.counts() != null;
                    Map<String, Bench.Speedup> all = new LinkedHashMap<>();
                    all.put(FASTEST, new Bench.Speedup(o.speedup(), o.speedupSamples()));
                    all.putAll(o.speedupOver());
                    for (var e : all.entrySet()) {
                        String mn = name("speedup", "kernel", o.kernelId(), "over", e.getKey(), "g", g, "rate", rate, "n", n);
                        double v = e.getValue().interval().median();
                        Metric m = !fixedGrid ? new Metric(mn, Metric.Kind.INFO, v, "x", e.getValue().samples(), false)
                                : counted ? Metric.exact(mn, v, "x") : Metric.timing(mn, v, "x", e.getValue().samples());
                        ctx.metric(m, b);
                    }
                    if (counted)
                        for (var c : o.counts().values().entrySet())
                            ctx.metric(fixedGrid ? Metric.exact(name("count", "kernel", o.kernelId(), "count", c.getKey(), "g", g, "rate", rate, "n", n), c.getValue(), "count")
                                    : Metric.info(name("count", "kernel", o.kernelId(), "count", c.getKey(), "g", g, "rate", rate, "n", n), c.getValue(), "count"), b);
                }
            }
            return rows;
        }

        private Row row(Bench.Outcome o, int n, int g, double rate, long nnz, String grid, Map<String, Double> denseMs) {
            Bench.Entry e = o.entry();
            long bytes = e.w().storage(Precision.FP32, IndexPolicy.FIXED32).total();
            double med = o.time() == null ? Double.NaN : o.time().median() / 1e6;
            double sec = med / 1e3;
            boolean cpu = e.backend().platform().equals("cpu");
            String counts = o.counts() == null ? "" : o.counts().values().entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                    .reduce((a, b) -> a + ";" + b).orElse("");
            return new Row(n, g, rate, o.kernelId(), e.backend().id(), o.provenance(), e.format(), o.dense(),
                    o.fastestDense() == null ? "" : o.fastestDense(), med,
                    o.time() == null ? Double.NaN : o.time().low() / 1e6, o.time() == null ? Double.NaN : o.time().high() / 1e6,
                    o.fastestDense() == null ? Double.NaN : denseMs.getOrDefault(o.fastestDense(), Double.NaN),
                    o.speedup() == null ? Double.NaN : o.speedup().median(), o.speedup() == null ? Double.NaN : o.speedup().low(),
                    o.speedup() == null ? Double.NaN : o.speedup().high(),
                    Double.isNaN(sec) ? Double.NaN : 2.0 * nnz * n / sec / 1e9,
                    !cpu || Double.isNaN(sec) || Double.isNaN(clock.mhz()) || nnz == 0 ? Double.NaN : sec * clock.mhz() * 1e6 / nnz,
                    o.setupMs(), nnz, bytes, o.verification() == null ? Double.NaN : o.verification().relError(), counts, o.clock(), o.status(), grid,
                    o.speedupOver(), o.variant(), o.unstable());
        }
    }

    private void record(ExperimentContext ctx) {
        if (!shard.whole()) {
            ctx.parameter("shard", shard.toString());
            ctx.note("Shard " + shard + ": this run measures the fixed-grid points (g, rate, N) whose index k in the order g, rate, N has "
                    + "k mod " + shard.count() + " = " + (shard.index() - 1) + "; no extended points, no break-even rates, no dense-baseline or "
                    + "A/A summary metrics (they need the whole sweep). Each point's speedups are still measured in one run on one machine.");
        }
        ctx.parameter("platform", cfg.platform());
        ctx.parameter("shape", cfg.rows() + "x" + cfg.cols());
        ctx.parameter("n", Arrays.toString(cfg.ns()));
        ctx.parameter("rates", Arrays.toString(cfg.rates()));
        ctx.parameter("groups", Arrays.toString(cfg.groups()));
        ctx.parameter("pattern", "group RMS over g adjacent weights at column multiples of g, exact rate, on seeded N(0,1) weights");
        ctx.parameter("budget", cfg.budget().toString());
        ctx.parameter("threads", cfg.threads());
        ctx.parameter("kernels", cfg.kernels());
        ctx.parameter("nominal_clock_mhz", Machine.nominalClock().toString());
        ctx.note("speedup = time of the fastest dense kernel of the platform at that point / sparse kernel time, per interleaved round "
                + "(every dense kernel and every sparse kernel of a point are timed in the same rounds); median and a 95 % "
                + "percentile-bootstrap interval over rounds. speedup_by_baseline.csv has the speedup over each dense kernel. "
                + "GFLOP/s counts useful work only (2·nnz·N). cycles_per_nnz = time × nominal clock / nnz (CPU only; the clock "
                + "source is in the parameters). setup_ms is the kernel's prepare(), timed once and not part of the multiply.");
        ctx.note("Break-even: the rate where the median speedup crosses 1, linear between the bracketing rates; its interval from the "
                + "rates where the upper and lower ends of the speedup interval cross 1 (open where they do not cross in range).");
    }

    /** gcsr:g for kernels that take only grouped CSR, else csr when supported, else gcsr:g when supported; null if neither. */
    public static FormatSpec preferredFormat(MatMul k, int g) {
        FormatSpec gs = FormatSpec.grouped(g);
        if (k.supports(gs) && !k.supports(FormatSpec.CSR)) return gs;
        if (k.supports(FormatSpec.CSR)) return FormatSpec.CSR;
        return k.supports(gs) ? gs : null;
    }

    private void writeTables(ExperimentContext ctx, List<Row> rows) {
        Table t = Table.create("speedup",
                IntColumn.create("n"), IntColumn.create("g"), DoubleColumn.create("rate"), StringColumn.create("kernel"),
                StringColumn.create("backend"), StringColumn.create("provenance"), StringColumn.create("format"), BooleanColumn.create("dense"),
                StringColumn.create("fastest_dense"), DoubleColumn.create("median_ms"), DoubleColumn.create("ci_low"), DoubleColumn.create("ci_high"),
                DoubleColumn.create("fastest_dense_ms"), DoubleColumn.create("speedup"), DoubleColumn.create("speedup_ci_low"),
                DoubleColumn.create("speedup_ci_high"), DoubleColumn.create("gflops"), DoubleColumn.create("cycles_per_nnz"),
                DoubleColumn.create("setup_ms"), LongColumn.create("nnz"), LongColumn.create("bytes"), DoubleColumn.create("rel_error"),
                StringColumn.create("counts"), StringColumn.create("clock"), BooleanColumn.create("aa_unstable"), StringColumn.create("status"), StringColumn.create("grid"),
                StringColumn.create("variant"));
        Table by = Table.create("speedup_by_baseline", IntColumn.create("n"), IntColumn.create("g"), DoubleColumn.create("rate"),
                StringColumn.create("kernel"), StringColumn.create("baseline"), BooleanColumn.create("fastest"), DoubleColumn.create("speedup"),
                DoubleColumn.create("speedup_ci_low"), DoubleColumn.create("speedup_ci_high"), StringColumn.create("grid"));
        for (Row r : rows) {
            t.intColumn("n").append(r.n());
            t.intColumn("g").append(r.g());
            t.doubleColumn("rate").append(r.rate());
            t.stringColumn("kernel").append(r.kernel());
            t.stringColumn("backend").append(r.backend());
            t.stringColumn("provenance").append(r.provenance());
            t.stringColumn("format").append(r.format());
            t.booleanColumn("dense").append(r.dense());
            t.stringColumn("fastest_dense").append(r.fastestDense());
            t.doubleColumn("median_ms").append(r.medianMs());
            t.doubleColumn("ci_low").append(r.ciLowMs());
            t.doubleColumn("ci_high").append(r.ciHighMs());
            t.doubleColumn("fastest_dense_ms").append(r.fastestDenseMs());
            t.doubleColumn("speedup").append(r.speedup());
            t.doubleColumn("speedup_ci_low").append(r.spLow());
            t.doubleColumn("speedup_ci_high").append(r.spHigh());
            t.doubleColumn("gflops").append(r.gflops());
            t.doubleColumn("cycles_per_nnz").append(r.cyclesPerNnz());
            t.doubleColumn("setup_ms").append(r.setupMs());
            t.longColumn("nnz").append(r.nnz());
            t.longColumn("bytes").append(r.bytes());
            t.doubleColumn("rel_error").append(r.relError());
            t.stringColumn("counts").append(r.counts());
            t.stringColumn("clock").append(r.clock());
            t.booleanColumn("aa_unstable").append(r.unstable()); // the A/A control of its rounds failed: decides no break-even
            t.stringColumn("status").append(r.status());
            t.stringColumn("grid").append(r.grid());
            t.stringColumn("variant").append(r.variant());
            if (r.dense()) continue;
            for (var e : r.over().entrySet()) {
                by.intColumn("n").append(r.n());
                by.intColumn("g").append(r.g());
                by.doubleColumn("rate").append(r.rate());
                by.stringColumn("kernel").append(r.kernel());
                by.stringColumn("baseline").append(e.getKey());
                by.booleanColumn("fastest").append(e.getKey().equals(r.fastestDense()));
                by.doubleColumn("speedup").append(e.getValue().interval().median());
                by.doubleColumn("speedup_ci_low").append(e.getValue().interval().low());
                by.doubleColumn("speedup_ci_high").append(e.getValue().interval().high());
                by.stringColumn("grid").append(r.grid());
            }
        }
        ctx.table("speedup", t);
        ctx.table("speedup_by_baseline", by);
        denseTable(ctx, rows);
        if (shard.whole()) breakEvenTable(ctx, rows);
        for (int n : cfg.ns())
            for (String k : cfg.kernels()) {
                if (rows.stream().noneMatch(r -> r.n() == n && r.kernel().equals(k))) continue;
                ctx.plot(new PlotSpec("speedup-" + k + "-n" + n, "Speedup of " + k + " over the fastest dense kernel, N = " + n + " (one line per g)",
                        "speedup", "rate", "speedup", "g", List.of("kernel=" + k, "n=" + n), "pruning rate", "speedup over fastest dense (×)", false,
                        PlotSpec.Style.LINE, 1.0));
            }
    }

    /** Per N and dense kernel: at how many points it was the fastest, and its median time relative to the fastest. */
    private void denseTable(ExperimentContext ctx, List<Row> rows) {
        Table t = Table.create("dense_baselines", IntColumn.create("n"), StringColumn.create("kernel"), StringColumn.create("backend"),
                IntColumn.create("points"), IntColumn.create("fastest_at"), DoubleColumn.create("median_ms_geomean"),
                DoubleColumn.create("time_vs_fastest_geomean"));
        Map<String, List<Row>> by = new LinkedHashMap<>();
        for (Row r : rows) if (r.dense() && r.ok() && !Double.isNaN(r.medianMs())) by.computeIfAbsent(r.n() + "|" + r.kernel(), k -> new ArrayList<>()).add(r);
        for (List<Row> s : by.values()) {
            Row f = s.get(0);
            double timeGeomean = StatUtils.geometricMean(s.stream().mapToDouble(Row::medianMs).toArray());
            double vsFastest = StatUtils.geometricMean(s.stream().mapToDouble(r -> r.medianMs() / r.fastestDenseMs()).toArray());
            int fastest = (int) s.stream().filter(r -> r.kernel().equals(r.fastestDense())).count();
            t.intColumn("n").append(f.n());
            t.stringColumn("kernel").append(f.kernel());
            t.stringColumn("backend").append(f.backend());
            t.intColumn("points").append(s.size());
            t.intColumn("fastest_at").append(fastest);
            t.doubleColumn("median_ms_geomean").append(timeGeomean);
            t.doubleColumn("time_vs_fastest_geomean").append(vsFastest);
            if (shard.whole()) ctx.metric(Metric.info(name("dense_time_vs_fastest", "kernel", f.kernel(), "n", f.n()), vsFastest, "x"));
        }
        ctx.table("dense_baselines", t);
    }

    private void breakEvenTable(ExperimentContext ctx, List<Row> rows) {
        Table be = Table.create("break_even", IntColumn.create("n"), IntColumn.create("g"), StringColumn.create("kernel"),
                StringColumn.create("over"), StringColumn.create("break_even_rate"), StringColumn.create("ci_low"), StringColumn.create("ci_high"),
                StringColumn.create("how"));
        // series keyed by n, g, kernel, baseline: (rate, speedup interval)
        Map<String, TreeMap<Double, Stats.Interval>> series = new LinkedHashMap<>();
        Map<String, Row> firstOf = new LinkedHashMap<>();
        Map<String, Integer> leftOut = new LinkedHashMap<>();
        for (Row r : rows) {
            if (!r.ok() || r.dense()) continue;
            String base = r.n() + "|" + r.g() + "|" + r.kernel() + "|";
            series.computeIfAbsent(base + FASTEST, k -> new TreeMap<>());
            firstOf.putIfAbsent(base + FASTEST, r);
            for (String over : r.over().keySet()) {
                series.computeIfAbsent(base + over, k -> new TreeMap<>());
                firstOf.putIfAbsent(base + over, r);
            }
            if (r.unstable()) { // an unstable point (A/A control failed) decides no break-even
                leftOut.merge(base + FASTEST, 1, Integer::sum);
                for (String over : r.over().keySet()) leftOut.merge(base + over, 1, Integer::sum);
                continue;
            }
            series.get(base + FASTEST).put(r.rate(), new Stats.Interval(r.speedup(), r.spLow(), r.spHigh(), 0.95));
            for (var e : r.over().entrySet()) series.get(base + e.getKey()).put(r.rate(), e.getValue().interval());
        }
        for (var s : series.entrySet()) {
            Row first = firstOf.get(s.getKey());
            String over = s.getKey().substring(s.getKey().lastIndexOf('|') + 1);
            double[] rate = s.getValue().keySet().stream().mapToDouble(Double::doubleValue).toArray();
            double[] med = s.getValue().values().stream().mapToDouble(Stats.Interval::median).toArray();
            double[] lo = s.getValue().values().stream().mapToDouble(Stats.Interval::low).toArray();
            double[] hi = s.getValue().values().stream().mapToDouble(Stats.Interval::high).toArray();
            int out = leftOut.getOrDefault(s.getKey(), 0);
            BreakEven b = rate.length == 0 ? new BreakEven(Double.NaN, Double.NaN, Double.NaN, "inconclusive (noise): every point's A/A control failed")
                    : breakEven(rate, med, lo, hi);
            if (out > 0 && rate.length > 0) b = new BreakEven(b.rate(), b.low(), b.high(), b.how() + "; " + out + " unstable point(s) left out (A/A control failed)");
            be.intColumn("n").append(first.n());
            be.intColumn("g").append(first.g());
            be.stringColumn("kernel").append(first.kernel());
            be.stringColumn("over").append(over);
            be.stringColumn("break_even_rate").append(Double.isNaN(b.rate()) ? (rate.length == 0 ? "inconclusive (noise)" : "none in range") : String.format(Locale.ROOT, "%.4f", b.rate()));
            be.stringColumn("ci_low").append(Double.isNaN(b.low()) ? "open" : String.format(Locale.ROOT, "%.4f", b.low()));
            be.stringColumn("ci_high").append(Double.isNaN(b.high()) ? "open" : String.format(Locale.ROOT, "%.4f", b.high()));
            be.stringColumn("how").append(b.how());
            if (!Double.isNaN(b.rate())) {
                double[] samples = Arrays.stream(new double[] {b.low(), b.rate(), b.high()}).filter(v -> !Double.isNaN(v)).toArray();
                Metric m = Metric.timing(name("break_even_rate", "kernel", first.kernel(), "over", over, "g", first.g(), "n", first.n()), b.rate(),
                        "fraction", samples);
                ctx.metric(m, ctx.kernels().entry(first.backend()).map(KernelRegistry.Entry::backend).orElseThrow());
            }
        }
        ctx.table("break_even", be);
    }

    /**
     * The first crossing of speedup = 1 going up the rate grid, by linear interpolation between the two rates that
     * bracket it; NaN with the reason when the speedup stays on one side of 1 over the whole range. The interval:
     * the crossing of the upper ends of the speedup intervals (the earliest the median could cross) and of the lower
     * ends (the latest).
     */
    public static BreakEven breakEven(double[] rate, double[] speedup, double[] low, double[] high) {
        double r = crossing(rate, speedup);
        String how;
        if (rate.length == 0) how = "no measurements";
        else if (!Double.isNaN(r)) how = "interpolated between bracketing rates";
        else if (speedup[0] >= 1) how = String.format(Locale.ROOT, "faster than dense over the whole range (%.2f× at %.2f)", speedup[0], rate[0]);
        else how = String.format(Locale.ROOT, "slower than dense over the whole range (%.2f× at %.2f)", speedup[rate.length - 1], rate[rate.length - 1]);
        return new BreakEven(r, crossing(rate, high), crossing(rate, low), how);
    }

    /** Where a series first reaches 1 going up the rates, linear between the bracketing rates; NaN when it does not in range. */
    static double crossing(double[] rate, double[] s) {
        if (rate.length == 0 || s[0] >= 1) return Double.NaN;
        for (int i = 1; i < rate.length; i++)
            if (s[i] >= 1) {
                double f = (1 - s[i - 1]) / (s[i] - s[i - 1]);
                return rate[i - 1] + f * (rate[i] - rate[i - 1]);
            }
        return Double.NaN;
    }

    /** Two decimals (0.90) for whole percents, more only when needed (0.995). */
    public static String rate(double r) {
        if (Math.abs(r * 100 - Math.rint(r * 100)) < 1e-9) return String.format(Locale.ROOT, "%.2f", r);
        String s = String.format(Locale.ROOT, "%.6f", r);
        return s.replaceAll("0+$", "");
    }

    /** e.g. {@code speedup[kernel=gcsr-vector,over=fastest-dense,g=32,rate=0.90,n=50]}; rates printed with two decimals. */
    public static String name(String base, Object... kv) {
        MetricName n = MetricName.of(base);
        for (int i = 0; i < kv.length; i += 2) n = n.with(String.valueOf(kv[i]), kv[i + 1] instanceof Double d ? rate(d) : kv[i + 1]);
        return n.toString();
    }
}
