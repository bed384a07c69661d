package dev.prunebench.models.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the suite makes of an ONNX graph: its weight layers ({@link WeightLayer}), the shape of every value it could
 * infer from the input shape, and the rest of the network (every node that is not a weight layer, a Constant or a
 * folded BatchNormalization).
 *
 * <p>Shapes are inferred for the ops whose output shape follows from their attributes (Conv, Gemm, MatMul, pooling,
 * Flatten, Reshape with a constant shape, Transpose, Concat, element-wise ops, BatchNormalization, Softmax …); after an
 * op it does not know, the shapes downstream are unknown and so are those layers' MACs (never an error: per-layer work
 * needs only the weights). A symbolic batch dimension counts as 1.
 *
 * <p>An int8-quantized graph (QLinearConv, QLinearMatMul, QuantizeLinear, DequantizeLinear, ConvInteger,
 * MatMulInteger) is refused naming the first such node: its weights are integers with scales, not the float weights
 * the suite prunes.
 */
public record OnnxGraph(OnnxModel model, List<WeightLayer> layers, Map<String, long[]> shapes, List<OnnxNode> rest, List<String> notes) {

    static final Set<String> QUANTIZED = Set.of("QLinearConv", "QLinearMatMul", "QuantizeLinear", "DequantizeLinear", "ConvInteger",
            "MatMulInteger", "DynamicQuantizeLinear", "QLinearAdd", "QGemm");
    static final Set<String> ELEMENTWISE = Set.of("Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip", "Softmax", "LogSoftmax", "Dropout", "Identity",
            "BatchNormalization", "Erf", "Gelu", "HardSwish", "HardSigmoid", "Elu", "Selu", "Sqrt", "Exp", "Neg", "Abs", "Cast",
            "LRN", "InstanceNormalization", "LayerNormalization", "PRelu", "Softplus", "Mish", "Swish", "Reciprocal");
    static final Set<String> BROADCAST = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum");

    /** The total number of weight-matrix elements of all layers. */
    public long weightElements() {
        long n = 0;
        for (WeightLayer l : layers) n += (long) l.rows() * l.cols();
        return n;
    }

    public WeightLayer layer(String name) {
        for (WeightLayer l : layers) if (l.name().equals(name)) return l;
        throw new IllegalArgumentException(model.file() + ": no weight layer '" + name + "' (layers: "
                + String.join(", ", layers.stream().map(WeightLayer::name).toList()) + ")");
    }

