package dev.prunebench.results;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Builds small but complete run folders through {@link RunWriter}, the way experiments write them. */
public final class SyntheticRun {
    private SyntheticRun() {}

    public static final String FINGERPRINT = "Test CPU 9000 | 2 cores | avx2 fma avx512f";

    /** The number of plots {@link #write} declares. */
    static final int PLOTS = 4;

    /**
     * A run with two experiments: an SpMM sweep (speedup vs rate per g, timings with repeats, a modelled series) and a
     * storage table (exact bytes). {@code slowdown} multiplies every timing sample (1.0 = honest rerun).
     */
    public static Path write(Path root, long seed, double slowdown, String fingerprint) throws IOException {
        Random rnd = new Random(seed);
        try (RunWriter run = new RunWriter(root, "abc1234", Scale.QUICK, seed, RunWriter.nullStream(), false)) {
            try (RunWriter.Context ctx = run.experiment("hartenstein-spmm-cpu", "Hartenstein et al., Fig. 3")) {
                IntColumn g = IntColumn.create("g");
                DoubleColumn rate = DoubleColumn.create("rate");
                DoubleColumn speedup = DoubleColumn.create("speedup");
                BooleanColumn modelled = BooleanColumn.create("modelled");
                StringColumn kernel = StringColumn.create("kernel");
                for (int gs : new int[] {1, 8, 32}) {
                    for (double r : new double[] {0.8, 0.9, 0.95, 0.98}) {
                        g.append(gs);
                        rate.append(r);
                        double s = (0.3 + gs / 40.0) / (1 - r) / 8;
                        speedup.append(s);
                        modelled.append(false);
                        kernel.append("gcsr-vector");
                    }
                }
                for (double r : new double[] {0.8, 0.9, 0.95, 0.98}) {
                    g.append(64);
                    rate.append(r);
                    speedup.append(0.2 / (1 - r));
                    modelled.append(true);
                    kernel.append("warp-model");
                }
                ctx.table("spmm", Table.create("spmm", kernel, g, rate, speedup, modelled));
                ctx.plot(new PlotSpec("speedup-vs-rate", "SpMM speedup over dense vs pruning rate", "spmm", "rate", "speedup", "g",
                        List.of(), "pruning rate", "speedup over dense (x)", false, PlotSpec.Style.LINE, 1.0));
                ctx.plot(new PlotSpec("speedup-g8", "Speedup at g = 8", "spmm", "rate", "speedup", null,
                        List.of("g=8"), "pruning rate", "speedup (x)", true, PlotSpec.Style.SCATTER, Double.NaN));
                ctx.plot(new PlotSpec("speedup-bar", "Speedup at 90 % per group size", "spmm", "g", "speedup", null,
                        List.of("rate=0.90"), "group size g", "speedup (x)", false, PlotSpec.Style.BAR, Double.NaN));
                double[] samples = new double[20];
                for (int i = 0; i < samples.length; i++) samples[i] = 1.5 * (1 + 0.02 * rnd.nextGaussian()) / slowdown;
                ctx.metric(Metric.timing("speedup[kernel=gcsr-vector,over=fastest-dense,g=8,rate=0.90,n=50]", Compare.median(samples), "x", samples));
                double[] ms = new double[20];
                for (int i = 0; i < ms.length; i++) ms[i] = 12.0 * (1 + 0.02 * rnd.nextGaussian()) * slowdown;
                ctx.metric(Metric.timing("time[kernel=gcsr-vector,g=32,rate=0.90,n=50]", Compare.median(ms), "ms", ms));
                ctx.metric(Metric.exact("break_even_rate[kernel=gcsr-vector,over=fastest-dense,g=1,n=50]", 0.93, "fraction"));
                ctx.metric(Metric.info("threads", 1, ""));
                ctx.parameter("n", 50);
                ctx.note("synthetic numbers for tests");
                ctx.skipped("cuda backend", "no CUDA device (cudaGetDeviceCount: error 35)");
            }
            try (RunWriter.Context ctx = run.experiment("formats-storage", "sparse-format lecture")) {
                DoubleColumn sp = DoubleColumn.create("sparsity");
                DoubleColumn bytes = DoubleColumn.create("bytes");
                StringColumn fmt = StringColumn.create("format");
                for (double s : new double[] {0.5, 0.7, 0.9, 0.95}) {
                    for (String f : new String[] {"dense", "csr"}) {
                        sp.append(s);
                        fmt.append(f);
                        bytes.append(f.equals("dense") ? 4096.0 * 4096 * 4 : (1 - s) * 4096 * 4096 * 6 + 4097 * 4);
                    }
                }
                ctx.table("bytes", Table.create("bytes", fmt, sp, bytes));
                ctx.plot(PlotSpec.line("bytes-vs-sparsity", "Bytes vs sparsity", "bytes", "sparsity", "bytes", "format", "sparsity", "bytes"));
                ctx.metric(Metric.exact("bytes[format=csr,rows=4096,cols=4096,precision=fp32,policy=minimal,sparsity=0.90]", 10082720, "bytes"));
                ctx.metric(Metric.exact("nm_sparsity[n=2,m=4]", 0.5, "fraction"));
            }
            Environment env = Environment.of(Map.of("cpu_model", "Test CPU 9000", "cores", 2, "gpu", "none", "fingerprint", fingerprint));
            return run.finish(Map.of("git_commit", "abc1234"), env, dir -> {});
        }
    }
}
