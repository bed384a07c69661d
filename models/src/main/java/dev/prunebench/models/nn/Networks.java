package dev.prunebench.models.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The papers' networks on 28 × 28 × 1 inputs and 10 classes. Weights are drawn He-normal from a
 * {@link SplittableRandom} seeded with {@code seed}, so the same seed gives the same initial weights.
 *
 * <ul>
 *   <li>{@code mlp}: Hartenstein et al., 784-128-128-256-256-512-512-10, ReLU after every hidden layer;</li>
 *   <li>{@code lenet300}: LeNet-300-100, 784-300-100-10, ReLU;</li>
 *   <li>{@code lenet5}: Caffe's LeNet: conv 20@5×5 → max-pool 2 → conv 50@5×5 → max-pool 2 → fc 500 → ReLU → fc 10
 *       (Caffe's model has no non-linearity after the convolutions; neither does this one).</li>
 * </ul>
 */
public final class Networks {
    public static final List<String> IDS = List.of("mlp", "lenet300", "lenet5");

    private Networks() {}

    /** The published hidden widths: mlp {128,128,256,256,512,512}, lenet300 {300,100}, lenet5 {20,50,500}. */
    public static int[] defaultWidths(String id) {
        return switch (id) {
            case "mlp" -> new int[] {128, 128, 256, 256, 512, 512};
            case "lenet300" -> new int[] {300, 100};
            case "lenet5" -> new int[] {20, 50, 500};
            default -> throw new IllegalArgumentException("network: unknown id '" + id + "' (known: " + String.join(", ", IDS) + ")");
        };
    }

    public static Network build(String id, long seed) { return build(id, defaultWidths(id), seed); }

    /** Builds {@code id} with the given hidden widths (node-pruned variants), initialised from {@code seed}. */
    public static Network build(String id, int[] widths, long seed) {
        int[] def = defaultWidths(id);
        if (widths.length != def.length)
            throw new IllegalArgumentException("network " + id + ": expected " + def.length + " hidden widths, got " + Arrays.toString(widths));
        for (int i = 0; i < widths.length; i++)
            if (widths[i] <= 0) throw new IllegalArgumentException("network " + id + ": width[" + i + "] = " + widths[i] + ", must be positive");
        SplittableRandom rng = new SplittableRandom(seed);
        List<Layer> ls = new ArrayList<>();
        if (id.equals("lenet5")) {
            int c1 = widths[0], c2 = widths[1], f1 = widths[2];
            ls.add(new Conv2d("conv1", 1, 28, 28, c1, 5).init(rng));
            ls.add(new MaxPool2d("pool1", c1, 24, 24, 2));
            ls.add(new Conv2d("conv2", c1, 12, 12, c2, 5).init(rng));
            ls.add(new MaxPool2d("pool2", c2, 8, 8, 2));
            ls.add(new Flatten("flatten", c2, 4, 4));
            ls.add(new Linear("fc1", c2 * 16, f1).init(rng));
            ls.add(new Relu("relu1", f1));
            ls.add(new Linear("fc2", f1, 10).init(rng));
        } else {
            int in = 784;
            for (int i = 0; i < widths.length; i++) {
                ls.add(new Linear("fc" + (i + 1), in, widths[i]).init(rng));
                ls.add(new Relu("relu" + (i + 1), widths[i]));
                in = widths[i];
            }
            ls.add(new Linear("fc" + (widths.length + 1), in, 10).init(rng));
        }
        return new Network(id, widths, ls);
    }
}
