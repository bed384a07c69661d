package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The structure of {@code threads}' table and its refusals; never its timings. */
class ThreadsCommandTest {

    @Test
    void oneRowPerKernelAndThreadCountUpToTheMaximum() throws Exception {
        SpmmCommandTest.Run r = SpmmCommandTest.run("threads", "--shape", "40x32", "--n", "9", "--kernels", "csr-vector,dense-vector", "--max-threads", "3",
                "--repeats", "3", "--min-sample-ms", "0", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode rows = j.get("rows");
        assertThat(rows).hasSize(6);
        for (int i = 0; i < 6; i++) {
            JsonNode row = rows.get(i);
            assertThat(row.get("kernel").asText()).isEqualTo(i < 3 ? "csr-vector" : "dense-vector");
            assertThat(row.get("format").asText()).isEqualTo(i < 3 ? "csr" : "dense");
            assertThat(row.get("threads").asInt()).isEqualTo(i % 3 + 1);
            assertThat(row.get("status").asText()).isEqualTo("ok");
            assertThat(row.get("speedup_low").asDouble()).isLessThanOrEqualTo(row.get("speedup").asDouble());
            assertThat(row.get("efficiency").asDouble()).isCloseTo(row.get("speedup").asDouble() / row.get("threads").asInt(),
                    org.assertj.core.data.Offset.offset(1e-9));
        }
        SpmmCommandTest.Run text = SpmmCommandTest.run("threads", "--shape", "8x8", "--n", "3", "--kernels", "csr-vector", "--max-threads", "2", "--repeats",
                "3", "--min-sample-ms", "0");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).contains("kernel").contains("efficiency").contains("A/A control").contains("csr-vector");
    }

    @Test
    void helpOfBothCommandsFormatsWithoutWarnings() {
        for (String cmd : new String[] {"threads", "breakeven"}) {
            SpmmCommandTest.Run r = SpmmCommandTest.run(cmd, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("95% interval").doesNotContain("%n");
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        for (List<String> args : List.of(List.of("--shape", "0x8"), List.of("--max-threads", "0"), List.of("--rate", "1"), List.of("--kernels", "nope"),
                List.of("--kernels", "mkl-sgemv", "--n", "4"), List.of("--pattern", "zigzag"), List.of("--repeats", "2"))) {
            String[] a = new String[args.size() + 1];
            a[0] = "threads";
            for (int i = 0; i < args.size(); i++) a[i + 1] = args.get(i);
            SpmmCommandTest.Run r = SpmmCommandTest.run(a);
            assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).as("names the option").contains(args.get(0));
        }
    }
}
