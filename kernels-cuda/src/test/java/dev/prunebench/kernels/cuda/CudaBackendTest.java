package dev.prunebench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.backend.Availability;
import org.junit.jupiter.api.Test;

class CudaBackendTest {
    @Test
    void probeNeverThrowsAndAlwaysGivesAReason() {
        Availability a = new CudaBackend().probe();
        assertThat(a.reason()).isNotBlank();
        if (!a.available()) assertThat(a.toString()).startsWith("unavailable because ");
        // the answer is cached: a second probe gives the same object
        CudaBackend b = new CudaBackend();
        assertThat(b.probe()).isSameAs(b.probe());
    }
}
