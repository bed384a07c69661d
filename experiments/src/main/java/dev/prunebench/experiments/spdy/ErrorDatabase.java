package dev.prunebench.experiments.spdy;

import dev.prunebench.core.spdy.ErrorTable;
import dev.prunebench.core.spdy.LatencyTable;
import dev.prunebench.models.nn.Conv2d;
import dev.prunebench.models.nn.Layer;
import dev.prunebench.models.nn.Linear;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Param;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;

/**
 * SPDY's error database: per layer, format and level, the layer-wise reconstruction error
 * {@code ‖W X − Ŵ X‖² / ‖W X‖²} on calibration inputs, X the inputs that layer sees when the (dense) network runs on
 * them, Ŵ the weight pruned by magnitude to the level in the format's structure ({@link LatencyDatabase#pruned}).
 * The products are taken by the layer's own forward pass (so a convolution's im2col is the network's own): {@code W X}
 * is the output with W less the output with zero weights (the bias), likewise for Ŵ.
 *
 * <p>With {@code refit}, a fully connected layer's kept weights are re-fitted by least squares on the calibration
 * inputs (AdaPrune-style): per output row r with kept columns K, {@code ŵ_K = argmin ‖ŵ_K X_K − W_r X‖²}, solved from
 * the Gram matrix G = X Xᵀ as {@code (G_KK + λI) ŵ_K = G_K· W_rᵀ} (Cholesky, Commons Math; λ = 1e-6 · trace(G)/in
 * keeps it positive definite when fewer samples than kept weights), and the error is
 * {@code Σ_r (W_r − ŵ_r) G (W_r − ŵ_r)ᵀ / Σ_r W_r G W_rᵀ}. Convolutions are not re-fitted. The cost is
 * Σ_r |K_r|³/3 per entry, which is why it is an option.
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
        return measure(net, table, calibration, n, false);
    }

    public static ErrorTable measure(Network net, LatencyTable table, float[] calibration, int n, boolean refit) {
        Map<ErrorTable.Key, Double> m = new LinkedHashMap<>();
        float[] a = calibration;
        for (Layer l : net.layers()) {
            Param w = weight(l);
            if (w != null && table.names().contains(l.name())) {
                float[] original = w.values().clone();
                double[][] gram = null;
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
                    float[] pw = LatencyDatabase.pruned(original, w.rows(), w.cols(), t.format(), t.level());
                    if (refit && l instanceof Linear) {
                        if (gram == null) gram = gram(a, n, w.cols());
                        m.put(k, refitError(original, pw, w.rows(), w.cols(), gram));
                        continue;
                    }
                    w.set(pw);
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

    /** G = X Xᵀ for the layer inputs {@code a} (n samples × in, row-major). */
    static double[][] gram(float[] a, int n, int in) {
        double[][] g = new double[in][in];
        for (int s = 0; s < n; s++) {
            int o = s * in;
            for (int i = 0; i < in; i++) {
                double xi = a[o + i];
                if (xi == 0) continue;
                double[] gi = g[i];
                for (int j = i; j < in; j++) gi[j] += xi * a[o + j];
            }
        }
        for (int i = 0; i < in; i++) for (int j = 0; j < i; j++) g[i][j] = g[j][i];
        return g;
    }

    /** The relative reconstruction error after re-fitting each row's kept weights (see the class comment). */
    static double refitError(float[] w, float[] pruned, int rows, int cols, double[][] g) {
        double trace = 0;
        for (int i = 0; i < cols; i++) trace += g[i][i];
        double lambda = 1e-6 * Math.max(trace / cols, 1e-12);
        double err = 0, ref = 0;
        double[] d = new double[cols];
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            int[] kept = IntStream.range(0, cols).filter(c -> pruned[o + c] != 0).toArray();
            double[] wr = new double[cols];
            for (int c = 0; c < cols; c++) wr[c] = w[o + c];
            Arrays.fill(d, 0);
            for (int c = 0; c < cols; c++) d[c] = wr[c];
            if (kept.length > 0) {
                double[][] a = new double[kept.length][kept.length];
                double[] b = new double[kept.length];
                for (int i = 0; i < kept.length; i++) {
                    double[] gi = g[kept[i]];
                    for (int j = 0; j < kept.length; j++) a[i][j] = gi[kept[j]];
                    a[i][i] += lambda;
                    double s = 0;
                    for (int c = 0; c < cols; c++) s += gi[c] * wr[c];
                    b[i] = s;
                }
                double[] fit = new CholeskyDecomposition(new Array2DRowRealMatrix(a, false), 1e-12, 1e-14)
                        .getSolver().solve(new ArrayRealVector(b, false)).toArray();
                for (int i = 0; i < kept.length; i++) d[kept[i]] = wr[kept[i]] - fit[i];
            }
            err += quad(d, g);
            ref += quad(wr, g);
        }
        return ref == 0 ? 0 : err / ref;
    }

    private static double quad(double[] v, double[][] g) {
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            if (v[i] == 0) continue;
            double t = 0;
            double[] gi = g[i];
            for (int j = 0; j < v.length; j++) t += gi[j] * v[j];
            s += v[i] * t;
        }
        return s;
    }

    /** The layers of {@code net} that have a weight, in order. */
    static List<String> weightLayers(Network net) {
        return net.layers().stream().filter(l -> weight(l) != null).map(Layer::name).toList();
    }
}
