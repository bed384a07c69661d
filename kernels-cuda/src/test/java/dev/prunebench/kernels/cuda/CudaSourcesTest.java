package dev.prunebench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.kernels.cuda.model.KernelShapes;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CUDA source, the committed PTX built from it, and the launch constants the warp model shares with it. */
class CudaSourcesTest {
    static final Path SOURCE = Path.of("src/main/cuda/spmm.cu");

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void theCommittedPtxWasBuiltFromTheCurrentSource() throws Exception {
        String recorded = new String(CudaPtx.resource(CudaPtx.CHECKSUM), StandardCharsets.US_ASCII).trim();
        assertThat(sha256(Files.readAllBytes(SOURCE)))
                .as("spmm.cu changed since spmm.ptx was built: run kernels-cuda/src/main/cuda/build-ptx.sh --update and commit both")
                .isEqualTo(recorded);
    }

    @Test
    void thePtxTargetsCompute75AndHoldsEveryKernel() throws Exception {
        String ptx = CudaPtx.text();
        assertThat(ptx).contains(".target sm_75", ".address_size 64");
        assertThat(CudaPtx.ptxVersion(ptx)).isEqualTo("9.0");
        assertThat(CudaPtx.requiredCuda(ptx)).isEqualTo("13.0");
        for (String k : new String[]{"sgemm_tiled", "csr_spmm_scalar", "csr_spmm_vector", "gcsr_spmm"})
            assertThat(ptx).contains(".visible .entry " + k + "(");
    }

    @Test
    void theLaunchConstantsOfTheSourceAreTheModels() throws Exception {
        String src = Files.readString(SOURCE);
        Matcher m = Pattern.compile("(?m)^#define (\\w+) (\\d+)$").matcher(src);
        int seen = 0;
        while (m.find()) {
            var f = KernelShapes.class.getField(m.group(1));
            assertThat(f.getInt(null)).as(m.group(1)).isEqualTo(Integer.parseInt(m.group(2)));
            seen++;
        }
        assertThat(seen).isEqualTo(KernelShapes.class.getFields().length);
    }

    /** Finds nvcc on PATH or in /usr/local/cuda/bin; null when absent. */
    static String nvcc() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/local/cuda/bin").split(File.pathSeparator)) {
            File f = new File(dir, "nvcc");
            if (f.canExecute()) return f.getPath();
        }
        return null;
    }

    @Test
    void nvccCompilesTheSourceToTheCommittedPtx(@TempDir Path tmp) throws Exception {
        String nvcc = nvcc();
        assumeTrue(nvcc != null, "nvcc not found on PATH or in /usr/local/cuda/bin: the CUDA source is not compiled in this test");
        Path out = tmp.resolve("spmm.ptx");
        Process p = new ProcessBuilder(nvcc, "-ptx", "-arch=compute_75", "-O3", "-o", out.toString(), SOURCE.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("nvcc finished").isTrue();
        assertThat(p.exitValue()).as("nvcc exit status; output:%n%s", log).isZero();
        String built = Files.readString(out), committed = CudaPtx.text();
        // the same toolkit release gives the same PTX; another release may differ only in its header and code generation
        if (CudaPtx.toolkit(built).equals(CudaPtx.toolkit(committed))) assertThat(built).isEqualTo(committed);
        else assertThat(built).contains(".visible .entry gcsr_spmm(");
    }
}
