package dev.prunebench.cli;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The counted kernels as {@code recommend} and {@code model bench} run them: on {@code mcu} the generated Cortex-M4
 * kernels ({@code mcu-qemu}, q15 or q7) whose cost is the executed instructions of one call under QEMU (emulated,
 * exact), on {@code gpu} the warp memory-access model ({@code cuda-model}) whose cost is a modelled time (ps).
 */
final class CountedKernels {
    private CountedKernels() {}

    /** The kernels found, the backend's provenance ("-" when none) and, when it is not usable, why (else null). */
    record Found(List<MatMul> kernels, String provenance, String status) {}

    /** One counted call: its cost (instructions, or modelled µs), the half width of its interval (0: exact), the kernel's note. */
    record Count(String kernel, double cost, double half, String note) {}

    /** The counted kernels of {@code platform} (mcu: those of precision {@code label}, q15 or q7; gpu: the warp model's). */
    static Found find(KernelRegistry reg, String platform, String label) {
        List<MatMul> ks = new ArrayList<>();
        String provenance = null, status = null;
        for (var e : reg.entries()) {
            if (!e.backend().platform().equals(platform)) continue;
            boolean wanted = platform.equals("mcu") ? e.backend().id().equals("mcu-qemu") : e.backend().id().equals("cuda-model");
            if (!wanted) continue;
            provenance = e.backend().provenance().toString().toLowerCase(Locale.ROOT);
            if (!e.usable()) { status = "unavailable: " + e.status(); continue; }
            for (MatMul k : e.kernels()) if (platform.equals("gpu") || k.id().startsWith("mcu-" + label + "-")) ks.add(k);
        }
        return new Found(ks, provenance == null ? "-" : provenance, ks.isEmpty() && status == null ? "unavailable: no backend" : status);
    }

    /**
     * Prepares {@code k} on W (as {@code enc}) and X and reads its counts; null when the prepared kernel is not counted.
     * A layer the board cannot hold is refused by the kernel with an {@link IllegalArgumentException} naming its bytes.
     */
    static Count count(MatMul k, String platform, SparseFormat enc, float[] x, int n) {
        try (MatMul.Prepared pr = k.prepare(enc, x, n, 1)) {
            if (!(pr instanceof MatMul.Counted c)) return null;
            double cost = c.counts().values().get(c.counts().cost());
            double half = 0;
            if (platform.equals("gpu")) cost /= 1e6; // ps -> us
            String note = pr.variant();
            if (platform.equals("mcu")) {
                Long cyc = c.counts().values().get("cycles_estimated");
                note = (cyc == null ? "" : "cycles ~" + cyc + (note.isEmpty() ? "" : "; ")) + note;
                var m = java.util.regex.Pattern.compile("instructions ±([0-9.]+)").matcher(pr.variant());
                if (m.find()) half = Double.parseDouble(m.group(1));
            }
            return new Count(k.id(), cost, half, note);
        }
    }
}
