package dev.prunebench.kernels.cpu.bench;

import dev.prunebench.core.spdy.SpdyDp;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * SPDY's DP at the size: 100 layers, each with 42 levels × 5 formats = 210 (format, level) choices, 10 000
 * buckets, a budget halfway between the fastest and the dense model. Inputs from a seeded RNG in {@code @Setup}; the
 * solution is returned so nothing is optimised away. The aim is under a second per solve.
 *
 * <pre>
 * HOW TO RUN
 *   ./mvnw -pl kernels-cpu -am package -DskipTests
 *   java -jar kernels-cpu/target/benchmarks.jar SpdyDpBenchmark
 *   Tiny smoke configuration: java -jar kernels-cpu/target/benchmarks.jar SpdyDpBenchmark -p layers=10 -p buckets=1000 -f 1 -wi 1 -i 2 -w 100ms -r 100ms
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SpdyDpBenchmark {

    @Param({"100"}) public int layers;
    @Param({"42"}) public int levels;
    @Param({"5"}) public int formats;
    @Param({"10000"}) public int buckets;

    double[][] seconds, error;
    double budget;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(13);
        seconds = new double[layers][levels * formats];
        error = new double[layers][levels * formats];
        double dense = 0, fastest = 0;
        for (int l = 0; l < layers; l++) {
            double d = r.nextDouble(1e-4, 1e-2), min = Double.MAX_VALUE;
            for (int f = 0; f < formats; f++)
                for (int k = 0; k < levels; k++) {
                    double density = k == 0 ? 1 : 0.6 * Math.pow(0.01 / 0.6, (k - 1) / 40.0);
                    // each format its own overhead, noisy as measured tables are
                    double t = d * (0.2 + (0.3 + 0.2 * f) * density) * r.nextDouble(0.9, 1.1);
                    seconds[l][f * levels + k] = t;
                    error[l][f * levels + k] = (1 - density) * (1 - density) * (1 + 0.1 * f);
                    min = Math.min(min, t);
                }
            dense += d;
            fastest += min;
        }
        budget = (dense + fastest) / 2;
    }

    @Benchmark
    public SpdyDp.Solution solve() {
        return SpdyDp.solve(seconds, error, budget, buckets);
    }
}
