package dev.prunebench.models.safetensors;

import dev.prunebench.models.onnx.OnnxNode;
import dev.prunebench.models.onnx.OnnxTensor;
import dev.prunebench.models.onnx.WeightLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weight layers of a safetensors file. Without a graph the shape decides: a 2-D float tensor is a fully connected
 * layer ({@code out × in}, PyTorch's Linear), a 4-D one a conv ({@code O × I/g × kh × kw}, groups 1, stride 1, no
 * padding, input size unknown, so no MACs); every other tensor is not a layer. A {@code --layers} file says otherwise
 * where the shape alone is ambiguous, one line per tensor:
 *
 * <pre>
 * # tensor                 op     options
 * encoder.fc1.weight       fc                          # out x in (PyTorch)
 * dense/kernel             fc     transpose            # in x out (TensorFlow, JAX): the matrix is its transpose
 * features.3.weight        conv   in=16x16 stride=2 pad=1 groups=32 dilation=1
 * embed.weight             skip                        # not a layer
 * *                        skip                        # tensors not named here are not layers
 * </pre>
 *
 * A 3-D tensor mapped to {@code conv} is a 1-D conv ({@code O × I/g × k}, kh = 1; {@code in=L}). A {@code name.bias}
 * 1-D tensor of the layer's rows counts as its bias.
 */
public final class SafetensorsLayers {
    private SafetensorsLayers() {}

    /** One line of a {@code --layers} file. */
    public record Spec(String op, boolean transpose, int groups, int stride, int pad, int dilation, int inH, int inW) {
        static final Spec FC = new Spec("fc", false, 1, 1, 0, 1, 0, 0), CONV = new Spec("conv", false, 1, 1, 0, 1, 0, 0);
    }

    /** Reads a {@code --layers} file; {@code *} is the default for the tensors it does not name. */
    public static Map<String, Spec> readMap(Path f) throws IOException {
        Map<String, Spec> m = new LinkedHashMap<>();
        int n = 0;
        for (String line : Files.readAllLines(f)) {
            n++;
            int hash = line.indexOf('#');
            String t = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (t.isEmpty()) continue;
            String[] p = t.split("\\s+");
            String where = f + ": line " + n;
            if (p.length < 2) throw new IllegalArgumentException(where + ": expected 'tensor fc|conv|skip [options]', got '" + t + "'");
            if (!p[1].equals("fc") && !p[1].equals("conv") && !p[1].equals("skip"))
                throw new IllegalArgumentException(where + ": op '" + p[1] + "' is not fc, conv or skip");
            boolean tr = false;
            int[] o = {1, 1, 0, 1, 0, 0}; // groups stride pad dilation inH inW (inH 0: as inW)
            for (int i = 2; i < p.length; i++) {
                if (p[i].equals("transpose") && p[1].equals("fc")) { tr = true; continue; }
                int eq = p[i].indexOf('=');
                String k = eq < 0 ? p[i] : p[i].substring(0, eq), v = eq < 0 ? "" : p[i].substring(eq + 1);
                int slot = p[1].equals("conv") ? List.of("groups", "stride", "pad", "dilation", "in").indexOf(k) : -1;
                if (slot < 0) throw new IllegalArgumentException(where + ": option '" + p[i] + "' is not one of " + (p[1].equals("fc") ? "transpose" : "groups=G stride=S pad=P dilation=D in=HxW"));
                String[] vs = slot == 4 ? v.split("[x×,]", -1) : new String[] {v};
                if (slot == 4 && vs.length == 1) slot = 5; // in=L: square for a 2-D conv, the length of a 1-D one
                for (int j = 0; j < vs.length; j++) {
                    int x;
                    try { x = Integer.parseInt(vs[j].strip()); } catch (NumberFormatException e) { x = -1; }
                    if (x < (slot == 2 ? 0 : 1) || vs.length > 2) throw new IllegalArgumentException(where + ": option '" + p[i] + "': '" + v + "' is not a valid value");
                    o[slot + j] = x;
                }
            }
            if (m.containsKey(p[0])) throw new IllegalArgumentException(where + ": tensor '" + p[0] + "' is named twice");
            m.put(p[0], p[1].equals("skip") ? null : new Spec(p[1], tr, o[0], o[1], o[2], o[3], o[4], o[5]));
        }
        return m;
    }

