package dev.prunebench.experiments.hartenstein;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.experiments.Backends;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.experiments.Shard;
import dev.prunebench.experiments.sweep.SpmmSweep;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Comparison;
import dev.prunebench.measure.Interleaved;
import dev.prunebench.measure.Patterns;
import dev.prunebench.measure.Verification;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.Scale;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Hartenstein et al., Fig. 3 on this CPU: the backend-neutral {@link SpmmSweep} on platform {@code cpu} (speedup of
 * each sparse kernel over the fastest dense CPU kernel measured at each point, and over each of MKL, OpenBLAS and our
 * Vector-API dense), plus thread scaling at one point of the sweep.
 */
public final class HartensteinSpmmCpu implements Experiment {

    /** Sparse kernels swept, in table order; ids not registered (or on an unavailable backend) are skipped with why. */
    public static final List<String> DEFAULT_KERNELS = List.of("gcsr-vector", "csr-vector", "mkl-sparse-csr");

    private static final double[] DOWN = {0.70, 0.60, 0.50, 0.40, 0.30, 0.20};
    private static final double[] UP = {0.99};
    private static final double[] FULL_DOWN = {0.75, 0.70, 0.65, 0.60, 0.55, 0.50, 0.40, 0.30, 0.20, 0.10};
    private static final double[] FULL_UP = {0.99, 0.995};

    /** The sweep at a scale: quick 1024² at three rates and g ∈ {1, 8, 32}; standard and full the paper's grid on 4096². */
    public static SpmmSweep.Config forScale(Scale scale) {
        double[] grid = new double[10];
        for (int i = 0; i < grid.length; i++) grid[i] = (80 + 2 * i) / 100.0;
        int[] allG = {1, 2, 4, 8, 16, 32, 64};
        return switch (scale) {
            case QUICK -> new SpmmSweep.Config(1024, 1024, new int[] {50, 1}, new double[] {0.80, 0.90, 0.98}, new int[] {1, 8, 32},
                    Budget.quick(), 1, DEFAULT_KERNELS, DOWN, UP, "cpu");
            case STANDARD -> new SpmmSweep.Config(4096, 4096, new int[] {50, 1}, grid, allG, new Budget(2, 9, 10_000_000L, 2000, 1L, 400_000_000L), 1,
                    DEFAULT_KERNELS, DOWN, UP, "cpu");
            case FULL -> new SpmmSweep.Config(4096, 4096, new int[] {50, 1}, grid, allG, Budget.full(), 1, DEFAULT_KERNELS, FULL_DOWN, FULL_UP, "cpu");
        };
    }

    private final SpmmSweep.Config fixed;

    /** The registered experiment: configuration from the run's scale. */
    public HartensteinSpmmCpu() { this(null); }

    /** A fixed configuration (tests). */
    public HartensteinSpmmCpu(SpmmSweep.Config config) { this.fixed = config; }

    @Override public String id() { return "hartenstein-spmm-cpu"; }

    @Override public String paper() { return "Hartenstein et al., Weight Pruning for DNNs on GPUs, Fig. 3 (on this CPU)"; }

    @Override public String description() {
        return "SpMM W 4096×4096 · X 4096×50 (and N = 1), group-RMS pruning 80–98 %, g = 1…64: speedup over the fastest dense CPU kernel "
                + "(and over MKL, OpenBLAS, Vector-API dense each) and break-even rate per g";
    }

    @Override public void run(ExperimentContext ctx) throws Exception { run(ctx, Shard.WHOLE); }

    @Override public boolean shardable() { return true; }

    /** The sweep's points of one shard ({@link SpmmSweep}); the thread scaling runs in shard 1 only. */
    @Override public void run(ExperimentContext ctx, Shard shard) throws Exception {
        SpmmSweep.Config cfg = fixed != null ? fixed : forScale(ctx.scale());
        ctx.parameter("environment", Backends.cpuEnvironment(cfg.threads()));
        ctx.note("mkl-sparse-csr always receives the CSR of the same non-zeros the other kernels multiply.");
        new SpmmSweep(cfg, shard).run(ctx);
        if (shard.index() == 1) threadScaling(ctx, cfg);
        else ctx.skipped("thread scaling", "runs in shard 1/" + shard.count() + " only");
    }

