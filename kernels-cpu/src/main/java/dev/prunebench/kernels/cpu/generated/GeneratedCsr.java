package dev.prunebench.kernels.cpu.generated;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.rows.CpuMatMul;
import dev.prunebench.kernels.cpu.vector.VectorKernels;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Comparison;
import dev.prunebench.measure.Interleaved;
import dev.prunebench.measure.Stats;
import java.util.List;
import java.util.Locale;

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
 * <p><b>Tiered choice</b> (the registered instance): after the warm-up, the generated code and the generic
 * {@code csr-vector} kernel it would replace are timed against each other, interleaved ({@link #TIERED_BUDGET}); the
 * generated code is kept only when HotSpot was seen to compile it and its speedup interval over {@code csr-vector} lies
 * wholly above 1 ({@link #keepGenerated}). Otherwise {@code csr-vector} runs and the variant says why, with the measured
 * ratio. So {@code generated-csr} is never knowingly slower than the kernel it replaces; the decision is itself a
 * measurement on this machine, so it may differ between runs when the two are within noise of each other.
 *
 * <p>The registered instance uses {@link SpmmGenerator.Options#defaults()}; the system property
 * {@code prunebench.generated.maxCodeMiB} changes the threshold, {@code prunebench.generated.tiered=false} turns the
 * tiered choice off (the generated code is then always used once generated).
 */
public final class GeneratedCsr extends CpuMatMul {
    public static final String ID = "generated-csr";

    /** Warm-up rounds by default: above C2's invocation threshold (5 000 at tier 3) with margin. */
    public static final int DEFAULT_WARMUP_ROUNDS = 12_000;

    private final SpmmGenerator.Options options;
    private final int warmupRounds;
    private final long maxWarmupMillis;

    GeneratedCsr() {
        this(defaultOptions(), DEFAULT_WARMUP_ROUNDS, DEFAULT_MAX_WARMUP_MILLIS, !"false".equalsIgnoreCase(System.getProperty("prunebench.generated.tiered", "true").trim()));
    }

    /** The short interleaved comparison behind the tiered choice: 11 rounds of samples of at least 2 ms. */
    public static final Budget TIERED_BUDGET = new Budget(1, 11, 2_000_000L, 1000, 7L, 150_000_000L);

    private final boolean tiered;

    /** The longest prepare waits for HotSpot to compile the code. */
    public static final long DEFAULT_MAX_WARMUP_MILLIS = 120_000;

    /**
     * @param options      generator settings (threshold, method size)
     * @param warmupRounds    least empty dispatches in prepare (0: no warm-up; the code is then compiled, if ever, by
     *                        the timed runs)
     * @param maxWarmupMillis the longest the warm-up waits for the compilers to fall idle
     */
    public GeneratedCsr(SpmmGenerator.Options options, int warmupRounds, long maxWarmupMillis) {
        this(options, warmupRounds, maxWarmupMillis, false);
    }

    /**
     * @param tiered whether to time the compiled code against {@code csr-vector} after the warm-up and keep the
     *               generated code only when it is measured faster (needs {@code warmupRounds > 0})
     */
    public GeneratedCsr(SpmmGenerator.Options options, int warmupRounds, long maxWarmupMillis, boolean tiered) {
        super(ID, GeneratedKernels.BACKEND_ID, FormatSpec.Kind.CSR);
        if (warmupRounds < 0) throw new IllegalArgumentException("warmupRounds: must be >= 0, got " + warmupRounds);
        this.options = options;
        this.warmupRounds = warmupRounds;
        this.maxWarmupMillis = maxWarmupMillis;
        if (tiered && warmupRounds == 0) throw new IllegalArgumentException("tiered: needs a warm-up (warmupRounds > 0), got 0");
        this.tiered = tiered;
    }

    public boolean tiered() { return tiered; }

    /**
     * The tiered rule: keep the generated code only when HotSpot was seen to compile it and the whole 95 % interval
     * of its speedup over {@code csr-vector} lies above 1. Within noise, or not compiled, the generic kernel stays.
     */
    public static boolean keepGenerated(boolean compiled, Stats.Interval speedupOverGeneric) {
        return compiled && speedupOverGeneric != null && speedupOverGeneric.low() > 1.0;
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
        return tiered ? choose(p, w, x, n, threads) : p;
    }

    /** The tiered choice between the compiled generated code and {@code csr-vector}; the loser is closed. */
    private static Prepared choose(GeneratedPrepared generated, SparseFormat w, float[] x, int n, int threads) {
        GeneratedPrepared.Report r = generated.report();
        MatMul.Prepared generic = VectorKernels.kernel("csr-vector").orElseThrow().prepare(w, x, n, threads);
        Stats.Interval s = null;
        if (r.compiled()) {
            Comparison c = Interleaved.compare(generated, generic, TIERED_BUDGET);
            s = c.speedup();
        }
        if (keepGenerated(r.compiled(), s)) {
            generic.close();
            generated.tieredSpeedup(s);
            return generated;
        }
        generated.close();
        String why = s == null ? "tiered: csr-vector kept, the generated code was not seen compiled by C2 within the warm-up"
                : String.format(Locale.ROOT, "tiered: csr-vector kept, generated-csr measured %.2fx [%.2f, %.2f] of its speed (interleaved, %d rounds)",
                        s.median(), s.low(), s.high(), TIERED_BUDGET.repeats());
        System.err.println(ID + ": " + why);
        // the code was generated: its exact figures (bytecode, methods) stay readable from the variant
        return new GeneratedPrepared.Fallback(generic, why + "; " + generated.variant(), r);
    }
}
