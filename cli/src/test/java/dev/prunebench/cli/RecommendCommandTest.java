package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.io.MatrixFiles;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Structure and rule only: which format is fastest depends on the machine, so no test asserts it. */
class RecommendCommandTest {
    @TempDir Path dir;

    @Test
    void everyPlatformListsBytesCostsAndAPickThatFollowsTheRule() throws Exception {
        int rows = 32, cols = 48;
        float[] w = ExportCommandTest.matrix(rows, cols, 3);
        Path in = dir.resolve("W.npy");
        MatrixFiles.write(in, new Dense(rows, cols, w));
        var r = ExportCommandTest.run("recommend", in.toString(), "--n", "4", "--repeats", "3", "--min-sample-ms", "0", "--json",
                "--formats", "dense,csr,gcsr:2,gcsr:4,nm:2:4");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("platforms")).hasSize(3);
        NonZeros nz = NonZeros.of(new Dense(rows, cols, w));
        for (JsonNode p : j.get("platforms")) {
            String platform = p.get("platform").asText();
            if (platform.equals("gpu")) assertThat(p.get("provenance").asText() + p.get("status").asText()).contains("modelled");
            if (platform.equals("mcu")) assertThat(p.get("provenance").asText()).satisfiesAnyOf(s -> assertThat(s).contains("emulated"), s -> assertThat(s).isEqualTo("-"));
            if (p.get("formats").isEmpty()) {
                assertThat(p.get("status").asText()).startsWith("unavailable");
                continue;
            }
            Precision at = platform.equals("mcu") ? Precision.FP16 : Precision.FP32;
            JsonNode fastest = null;
            for (JsonNode c : p.get("formats")) {
                assertThat(c.get("bytes").asLong()).isEqualTo(nz.storage(FormatSpec.parse(c.get("format").asText()), at, IndexPolicy.MINIMAL).total());
                assertThat(c.get("low").asDouble()).isLessThanOrEqualTo(c.get("cost").asDouble());
                // a kernel that converts W to CSR first never stands for another format's bytes
                if (c.get("kernel").asText().startsWith("mkl-sparse")) assertThat(c.get("format").asText()).isEqualTo("csr");
                if (fastest == null || c.get("cost").asDouble() < fastest.get("cost").asDouble()) fastest = c;
            }
            long smallest = Long.MAX_VALUE;
            String expected = null;
            for (JsonNode c : p.get("formats"))
                if (c.get("low").asDouble() <= fastest.get("high").asDouble() && c.get("bytes").asLong() < smallest) {
                    smallest = c.get("bytes").asLong();
                    expected = c.get("format").asText();
                }
            assertThat(p.get("pick").asText()).as(platform).isEqualTo(expected);
            assertThat(p.get("reason").asText()).isNotBlank().doesNotContain("\n");
        }
        assertThat(j.get("prunebench").get("commit").asText()).isNotBlank();
    }

    @Test
    void badInputExitsTwo() throws Exception {
        Path in = dir.resolve("W.npy");
        MatrixFiles.write(in, new Dense(4, 4, new float[16]));
        assertThat(ExportCommandTest.run("recommend", in.toString(), "--n", "0").code()).isEqualTo(2);
        assertThat(ExportCommandTest.run("recommend", in.toString(), "--n", "2", "--platforms", "tpu").code()).isEqualTo(2);
        assertThat(ExportCommandTest.run("recommend", dir.resolve("none.npy").toString(), "--n", "2").code()).isEqualTo(2);
        assertThat(List.of()).isEmpty();
    }
}