    /** The layers of {@code st} in buffer order; {@code map} may be empty. Names in {@code map} that are not tensors are errors. */
    public static List<WeightLayer> layers(Safetensors st, Map<String, Spec> map, List<String> notes) {
        for (String k : map.keySet())
            if (!k.equals("*") && !st.tensors().containsKey(k))
                throw new IllegalArgumentException("--layers: tensor '" + k + "' is not in " + st.file());
        List<WeightLayer> out = new ArrayList<>();
        for (Safetensors.Entry e : st.tensors().values()) {
            OnnxTensor t = e.tensor();
            int rank = t.dims().length;
            Spec s = map.containsKey(t.name()) ? map.get(t.name())
                    : map.containsKey("*") ? map.get("*") : rank == 2 ? Spec.FC : rank == 4 ? Spec.CONV : null;
            if (s == null) continue;
            String where = st.file() + ": tensor '" + t.name() + "'";
            if (t.floats() == null) {
                if (!map.containsKey(t.name())) { notes.add(t.name() + ": " + e.dtype() + " " + t.shape() + " is not read (F32, F16, BF16 only): not a layer"); continue; }
                throw new IllegalArgumentException(where + ": " + t.unsupported());
            }
            out.add(s.op().equals("fc") ? fc(st, t, s, where, out.size()) : conv(st, t, s, where, out.size()));
        }
        return out;
    }

    private static WeightLayer fc(Safetensors st, OnnxTensor t, Spec s, String where, int index) {
        if (t.dims().length != 2) throw new IllegalArgumentException(where + ": fc needs a 2-D tensor, shape is " + t.shape());
        int a = Math.toIntExact(t.dims()[0]), b = Math.toIntExact(t.dims()[1]);
        int rows = s.transpose() ? b : a, cols = s.transpose() ? a : b;
        float[] m = t.floats();
        if (s.transpose()) {
            m = new float[m.length];
            for (int i = 0; i < a; i++) for (int j = 0; j < b; j++) m[j * a + i] = t.floats()[i * b + j];
        }
        return new WeightLayer(t.name(), "FC", node(t, "Gemm", index), t, rows, cols, m, s.transpose(), null, (long) rows * cols, bias(st, t.name(), rows),
                null, new long[] {1, cols});
    }

    private static WeightLayer conv(Safetensors st, OnnxTensor t, Spec s, String where, int index) {
        long[] d = t.dims();
        if (d.length != 4 && d.length != 3) throw new IllegalArgumentException(where + ": conv needs a 4-D (O, I/g, kh, kw) or 3-D (O, I/g, k) tensor, shape is " + t.shape());
        int o = Math.toIntExact(d[0]), ig = Math.toIntExact(d[1]), kh = d.length == 4 ? Math.toIntExact(d[2]) : 1, kw = Math.toIntExact(d[d.length - 1]);
        if (o % s.groups() != 0) throw new IllegalArgumentException(where + ": groups=" + s.groups() + " does not divide its " + o + " output channels");
        int in = ig * s.groups(), padH = d.length == 4 ? s.pad() : 0, inH = d.length == 3 ? 1 : s.inH() == 0 ? s.inW() : s.inH();
        int oh = 0, ow = 0;
        long macs = -1;
        long[] inShape = null;
        if (s.inW() > 0) {
            oh = (inH + 2 * padH - s.dilation() * (kh - 1) - 1) / s.stride() + 1;
            ow = (s.inW() + 2 * s.pad() - s.dilation() * (kw - 1) - 1) / s.stride() + 1;
            if (oh < 1 || ow < 1) throw new IllegalArgumentException(where + ": input " + inH + "x" + s.inW() + " is smaller than its kernel " + kh + "x" + kw);
            macs = (long) o * ig * kh * kw * oh * ow;
            inShape = d.length == 4 ? new long[] {1, in, inH, s.inW()} : new long[] {1, in, s.inW()};
        }
        var geo = new WeightLayer.Conv(in, o, s.groups(), kh, kw, d.length == 4 ? s.stride() : 1, s.stride(), padH, s.pad(), padH, s.pad(),
                d.length == 4 ? s.dilation() : 1, s.dilation(), oh, ow);
        return new WeightLayer(t.name(), "Conv", node(t, "Conv", index), t, o, ig * kh * kw, t.floats(), false, geo, macs, bias(st, t.name(), o), null, inShape);
    }

    /** The elements of {@code <prefix>.bias} when {@code name} is {@code <prefix>.weight} and the bias has {@code rows} elements; else 0. */
    private static long bias(Safetensors st, String name, int rows) {
        if (!name.endsWith("weight")) return 0;
        Safetensors.Entry b = st.tensors().get(name.substring(0, name.length() - 6) + "bias");
        return b != null && b.tensor().dims().length == 1 && b.tensor().dims()[0] == rows ? rows : 0;
    }

    private static OnnxNode node(OnnxTensor t, String op, int index) {
        return new OnnxNode(index, t.name(), op, "", List.of(t.name()), List.of(), Map.of());
    }
}
