package dev.prunebench.history;

import dev.prunebench.results.Environment;
import dev.prunebench.results.Metric;
import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small run folders written through {@link RunWriter} for the history tests: two kernels' speedups with repeats, an exact count. */
public final class HistoryRuns {
    private HistoryRuns() {}

    public static final String FP = "Test CPU 9000 | 2 cores | avx2 fma avx512f";
    static final List<String> KERNELS = List.of("alpha-vector", "beta-vector");
    static final int[] G = {1, 8, 32};
    static final double[] RATES = {0.8, 0.9, 0.95};

    /**
     * One run: for each kernel and point a speedup over fastest-dense of base 1.0 + g/40 + rate, with a run-level
     * factor (lognormal, sd {@code runNoise}, one per kernel per run) and 7 repeats around it (sd 3 %), divided by
     * {@code slowdown.get(kernel)} when given; exact {@code nnz[g=1]} = {@code nnz}.
     */
    public static Path write(Path root, String commit, String fingerprint, long seed, double runNoise, Map<String, Double> slowdown, double nnz) throws IOException {
        Random rnd = new Random(seed);
        Path dir = root.resolve(commit + "-" + seed);
        try (RunWriter run = new RunWriter(dir, commit, Scale.QUICK, seed, RunWriter.nullStream(), false)) {
            try (RunWriter.Context ctx = run.experiment("spmm-test", "test paper")) {
                for (String k : KERNELS) {
                    double runFactor = Math.exp(runNoise * rnd.nextGaussian()) / slowdown.getOrDefault(k, 1.0);
                    for (int g : G)
                        for (double r : RATES) {
                            double[] s = new double[7];
                            for (int i = 0; i < s.length; i++) s[i] = (1.0 + g / 40.0 + r) * runFactor * Math.exp(0.03 * rnd.nextGaussian());
                            double[] sorted = s.clone();
                            java.util.Arrays.sort(sorted);
                            ctx.metric(Metric.timing("speedup[kernel=" + k + ",over=fastest-dense,g=" + g + ",rate=" + r + ",n=50]", sorted[3], "x", s));
                            double[] s2 = s.clone();
                            for (int i = 0; i < s2.length; i++) s2[i] *= 1.3;
                            ctx.metric(Metric.timing("speedup[kernel=" + k + ",over=dense-vector,g=" + g + ",rate=" + r + ",n=50]", sorted[3] * 1.3, "x", s2));
                        }
                }
                ctx.metric(Metric.exact("nnz[g=1]", nnz, "count"));
                ctx.metric(Metric.info("threads", 2, ""));
            }
            Map<String, Object> env = new LinkedHashMap<>();
            env.put("cpu_model", "Test CPU 9000");
            env.put("fingerprint", fingerprint);
            env.put("git_commit", commit + "0".repeat(Math.max(0, 40 - commit.length())));
            env.put("git_dirty", "false");
            return run.finish(Map.of(), Environment.of(env), d -> {});
        }
    }

    public static Path write(Path root, String commit, long seed) throws IOException {
        return write(root, commit, FP, seed, 0.01, Map.of(), 1000);
    }
}
