package dev.prunebench.cli;

import dev.prunebench.models.onnx.OnnxGraph;
import dev.prunebench.models.onnx.OnnxModel;
import dev.prunebench.models.onnx.WeightLayer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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

    static OnnxGraph read(Path file, String inputShape) throws IOException {
        long[] s = shape(inputShape);
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors"))
            throw new IllegalArgumentException(file + ": safetensors is not read yet; export the model to ONNX (torch.onnx.export)");
        OnnxGraph g = OnnxGraph.analyze(OnnxModel.read(file), s);
        if (g.layers().isEmpty())
            throw new IllegalArgumentException(file + ": no weight layers (Gemm/MatMul with a constant operand, Conv) in " + g.model().nodes().size() + " nodes");
        return g;
    }

    /** {@code first,last,fc3} → layer names; {@code none} → none. */
    static Set<String> layers(OnnxGraph g, String spec, String option) {
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
                throw new IllegalArgumentException(option + ": layer '" + s + "' is not a weight layer of " + g.model().file() + " (layers: "
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

    static String count(long n) {
        if (n < 0) return "?";
        if (n >= 10_000_000_000L) return String.format(Locale.ROOT, "%.1fG", n / 1e9);
        if (n >= 10_000_000) return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        return Long.toString(n);
    }
}