    /** Op type → count of the rest of the network's nodes. */
    public Map<String, Integer> restOps() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (OnnxNode n : rest) m.merge(n.opType(), 1, Integer::sum);
        return m;
    }

    /**
     * Analyses {@code model}; {@code inputShape} replaces the first graph input's declared shape (null: the declared
     * shape, symbolic dimensions counting as 1 for the first and unknown for the others).
     */
    public static OnnxGraph analyze(OnnxModel model, long[] inputShape) {
        String file = model.file().toString();
        for (OnnxNode n : model.nodes())
            if (QUANTIZED.contains(n.opType()))
                throw new IllegalArgumentException(file + ": " + n.describe() + ": an int8-quantized graph; prunebench prunes float weights "
                        + "(export the float model, before quantization)");
        Map<String, long[]> shapes = new HashMap<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < model.inputs().size(); i++) {
            OnnxModel.ValueInfo v = model.inputs().get(i);
            long[] d = v.dims().clone();
            if (i == 0 && inputShape != null) d = inputShape.clone();
            else if (d.length > 0 && d[0] < 0) d[0] = 1;
            boolean known = d.length > 0;
            for (long x : d) if (x < 0) known = false;
            if (known) shapes.put(v.name(), d);
            else if (i == 0) notes.add("input '" + v.name() + "' has shape " + Arrays.toString(v.dims()) + ": give --input-shape for MACs");
        }
        for (Map.Entry<String, OnnxTensor> t : model.tensors().entrySet()) shapes.put(t.getKey(), t.getValue().dims());
        Map<String, List<OnnxNode>> consumers = new HashMap<>();
        for (OnnxNode n : model.nodes()) for (String in : n.inputs()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);

        List<WeightLayer> layers = new ArrayList<>();
        List<OnnxNode> rest = new ArrayList<>();
        java.util.Set<String> folded = new java.util.HashSet<>(), seenNames = new java.util.HashSet<>();
        Map<String, String> weightUsers = new HashMap<>();
        for (OnnxNode n : model.nodes()) {
            if (n.opType().equals("Constant")) continue;
            if (folded.contains(n.name())) { infer(n, shapes, model); continue; }
            WeightLayer l = null;
            try {
                l = switch (n.opType()) {
                    case "Gemm", "MatMul" -> fc(model, n, shapes);
                    case "Conv" -> conv(model, n, shapes, consumers, folded);
                    default -> null;
                };
            } finally {
                infer(n, shapes, model);
            }
            if (l == null) { rest.add(n); continue; }
            String prev = weightUsers.putIfAbsent(l.tensor().name(), l.name());
            if (prev != null) {
                notes.add("layer " + l.name() + " shares weight '" + l.tensor().name() + "' with " + prev + ": counted once, as " + prev);
                rest.add(n);
                continue;
            }
            if (!seenNames.add(l.name())) throw new IllegalArgumentException(file + ": two weight layers are named '" + l.name() + "'");
            layers.add(l);
        }
        return new OnnxGraph(model, List.copyOf(layers), shapes, List.copyOf(rest), List.copyOf(notes));
    }

    private static long product(long[] d, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) p *= d[i];
        return p;
    }

    private static WeightLayer fc(OnnxModel m, OnnxNode n, Map<String, long[]> shapes) {
        String file = m.file().toString();
        OnnxTensor a = m.tensor(n.input(0)), b = m.tensor(n.input(1));
        boolean gemm = n.opType().equals("Gemm");
        OnnxTensor w;
        boolean transposed;
        long[] x;
        if (b != null && b.dims().length == 2) {
            w = b;
            transposed = !(gemm && n.intAttr("transB", 0) == 1);
            x = shapes.get(n.input(0));
        } else if (a != null && a.dims().length == 2 && !gemm) {
            w = a;          // y = W · x: W is rows × cols already
            transposed = false;
            x = shapes.get(n.input(1));
        } else return null; // two activations, or a weight of rank != 2: the rest of the network
        float[] v = w.requireFloats(file);
        int rows = (int) (transposed ? w.dims()[1] : w.dims()[0]), cols = (int) (transposed ? w.dims()[0] : w.dims()[1]);
        if (rows < 1 || cols < 1) throw new IllegalArgumentException(file + ": " + n.describe() + ": weight '" + w.name() + "' has shape " + w.shape());
        float[] mat = transposed ? transpose(v, cols, rows) : v.clone();
        long macs = -1;
        if (x != null && x.length >= 1) {
            long positions;
            if (gemm) positions = n.intAttr("transA", 0) == 1 ? x[x.length - 1] : x[0];
            else positions = w == b ? product(x, 0, x.length - 1) : product(x, 1, x.length);
            macs = positions * rows * cols;
        }
        long bias = 0;
        if (gemm && !n.input(2).isEmpty() && m.tensor(n.input(2)) != null) bias = m.tensor(n.input(2)).elements();
        return new WeightLayer(n.name(), n.opType(), n, w, rows, cols, mat, transposed, null, macs, bias, null, x);
    }

    static float[] transpose(float[] v, int r, int c) {
        float[] t = new float[v.length];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) t[j * r + i] = v[i * c + j];
        return t;
    }

    private static WeightLayer conv(OnnxModel m, OnnxNode n, Map<String, long[]> shapes, Map<String, List<OnnxNode>> consumers, java.util.Set<String> folded) {
        String file = m.file().toString();
        OnnxTensor w = m.tensor(n.input(1));
        if (w == null) return null; // weights computed at run time
        if (w.dims().length != 4)
            throw new IllegalArgumentException(file + ": " + n.describe() + ": weight '" + w.name() + "' has shape " + w.shape() + "; only 2-D convs (O x I/g x kh x kw) are read");
        float[] v = w.requireFloats(file);
        int out = (int) w.dims()[0], inPerGroup = (int) w.dims()[1], kh = (int) w.dims()[2], kw = (int) w.dims()[3];
        int g = (int) n.intAttr("group", 1);
        if (g < 1 || out % g != 0) throw new IllegalArgumentException(file + ": " + n.describe() + ": group " + g + " does not divide " + out + " output channels");
        long[] s = n.intsAttr("strides", new long[] {1, 1}), d = n.intsAttr("dilations", new long[] {1, 1}), p = n.intsAttr("pads", new long[] {0, 0, 0, 0});
        if (s.length != 2 || d.length != 2 || p.length != 4)
            throw new IllegalArgumentException(file + ": " + n.describe() + ": strides " + Arrays.toString(s) + ", dilations " + Arrays.toString(d) + ", pads "
                    + Arrays.toString(p) + " do not describe a 2-D conv");
        long[] x = shapes.get(n.input(0));
        int inH = x != null && x.length == 4 ? (int) x[2] : -1, inW = x != null && x.length == 4 ? (int) x[3] : -1;
        String autoPad = n.stringAttr("auto_pad", "NOTSET");
        if ((autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) && inH > 0) {
            long[] pp = new long[4];
            for (int a = 0; a < 2; a++) {
                long in = a == 0 ? inH : inW, k = a == 0 ? kh : kw;
                long o = (in + s[a] - 1) / s[a];
                long total = Math.max(0, (o - 1) * s[a] + (k - 1) * d[a] + 1 - in);
                long small = total / 2, big = total - small;
                pp[a] = autoPad.equals("SAME_UPPER") ? small : big;
                pp[a + 2] = autoPad.equals("SAME_UPPER") ? big : small;
            }
            p = pp;
        } else if (autoPad.equals("VALID")) p = new long[4];
        int inC = inPerGroup * g;
        int oh = -1, ow = -1;
        if (inH > 0) {
            oh = (int) ((inH + p[0] + p[2] - d[0] * (kh - 1) - 1) / s[0] + 1);
            ow = (int) ((inW + p[1] + p[3] - d[1] * (kw - 1) - 1) / s[1] + 1);
        }
        WeightLayer.Conv geo = new WeightLayer.Conv(inC, out, g, kh, kw, (int) s[0], (int) s[1], (int) p[0], (int) p[1], (int) p[2], (int) p[3],
                (int) d[0], (int) d[1], oh, ow);
        int cols = inPerGroup * kh * kw;
        float[] mat = v.clone();
        long bias = !n.input(2).isEmpty() && m.tensor(n.input(2)) != null ? m.tensor(n.input(2)).elements() : 0;
        String bn = null;
        List<OnnxNode> users = consumers.getOrDefault(n.outputs().get(0), List.of());
        if (users.size() == 1 && users.get(0).opType().equals("BatchNormalization")) {
            OnnxNode b = users.get(0);
            OnnxTensor gamma = m.tensor(b.input(1)), var = m.tensor(b.input(4));
            if (gamma != null && var != null && m.tensor(b.input(2)) != null && m.tensor(b.input(3)) != null && gamma.elements() == out && var.elements() == out) {
                float eps = b.floatAttr("epsilon", 1e-5f);
                float[] gv = gamma.requireFloats(file), vv = var.requireFloats(file);
                for (int o = 0; o < out; o++) {
                    float scale = (float) (gv[o] / Math.sqrt(vv[o] + eps));
                    for (int c = 0; c < cols; c++) mat[o * cols + c] *= scale;
                }
                bn = b.name();
                folded.add(b.name());
                bias = out;
            }
        }
        long macs = x != null && x.length == 4 && oh > 0 ? x[0] * out * (long) oh * ow * cols : -1;
        return new WeightLayer(n.name(), "Conv", n, w, out, cols, mat, false, geo, macs, bias, bn, x);
    }

    /** Sets the shapes of {@code n}'s outputs where they follow from its inputs' shapes. */
    static void infer(OnnxNode n, Map<String, long[]> shapes, OnnxModel m) {
        if (n.outputs().isEmpty()) return;
        long[] x = shapes.get(n.input(0));
        String out = n.outputs().get(0);
        long[] r = null;
        try {
            switch (n.opType()) {
                case "Conv" -> {
                    long[] w = shapes.get(n.input(1));
                    if (x == null || w == null || x.length != 4) break;
                    OnnxTensor wt = m.tensor(n.input(1));
                    if (wt == null) break;
                    r = new long[] {x[0], w[0], -1, -1};
                    long[] s = n.intsAttr("strides", new long[] {1, 1}), d = n.intsAttr("dilations", new long[] {1, 1}), p = n.intsAttr("pads", new long[] {0, 0, 0, 0});
                    String ap = n.stringAttr("auto_pad", "NOTSET");
                    for (int a = 0; a < 2; a++) {
                        if (ap.startsWith("SAME")) r[2 + a] = (x[2 + a] + s[a] - 1) / s[a];
                        else {
                            long pad = ap.equals("VALID") ? 0 : p[a] + p[a + 2];
                            r[2 + a] = (x[2 + a] + pad - d[a] * (w[2 + a] - 1) - 1) / s[a] + 1;
                        }
                    }
                }
                case "MaxPool", "AveragePool" -> {
                    if (x == null || x.length != 4) break;
                    long[] k = n.intsAttr("kernel_shape", null);
                    if (k == null || k.length != 2) break;
                    long[] s = n.intsAttr("strides", new long[] {1, 1}), p = n.intsAttr("pads", new long[] {0, 0, 0, 0}), d = n.intsAttr("dilations", new long[] {1, 1});
                    boolean ceil = n.intAttr("ceil_mode", 0) == 1;
                    String ap = n.stringAttr("auto_pad", "NOTSET");
                    r = new long[] {x[0], x[1], -1, -1};
                    for (int a = 0; a < 2; a++) {
                        if (ap.startsWith("SAME")) { r[2 + a] = (x[2 + a] + s[a] - 1) / s[a]; continue; }
                        long pad = ap.equals("VALID") ? 0 : p[a] + p[a + 2];
                        long num = x[2 + a] + pad - d[a] * (k[a] - 1) - 1;
                        r[2 + a] = (ceil ? Math.floorDiv(num + s[a] - 1, s[a]) : Math.floorDiv(num, s[a])) + 1;
                    }
                }
                case "GlobalAveragePool", "GlobalMaxPool" -> { if (x != null && x.length == 4) r = new long[] {x[0], x[1], 1, 1}; }
                case "Gemm" -> {
                    long[] b = shapes.get(n.input(1));
                    if (x == null || b == null || x.length != 2 || b.length != 2) break;
                    long mm = n.intAttr("transA", 0) == 1 ? x[1] : x[0];
                    long nn = n.intAttr("transB", 0) == 1 ? b[0] : b[1];
                    r = new long[] {mm, nn};
                }
                case "MatMul" -> {
                    long[] b = shapes.get(n.input(1));
                    if (x == null || b == null || x.length < 1 || b.length < 1) break;
                    if (b.length == 2 && x.length >= 2) { r = x.clone(); r[r.length - 1] = b[1]; }
                    else if (x.length == 2 && b.length >= 2) { r = b.clone(); r[r.length - 2] = x[0]; }
                    else if (x.length == b.length && x.length > 2) { r = x.clone(); r[r.length - 1] = b[b.length - 1]; }
                }
                case "Flatten" -> {
                    if (x == null) break;
                    int axis = (int) n.intAttr("axis", 1);
                    if (axis < 0) axis += x.length;
                    r = new long[] {product(x, 0, axis), product(x, axis, x.length)};
                }
                case "Reshape" -> {
                    OnnxTensor t = m.tensor(n.input(1));
                    if (x == null || t == null || t.ints() == null) break;
                    long[] target = t.ints().clone();
                    long total = product(x, 0, x.length), known = 1;
                    int infer = -1;
                    for (int i = 0; i < target.length; i++) {
                        if (target[i] == 0 && n.intAttr("allowzero", 0) == 0) target[i] = x[i];
                        if (target[i] == -1) infer = i;
                        else known *= target[i];
                    }
                    if (infer >= 0) target[infer] = known == 0 ? 0 : total / known;
                    r = target;
                }
                case "Transpose" -> {
                    if (x == null) break;
                    long[] perm = n.intsAttr("perm", null);
                    r = new long[x.length];
                    for (int i = 0; i < x.length; i++) r[i] = perm == null ? x[x.length - 1 - i] : x[(int) perm[i]];
                }
                case "Concat" -> {
                    int axis = (int) n.intAttr("axis", 0);
                    long sum = 0;
                    for (String in : n.inputs()) {
                        long[] y = shapes.get(in);
                        if (y == null) { sum = -1; break; }
                        if (axis < 0) axis += y.length;
                        sum += y[axis];
                    }
                    if (sum >= 0 && x != null) { r = x.clone(); r[axis] = sum; }
                }
                default -> {
                    if (ELEMENTWISE.contains(n.opType())) r = x;
                    else if (BROADCAST.contains(n.opType())) {
                        long[] y = shapes.get(n.input(1));
                        if (x == null || y == null) break;
                        long[] big = x.length >= y.length ? x : y, small = x.length >= y.length ? y : x;
                        r = big.clone();
                        for (int i = 0; i < small.length; i++) {
                            int j = big.length - small.length + i;
                            r[j] = Math.max(big[j], small[i]);
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            r = null; // shapes stay unknown downstream; never an error
        }
        if (r != null) {
            boolean ok = true;
            for (long v : r) if (v < 0) ok = false;
            if (ok) shapes.put(out, r);
        }
    }
}
