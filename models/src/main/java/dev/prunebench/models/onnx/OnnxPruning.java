package dev.prunebench.models.onnx;

import dev.prunebench.core.prune.Layer;
import dev.prunebench.core.prune.PruneResult;
import dev.prunebench.core.prune.Pruner;
import dev.prunebench.core.prune.Score;
import dev.prunebench.core.prune.Structure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The suite's pruning library ({@link Pruner}) applied to an ONNX model's weight layers, each on its own to an exact
 * rate (or to its own rate from a per-layer profile), and the model written back with the pruned weights set to
 * zero ({@link OnnxWriter}). Layers are scored on the matrix the suite sees: a conv's BatchNorm folded in, a MatMul's
 * B transposed. A random score draws each layer from its own seed ({@code seed + layer index}).
 */
public final class OnnxPruning {
    private OnnxPruning() {}

    /** One layer's outcome; {@code result} is null for a layer left dense ({@code --keep}). */
    public record Pruned(WeightLayer layer, PruneResult result) {}

    /**
     * Prunes every layer of {@code g} not in {@code keep} to {@code rate} (or to {@code perLayer}'s rate for the layers it
     * names; a name it gives that is not a layer is an error).
     */
    public static List<Pruned> prune(OnnxGraph g, Structure s, Score score, double rate, Map<String, Double> perLayer, Set<String> keep) {
        return prune(g, s, score, rate, perLayer, Map.of(), keep);
    }

    /**
     * As {@link #prune(OnnxGraph, Structure, Score, double, Map, Set)}, with a structure per layer for the layers
     * {@code perLayerStructure} names (a SPDY profile's format: csr → unstructured, gcsr:G → group:G, nm:N:M → N:M).
     */
    public static List<Pruned> prune(OnnxGraph g, Structure structure, Score score, double rate, Map<String, Double> perLayer,
                                     Map<String, Structure> perLayerStructure, Set<String> keep) {
        for (String n : perLayerStructure.keySet()) g.layer(n);
        if (perLayer != null)
            for (String n : perLayer.keySet()) g.layer(n);
        for (String n : keep) g.layer(n);
        return prune(g.layers(), structure, score, rate, perLayer, perLayerStructure, keep);
    }

    /**
     * As {@link #prune(OnnxGraph, Structure, Score, double, Map, Map, Set)} on a list of layers (a safetensors file's);
     * the names in the maps and {@code keep} are the caller's to check.
     */
    public static List<Pruned> prune(List<WeightLayer> layers, Structure structure, Score score, double rate, Map<String, Double> perLayer,
                                     Map<String, Structure> perLayerStructure, Set<String> keep) {
        List<Pruned> out = new ArrayList<>();
        int i = 0;
        for (WeightLayer l : layers) {
            Score sc = score.kind() == Score.Kind.RANDOM ? Score.random(score.seed() + i) : score;
            i++;
            if (keep.contains(l.name())) { out.add(new Pruned(l, null)); continue; }
            double r = perLayer != null && perLayer.containsKey(l.name()) ? perLayer.get(l.name()) : rate;
            Structure s = perLayerStructure.getOrDefault(l.name(), structure);
            if (s instanceof Structure.Group grp && grp.g() > l.cols())
                throw new IllegalArgumentException("layer " + l.name() + ": group size " + grp.g() + " is larger than its " + l.cols() + " columns");
            double rr = s instanceof Structure.Nm nm ? nm.rate() : r;
            out.add(new Pruned(l, Pruner.prune(new Layer(l.name(), l.matrix(), l.rows(), l.cols(), sc), s, rr)));
        }
        return out;
    }

    /** The new values of every pruned layer's tensor, by tensor name. */
    public static Map<String, float[]> replacements(List<Pruned> pruned) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Pruned p : pruned) if (p.result() != null) m.put(p.layer().tensor().name(), p.layer().prunedTensor(p.result().mask()));
        return m;
    }

    /** Writes the pruned model to {@code out}. */
    public static void write(OnnxGraph g, List<Pruned> pruned, Path out) throws IOException {
        OnnxWriter.write(g.model(), replacements(pruned), out);
    }
}
