package dev.prunebench.kernels.mcu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.kernels.mcu.quant.Precision;
import dev.prunebench.kernels.mcu.run.Firmware;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What ships is what was measured: the exported layer.c is byte for byte the source the kernel compiled, and the
 * exported folder, built by arm-none-eabi-gcc alone and run under QEMU, prints the kernel's outputs and instruction
 * count. Skips without the tools.
 */
class QemuExportTest {
    @TempDir Path dir;

    @BeforeEach
    void tools() {
        QemuCortexM4Backend b = new QemuCortexM4Backend();
        assumeTrue(b.probe().available(), "mcu-qemu: " + b.probe().reason());
    }

    @ParameterizedTest
    @CsvSource({"Q15, csr, 24, 37, 1", "Q15, gcsr:2, 16, 40, 2", "Q7, gcsr:4, 12, 32, 1", "Q7, dense, 9, 30, 3", "Q7, csr, 20, 41, 1"})
    void exportedFolderRunsAsMeasured(Precision p, String format, int m, int k, int n) throws Exception {
        Random r = new Random(m * 31L + k);
        float[] w = new float[m * k], x = new float[k * n];
        for (int i = 0; i < w.length; i++) if (r.nextDouble() < 0.3) w[i] = (float) r.nextGaussian();
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        SparseFormat f = FormatSpec.parse(format).encode(w, m, k);
        McuExport e = McuExport.of(p, f, x, n);
        McuKernel kernel = f.spec().kind() == FormatSpec.Kind.DENSE ? McuKernel.dense(p) : f.spec().kind() == FormatSpec.Kind.CSR ? McuKernel.csr(p) : McuKernel.gcsr(p);
        McuKernel.McuPrepared measured = (McuKernel.McuPrepared) kernel.prepare(f, x, n, 1);
        // byte-identical to the source the measurement compiled
        assertThat(e.layerSource().getBytes(StandardCharsets.UTF_8)).isEqualTo(Files.readAllBytes(measured.firmwareRun().dir().resolve("layer.c")));
        Files.writeString(dir.resolve("layer.c"), e.layerSource());
        Files.writeString(dir.resolve("layer.h"), e.header());
        for (var h : McuExport.harness().entrySet()) Files.write(dir.resolve(h.getKey()), h.getValue());
        Firmware.Run run = McuExport.buildAndRunFolder(dir, m * n);
        assertThat(run.outputs()).isEqualTo(measured.rawResult()).isEqualTo(e.reference());
        assertThat(run.instructions()).isEqualTo(measured.counts().values().get("instructions"));
        assertThat(run.exact()).isTrue();
    }
}
