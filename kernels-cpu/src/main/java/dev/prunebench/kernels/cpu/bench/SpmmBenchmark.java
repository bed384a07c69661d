package dev.prunebench.kernels.cpu.bench;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.measure.Verification;
import dev.prunebench.measure.Patterns;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * C = W · X for every CPU kernel × format × pattern, W pruned to an exact rate from a seeded N(0, 1) matrix.
 * Each kernel is verified against the double-precision reference in {@code @Setup}, outside the timed region;
 * a kernel whose backend is unavailable fails its trial with the probe's reason (never silently replaced).
 *
 * <pre>
 * HOW TO RUN
 *   ./mvnw -pl kernels-cpu -am package -DskipTests          # builds kernels-cpu/target/benchmarks.jar
 *   java --add-modules jdk.incubator.vector -jar kernels-cpu/target/benchmarks.jar -l          # list
 *   java --add-modules jdk.incubator.vector -jar kernels-cpu/target/benchmarks.jar SpmmBenchmark \
 *        -p kernel=mkl-sgemm,mkl-sparse-csr,csr-vector,gcsr-vector -p g=1,8,16 -p rate=0.9 -p shape=4096x4096x50
 *   Tiny smoke configuration (seconds, CI):
 *   java --add-modules jdk.incubator.vector -jar kernels-cpu/target/benchmarks.jar SpmmBenchmark \
 *        -p shape=128x128x8 -p kernel=mkl-sparse-csr -f 1 -wi 1 -i 2 -w 100ms -r 100ms
 *   N = 1 (SpMV): -p shape=4096x4096x1 -p kernel=mkl-sgemv,mkl-sparse-csr,gcsr-vector
 *   Threads: -p threads=1,2 (the forked JVM runs the kernel's own threads; 1 for the tables).
 * </pre>
 * The {@code --add-modules} on the command line is for the host JVM that lists and parses; the forked benchmark
 * JVMs get it from {@code @Fork(jvmArgsAppend)}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SpmmBenchmark {

    /** MxKxN: W is M×K, X is K×N. */
    @Param({"4096x4096x50"})
    public String shape;

    /** Fraction of W pruned (exact count). */
    @Param({"0.9"})
    public double rate;

    /** Group size of the grouped patterns and of gcsr when format=auto. */
    @Param({"1"})
    public int g;

    /** uniform, grouped, magnitude, group-rms, power-law. */
    @Param({"uniform"})
    public String pattern;

    /** Kernel id (its backend is probed). */
    @Param({"mkl-sgemm", "openblas-sgemm", "mkl-sparse-csr", "csr-vector", "gcsr-vector"})
    public String kernel;

    /** auto (gcsr:g for grouped-only kernels, else csr, else dense) or a format name: csr, gcsr:8, nm:2:4, dense, coo. */
    @Param({"auto"})
    public String format;

    @Param({"1"})
    public int threads;

    @Param({"20260101"})
    public long seed;

    private MatMul.Prepared prepared;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.toLowerCase(Locale.ROOT).split("x");
        if (p.length != 3) throw new IllegalArgumentException("shape: expected MxKxN, got " + shape);
        int m = Integer.parseInt(p[0]), k = Integer.parseInt(p[1]), n = Integer.parseInt(p[2]);
        MatMul mm = CpuBackends.registry().require(kernel);
        Dense w = Patterns.generate(Patterns.Kind.parse(pattern), m, k, rate, g, seed);
        FormatSpec spec = format.equals("auto") ? auto(mm, g) : FormatSpec.parse(format);
        if (!mm.supports(spec)) throw new IllegalArgumentException("kernel " + kernel + " does not take format " + spec);
        SparseFormat enc = spec.encode(w.data(), m, k);
        float[] x = Patterns.normalVector(k * n, seed + 1);
        prepared = mm.prepare(enc, x, n, threads);
        Verification v = Verification.check(prepared, Verification.reference(w, x, n), k);
        if (!v.passed()) throw new IllegalStateException(kernel + " on " + spec + " fails verification: rel error " + v.relError() + " > " + v.tolerance());
    }

    static FormatSpec auto(MatMul mm, int g) {
        FormatSpec gs = FormatSpec.grouped(g);
        if (mm.supports(gs) && !mm.supports(FormatSpec.CSR)) return gs;
        if (mm.supports(FormatSpec.CSR)) return FormatSpec.CSR;
        if (mm.supports(FormatSpec.DENSE)) return FormatSpec.DENSE;
        if (mm.supports(gs)) return gs;
        throw new IllegalArgumentException("kernel " + mm.id() + " takes none of csr, dense, gcsr:" + g + "; pass -p format=…");
    }

    /** The timed call; returns the Prepared (C lives in memory it owns, so the multiply cannot be dropped). */
    @Benchmark
    public Object multiply() {
        prepared.run();
        return prepared;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (prepared != null) prepared.close();
    }
}
