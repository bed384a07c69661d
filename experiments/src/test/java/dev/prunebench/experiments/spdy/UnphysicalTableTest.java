package dev.prunebench.experiments.spdy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.spdy.LatencyTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A measured SPDY table that no machine could produce is flagged (the classification only: no timing here). */
class UnphysicalTableTest {
    static LatencyTable table(double base, double prunable) {
        return new LatencyTable(base, prunable, List.of(new LatencyTable.Layer("fc1", List.of(new LatencyTable.Timing("dense", 0, prunable)))), List.of());
    }

    @Test void prunableAboveBaseIsFlaggedAndNotSolvable() {
        var t = table(1e-3, 1.5e-3);
        List<String> flags = LatencyDatabase.unphysical(t, List.of());
        assertThat(flags).singleElement().asString().contains("exceeds the base time");
        assertThat(new LatencyDatabase.Measured(t, "mkl-sgemm", List.of(), flags).solvable()).isFalse();
        assertThat(new LatencyDatabase.Measured(table(2e-3, 1.5e-3), "mkl-sgemm", List.of()).solvable()).isTrue();
    }

    @Test void aSparserLevelSlowerBeyondNoiseIsFlaggedWithinNoiseIsNot() {
        var t = table(2e-3, 1e-3);
        // layer,format,level,seconds,speedup,low,high
        List<String> rows = List.of("fc1,csr,0.500000,1e-4,2.0,1.9,2.1", "fc1,csr,0.900000,2e-4,1.2,1.1,1.3", // slower beyond noise
                "fc2,csr,0.500000,1e-4,2.0,1.8,2.2", "fc2,csr,0.900000,1e-4,1.9,1.7,2.5"); // within noise
        List<String> flags = LatencyDatabase.unphysical(t, rows);
        assertThat(flags).singleElement().asString().startsWith("fc1 csr: level 0.9000 is slower than the less sparse level 0.5000");
    }
}
