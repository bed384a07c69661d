package dev.prunebench.experiments.spdy;

import dev.prunebench.core.spdy.ErrorTable;
import dev.prunebench.core.spdy.LatencyTable;
import dev.prunebench.models.nn.Conv2d;
import dev.prunebench.models.nn.Layer;
import dev.prunebench.models.nn.Linear;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Param;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SPDY's error database: per layer, format and level, the layer-wise reconstruction error
 * {@code ‖W X − Ŵ X‖² / ‖W X‖²} on calibration inputs, X the inputs that layer sees when the (dense) network runs on
 * them, Ŵ the weight pruned by magnitude to the level in the format's structure ({@link LatencyDatabase#pruned}).
 * The products are taken by the layer's own forward pass (so a convolution's im2col is the network's own): {@code W X}
 * is the output with W less the output with zero weights (the bias), likewise for Ŵ. Without a least-squares re-fit
 * of the kept weights (AdaPrune-style): left out, see docs/spdy.md.
 */
public final class ErrorDatabase {
    private ErrorDatabase() {}

    /** The weight of a Linear or Conv2d layer, or null for any other. */
    public static Param weight(Layer l) {
        if (l instanceof Linear fc) return fc.weight();
        if (l instanceof Conv2d c) return c.weight();
        return null;
    }

    /**
     * Errors for every timing of {@code table} (its formats and levels; the dense line has error 0).
     *
     * @param calibration {@code n × net.inSize()} inputs, batch-major
     */
    public static ErrorTable measure(Network net, LatencyTable table, float[] calibration, int n) {
        Map<ErrorTable.Key, Double> m = new LinkedHashMap<>();
        float[] a = calibration;
        for (Layer l : net.layers()) {
            Param w = weight(l);
            if (w != null && table.names().contains(l.name())) {
                float[] original = w.values().clone();
                float[] y = l.forward(a, n, false).clone();
                w.set(new float[original.length]);
                float[] bias = l.forward(a, n, false).clone();
                double ref = 0;
                for (int i = 0; i < y.length; i++) ref += sq(y[i] - bias[i]);
                for (LatencyTable.Timing t : table.layer(l.name()).timings()) {
                    ErrorTable.Key k = new ErrorTable.Key(l.name(), t.format(), t.level());
                    if (m.containsKey(k)) continue;
                    if (t.level() == 0) {
                        m.put(k, 0.0);
                        continue;
                    }
                    w.set(LatencyDatabase.pruned(original, w.rows(), w.cols(), t.format(), t.level()));
                    float[] yp = l.forward(a, n, false);
                    double e = 0;
                    for (int i = 0; i < y.length; i++) e += sq(y[i] - yp[i]);
                    m.put(k, ref == 0 ? 0 : e / ref);
                }
                w.set(original);
            }
            a = l.forward(a, n, false).clone();
        }
        return new ErrorTable(m, "reconstruction error ||WX - W'X||^2/||WX||^2 on " + n + " calibration inputs");
    }

    private static double sq(double d) { return d * d; }

    /** The layers of {@code net} that have a weight, in order. */
    static List<String> weightLayers(Network net) {
        return net.layers().stream().filter(l -> weight(l) != null).map(Layer::name).toList();
    }
}
