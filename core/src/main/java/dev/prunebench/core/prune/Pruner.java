package dev.prunebench.core.prune;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Turns weights, a {@link Structure}, a {@link Score} and a target rate into a {@link Mask}.
 *
 * <h2>Exact rates</h2>
 * For unstructured, group and node pruning a rate r removes exactly {@code k = Math.round(r × units)} units (half
 * rounds up), the k with the lowest scores. <b>Ties</b> are broken by unit index: among units of equal score the one
 * with the lower index goes first. Units are numbered row-major: weight (r, c) is unit {@code r·cols + c}; group j of
 * row r is unit {@code r·⌈cols/g⌉ + j}; node r is unit r. In a global selection ({@link #global}) units are numbered
 * layer after layer in list order. The result is never a partial mask: either the exact count is met or an
 * IllegalArgumentException is thrown before anything is returned. Selection is expected O(units) (a quickselect for
 * the threshold, then two scans).
 *
 * <p>N:M pruning has no free rate: each window of M keeps its N highest-scoring weights (ties: the lower column goes
 * first, as above), which is rate (M − N) / M; passing any other rate is an error.
 *
 * <h2>Bad input</h2>
 * NaN or infinite weights or scores, a rate outside [0, 1], shapes that disagree, a profile naming a layer that does
 * not exist, an activation score without node structure: IllegalArgumentException naming the layer and the value.
 */
public final class Pruner {
    private Pruner() {}

    /** The agreed single-layer entry point: prunes {@code w} (rows × cols, row-major) to exactly {@code rate}. */
    public static Mask prune(float[] w, int rows, int cols, Structure s, Score score, double rate) {
        return prune(new Layer("layer", w, rows, cols, score), s, rate).mask();
    }

    /** Prunes one layer to exactly {@code rate}. */
    public static PruneResult prune(Layer layer, Structure s, double rate) {
        return prune(layer, s, rate, null);
    }

    /**
     * Prunes one layer to exactly {@code rate}, keeping everything {@code prior} removed removed (iterative pruning):
     * units that {@code prior} removes completely are ranked first; the returned mask is also ANDed with
     * {@code prior}, so a unit it removed only partly stays partly removed and the weight sparsity may exceed the
     * unit rate. A rate lower than what the prior already removes is an error.
     */
    public static PruneResult prune(Layer layer, Structure s, double rate, Mask prior) {
        if (layer == null) throw new IllegalArgumentException("layer: must not be null");
        if (s == null) throw new IllegalArgumentException("layer " + layer.name() + ": structure must not be null");
        checkRate(layer.name(), rate);
        if (prior != null && (prior.rows() != layer.rows() || prior.cols() != layer.cols()))
            throw new IllegalArgumentException("layer " + layer.name() + ": prior mask is " + prior.rows() + "x" + prior.cols()
                    + ", weights are " + layer.rows() + "x" + layer.cols());
        if (s instanceof Structure.Nm nm) return pruneNm(layer, nm, rate, prior);
        double[] scores = unitScores(layer, s);
        int forced = prior == null ? 0 : force(scores, layer, s, prior);
        long units = scores.length;
        long k = Math.round(rate * units);
        if (k < forced)
            throw new IllegalArgumentException("layer " + layer.name() + ": rate " + rate + " removes " + k + " units but the prior mask already removes "
                    + forced + " of " + units);
        boolean[] removed = new boolean[scores.length];
        double t = selectLowest(scores, (int) k, removed);
        Mask m = unitsToMask(layer, s, removed, 0);
        if (prior != null) m = m.and(prior);
        return new PruneResult(layer.name(), s, m, units, k, t);
    }

    /**
     * One threshold across all layers: exactly {@code round(rate × total units)} units removed, the lowest-scoring
     * anywhere (ties: earlier layer, then lower unit index). Scores must be comparable, so every layer must use the
     * same score kind and aggregate. For N:M (fixed rate) each layer is pruned on its own.
     */
    public static List<PruneResult> global(List<Layer> layers, Structure s, double rate) {
        checkLayers(layers);
        checkRate("global", rate);
        if (s instanceof Structure.Nm) {
            List<PruneResult> out = new ArrayList<>();
            for (Layer l : layers) out.add(prune(l, s, rate));
            return out;
        }
        Layer first = layers.get(0);
        for (Layer l : layers)
            if (l.score().kind() != first.score().kind() || l.score().aggregate() != first.score().aggregate())
                throw new IllegalArgumentException("layer " + l.name() + ": score " + l.score() + " differs from " + first.name() + "'s "
                        + first.score() + " (a global threshold needs one score)");
        double[][] per = new double[layers.size()][];
        long total = 0;
        for (int i = 0; i < layers.size(); i++) {
            per[i] = unitScores(layers.get(i), s);
            total += per[i].length;
        }
        if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("global: " + total + " units in all layers, more than one selection holds");
        double[] all = new double[(int) total];
        int off = 0;
        for (double[] p : per) { System.arraycopy(p, 0, all, off, p.length); off += p.length; }
        long k = Math.round(rate * total);
        boolean[] removed = new boolean[all.length];
        double t = selectLowest(all, (int) k, removed);
        List<PruneResult> out = new ArrayList<>();
        off = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            long r = 0;
            for (int u = 0; u < per[i].length; u++) if (removed[off + u]) r++;
            Mask m = unitsToMask(l, s, removed, off);
            out.add(new PruneResult(l.name(), s, m, per[i].length, r, r == 0 ? Double.NaN : t));
            off += per[i].length;
        }
        return out;
    }

    /**
     * Prunes each layer to its own rate from a per-layer sparsity profile (e.g. a SPDY solution). Layers the profile
     * does not name are left unpruned (rate 0); a profile naming a layer that is not in {@code layers} is an error.
     */
    public static List<PruneResult> profile(List<Layer> layers, Structure s, Map<String, Double> rates) {
        checkLayers(layers);
        if (rates == null) throw new IllegalArgumentException("profile: must not be null");
        Set<String> names = new HashSet<>();
        for (Layer l : layers) names.add(l.name());
        for (Map.Entry<String, Double> e : rates.entrySet()) {
            if (!names.contains(e.getKey()))
                throw new IllegalArgumentException("profile: layer '" + e.getKey() + "' does not exist (layers: "
                        + String.join(", ", layers.stream().map(Layer::name).toList()) + ")");
            if (e.getValue() == null) throw new IllegalArgumentException("profile: layer " + e.getKey() + ": rate must not be null");
            checkRate(e.getKey(), e.getValue());
        }
        List<PruneResult> out = new ArrayList<>();
        for (Layer l : layers) {
            Double r = rates.get(l.name());
            if (r == null) {
                Mask all = Mask.all(l.rows(), l.cols());
                out.add(new PruneResult(l.name(), s, all, s.units(l.rows(), l.cols()), 0, Double.NaN));
            } else {
                out.add(prune(l, s, r));
            }
        }
        return out;
    }

    /** The results as a map from layer name to mask, in layer order. */
    public static Map<String, Mask> masks(List<PruneResult> results) {
        Map<String, Mask> m = new LinkedHashMap<>();
        for (PruneResult r : results) m.put(r.layer(), r.mask());
        return m;
    }

    private static void checkLayers(List<Layer> layers) {
        if (layers == null || layers.isEmpty()) throw new IllegalArgumentException("layers: need at least one layer");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (l == null) throw new IllegalArgumentException("layers[" + i + "]: must not be null");
            if (!seen.add(l.name())) throw new IllegalArgumentException("layers: name '" + l.name() + "' appears twice");
        }
    }

    static void checkRate(String layer, double rate) {
        if (!(rate >= 0.0 && rate <= 1.0))
            throw new IllegalArgumentException("layer " + layer + ": rate must be in [0, 1], got " + rate);
    }

    /**
     * The score of every unit, row-major unit order (see the class comment), each finite and &ge; 0 except for
     * activation scores, which are mean |a| and so also &ge; 0.
     */
    public static double[] unitScores(Layer layer, Structure s) {
        if (s instanceof Structure.Nm) s = Structure.UNSTRUCTURED;
        Score sc = layer.score();
        int rows = layer.rows(), cols = layer.cols();
        if (sc.kind() == Score.Kind.ACTIVATION && !(s instanceof Structure.Node))
            throw new IllegalArgumentException("layer " + layer.name() + ": the activation score ranks nodes; structure " + s.id() + " needs a weight score");
        long n = s.units(rows, cols);
        double[] out = new double[(int) n];
        if (sc.kind() == Score.Kind.RANDOM) {
            SplittableRandom rnd = new SplittableRandom(sc.seed());
            for (int u = 0; u < out.length; u++) out[u] = rnd.nextDouble();
            return out;
        }
        if (sc.kind() == Score.Kind.ACTIVATION) {
            float[] a = sc.data();
            int batch = sc.batch();
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                for (int b = 0; b < batch; b++) sum += Math.abs((double) a[b * rows + r]);
                out[r] = sum / batch;
            }
            return out;
        }
        Aggregate agg = sc.aggregate();
        switch (s) {
            case Structure.Unstructured u -> {
                for (int i = 0; i < out.length; i++) out[i] = saliency(layer, i);
            }
            case Structure.Group grp -> {
                int g = grp.g(), gpr = grp.groupsPerRow(cols);
                double[] buf = new double[g];
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < gpr; j++) {
                        int c0 = j * g, w = Math.min(g, cols - c0);
                        for (int q = 0; q < w; q++) buf[q] = saliency(layer, r * cols + c0 + q);
                        out[r * gpr + j] = agg.of(buf, w);
                    }
            }
            case Structure.Node nd -> {
                double[] buf = new double[cols];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) buf[c] = saliency(layer, r * cols + c);
                    out[r] = agg.of(buf, cols);
                }
            }
            case Structure.Nm nm -> throw new AssertionError();
        }
        for (int u = 0; u < out.length; u++) {
            // -0.0 would sort before +0.0 but compare equal to it; one zero keeps the tie rule simple
            out[u] += 0.0;
            if (!Double.isFinite(out[u]))
                throw new IllegalArgumentException("layer " + layer.name() + ": score of unit " + u + " is not finite (" + out[u] + ")");
        }
        return out;
    }

    private static double saliency(Layer l, int i) {
        double w = l.weights()[i];
        return switch (l.score().kind()) {
            case MAGNITUDE -> Math.abs(w);
            case SNIP -> Math.abs(w * l.score().data()[i]);
            case OBD -> 0.5 * l.score().data()[i] * w * w;
            default -> throw new AssertionError(l.score().kind());
        };
    }

    /**
     * Marks in {@code removed} the k units with the lowest (score, index) and returns the k-th lowest score (NaN when
     * k = 0). The threshold comes from a selection on a copy of the scores (expected O(n); the result does not depend
     * on the pivots); the tie rule is applied by a scan in index order.
     */
    static double selectLowest(double[] scores, int k, boolean[] removed) {
        if (k == 0) return Double.NaN;
        double t = kthSmallest(scores.clone(), k - 1);
        int below = 0;
        for (int u = 0; u < scores.length; u++)
            if (scores[u] < t) { removed[u] = true; below++; }
        int need = k - below;
        for (int u = 0; u < scores.length && need > 0; u++)
            if (scores[u] == t) { removed[u] = true; need--; }
        return t;
    }

    /**
     * The value of rank {@code k} (0-based) of {@code a}, reordering {@code a}. Quickselect with a three-way
     * partition, so runs of equal scores (zeros left by earlier pruning) cost one pass; pivots from a fixed seed.
     */
    static double kthSmallest(double[] a, int k) {
        SplittableRandom rnd = new SplittableRandom(0x9E3779B97F4A7C15L);
        int lo = 0, hi = a.length - 1;
        while (lo < hi) {
            double p = a[lo + rnd.nextInt(hi - lo + 1)];
            int lt = lo, i = lo, gt = hi;
            while (i <= gt) {
                double v = a[i];
                if (v < p) { a[i] = a[lt]; a[lt++] = v; i++; }
                else if (v > p) { a[i] = a[gt]; a[gt--] = v; }
                else i++;
            }
            if (k < lt) hi = lt - 1;
            else if (k > gt) lo = gt + 1;
            else return p;
        }
        return a[lo];
    }

    /**
     * The lowest rate {@link #prune} takes with this prior: the share of units {@code prior} already removes completely
     * (0 for N:M, whose rate is fixed and which keeps any prior's removals at any rate). At exactly this rate the
     * result removes what the prior removes and nothing more.
     */
    public static double priorRate(Layer layer, Structure s, Mask prior) {
        if (prior == null || s instanceof Structure.Nm) return 0;
        double[] scores = unitScores(layer, s);
        return scores.length == 0 ? 0 : (double) force(scores, layer, s, prior) / scores.length;
    }

    /** Sets the score of every unit that {@code prior} removes completely to −∞; returns how many. */
    private static int force(double[] scores, Layer l, Structure s, Mask prior) {
        int cols = l.cols(), forced = 0;
        for (int u = 0; u < scores.length; u++) {
            int from, to, rowStep = 0;
            switch (s) {
                case Structure.Unstructured x -> { from = u; to = u + 1; }
                case Structure.Group g -> {
                    int gpr = g.groupsPerRow(cols), r = u / gpr, j = u % gpr;
                    from = r * cols + j * g.g(); to = r * cols + Math.min(cols, (j + 1) * g.g());
                }
                case Structure.Node x -> { from = u * cols; to = from + cols; }
                case Structure.Nm x -> throw new AssertionError();
            }
            boolean all = true;
            for (int i = from; i < to && all; i++) all = !prior.keepAt(i);
            if (all) { scores[u] = Double.NEGATIVE_INFINITY; forced++; }
        }
        return forced;
    }

    /** Builds the mask of one layer from its slice {@code removed[off …]} of unit flags. */
    private static Mask unitsToMask(Layer l, Structure s, boolean[] removed, int off) {
        int rows = l.rows(), cols = l.cols();
        long[] bits = new long[(int) (((long) rows * cols + 63) >>> 6)];
        switch (s) {
            case Structure.Unstructured x -> {
                for (int i = 0; i < rows * cols; i++) if (!removed[off + i]) bits[i >>> 6] |= 1L << i;
            }
            case Structure.Group g -> {
                int gpr = g.groupsPerRow(cols);
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < gpr; j++)
                        if (!removed[off + r * gpr + j])
                            setRange(bits, r * cols + j * g.g(), r * cols + Math.min(cols, (j + 1) * g.g()));
            }
            case Structure.Node x -> {
                for (int r = 0; r < rows; r++) if (!removed[off + r]) setRange(bits, r * cols, r * cols + cols);
            }
            case Structure.Nm x -> throw new AssertionError();
        }
        return Mask.wrap(rows, cols, bits);
    }

    private static void setRange(long[] bits, int from, int to) {
        for (int i = from; i < to; i++) bits[i >>> 6] |= 1L << i;
    }

    private static PruneResult pruneNm(Layer l, Structure.Nm nm, double rate, Mask prior) {
        if (Math.abs(rate - nm.rate()) > 1e-9)
            throw new IllegalArgumentException("layer " + l.name() + ": structure " + nm.id() + " fixes the rate at " + nm.rate()
                    + ", got rate " + rate);
        double[] s = unitScores(l, Structure.UNSTRUCTURED);
        int rows = l.rows(), cols = l.cols(), n = nm.n(), m = nm.m(), windows = nm.windows(cols);
        if (prior != null)
            for (int i = 0; i < s.length; i++) if (!prior.keepAt(i)) s[i] = Double.NEGATIVE_INFINITY;
        long[] bits = new long[(int) (((long) rows * cols + 63) >>> 6)];
        int[] idx = new int[m];
        for (int r = 0; r < rows; r++)
            for (int w = 0; w < windows; w++) {
                int c0 = r * cols + w * m, width = Math.min(m, cols - w * m);
                // insertion sort of the window by (score, index): windows are at most 256 wide
                for (int q = 0; q < width; q++) {
                    int i = c0 + q, p = q;
                    while (p > 0 && s[idx[p - 1]] > s[i]) { idx[p] = idx[p - 1]; p--; }
                    idx[p] = i;
                }
                int drop = Math.max(0, width - n);
                for (int q = drop; q < width; q++) bits[idx[q] >>> 6] |= 1L << idx[q];
            }
        Mask mask = Mask.wrap(rows, cols, bits);
        if (prior != null) mask = mask.and(prior);
        return new PruneResult(l.name(), nm, mask, nm.units(rows, cols), mask.removed(), Double.NaN);
    }
}
