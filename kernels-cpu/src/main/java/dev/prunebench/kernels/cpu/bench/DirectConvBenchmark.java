package dev.prunebench.kernels.cpu.bench;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.vector.DirectConv;
import dev.prunebench.measure.Patterns;
import dev.prunebench.measure.Verification;
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
 * {@code csr-direct-conv} on one convolution layer (C → C channels, k × k, padding k / 2), W uniformly pruned to an
 * exact rate; verified in {@code @Setup} against a reference accumulated in double from W's non-zeros.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -jar kernels-cpu/target/benchmarks.jar DirectConvBenchmark \
 *        -p layer=64x56,128x28,256x14,512x7 -p rate=0.9 -p stride=1
 *   smoke: -p layer=16x14 -f 1 -wi 1 -i 2 -w 100ms -r 100ms
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DirectConvBenchmark {

    /** CxS: C input and output channels, an S × S image (ResNet-50's 3×3 layers: 64x56, 128x28, 256x14, 512x7). */
    @Param({"64x56"})
    public String layer;

    @Param({"0.9"})
    public double rate;

    @Param({"3"})
    public int k;

    @Param({"1"})
    public int stride;

    @Param({"1"})
    public int threads;

    private MatMul.Prepared prepared;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = layer.split("x");
        int c = Integer.parseInt(p[0]), side = Integer.parseInt(p[1]);
        DirectConv.Geometry g = new DirectConv.Geometry(c, side, side, c, k, stride, k / 2);
        Csr w = Csr.fromDense(Patterns.uniform(c, g.patch(), rate, 1).data(), c, g.patch());
        float[] image = Patterns.normalVector(c * side * side, 2);
        prepared = DirectConv.prepare(w, g, image, threads);
        Verification v = Verification.check(prepared, reference(w, g, image), g.patch());
        if (!v.passed()) throw new IllegalStateException(DirectConv.ID + " failed verification on " + g + ": " + v);
    }

    /** out[o][y][x] from W's non-zeros, in double. */
    static float[] reference(Csr w, DirectConv.Geometry g, float[] in) {
        int oh = g.outH(), ow = g.outW(), kk = g.k();
        double[] acc = new double[g.cout() * oh * ow];
        for (int o = 0; o < g.cout(); o++)
            for (int q = w.rowPtr()[o]; q < w.rowPtr()[o + 1]; q++) {
                int col = w.colIndex()[q], c = col / (kk * kk), ky = col / kk % kk, kx = col % kk;
                double v = w.values()[q];
                for (int y = 0; y < oh; y++) {
                    int iy = y * g.stride() + ky - g.pad();
                    if (iy < 0 || iy >= g.h()) continue;
                    for (int x = 0; x < ow; x++) {
                        int ix = x * g.stride() + kx - g.pad();
                        if (ix >= 0 && ix < g.w()) acc[(o * oh + y) * ow + x] += v * in[(c * g.h() + iy) * g.w() + ix];
                    }
                }
            }
        float[] out = new float[acc.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) acc[i];
        return out;
    }

    @Benchmark
    public void run() { prepared.run(); }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (prepared != null) prepared.close();
    }
}
