package dev.prunebench.models.prune;

import dev.prunebench.models.nn.Conv2d;
import dev.prunebench.models.nn.Flatten;
import dev.prunebench.models.nn.Layer;
import dev.prunebench.models.nn.Linear;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.nn.Param;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Node pruning (Scalpel): whole neurons of a fully connected layer or whole output channels of a convolution are
 * removed, and the network is rebuilt smaller — the next layer loses the matching inputs (one column per neuron, a
 * {@code k×k} block of columns per channel into a convolution, an {@code h·w} block per channel through a flatten).
 * The output layer is never pruned.
 */
public final class NodePruning {
    private NodePruning() {}

    /** Names of the weight layers whose units may be pruned, in order (all but the output layer). */
    public static List<String> prunableLayers(Network net) {
        List<String> names = new ArrayList<>();
        for (Layer l : net.layers()) if (l instanceof Linear || l instanceof Conv2d) names.add(l.name());
        names.remove(names.size() - 1);
        return names;
    }

    /** L2 norm of each unit's incoming weights (one row of the layer's weight matrix), the ranking used to prune. */
    public static double[] unitScores(Network net, String layer) {
        Param w = net.param(layer + ".weight");
        double[] s = new double[w.rows()];
        float[] v = w.values();
        for (int r = 0; r < w.rows(); r++) {
            double a = 0;
            for (int c = 0; c < w.cols(); c++) a += (double) v[r * w.cols() + c] * v[r * w.cols() + c];
            s[r] = Math.sqrt(a);
        }
        return s;
    }

    /** Indices (ascending) of the {@code keep} highest-scoring units of {@code layer}. */
    public static int[] topUnits(Network net, String layer, int keep) {
        double[] s = unitScores(net, layer);
        if (keep < 1 || keep > s.length) throw new IllegalArgumentException(layer + ": keep must be in [1, " + s.length + "], got " + keep);
        Integer[] idx = new Integer[s.length];
        for (int i = 0; i < s.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> {
            int c = Double.compare(s[b], s[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[keep];
        for (int i = 0; i < keep; i++) out[i] = idx[i];
        Arrays.sort(out);
        return out;
    }

    /**
     * A new, smaller network holding the kept units' weights. {@code keep} maps a prunable layer's name to the unit
     * indices it keeps (ascending, distinct); layers not named keep all units. Masks are not carried over.
     */
    public static Network shrink(Network net, Map<String, int[]> keep) {
        List<String> prunable = prunableLayers(net);
        for (String k : keep.keySet())
            if (!prunable.contains(k)) throw new IllegalArgumentException("node pruning: '" + k + "' is not a prunable layer of " + net.id() + " (prunable: " + prunable + ")");
        int[] widths = net.widths();
        Map<String, int[]> units = new LinkedHashMap<>();
        for (int i = 0; i < prunable.size(); i++) {
            String name = prunable.get(i);
            int n = net.param(name + ".weight").rows();
            int[] u = keep.containsKey(name) ? keep.get(name).clone() : identity(n);
            for (int j = 0; j < u.length; j++)
                if (u[j] < 0 || u[j] >= n || (j > 0 && u[j] <= u[j - 1]))
                    throw new IllegalArgumentException("node pruning: " + name + " keep[" + j + "] = " + u[j] + " (indices must be ascending, distinct, in [0, " + n + "))");
            if (u.length == 0) throw new IllegalArgumentException("node pruning: " + name + " must keep at least one unit");
            units.put(name, u);
            widths[i] = u.length;
        }
        Network small = Networks.build(net.id(), widths, 0);
        int[] prevUnits = null;
        int block = 1;
        List<Layer> src = net.layers(), dst = small.layers();
        for (int li = 0; li < src.size(); li++) {
            Layer l = src.get(li);
            if (l instanceof Flatten f) block = f.spatial();
            if (!(l instanceof Linear || l instanceof Conv2d)) continue;
            Param w = l.params().get(0), b = l.params().get(1);
            Param w2 = dst.get(li).params().get(0), b2 = dst.get(li).params().get(1);
            int[] rowsKept = units.getOrDefault(l.name(), identity(w.rows()));
            if (l instanceof Conv2d c) block = c.kernel() * c.kernel();
            int[] colsKept = prevUnits == null ? identity(w.cols()) : expand(prevUnits, block);
            float[] nv = new float[rowsKept.length * colsKept.length];
            float[] v = w.values();
            for (int r = 0; r < rowsKept.length; r++)
                for (int c = 0; c < colsKept.length; c++) nv[r * colsKept.length + c] = v[rowsKept[r] * w.cols() + colsKept[c]];
            w2.set(nv);
            float[] nb = new float[rowsKept.length];
            for (int r = 0; r < rowsKept.length; r++) nb[r] = b.values()[rowsKept[r]];
            b2.set(nb);
            prevUnits = rowsKept;
            block = 1;
        }
        return small;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    private static int[] expand(int[] units, int block) {
        int[] out = new int[units.length * block];
        for (int i = 0; i < units.length; i++)
            for (int j = 0; j < block; j++) out[i * block + j] = units[i] * block + j;
        return out;
    }
}
