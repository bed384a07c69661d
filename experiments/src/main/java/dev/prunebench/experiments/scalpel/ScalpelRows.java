package dev.prunebench.experiments.scalpel;

import dev.prunebench.core.backend.Backend;
import java.util.List;

/**
 * The rows of Scalpel's table: one per network, method, platform and batch ({@link Row}) and one per layer
 * ({@link LayerRow}), as the MCU join and the CPU and GPU runs produce them and the tables and verdicts read them.
 */
final class ScalpelRows {
    private ScalpelRows() {}

    static final List<String> NETS = List.of("lenet300", "lenet5");
    /** The pruning methods of the table, in order; {@code scalpel} is chosen among the others by {@link ScalpelRule}. */
    static final List<String> METHODS = List.of("deepcompression", "simd", "node", "scalpel");
    /** The batch whose CPU means carry the names without a batch (the published rows). */
    static final int HEADLINE_BATCH = 1;

    /** One network, method, platform and batch. Times in µs (modelled on the GPU model; NaN on the MCU, whose rows count instructions). */
    record Row(String platform, String net, int batch, String method, String structure, int g, String kernel, String baseline, String shape,
               double speedup, double low, double high, double timeUs, double baselineTimeUs, long sizeBytes, long denseSizeBytes,
               long macs, long denseMacs, double accuracy, String provenance) {
        double sizeReduction() { return denseSizeBytes == 0 ? Double.NaN : 1 - (double) sizeBytes / denseSizeBytes; }

        boolean modelled() { return !provenance.equals(Backend.Provenance.MEASURED.label()); }

        Row as(String newMethod) {
            return new Row(platform, net, batch, newMethod, method, g, kernel, baseline, shape, speedup, low, high, timeUs, baselineTimeUs, sizeBytes,
                    denseSizeBytes, macs, denseMacs, accuracy, provenance);
        }
    }

    /** One layer of a pruned network against the same layer of the dense network. */
    record LayerRow(String platform, String net, int batch, String layer, boolean conv, String method, int g, String kernel, String format,
                    double speedup, double low, double high, String provenance) {}
}
