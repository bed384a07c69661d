package dev.prunebench.kernels.mcu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.kernels.mcu.run.Toolchain;
import org.junit.jupiter.api.Test;

class QemuCortexM4BackendTest {
    @Test
    void probeAnswersWithAReasonAndIsLabelledModelled() {
        QemuCortexM4Backend b = new QemuCortexM4Backend();
        Availability a = b.probe();
        assertThat(a.reason()).isNotBlank();
        assertThat(b.modelled()).isTrue();
        boolean toolsPresent = Toolchain.which(Toolchain.GCC) != null
                && Toolchain.which(Toolchain.QEMU) != null;
        assertThat(a.available()).isEqualTo(toolsPresent);
        if (!toolsPresent) assertThat(a.reason()).contains("not found on PATH").contains("apt-get install");
    }

    @Test
    void whichFindsAStandardToolAndNotAMadeUpOne() {
        assertThat(Toolchain.which("sh")).isNotNull();
        assertThat(Toolchain.which("no-such-tool-prunebench")).isNull();
    }
}
