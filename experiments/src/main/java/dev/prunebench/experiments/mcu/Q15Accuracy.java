package dev.prunebench.experiments.mcu;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.kernels.mcu.Q15Reference;
import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.infer.KernelNetwork;
import dev.prunebench.models.nn.Network;
import java.util.Arrays;

/**
 * Test-set accuracy of a network whose every FC and conv (im2col) product is computed with the Cortex-M4 kernels' q15
 * arithmetic ({@link Q15Reference}, bit-exact with the emulated kernels), one image at a time as the board runs it:
 * each layer's scales are chosen for the image at hand, as the generated code is for its input; bias, ReLU and
 * pooling stay fp32, as in the emulated runs. Under QEMU this would take one firmware build and boot per image.
 * The emulated board runs the conv layers as direct convolutions ({@code McuConv}); their integer outputs equal
 * im2col + this arithmetic bit for bit (same exponents, shift and accumulators; tested in kernels-mcu), so the two agree.
 */
final class Q15Accuracy {
    private Q15Accuracy() {}

    /** Fraction of {@code test} classified correctly with every layer in {@code format} on the q15 arithmetic. */
    static double of(Network net, KernelRegistry reg, String format, Dataset test) {
        return of(net, reg, layer -> format, test);
    }

    /** The same with a format per layer (by name), as a mixed network runs. */
    static double of(Network net, KernelRegistry reg, java.util.function.Function<String, String> formatFor, Dataset test) {
        int in = net.inSize();
        try (KernelNetwork plan = KernelNetwork.plan(net, reg, layer -> KernelNetwork.Choice.of(Q15Reference.ID, formatFor.apply(layer)), 1, 1,
                Arrays.copyOf(test.x(), in))) {
            int correct = 0;
            for (int i = 0; i < test.size(); i++) {
                float[] logits = plan.forward(Arrays.copyOfRange(test.x(), i * in, (i + 1) * in));
                int best = 0;
                for (int c = 1; c < logits.length; c++) if (logits[c] > logits[best]) best = c;
                if (best == test.y()[i]) correct++;
            }
            return (double) correct / test.size();
        }
    }
}
