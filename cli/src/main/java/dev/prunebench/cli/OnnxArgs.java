package dev.prunebench.cli;

import dev.prunebench.models.onnx.OnnxGraph;
import dev.prunebench.models.onnx.OnnxModel;
import dev.prunebench.models.onnx.WeightLayer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import dev.prunebench.models.safetensors.Safetensors;
import dev.prunebench.models.safetensors.SafetensorsLayers;

/** What the {@code model} subcommands share: reading the model with an input shape, naming layers. */
final class OnnxArgs {
    private OnnxArgs() {}

    /** Parses {@code 1,3,224,224} (or {@code 1x3x224x224}); null stays null. */
    static long[] shape(String text) {
        if (text == null) return null;
        String[] p = text.strip().split("[,x×]", -1);
        long[] d = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            try {
                d[i] = Long.parseLong(p[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--input-shape: '" + text + "' is not a list of integers (e.g. 1,3,224,224)");
            }
            if (d[i] < 1 || d[i] > Integer.MAX_VALUE) throw new IllegalArgumentException("--input-shape: dimension " + d[i] + " in '" + text + "' is out of range");
        }
        return d;
    }

    /**
     * A model file as the per-layer commands see it: an ONNX graph ({@code graph} set) or a safetensors file
     * ({@code safetensors} set, no graph: no end-to-end run), its weight layers and notes.
     */
    record Model(Path file, OnnxGraph graph, Safetensors safetensors, List<WeightLayer> layers, List<String> notes) {
        boolean onnx() { return graph != null; }
    }

    /** Reads an .onnx or a .safetensors file; {@code layersMap} (safetensors only) maps tensors to fc/conv. */
    static Model load(Path file, String inputShape, Path layersMap) throws IOException {
        if (!Safetensors.isSafetensors(file)) {
            if (layersMap != null) throw new IllegalArgumentException("--layers: only for a .safetensors file; an ONNX graph says which tensors are layers");
            OnnxGraph g = read(file, inputShape);
            return new Model(file, g, null, g.layers(), g.notes());
        }
        if (inputShape != null) throw new IllegalArgumentException("--input-shape: a safetensors file has no graph; give a conv's input size in --layers (in=HxW)");
        Safetensors st = Safetensors.read(file);
        List<String> notes = new java.util.ArrayList<>();
        List<WeightLayer> ls = SafetensorsLayers.layers(st, layersMap == null ? Map.of() : SafetensorsLayers.readMap(layersMap), notes);
        if (ls.isEmpty())
            throw new IllegalArgumentException(file + ": no weight layers (2-D or 4-D F32/F16/BF16 tensors) in " + st.tensors().size() + " tensors; name them in --layers");
        return new Model(file, null, st, ls, notes);
    }

    static OnnxGraph read(Path file, String inputShape) throws IOException {
        long[] s = shape(inputShape);
        if (Safetensors.isSafetensors(file))
            throw new IllegalArgumentException(file + ": a safetensors file has no graph to run; this command needs the ONNX model (model info, prune and bench read safetensors)");
        OnnxGraph g = OnnxGraph.analyze(OnnxModel.read(file), s);
        if (g.layers().isEmpty())
            throw new IllegalArgumentException(file + ": no weight layers (Gemm/MatMul with a constant operand, Conv) in " + g.model().nodes().size() + " nodes");
        return g;
    }

    /** {@code first,last,fc3} → layer names; {@code none} → none. */
    static Set<String> layers(Model g, String spec, String option) {
        Set<String> out = new LinkedHashSet<>();
        if (spec == null || spec.isBlank() || spec.strip().equals("none")) return out;
        List<WeightLayer> ls = g.layers();
        for (String raw : spec.split(",", -1)) {
            String s = raw.strip();
            String n = switch (s) {
                case "first" -> ls.get(0).name();
                case "last" -> ls.get(ls.size() - 1).name();
                default -> s;
            };
            if (ls.stream().noneMatch(l -> l.name().equals(n)))
                throw new IllegalArgumentException(option + ": layer '" + s + "' is not a weight layer of " + g.file() + " (layers: "
                        + String.join(", ", ls.stream().limit(8).map(WeightLayer::name).toList()) + (ls.size() > 8 ? ", …" : "") + ")");
            out.add(n);
        }
        return out;
    }

    /**
     * The weight layer an ONNX Runtime profile node stands for, or null: ONNX Runtime names a fused node
     * {@code fused <node>} and a conv it moved to its blocked layout {@code <output>_nchwc}.
     */
    static WeightLayer layerOf(OnnxGraph g, String ortNode) {
        String n = ortNode.startsWith("fused ") ? ortNode.substring(6) : ortNode;
        if (n.endsWith("_nchwc")) n = n.substring(0, n.length() - 6);
        for (WeightLayer l : g.layers())
            if (l.node().name().equals(n) || l.node().outputs().contains(n)) return l;
        return null;
    }

    /** {@code --budget}: quick | standard | full. */
    static dev.prunebench.measure.Budget budget(String name) {
        return switch (name) {
            case "quick" -> dev.prunebench.measure.Budget.quick();
            case "standard" -> dev.prunebench.measure.Budget.standard();
            case "full" -> dev.prunebench.measure.Budget.full();
            default -> throw new IllegalArgumentException("--budget: expected quick, standard or full, got '" + name + "'");
        };
    }

    static String count(long n) {
        if (n < 0) return "?";
        if (n >= 10_000_000_000L) return String.format(Locale.ROOT, "%.1fG", n / 1e9);
        if (n >= 10_000_000) return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        return Long.toString(n);
    }
}
