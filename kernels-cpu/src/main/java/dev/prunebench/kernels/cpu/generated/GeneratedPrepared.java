package dev.prunebench.kernels.cpu.generated;

import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.rows.RowPool;
import dev.prunebench.measure.Stats;

/**
 * A prepared {@code generated-csr}: the generated code, X padded (stride N, {@code ld − N} zeros after the last row),
 * C at stride {@code ld}, and the parts shared out between threads (a {@link RowPool} when more than one).
 */
public final class GeneratedPrepared implements MatMul.Prepared {

    /**
     * What preparing cost and produced.
     *
     * @param generateMs   planning and emitting the class file
     * @param defineMs     defining the hidden class (verification included)
     * @param warmupMs     the warm-up that makes HotSpot compile the code, until its compilers fell idle: the time
     *                     from a loaded class to compiled speed
     * @param warmupRuns   real runs among them
     * @param warmupRounds empty dispatches of every part
     * @param compiled     whether a real run was seen to allocate nothing (every method running as C2 code) before
     *                     the warm-up ended
     * @param codeBytes    bytecode bytes of the generated methods (the estimate when refused)
     * @param methods      generated methods
     * @param largestMethod bytecode bytes of the largest one
     * @param classBytes   size of the class file
     * @param values       CONSTANTS or CLASS_DATA
     * @param refusal      why no code was generated, or null
     */
    public record Report(double generateMs, double defineMs, double warmupMs, int warmupRuns, int warmupRounds, boolean compiled, long codeBytes, int methods, int largestMethod,
                         int classBytes, String values, String refusal) {}

    private final GeneratedCode code;
    private final SpmmGenerator.Plan plan;
    private final float[] xp, c;
    private final int m, n, ld, parts;
    private final int[] bounds;
    private final RowPool pool;
    private Report report;
    private boolean ran, closed;
    private Stats.Interval tieredSpeedup;

    GeneratedPrepared(GeneratedCode code, SpmmGenerator.Plan plan, float[] x, int threads, double generateMs, double defineMs,
                      SpmmGenerator.Generated g) {
        this.code = code;
        this.plan = plan;
        this.m = plan.rows();
        this.n = plan.n();
        this.ld = plan.ld();
        this.parts = plan.parts();
        int k = plan.cols();
        this.xp = new float[Math.addExact(Math.multiplyExact(k, n), ld - n)];
        System.arraycopy(x, 0, xp, 0, k * n);
        this.c = new float[Math.multiplyExact(m, ld)];
        int chunks = Math.max(1, Math.min(threads, parts));
        this.bounds = new int[chunks + 1];
        for (int t = 0; t <= chunks; t++) bounds[t] = (int) ((long) parts * t / chunks);
        this.report = new Report(generateMs, defineMs, 0, 0, 0, false, g.codeBytes(), plan.methodCount(), g.largestMethod(), g.classBytes().length,
                plan.values().name(), null);
        this.pool = chunks > 1 ? new RowPool(chunks, i -> parts(bounds[i], bounds[i + 1]), MatMul.class.getSimpleName() + "-generated") : null;
    }

    private void parts(int from, int to) {
        int full = plan.fullEnd(), tail = plan.tailJ();
        for (int q = from; q < to; q++) {
            code.run(q, xp, c, 0, full);
            if (tail >= 0) code.run(q, xp, c, tail, tail + 1);
        }
    }

