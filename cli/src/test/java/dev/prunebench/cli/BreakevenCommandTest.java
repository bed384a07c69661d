package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.experiments.formats.FormatsStorage;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The structure of {@code breakeven}'s answer and its refusals; never its timings. */
class BreakevenCommandTest {

    static final Set<String> STATUSES = Set.of("beats", "loses", "not separated", "unstable (A/A control failed): not used");

    @Test
    void jsonHasOnePointPerGridValueAndTheStorageBreakEvenBesideIt() throws Exception {
        SpmmCommandTest.Run r = SpmmCommandTest.run("breakeven", "--shape", "24x32", "--n", "5", "--formats", "csr,nm:2:4", "--sparsities", "0.5,0.9",
                "--refine", "1", "--repeats", "3", "--min-sample-ms", "0", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("shape").toString()).isEqualTo("[24,32]");
        assertThat(j.get("n").asInt()).isEqualTo(5);
        JsonNode csr = j.get("formats").get(0), nm = j.get("formats").get(1);
        assertThat(csr.get("format").asText()).isEqualTo("csr");
        int points = csr.get("points").size();
        assertThat(points).isBetween(2, 3); // the grid, plus one bisection step when a bracket was found
        for (JsonNode p : csr.get("points")) assertThat(p.get("status").asText()).isIn(STATUSES);
        assertThat(csr.get("storage_break_even_int32").asDouble())
                .isEqualTo(FormatsStorage.breakEven(FormatSpec.CSR, 24, 32, Precision.FP32, IndexPolicy.FIXED32, 1, false).sparsity());
        // the verdict agrees with the points it came from
        JsonNode up = csr.get("break_even_upper");
        if (!up.isNull()) {
            boolean found = false;
            for (JsonNode p : csr.get("points")) if (p.get("sparsity").asDouble() == up.asDouble()) found = p.get("status").asText().equals("beats");
            assertThat(found).as("the upper end is a point that beats dense").isTrue();
        }
        assertThat(nm.get("points")).hasSize(1);
        assertThat(nm.get("points").get(0).get("sparsity").asDouble()).isEqualTo(0.5);
    }

    @Test
    void int8PairsTheInt8SparseKernelWithMklsInt8Gemm() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new dev.prunebench.kernels.cpu.nativeblas.MklBackend().probe().available());
        SpmmCommandTest.Run r = SpmmCommandTest.run("breakeven", "--shape", "16x64", "--n", "7", "--formats", "csr", "--dtype", "int8", "--sparsities", "0.8",
                "--refine", "0", "--repeats", "3", "--min-sample-ms", "0", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("dtype").asText()).isEqualTo("int8");
        JsonNode p = j.get("formats").get(0).get("points").get(0);
        assertThat(p.get("kernel").asText()).isEqualTo("csr-int8-vector");
        assertThat(p.get("fastest_dense").asText()).isIn("mkl-gemm-s8u8s32", "mkl-sgemm", "openblas-sgemm", "dense-vector");
        assertThat(p.get("status").asText()).isIn(STATUSES);
        assertThat(j.get("formats").get(0).get("storage_break_even_int32").asDouble())
                .isEqualTo(FormatsStorage.breakEven(FormatSpec.CSR, 16, 64, Precision.INT8, IndexPolicy.FIXED32, 1, false).sparsity());
    }

    @Test
    void bracketIsTheLowestRunOfBeatingPointsUpToTheTopAndSkipsUnusedOnes() {
        TreeMap<Double, BreakevenCommand.Point> pts = new TreeMap<>();
        for (Object[] p : new Object[][] {{0.5, "loses"}, {0.7, "beats"}, {0.8, "not separated"}, {0.9, "beats"}, {0.95, "unstable (A/A control failed): not used"},
                {0.98, "beats"}})
            pts.put((double) p[0], new BreakevenCommand.Point((double) p[0], "k", 1, 1, 1, "d", (String) p[1]));
        assertThat(BreakevenCommand.bracket(pts)).containsExactly(0.8, 0.9);
        pts.put(0.98, new BreakevenCommand.Point(0.98, "k", 1, 1, 1, "d", "loses"));
        assertThat(BreakevenCommand.bracket(pts)[1]).isNaN();
        TreeMap<Double, BreakevenCommand.Point> all = new TreeMap<>();
        all.put(0.5, new BreakevenCommand.Point(0.5, "k", 2, 2, 2, "d", "beats"));
        assertThat(BreakevenCommand.bracket(all)[0]).isNaN();
        assertThat(BreakevenCommand.bracket(all)[1]).isEqualTo(0.5);
    }

    @Test
    void nmKeepsExactlyNOfEveryM() {
        float[] w = BreakevenCommand.nm(3, 8, 1, 4, 7).data();
        for (int b = 0; b < w.length; b += 4) {
            int kept = 0;
            for (int i = b; i < b + 4; i++) if (w[i] != 0) kept++;
            assertThat(kept).isEqualTo(1);
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        for (List<String> args : List.of(List.of("--shape", "8by8"), List.of("--formats", "zzz"), List.of("--formats", "dense"), List.of("--dtype", "int4"),
                List.of("--sparsities", "0.5,1.5"), List.of("--n", "0"), List.of("--refine", "-1"), List.of("--formats", "gcsr:64", "--shape", "8x8"),
                List.of("--formats", "nm:2:4", "--shape", "8x6"), List.of("--kernels", "no-such-kernel"), List.of("--pattern", "zigzag"),
                List.of("--formats", "gcsr:8", "--dtype", "int8"), List.of("--kernels", "csr-vector", "--dtype", "int8"))) {
            String[] a = new String[args.size() + 1];
            a[0] = "breakeven";
            for (int i = 0; i < args.size(); i++) a[i + 1] = args.get(i);
            SpmmCommandTest.Run r = SpmmCommandTest.run(a);
            assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
            assertThat(r.out()).as("nothing printed on stdout for " + args).isEmpty();
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(r.err()).as("names the option").contains(args.get(0));
        }
        assertThat(SpmmCommandTest.run("breakeven", "--sparsities", "0.5,1.5").err()).contains("--sparsities").contains("1.5");
        assertThat(SpmmCommandTest.run("breakeven", "--dtype", "int4").err()).contains("--dtype").contains("int4");
    }
}
