package dev.prunebench.experiments.hartenstein;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.experiments.Backends;
import dev.prunebench.experiments.sweep.SpmmSweep;
import dev.prunebench.measure.Budget;
import dev.prunebench.results.RunWriter;
import dev.prunebench.results.Scale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HartensteinSpmmCpuTest {

    @Test
    void tinyRunOnTheRealRegistryWritesEveryTable(@TempDir Path root) throws Exception {
        var cfg = new SpmmSweep.Config(96, 64, new int[] {8, 1}, new double[] {0.5, 0.8, 0.95}, new int[] {1, 4},
                new Budget(1, 3, 0, 200, 1), 1, List.of("csr-vector", "gcsr-vector", "gcsr-nowhere"), new double[] {0.3}, new double[] {0.99}, "cpu");
        var e = new HartensteinSpmmCpu(cfg);
        Path dir;
        try (RunWriter run = new RunWriter(root, "test", Scale.QUICK, 5, RunWriter.nullStream(), false)) {
            run.kernels(Backends.registry());
            try (var ctx = run.experiment(e.id(), e.paper())) {
                e.run(ctx);
            }
            dir = run.finish(Map.of()).resolve(e.id());
        }
        List<String> speed = Files.readAllLines(dir.resolve("speedup.csv"));
        assertThat(speed.get(0)).startsWith("n,g,rate,kernel,backend,provenance,format,dense,fastest_dense,median_ms");
        // 2 n × 2 g × 3 rates for csr-vector, each against the fastest dense kernel of the CPU
        assertThat(speed.stream().filter(l -> l.contains(",csr-vector,cpu-vector,measured,csr,false,") && l.contains(",ok,fixed,"))).hasSize(12);
        // the dense baselines are rows too, and dense-vector is always among them
        assertThat(speed.stream().filter(l -> l.contains(",dense-vector,cpu-vector,measured,dense,true,"))).hasSizeGreaterThanOrEqualTo(12);
        assertThat(speed.stream().filter(l -> l.contains("dense-scalar"))).as("reference kernels are never baselines").isEmpty();
        assertThat(speed.stream().filter(l -> l.contains(",extended,"))).allMatch(l -> l.contains(",0.3,") || l.contains(",0.99,"));
        assertThat(speed.stream().filter(l -> l.contains("gcsr-nowhere"))).isEmpty();
        // gcsr-vector at g = 1 runs its CSR path, and the row says so
        assertThat(speed.stream().filter(l -> l.contains(",gcsr-vector,") && l.startsWith("8,1,") && l.contains(",ok,")))
                .isNotEmpty().allMatch(l -> l.endsWith(",csr path (g = 1)"));
        assertThat(speed.stream().filter(l -> l.contains(",gcsr-vector,") && l.startsWith("8,4,") && l.contains(",ok,"))).allMatch(l -> l.endsWith(",fixed,") || l.endsWith(",extended,"));
        String by = Files.readString(dir.resolve("speedup_by_baseline.csv"));
        assertThat(by).contains(",csr-vector,dense-vector,");
        List<String> be = Files.readAllLines(dir.resolve("break_even.csv"));
        assertThat(be.get(0)).isEqualTo("n,g,kernel,over,break_even_rate,ci_low,ci_high,how");
        assertThat(be.stream().filter(l -> l.contains(",csr-vector,fastest-dense,"))).hasSize(4);
        assertThat(Files.readString(dir.resolve("dense_baselines.csv"))).contains("dense-vector");
        List<String> th = Files.readAllLines(dir.resolve("threads.csv"));
        assertThat(th.get(0)).isEqualTo("n,rate,kernel,threads,median_ms,one_thread_ms,speedup,speedup_ci_low,speedup_ci_high,cores,status");
        if (Runtime.getRuntime().availableProcessors() >= 2)
            assertThat(th.stream().filter(l -> l.startsWith("8,0.95,csr-vector,2,"))).hasSize(1);  // 0.95 is the grid rate nearest 0.90
        String metrics = Files.readString(dir.resolve("metrics.csv"));
        assertThat(metrics).contains("speedup[kernel=csr-vector,over=fastest-dense,g=1,rate=0.80,n=8]")
                .contains("speedup[kernel=csr-vector,over=dense-vector,g=1,rate=0.80,n=8]").contains("nnz[g=4,rate=0.50]");
        String json = Files.readString(dir.resolve("experiment.json"));
        assertThat(json).contains("gcsr-nowhere").contains("cpu_model").contains("speedup-csr-vector-n8").contains("dense_baselines_n8");
    }

    @Test
    void scalesAreThePaperGrid() {
        var std = HartensteinSpmmCpu.forScale(Scale.STANDARD);
        assertThat(std.rows()).isEqualTo(4096);
        assertThat(std.rates()).hasSize(10).startsWith(0.80).endsWith(0.98);
        assertThat(std.groups()).containsExactly(1, 2, 4, 8, 16, 32, 64);
        assertThat(std.ns()).containsExactly(50, 1);
        assertThat(std.platform()).isEqualTo("cpu");
    }
}