    /**
     * Makes HotSpot compile the generated code before anything is timed, and measures how long that takes.
     *
     * <p>Every part is dispatched with an empty column range (nothing computed, but every generated method is invoked,
     * so its invocation counter passes C2's threshold without running interpreted vector code), with a 1 ms pause
     * every batch to leave the core to the compiler threads, and a real run in between so that the profile C2
     * compiles from has seen the body executed (a method whose profile never saw its body run is compiled with a
     * trap there, {@code unstable_if}, and deoptimised by the next real run). On a busy queue HotSpot first compiles
     * at tier 2 and moves a method on to the profiled tier and C2 only while it is still being invoked, hence the
     * dispatches go on until the code is compiled.
     *
     * <p>"Compiled" is observed, not guessed: a run of the generated code allocates nothing exactly when every
     * method ran as C2 code (C2 eliminates the vector boxes; the interpreter and C1 allocate one per vector
     * operation), read from the thread's allocation counter. The warm-up ends at the first real run that allocated
     * nothing, after at least {@code minRounds} empty dispatches, or at {@code maxMillis} (then
     * {@link Report#compiled()} is false and the report says so).
     */
    void warmUp(int minRounds, long maxMillis) {
        if (minRounds == 0) return;
        long t0 = System.nanoTime(), deadline = t0 + maxMillis * 1_000_000L;
        com.sun.management.ThreadMXBean bean = null;
        try {
            if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean b && b.isThreadAllocatedMemorySupported()
                    && b.isThreadAllocatedMemoryEnabled()) bean = b;
        } catch (RuntimeException | LinkageError e) {
            bean = null; // not HotSpot: fall back to a fixed number of cycles
        }
        long tid = Thread.currentThread().threadId();
        int real = 0, rounds = 0;
        boolean compiled = false;
        for (int cycle = 0; System.nanoTime() < deadline; cycle++) {
            long a0 = bean == null ? 0 : bean.getThreadAllocatedBytes(tid);
            parts(0, parts);
            real++;
            long allocated = bean == null ? -1 : bean.getThreadAllocatedBytes(tid) - a0;
            if (rounds >= minRounds && allocated == 0) {
                compiled = true;
                break;
            }
            if (bean == null && cycle >= 3) break;
            int cycleRounds = 0;
            while (cycleRounds < minRounds / 2 && System.nanoTime() < deadline) {
                for (int r = 0; r < 200; r++)
                    for (int q = 0; q < parts; q++) code.run(q, xp, c, 0, 0);
                cycleRounds += 200;
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            rounds += cycleRounds;
        }
        report = new Report(report.generateMs(), report.defineMs(), (System.nanoTime() - t0) / 1e6, real, rounds, compiled, report.codeBytes(),
                report.methods(), report.largestMethod(), report.classBytes(), report.values(), null);
    }

    public Report report() { return report; }

    /** The speedup over {@code csr-vector} that made the tiered choice keep this code. */
    void tieredSpeedup(Stats.Interval s) { this.tieredSpeedup = s; }

    public SpmmGenerator.Plan plan() { return plan; }

    @Override public void run() {
        if (closed) throw new IllegalStateException("run(): this prepared kernel is closed");
        if (pool == null) parts(0, parts);
        else pool.runAll();
        ran = true;
    }

    @Override public float[] result() {
        if (!ran) throw new IllegalStateException("result(): run() has not been called");
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) System.arraycopy(c, i * ld, out, i * n, n);
        return out;
    }

    /**
     * e.g. {@code generated: methods=63, bytecode=83000 B, values=constants, generate_ms=40.1, define_ms=5.2,
     * warmup_ms=4100.0}: tables print it beside the kernel, and {@link #parseVariant} reads the numbers back from a
     * table row, since a harness that closes the prepared kernel keeps only this string.
     */
    @Override public String variant() {
        return String.format(java.util.Locale.ROOT, "generated: methods=%d, bytecode=%d B, values=%s, generate_ms=%.1f, define_ms=%.1f, warmup_ms=%.1f, c2=%s",
                report.methods(), report.codeBytes(), report.values().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), report.generateMs(),
                report.defineMs(), report.warmupMs(), report.compiled() ? "all" : "not-seen")
                + (tieredSpeedup == null ? "" : String.format(java.util.Locale.ROOT, ", tiered_over_csr_vector=%.2f", tieredSpeedup.median()));
    }

    /**
     * The {@code key=value} numbers of a {@link #variant()} string (bytecode in bytes), also where a tiered fallback
     * appends them ({@code tiered: csr-vector kept, …; generated: …}: the code was generated, csr-vector runs); empty
     * for a fallback that generated no code. Whether the generated code ran is {@link #ran(String)}.
     */
    public static java.util.Map<String, String> parseVariant(String variant) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        if (variant == null) return out;
        int at = variant.startsWith("generated: ") ? 0 : variant.indexOf("; generated: ");
        if (at < 0) return out;
        if (at > 0) at += 2;
        for (String kv : variant.substring(at + "generated: ".length()).split(", ")) {
            int eq = kv.indexOf('=');
            if (eq > 0) out.put(kv.substring(0, eq), kv.substring(eq + 1).replace(" B", ""));
        }
        return out;
    }

    /** Whether a prepared kernel with this variant ran the generated code (not a fallback to csr-vector). */
    public static boolean ran(String variant) { return variant != null && variant.startsWith("generated: "); }

    @Override public void close() {
        if (pool != null) pool.close();
        closed = true;
    }

    /** The generic kernel, run because the code would be over the threshold; the variant says so. */
    public static final class Fallback implements MatMul.Prepared {
        private final MatMul.Prepared generic;
        private final String why;
        private final Report report;

        Fallback(MatMul.Prepared generic, String why, Report report) {
            this.generic = generic;
            this.why = why;
            this.report = report;
        }

        public Report report() { return report; }

        @Override public void run() { generic.run(); }

        @Override public float[] result() { return generic.result(); }

        @Override public String variant() { return why; }

        @Override public void close() { generic.close(); }
    }
}
