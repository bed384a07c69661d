package dev.prunebench.core.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Node pruning across a chain of layers (Scalpel): removing output neuron / channel p of layer i removes row p of
 * layer i, bias entry p, and every column of layer i+1 that reads p. The chain can then be <em>shrunk</em> to smaller
 * dense matrices ({@link #shrink}) or kept at full size with zeros ({@link #masked}); both compute exactly the same
 * outputs for any activation function, because the masked chain zeroes the next layer's columns as well as the row and
 * bias (a removed ReLU node would output relu(0) = 0 anyway, a sigmoid node would not).
 *
 * <p>How a layer's columns map to the previous layer's nodes is given by its {@link NodeLayer#inSpan} and
 * {@link InputLayout}: an FC layer after an FC layer has span 1; a conv layer flattened to out × (in·kh·kw) in
 * (in, kh, kw) order has span kh·kw, {@code BLOCKED}; an FC layer after a conv layer whose H×W output is flattened
 * channel-major has span H·W, {@code BLOCKED}; flattened channels-last (kh, kw, in) or (H, W, C), it is
 * {@code INTERLEAVED}. Remaining columns keep their original order in the shrunk layer, so the shrunk network reads its
 * (smaller) input in the same layout.
 */
public final class NodePruning {
    private NodePruning() {}

    /** Where the columns that read previous-layer node p lie. */
    public enum InputLayout {
        /** Node p owns columns p·span … p·span + span − 1. */
        BLOCKED,
        /** Node p owns columns s·prevOut + p for s in [0, span). */
        INTERLEAVED
    }

    /**
     * One layer of a chain.
     *
     * @param name    layer name for messages
     * @param out     output nodes (rows), &gt; 0
     * @param in      inputs (columns), &gt; 0, a multiple of inSpan
     * @param weights out × in row-major, finite
     * @param bias    length out, or null for no bias
     * @param inSpan  columns per node of the previous layer (1 for FC after FC); ignored for the first layer
     * @param layout  how those columns are arranged; ignored when inSpan = 1
     */
    public record NodeLayer(String name, int out, int in, float[] weights, float[] bias, int inSpan, InputLayout layout) {
        public NodeLayer {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("node layer: name must not be blank");
            if (out <= 0 || in <= 0) throw new IllegalArgumentException("layer " + name + ": shape " + out + "x" + in + " must be positive");
            if (weights == null || weights.length != (long) out * in)
                throw new IllegalArgumentException("layer " + name + ": weights length " + (weights == null ? "null" : weights.length)
                        + ", expected " + out + "x" + in + " = " + (long) out * in);
            if (bias != null && bias.length != out)
                throw new IllegalArgumentException("layer " + name + ": bias length " + bias.length + ", expected " + out);
            if (inSpan < 1 || in % inSpan != 0)
                throw new IllegalArgumentException("layer " + name + ": inSpan " + inSpan + " must be >= 1 and divide in = " + in);
            if (layout == null) throw new IllegalArgumentException("layer " + name + ": layout must not be null");
        }

        /** An FC layer: span 1. */
        public static NodeLayer fc(String name, int out, int in, float[] weights, float[] bias) {
            return new NodeLayer(name, out, in, weights, bias, 1, InputLayout.BLOCKED);
        }

        /** Column of this layer that reads element s of previous-layer node p, given the previous layer's width. */
        int column(int p, int s, int prevOut) {
            return layout == InputLayout.BLOCKED ? p * inSpan + s : s * prevOut + p;
        }
    }

    /**
     * What node pruning of one layer removes.
     *
     * @param layer              the pruned layer
     * @param keptNodes          its kept rows, ascending
     * @param removedNodes       its removed rows, ascending
     * @param nextLayer          the layer that reads it (null for the last layer)
     * @param removedNextColumns columns of the next layer that disappear, ascending (empty for the last layer)
     */
    public record Cut(String layer, int[] keptNodes, int[] removedNodes, String nextLayer, int[] removedNextColumns) {
        @Override public String toString() {
            return "Cut[" + layer + ": " + keptNodes.length + " of " + (keptNodes.length + removedNodes.length) + " nodes kept"
                    + (nextLayer == null ? "" : ", " + removedNextColumns.length + " columns of " + nextLayer + " removed") + "]";
        }
    }

    /**
     * Node masks for a chain from a per-layer rate profile: each named layer loses exactly round(rate × out) nodes,
     * ranked by {@code scoreOf(layer)} (e.g. {@code l -> Score.L2}, or mean activations recorded for that layer);
     * unnamed layers get null (not pruned). Naming a layer that is not in the chain, or the last layer, is an error.
     */
    public static List<Mask> masks(List<NodeLayer> chain, Map<String, Double> rates, Function<NodeLayer, Score> scoreOf) {
        if (chain == null || chain.isEmpty()) throw new IllegalArgumentException("node chain: need at least one layer");
        if (rates == null || scoreOf == null) throw new IllegalArgumentException("node chain: rates and score must not be null");
        Map<String, NodeLayer> byName = new LinkedHashMap<>();
        for (NodeLayer l : chain) if (byName.put(l.name(), l) != null) throw new IllegalArgumentException("node chain: name '" + l.name() + "' appears twice");
        for (String n : rates.keySet()) {
            if (!byName.containsKey(n))
                throw new IllegalArgumentException("profile: layer '" + n + "' does not exist (layers: " + String.join(", ", byName.keySet()) + ")");
            if (n.equals(chain.get(chain.size() - 1).name()))
                throw new IllegalArgumentException("profile: layer " + n + " is the last layer; its nodes are the network's outputs");
        }
        List<Mask> out = new ArrayList<>();
        for (NodeLayer l : chain) {
            Double r = rates.get(l.name());
            if (r == null) { out.add(null); continue; }
            out.add(Pruner.prune(new Layer(l.name(), l.weights(), l.out(), l.in(), scoreOf.apply(l)), Structure.NODE, r).mask());
        }
        return out;
    }

    /** The widths of a chain as Scalpel writes them: inputs, then each layer's outputs, e.g. {@code 784-161-64-10}. */
    public static String widths(List<NodeLayer> chain) {
        StringBuilder b = new StringBuilder().append(chain.get(0).in());
        for (NodeLayer l : chain) b.append('-').append(l.out());
        return b.toString();
    }

    /** The kept rows of a node mask; every row must be wholly kept or wholly removed. */
    public static int[] keptNodes(Mask m, String layer) {
        int n = 0;
        int[] tmp = new int[m.rows()];
        for (int r = 0; r < m.rows(); r++) if (m.rowAllOrNone(r, layer)) tmp[n++] = r;
        return Arrays.copyOf(tmp, n);
    }

    private static void check(List<NodeLayer> chain, List<Mask> masks) {
        if (chain == null || chain.isEmpty()) throw new IllegalArgumentException("node chain: need at least one layer");
        if (masks == null || masks.size() != chain.size())
            throw new IllegalArgumentException("node chain: " + (masks == null ? "null" : masks.size()) + " masks for " + chain.size() + " layers (use null for a layer not pruned)");
        for (int i = 0; i < chain.size(); i++) {
            NodeLayer l = chain.get(i);
            if (l == null) throw new IllegalArgumentException("node chain: layer " + i + " is null");
            Mask m = masks.get(i);
            if (m != null && (m.rows() != l.out() || m.cols() != l.in()))
                throw new IllegalArgumentException("layer " + l.name() + ": mask is " + m.rows() + "x" + m.cols() + ", weights are " + l.out() + "x" + l.in());
            if (i > 0) {
                NodeLayer p = chain.get(i - 1);
                if ((long) p.out() * l.inSpan() != l.in())
                    throw new IllegalArgumentException("layer " + l.name() + ": in = " + l.in() + " but layer " + p.name() + " has " + p.out()
                            + " nodes x inSpan " + l.inSpan() + " = " + (long) p.out() * l.inSpan());
            }
        }
        int last = chain.size() - 1;
        Mask lm = masks.get(last);
        if (lm != null && lm.kept() != lm.size())
            throw new IllegalArgumentException("layer " + chain.get(last).name() + ": the last layer's nodes are the network's outputs and cannot be node-pruned");
    }

    private static int[] allNodes(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    private static int[] kept(List<NodeLayer> chain, List<Mask> masks, int i) {
        Mask m = masks.get(i);
        return m == null ? allNodes(chain.get(i).out()) : keptNodes(m, chain.get(i).name());
    }

    /** Columns of layer i that survive the pruning of layer i−1, ascending. */
    private static int[] keptColumns(List<NodeLayer> chain, List<Mask> masks, int i) {
        NodeLayer l = chain.get(i);
        if (i == 0 || masks.get(i - 1) == null) return allNodes(l.in());
        int prevOut = chain.get(i - 1).out();
        int[] keptPrev = kept(chain, masks, i - 1);
        int[] cols = new int[keptPrev.length * l.inSpan()];
        int k = 0;
        for (int p : keptPrev) for (int s = 0; s < l.inSpan(); s++) cols[k++] = l.column(p, s, prevOut);
        Arrays.sort(cols);
        return cols;
    }

    /** What each layer's node mask removes, and which columns of the next layer go with it. */
    public static List<Cut> cuts(List<NodeLayer> chain, List<Mask> masks) {
        check(chain, masks);
        List<Cut> out = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            NodeLayer l = chain.get(i);
            int[] keep = kept(chain, masks, i);
            int[] removed = complement(keep, l.out());
            String next = i + 1 < chain.size() ? chain.get(i + 1).name() : null;
            int[] gone = next == null ? new int[0] : complement(keptColumns(chain, masks, i + 1), chain.get(i + 1).in());
            out.add(new Cut(l.name(), keep, removed, next, gone));
        }
        return out;
    }

    private static int[] complement(int[] sortedKept, int n) {
        int[] r = new int[n - sortedKept.length];
        int k = 0, j = 0;
        for (int i = 0; i < n; i++) {
            if (j < sortedKept.length && sortedKept[j] == i) j++;
            else r[k++] = i;
        }
        return r;
    }

    /** The chain with removed nodes taken out: smaller dense matrices and biases. */
    public static List<NodeLayer> shrink(List<NodeLayer> chain, List<Mask> masks) {
        check(chain, masks);
        List<NodeLayer> out = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            NodeLayer l = chain.get(i);
            int[] rows = kept(chain, masks, i), cols = keptColumns(chain, masks, i);
            if (rows.length == 0) throw new IllegalArgumentException("layer " + l.name() + ": node pruning removed every node; the shrunk network would be empty");
            float[] w = new float[rows.length * cols.length];
            for (int a = 0; a < rows.length; a++)
                for (int b = 0; b < cols.length; b++) w[a * cols.length + b] = l.weights()[rows[a] * l.in() + cols[b]];
            float[] bias = null;
            if (l.bias() != null) {
                bias = new float[rows.length];
                for (int a = 0; a < rows.length; a++) bias[a] = l.bias()[rows[a]];
            }
            out.add(new NodeLayer(l.name(), rows.length, cols.length, w, bias, l.inSpan(), l.layout()));
        }
        return out;
    }

    /** The chain at full size with removed rows, their bias entries and the next layer's columns set to 0. */
    public static List<NodeLayer> masked(List<NodeLayer> chain, List<Mask> masks) {
        check(chain, masks);
        List<NodeLayer> out = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            NodeLayer l = chain.get(i);
            boolean[] rowKept = new boolean[l.out()], colKept = new boolean[l.in()];
            for (int r : kept(chain, masks, i)) rowKept[r] = true;
            for (int c : keptColumns(chain, masks, i)) colKept[c] = true;
            float[] w = l.weights().clone();
            for (int r = 0; r < l.out(); r++)
                for (int c = 0; c < l.in(); c++) if (!rowKept[r] || !colKept[c]) w[r * l.in() + c] = 0f;
            float[] bias = l.bias() == null ? null : l.bias().clone();
            if (bias != null) for (int r = 0; r < l.out(); r++) if (!rowKept[r]) bias[r] = 0f;
            out.add(new NodeLayer(l.name(), l.out(), l.in(), w, bias, l.inSpan(), l.layout()));
        }
        return out;
    }
}
