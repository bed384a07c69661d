package dev.prunebench.models.prune;

import dev.prunebench.models.nn.Conv2d;
import dev.prunebench.models.nn.Flatten;
import dev.prunebench.models.nn.Layer;
import dev.prunebench.models.nn.Linear;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.nn.Param;
import dev.prunebench.core.prune.Mask;
import java.util.ArrayList;
import java.util.Arrays;
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
     *
     * <p>The cutting is core's ({@link dev.prunebench.core.prune.NodePruning#shrink}): the network's weight layers
     * become a node chain (a conv layer reads k·k columns per input channel, the first FC layer after a flatten h·w
     * columns per channel, both blocked as im2col and the flatten lay them out), and the shrunk chain's matrices are
     * put into a network built with the new widths.
     */
    public static Network shrink(Network net, Map<String, int[]> keep) {
        List<String> prunable = prunableLayers(net);
        for (String k : keep.keySet())
            if (!prunable.contains(k)) throw new IllegalArgumentException("node pruning: '" + k + "' is not a prunable layer of " + net.id() + " (prunable: " + prunable + ")");
        int[] widths = net.widths();
        List<dev.prunebench.core.prune.NodePruning.NodeLayer> chain = new ArrayList<>();
        List<Mask> masks = new ArrayList<>();
        List<Layer> weighted = new ArrayList<>();
        int span = 1;
        for (Layer l : net.layers()) {
            if (l instanceof Flatten f) span = f.spatial();
            if (!(l instanceof Linear || l instanceof Conv2d)) continue;
            if (l instanceof Conv2d c) span = c.kernel() * c.kernel();
            Param w = l.params().get(0), b = l.params().get(1);
            chain.add(new dev.prunebench.core.prune.NodePruning.NodeLayer(l.name(), w.rows(), w.cols(), w.values(), b.values(), chain.isEmpty() ? 1 : span, dev.prunebench.core.prune.NodePruning.InputLayout.BLOCKED));
            weighted.add(l);
            span = 1;
            int[] u = keep.get(l.name());
            if (u == null) {
                masks.add(null);
                continue;
            }
            int n = w.rows();
            if (u.length == 0) throw new IllegalArgumentException("node pruning: " + l.name() + " must keep at least one unit");
            boolean[] k = new boolean[n * w.cols()];
            for (int j = 0; j < u.length; j++) {
                if (u[j] < 0 || u[j] >= n || (j > 0 && u[j] <= u[j - 1]))
                    throw new IllegalArgumentException("node pruning: " + l.name() + " keep[" + j + "] = " + u[j] + " (indices must be ascending, distinct, in [0, " + n + "))");
                Arrays.fill(k, u[j] * w.cols(), (u[j] + 1) * w.cols(), true);
            }
            masks.add(Mask.of(k, n, w.cols()));
            widths[prunable.indexOf(l.name())] = u.length;
        }
        List<dev.prunebench.core.prune.NodePruning.NodeLayer> small = dev.prunebench.core.prune.NodePruning.shrink(chain, masks);
        Network out = Networks.build(net.id(), widths, 0);
        Map<String, Param> ps = out.paramsByName();
        for (int i = 0; i < small.size(); i++) {
            dev.prunebench.core.prune.NodePruning.NodeLayer l = small.get(i);
            ps.get(l.name() + ".weight").set(l.weights());
            ps.get(l.name() + ".bias").set(l.bias());
        }
        return out;
    }
}
