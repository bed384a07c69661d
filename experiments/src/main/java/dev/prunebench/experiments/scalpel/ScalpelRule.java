package dev.prunebench.experiments.scalpel;

import dev.prunebench.models.nn.Conv2d;
import dev.prunebench.models.nn.Linear;
import dev.prunebench.models.nn.Network;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scalpel's rule: which pruning structure fits a layer on a platform, and what it means for a network of which the
 * accuracy experiments kept one structure only.
 *
 * <ul>
 *   <li>{@code mcu} (low parallelism): SIMD-aware pruning for fully connected layers, node pruning for convolutions —
 *       the reading {@code scalpel-mcu} applies, kept here so both experiments agree (Scalpel's abstract names SIMD-aware
 *       pruning for low-parallelism hardware; the per-layer table shows what our emulated board prefers).</li>
 *   <li>{@code cpu} (moderate parallelism): SIMD-aware pruning for fully connected layers, node pruning for
 *       convolutions.</li>
 *   <li>{@code gpu} (high parallelism): node pruning for every layer.</li>
 * </ul>
 *
 * <p>A kept network carries one structure in all its layers, so the network's method is the structure the rule
 * gives to the layers that hold most of the dense network's multiply-accumulates (LeNet-5's convolutions, LeNet-300-100's
 * fully connected layers); {@link #perLayer} keeps the layer-by-layer answer for the per-layer view.
 */
public final class ScalpelRule {
    private ScalpelRule() {}

    public static final String SIMD = "simd", NODE = "node";

    /** The platforms the rule knows, in table order. */
    public static final List<String> PLATFORMS = List.of("mcu", "cpu", "gpu");

    /** A layer of a dense network: its name, whether it is a convolution, and its multiply-accumulates per sample. */
    public record Layer(String name, boolean conv, long macs) {
        public Layer {
            if (macs < 0) throw new IllegalArgumentException("layer " + name + ": macs must be >= 0, got " + macs);
        }
    }

    /** The structure the rule gives a layer on a platform. */
    public static String forLayer(String platform, boolean conv) {
        return switch (platform) {
            case "mcu", "cpu" -> conv ? NODE : SIMD;
            case "gpu" -> NODE;
            default -> throw new IllegalArgumentException("platform: unknown '" + platform + "' (expected one of " + PLATFORMS + ")");
        };
    }

    /** Layer name → structure, in layer order. */
    public static Map<String, String> perLayer(String platform, List<Layer> layers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Layer l : layers) out.put(l.name(), forLayer(platform, l.conv()));
        return out;
    }

    /**
     * The one structure for a network: the one the rule gives to most of its multiply-accumulates; on a tie, the
     * structure of the first layer.
     *
     * @throws IllegalArgumentException for a network without layers
     */
    public static String forNetwork(String platform, List<Layer> layers) {
        if (layers.isEmpty()) throw new IllegalArgumentException("network: no layers to apply Scalpel's rule to");
        Map<String, Long> macs = new LinkedHashMap<>();
        for (Layer l : layers) macs.merge(forLayer(platform, l.conv()), l.macs(), Long::sum);
        String best = null;
        for (var e : macs.entrySet()) if (best == null || e.getValue() > macs.get(best)) best = e.getKey();
        return best;
    }

    /** The method of a network pruned with the rule's structure in every layer: node-pruned convolutions with SIMD-aware FC layers. */
    public static final String COMBINED = "combined";

    /**
     * The measured network that is Scalpel's on a platform: where the rule mixes structures in the network and the
     * combined network was measured, {@link #COMBINED}; else {@link #forNetwork}.
     */
    public static String method(String platform, List<Layer> layers, boolean combinedMeasured) {
        boolean mixed = new HashSet<>(perLayer(platform, layers).values()).size() > 1;
        return mixed && combinedMeasured ? COMBINED : forNetwork(platform, layers);
    }

    /**
     * The SIMD width of a platform for fp32 or q15 weights: 2 on the Cortex-M4 (SMLAD multiplies two q15 pairs),
     * the preferred float vector's lanes on the CPU (16 with AVX-512, 8 with AVX2), none on the GPU (0: Scalpel prunes
     * no groups there).
     */
    public static int simdWidth(String platform, int cpuLanes) {
        return switch (platform) {
            case "mcu" -> 2;
            case "cpu" -> cpuLanes;
            case "gpu" -> 0;
            default -> throw new IllegalArgumentException("platform: unknown '" + platform + "' (expected one of " + PLATFORMS + ")");
        };
    }

    /**
     * The kept group size to run as a platform's SIMD-aware network: the width itself when kept, else the kept size
     * nearest to it (the larger on a tie); for a platform without a width (0), the largest kept. Empty list: -1.
     */
    public static int groupFor(int width, List<Integer> kept) {
        int best = -1;
        for (int g : kept) {
            if (best < 0) best = g;
            else if (width <= 0) best = Math.max(best, g);
            else {
                int d = Math.abs(g - width), db = Math.abs(best - width);
                if (d < db || (d == db && g > best)) best = g;
            }
        }
        return best;
    }

    /** Dense multiply-accumulates per sample of each weight layer of a network (kept weights only): the rule's input. */
    public static List<Layer> layers(Network n) {
        List<Layer> out = new ArrayList<>();
        for (dev.prunebench.models.nn.Layer l : n.layers()) {
            if (l instanceof Linear fc) out.add(new Layer(fc.name(), false, fc.weight().kept()));
            else if (l instanceof Conv2d cv) out.add(new Layer(cv.name(), true, (long) cv.weight().kept() * cv.outH() * cv.outW()));
        }
        return out;
    }

    /** A network's multiply-accumulates per sample (kept weights only). */
    static long macs(Network n) { return layers(n).stream().mapToLong(Layer::macs).sum(); }

    /** Mean of the values, NaN when there are none. */
    public static double mean(Collection<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