    /**
     * Multithreading at one point of the sweep (unstructured, the rate nearest 0.90, the largest N): each kernel with
     * {@code threads} = 2 (and more, up to the cores) interleaved with itself on 1 thread, same matrix and X.
     */
    private void threadScaling(ExperimentContext ctx, SpmmSweep.Config cfg) {
        int cores = Runtime.getRuntime().availableProcessors();
        Table t = Table.create("threads", IntColumn.create("n"), DoubleColumn.create("rate"), StringColumn.create("kernel"),
                IntColumn.create("threads"), DoubleColumn.create("median_ms"), DoubleColumn.create("one_thread_ms"),
                DoubleColumn.create("speedup"), DoubleColumn.create("speedup_ci_low"), DoubleColumn.create("speedup_ci_high"),
                IntColumn.create("cores"), StringColumn.create("status"));
        List<MatMul> kernels = cfg.kernels().stream().map(ctx.kernels()::kernel).flatMap(Optional::stream).toList();
        if (cores < 2) {
            ctx.skipped("thread scaling", "this machine offers " + cores + " core to the JVM");
            ctx.table("threads", t);
            return;
        }
        double rate = cfg.rates()[0];
        for (double r : cfg.rates()) if (Math.abs(r - 0.90) < Math.abs(rate - 0.90)) rate = r;
        int n = Arrays.stream(cfg.ns()).max().getAsInt();
        float[] w0 = Patterns.groupRms(cfg.rows(), cfg.cols(), 1, 0.0, ctx.seed()).data();
        Dense d = new Dense(cfg.rows(), cfg.cols(), new Patterns.GroupRanking(w0, cfg.rows(), cfg.cols(), 1).prune(rate));
        Csr csr = Csr.fromDense(d.data(), d.rows(), d.cols());
        float[] x = Patterns.normalVector(cfg.cols() * n, ctx.seed() + 1000 + n), ref = Verification.reference(csr, x, n);
        ctx.log().printf("  thread scaling at rate %.2f, n=%d, up to %d threads%n", rate, n, cores);
        for (MatMul k : kernels) {
            FormatSpec spec = SpmmSweep.preferredFormat(k, 1);
            if (spec == null) continue;
            SparseFormat w = spec.kind() == FormatSpec.Kind.GCSR ? GroupedCsr.fromDense(d.data(), d.rows(), d.cols(), 1) : csr;
            try (MatMul.Prepared one = k.prepare(w, x, n, 1)) {
                for (int th = 2; th <= Math.min(cores, 8); th *= 2) {
                    try (MatMul.Prepared many = k.prepare(w, x, n, th)) {
                        Verification v = Verification.check(many, ref, cfg.cols());
                        String status = v.passed() ? "ok" : String.format(Locale.ROOT, "failed: rel error %.3g > %.3g", v.relError(), v.tolerance());
                        double med = Double.NaN, oneMs = Double.NaN, sp = Double.NaN, lo = Double.NaN, hi = Double.NaN;
                        if (v.passed()) {
                            Comparison c = Interleaved.compare(many, one, cfg.budget().withSeed(ctx.seed() + th));
                            med = c.candidate().median() / 1e6;
                            oneMs = c.baseline().median() / 1e6;
                            sp = c.speedup().median();
                            lo = c.speedup().low();
                            hi = c.speedup().high();
                            ctx.metric(Metric.timing(SpmmSweep.name("thread_speedup", "kernel", k.id(), "threads", th, "rate", rate, "n", n), sp, "x",
                                    c.speedups()), ctx.kernels().backendOf(k));
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
}
