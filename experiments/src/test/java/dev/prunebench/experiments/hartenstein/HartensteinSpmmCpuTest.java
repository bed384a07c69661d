package dev.prunebench.experiments.hartenstein;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.kernels.cpu.measure.Budget;
import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HartensteinSpmmCpuTest {

    /** A plain CSR SpMM on Java arrays, standing in for the project's own kernels in this test. */
    static final class JavaCsr implements MatMul {
        private final String id;
        private final boolean broken;

        JavaCsr(String id, boolean broken) { this.id = id; this.broken = broken; }

        @Override public String id() { return id; }
        @Override public String backendId() { return "test"; }
        @Override public boolean supports(FormatSpec spec) { return spec.kind() == FormatSpec.Kind.CSR; }

        @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
            Csr c = (Csr) w;
            float[] out = new float[c.rows() * n];
            return new Prepared() {
                @Override public void run() {
                    java.util.Arrays.fill(out, 0);
                    for (int r = 0; r < c.rows(); r++)
                        for (int p = c.rowPtr()[r]; p < c.rowPtr()[r + 1]; p++) {
                            float a = c.values()[p];
                            int xb = c.colIndex()[p] * n;
                            for (int j = 0; j < n; j++) out[r * n + j] += a * x[xb + j];
                        }
                    if (broken) out[0] += 1;
                }
                @Override public float[] result() { return out.clone(); }
                @Override public void close() {}
            };
        }
    }

    /** Dense Java baseline, used when MKL is not there. */
    static final class JavaDense implements MatMul {
        @Override public String id() { return "dense-java-test"; }
        @Override public String backendId() { return "test"; }
        @Override public boolean supports(FormatSpec spec) { return spec.kind() == FormatSpec.Kind.DENSE; }
        @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
            Dense d = (Dense) w;
            float[] out = new float[d.rows() * n];
            return new Prepared() {
                @Override public void run() {
                    java.util.Arrays.fill(out, 0);
                    for (int r = 0; r < d.rows(); r++)
                        for (int k = 0; k < d.cols(); k++) {
                            float a = d.data()[r * d.cols() + k];
                            for (int j = 0; j < n; j++) out[r * n + j] += a * x[k * n + j];
                        }
                }
                @Override public float[] result() { return out.clone(); }
                @Override public void close() {}
            };
        }
    }

    @Test
    void tinyRunWritesSpeedupAndBreakEvenTables(@TempDir Path root) throws Exception {
        var cfg = new HartensteinSpmmCpu.Config(96, 64, new int[] {8, 1}, new double[] {0.5, 0.8, 0.95}, new int[] {1, 4},
                new Budget(1, 3, 0, 200, 1), 1, List.of("csr-java", "csr-broken", "mkl-sparse-csr", "gcsr-nowhere"),
                new double[] {0.3}, new double[] {0.99});
        Map<String, MatMul> extra = Map.of("csr-java", new JavaCsr("csr-java", false), "csr-broken", new JavaCsr("csr-broken", true));
        var e = new HartensteinSpmmCpu(cfg, id -> {
            if (extra.containsKey(id)) return Optional.of(extra.get(id));
            Optional<MatMul> k = CpuBackends.kernel(id);
            if (k.isPresent()) return k;
            return id.startsWith("mkl-sg") || id.equals("dense-vector") ? Optional.of(new JavaDense()) : Optional.empty();
        });
        Path dir;
        try (RunWriter run = new RunWriter(root, "test", Scale.QUICK, 5, RunWriter.nullStream(), false)) {
            try (var ctx = run.experiment(e.id(), e.paper())) {
                e.run(ctx);
            }
            dir = run.finish(Map.of()).resolve(e.id());
        }
        List<String> speed = Files.readAllLines(dir.resolve("speedup.csv"));
        assertThat(speed.get(0)).startsWith("n,g,rate,kernel,backend,format,dense_baseline,median_ms,ci_low,ci_high,dense_median_ms,speedup,"
                + "speedup_ci_low,speedup_ci_high,gflops,cycles_per_nnz,setup_ms,nnz,bytes,rel_error,status,grid");
        // 2 n × 2 g × 3 rates for csr-java and csr-broken (+ mkl-sparse-csr when MKL is there)
        long ok = speed.stream().filter(l -> l.contains(",csr-java,") && l.endsWith(",ok,issue")).count();
        assertThat(ok).isEqualTo(12);
        // outside the grid only when a series never crosses 1, and then only the extension rates
        assertThat(speed.stream().filter(l -> l.endsWith(",extended"))).allMatch(l -> l.contains(",0.3,") || l.contains(",0.99,"));
        assertThat(speed.stream().filter(l -> l.contains(",csr-broken,"))).hasSize(12).allMatch(l -> l.contains("failed: rel error"));
        assertThat(speed.stream().filter(l -> l.contains("gcsr-nowhere"))).isEmpty();
        List<String> be = Files.readAllLines(dir.resolve("break_even.csv"));
        assertThat(be.get(0)).isEqualTo("n,g,kernel,dense_baseline,break_even_rate,how");
        assertThat(be.stream().filter(l -> l.contains(",csr-java,"))).hasSize(4);
        List<String> th = Files.readAllLines(dir.resolve("threads.csv"));
        assertThat(th.get(0)).isEqualTo("n,rate,kernel,threads,median_ms,one_thread_ms,speedup,speedup_ci_low,speedup_ci_high,cores,status");
        if (Runtime.getRuntime().availableProcessors() >= 2)
            assertThat(th.stream().filter(l -> l.startsWith("8,0.95,csr-java,2,"))).hasSize(1);  // 0.95 is the grid rate nearest 0.90
        String metrics = Files.readString(dir.resolve("metrics.csv"));
        assertThat(metrics).contains("speedup[kernel=csr-java,g=1,rate=0.80,n=8]").contains("nnz[g=4,rate=0.50]");
        String json = Files.readString(dir.resolve("experiment.json"));
        assertThat(json).contains("gcsr-nowhere").contains("cpu_model").contains("speedup-csr-java-n8");
    }

    @Test
    void breakEvenInterpolatesTheFirstCrossing() {
        var b = HartensteinSpmmCpu.breakEven(new double[] {0.8, 0.9, 0.98}, new double[] {0.5, 1.5, 3});
        assertThat(b.rate()).isCloseTo(0.85, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(HartensteinSpmmCpu.breakEven(new double[] {0.8, 0.9}, new double[] {1.2, 2}).rate()).isNaN();
        assertThat(HartensteinSpmmCpu.breakEven(new double[] {0.8, 0.9}, new double[] {0.2, 0.9}).how()).startsWith("slower");
    }

    @Test
    void scorecardNamesHaveTheAgreedShape() {
        String n = HartensteinSpmmCpu.name("speedup", "kernel", "gcsr-vector", "g", 32, "rate", 0.9, "n", 50);
        assertThat(n).isEqualTo("speedup[kernel=gcsr-vector,g=32,rate=0.90,n=50]");
        assertThat(HartensteinSpmmCpu.rate(0.8)).isEqualTo("0.80");
        assertThat(HartensteinSpmmCpu.rate(0.995)).isEqualTo("0.995");
    }

    @Test
    void scalesAreTheIssueGrid() {
        var std = HartensteinSpmmCpu.Config.forScale(Scale.STANDARD);
        assertThat(std.rows()).isEqualTo(4096);
        assertThat(std.rates()).hasSize(10).startsWith(0.80).endsWith(0.98);
        assertThat(std.groups()).containsExactly(1, 2, 4, 8, 16, 32, 64);
        assertThat(std.ns()).containsExactly(50, 1);
    }
}
