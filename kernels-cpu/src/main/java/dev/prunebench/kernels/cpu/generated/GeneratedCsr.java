package dev.prunebench.kernels.cpu.generated;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.rows.CpuMatMul;
import dev.prunebench.kernels.cpu.vector.VectorKernels;

/**
 * {@code generated-csr}: code generated for the one W it is prepared with ({@link SpmmGenerator}), loaded as a
 * hidden class and warmed up so that HotSpot compiles it. {@code prepare} = plan + generation + class definition +
 * warm-up, each timed ({@link GeneratedPrepared#report()}); {@code run()} calls the generated parts and allocates
 * nothing once compiled.
 *
 * <p>Past the code-size threshold ({@link SpmmGenerator.Options#maxCodeBytes}) no code is generated: the kernel runs
 * the generic {@code csr-vector} kernel instead, prints the reason on stderr and names it in
 * {@link MatMul.Prepared#variant()}, so a table never presents the generic kernel's time as generated code's.
 *
 * <p>The registered instance uses {@link SpmmGenerator.Options#defaults()}; the system property
 * {@code prunebench.generated.maxCodeMiB} changes the threshold.
 */
public final class GeneratedCsr extends CpuMatMul {
    public static final String ID = "generated-csr";

    /** Warm-up rounds by default: above C2's invocation threshold (5 000 at tier 3) with margin. */
    public static final int DEFAULT_WARMUP_ROUNDS = 12_000;

    private final SpmmGenerator.Options options;
    private final int warmupRounds;
    private final long maxWarmupMillis;

    GeneratedCsr() { this(defaultOptions(), DEFAULT_WARMUP_ROUNDS, DEFAULT_MAX_WARMUP_MILLIS); }

    /** The longest prepare waits for HotSpot to compile the code. */
    public static final long DEFAULT_MAX_WARMUP_MILLIS = 120_000;

    /**
     * @param options      generator settings (threshold, method size)
     * @param warmupRounds    least empty dispatches in prepare (0: no warm-up; the code is then compiled, if ever, by
     *                        the timed runs)
     * @param maxWarmupMillis the longest the warm-up waits for the compilers to fall idle
     */
    public GeneratedCsr(SpmmGenerator.Options options, int warmupRounds, long maxWarmupMillis) {
        super(ID, GeneratedKernels.BACKEND_ID, FormatSpec.Kind.CSR);
        if (warmupRounds < 0) throw new IllegalArgumentException("warmupRounds: must be >= 0, got " + warmupRounds);
        this.options = options;
        this.warmupRounds = warmupRounds;
        this.maxWarmupMillis = maxWarmupMillis;
    }

    public SpmmGenerator.Options options() { return options; }

    static SpmmGenerator.Options defaultOptions() {
        SpmmGenerator.Options o = SpmmGenerator.Options.defaults();
        String p = System.getProperty("prunebench.generated.maxCodeMiB");
        if (p == null || p.isBlank()) return o;
        try {
            double mib = Double.parseDouble(p.trim());
            if (!(mib > 0)) throw new NumberFormatException();
            return o.withMaxCodeBytes((long) (mib * 1048576));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("prunebench.generated.maxCodeMiB: must be a positive number of MiB, got '" + p + "'");
        }
    }

    @Override protected Prepared bind(SparseFormat w, float[] x, int n, int threads) {
        GeneratedKernels.requireAvailable(id());
        Csr csr = (Csr) w;
        long t0 = System.nanoTime();
        SpmmGenerator.Plan plan = SpmmGenerator.plan(csr, n, options);
        double planMs = (System.nanoTime() - t0) / 1e6;
        if (plan.refused()) {
            String why = "fallback to csr-vector: " + plan.refusal();
            System.err.println(ID + ": " + why);
            MatMul generic = VectorKernels.kernel("csr-vector").orElseThrow();
            return new GeneratedPrepared.Fallback(generic.prepare(w, x, n, threads), why,
                    new GeneratedPrepared.Report(planMs, 0, 0, 0, 0, false, plan.estimatedBytes(), 0, 0, 0, plan.values().name(), plan.refusal()));
        }
        SpmmGenerator.Generated g = SpmmGenerator.generate(plan, csr);
        long t1 = System.nanoTime();
        GeneratedCode code = SpmmGenerator.load(g);
        double defineMs = (System.nanoTime() - t1) / 1e6;
        GeneratedPrepared p = new GeneratedPrepared(code, plan, x, threads, planMs + g.generateMs(), defineMs, g);
        p.warmUp(warmupRounds, maxWarmupMillis);
        return p;
    }
}
