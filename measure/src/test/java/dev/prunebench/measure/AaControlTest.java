package dev.prunebench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.env.Load;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The A/A control and the busy-machine warning flag what is planted. Timings come from a planted clock (each run
 * advances it by the kernel's planted cost), so nothing here depends on the machine's speed or quietness; the one test
 * with a real busy neighbour asserts only that it is noticed, never a time.
 */
class AaControlTest {
    static final class Clock { long now; }

    static final Backend CPU = new Backend() {
        @Override public String id() { return "fake"; }
        @Override public String description() { return "planted costs"; }
        @Override public Availability probe() { return Availability.yes("always"); }
    };

    /**
     * A correct 2×2 dense kernel whose every run advances the planted clock by {@code cost} ns (±{@code noise});
     * its {@code slowFrom}-th prepared instance and later ones cost {@code slowFactor}× more: a slower copy of itself.
     */
    static MatMul kernel(String id, Clock clock, double cost, double noise, int slowFrom, double slowFactor) {
        return new MatMul() {
            int prepared;
            @Override public String id() { return id; }
            @Override public String backendId() { return "fake"; }
            @Override public boolean supports(FormatSpec spec) { return spec.kind() == FormatSpec.Kind.DENSE; }
            @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
                double c = ++prepared >= slowFrom ? cost * slowFactor : cost;
                float[] d = w.toDense();
                SplittableRandom rnd = new SplittableRandom(prepared * 7919L + id.hashCode());
                return new Prepared() {
                    final float[] out = new float[w.rows() * n];
                    @Override public void run() {
                        for (int i = 0; i < w.rows(); i++)
                            for (int j = 0; j < n; j++) {
                                float s = 0;
                                for (int q = 0; q < w.cols(); q++) s += d[i * w.cols() + q] * x[q * n + j];
                                out[i * n + j] = s;
                            }
                        clock.now += Math.round(c * (1 + noise * (2 * rnd.nextDouble() - 1)));
                    }
                    @Override public float[] result() { return out.clone(); }
                    @Override public void close() {}
                };
            }
        };
    }

    static List<Bench.Outcome> measure(Clock clock, MatMul dense, MatMul candidate) {
        Dense w = new Dense(2, 2, new float[] {1, 2, 0, 3});
        float[] x = {1, -1, 2, 0.5f};
        float[] ref = Verification.reference(dev.prunebench.core.format.Csr.fromDense(w.data(), 2, 2), x, 2);
        return Bench.run(List.of(new Bench.Entry(candidate, CPU, w)), List.of(new Bench.Entry(dense, CPU, w)), x, 2, 1,
                new Budget(1, 21, 100_000, 1000, 5), ref, 2, null, new Interleaved(() -> clock.now));
    }

    @Test void anHonestTwinPassesTheControlAndTheSpeedupIsUsable() {
        Clock clock = new Clock();
        var os = measure(clock, kernel("dense-a", clock, 10_000, 0.05, Integer.MAX_VALUE, 1), kernel("sparse-b", clock, 5_000, 0.05, Integer.MAX_VALUE, 1));
        Bench.Outcome b = os.stream().filter(o -> o.kernelId().equals("sparse-b")).findFirst().orElseThrow();
        assertThat(b.control()).isNotNull();
        assertThat(b.control().kernel()).isEqualTo("dense-a");
        assertThat(b.control().stable()).as(b.control().describe()).isTrue();
        assertThat(b.unstable()).isFalse();
        assertThat(b.usable()).isTrue();
        assertThat(b.coherent()).isTrue();
        // the twin is not a row of its own
        assertThat(os).extracting(Bench.Outcome::kernelId).containsExactly("dense-a", "sparse-b");
        assertThat(new AaSummary().addAll(os).groups()).isEqualTo(1);
    }

    @Test void aSlowerCopyPlantedAsTheTwinFailsTheControlAndNothingIsUsed() {
        Clock clock = new Clock();
        // the second prepared dense-a (the A/A twin) does 3× the work of the first: the same kernel, two speeds
        var os = measure(clock, kernel("dense-a", clock, 10_000, 0.05, 2, 3.0), kernel("sparse-b", clock, 5_000, 0.05, Integer.MAX_VALUE, 1));
        for (Bench.Outcome o : os) {
            assertThat(o.unstable()).as(o.kernelId()).isTrue();
            assertThat(o.usable()).as(o.kernelId()).isFalse();
        }
        Bench.Control c = os.get(0).control();
        assertThat(c.stable()).isFalse();
        assertThat(c.describe()).contains("UNSTABLE");
        AaSummary s = new AaSummary().addAll(os);
        assertThat(s.unstable()).isEqualTo(1);
        assertThat(s.describe()).contains("1 unstable");
    }

    @Test void aNoisyMachineWidensTheIntervalButAnAaStillHolds() {
        Clock clock = new Clock();
        // planted noise source: ±60 % on every run of every kernel, as a busy neighbour would add
        var os = measure(clock, kernel("dense-a", clock, 10_000, 0.6, Integer.MAX_VALUE, 1), kernel("sparse-b", clock, 10_000, 0.6, Integer.MAX_VALUE, 1));
        Bench.Control c = os.get(0).control();
        assertThat(c.stable()).isTrue();
        assertThat(c.spread()).isGreaterThan(0);
    }

    @Test void aBusyNeighbourIsWarnedAbout() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/stat")) && Files.isReadable(Path.of("/proc/self/stat")), "needs Linux /proc");
        Load.Snapshot before = Load.snapshot();
        // a busy-loop process beside this JVM for a second: whatever else runs, other processes had at least its share
        Process busy = new ProcessBuilder("sh", "-c", "end=$(( $(date +%s) + 2 )); while [ $(date +%s) -lt $end ]; do :; done").start();
        try {
            busy.waitFor(5, TimeUnit.SECONDS);
        } finally {
            busy.destroyForcibly();
        }
        Load.Report r = Load.since(before);
        assertThat(r.busy()).isTrue();
        assertThat(r.warning()).startsWith("the machine was busy: intervals are wide");
        assertThat(r.asMap()).containsEntry("busy", true).containsKey("warning");
    }
}
