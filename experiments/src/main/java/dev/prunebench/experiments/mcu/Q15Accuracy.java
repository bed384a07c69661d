package dev.prunebench.experiments.mcu;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.kernels.mcu.Q15Reference;
import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.infer.KernelNetwork;
import dev.prunebench.models.nn.Network;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Test-set accuracy of a network whose every FC and conv (im2col) product is computed with the Cortex-M4 kernels'
 * fixed-point arithmetic ({@link Q15Reference}: q15 {@value Q15Reference#ID} or q7 {@value Q15Reference#Q7_ID},
 * bit-exact with the emulated kernels), one image at a time as the board runs it; bias, ReLU and pooling stay fp32, as
 * in the emulated runs. Under QEMU this would take one firmware build and boot per image. Two ways to choose each
 * layer's scales:
 * <ul>
 *   <li>per image ({@link #of}): the scales chosen for the image at hand, as the generated code is for its input;</li>
 *   <li>fixed ({@link #fixed}): calibrated once on calibration images (the maximum over them of each layer's largest
 *       |input| and largest |output|, with per-image scales while calibrating), then held for every test image, as a
 *       deployed model runs; a test image beyond the calibrated range saturates.</li>
 * </ul>
 */
final class Q15Accuracy {
    private Q15Accuracy() {}

    /** Fraction of {@code test} classified correctly with every layer in {@code format} on the q15 arithmetic. */
    static double of(Network net, KernelRegistry reg, String format, Dataset test) {
        return of(net, reg, layer -> format, test);
    }

    /** The same with a format per layer (by name), as a mixed network runs. */
    static double of(Network net, KernelRegistry reg, Function<String, String> formatFor, Dataset test) {
        return of(net, reg, Q15Reference.ID, formatFor, null, test);
    }

    /** Per-image scales on the reference kernel {@code kernelId} (q15 or q7). */
    static double of(Network net, KernelRegistry reg, String kernelId, Function<String, String> formatFor, Dataset test) {
        return of(net, reg, kernelId, formatFor, null, test);
    }

    /** Fixed scales calibrated on {@code calibration}, then the accuracy on {@code test}. */
    static double fixed(Network net, KernelRegistry reg, String kernelId, Function<String, String> formatFor, Dataset calibration, Dataset test) {
        if (calibration == null || calibration.size() == 0) throw new IllegalArgumentException("calibration: needs at least one image");
        return of(net, reg, kernelId, formatFor, calibration, test);
    }

    private static double of(Network net, KernelRegistry reg, String kernelId, Function<String, String> formatFor, Dataset calibration, Dataset test) {
        int in = net.inSize();
        try (KernelNetwork plan = KernelNetwork.plan(net, reg, layer -> KernelNetwork.Choice.of(kernelId, formatFor.apply(layer)), 1, 1,
                Arrays.copyOf(test.x(), in))) {
            if (calibration != null) {
                for (KernelNetwork.KernelLayer kl : plan.layers()) {
                    // the scales live in the prepared layer: it must read its input in place (never re-prepared per image)
                    if (!(kl.prepared() instanceof Q15Reference.Scaled s) || !kl.bindsInput())
                        throw new IllegalStateException("network " + net.id() + " layer " + kl.name() + ": kernel " + kl.kernel().id()
                                + " cannot hold calibrated scales (it is not the reference or does not read its input in place)");
                    s.calibrate();
                }
                for (int i = 0; i < calibration.size(); i++) plan.forward(Arrays.copyOfRange(calibration.x(), i * in, (i + 1) * in));
                for (KernelNetwork.KernelLayer kl : plan.layers()) ((Q15Reference.Scaled) kl.prepared()).fix();
            }
            int correct = 0;
            for (int i = 0; i < test.size(); i++) {
                float[] logits = plan.forward(Arrays.copyOfRange(test.x(), i * in, (i + 1) * in));
                int best = 0;
                for (int c = 1; c < logits.length; c++) if (logits[c] > logits[best]) best = c;
                if (best == test.y()[i]) correct++;
            }
            if (calibration != null)
                for (KernelNetwork.KernelLayer kl : plan.layers())
                    if (kl.preparations() != 1 || ((Q15Reference.Scaled) kl.prepared()).mode() != Q15Reference.Mode.FIXED)
                        throw new IllegalStateException("network " + net.id() + " layer " + kl.name() + ": lost its fixed scales");
            return (double) correct / test.size();
        }
    }
}
