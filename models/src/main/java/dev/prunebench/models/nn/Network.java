package dev.prunebench.models.nn;

import dev.prunebench.models.data.Dataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chain of layers ending in logits, trained with {@link SoftmaxCrossEntropy}.
 *
 * <p>Invariant: each layer's {@code inSize()} equals the previous layer's {@code outSize()}.
 *
 * @see Networks for the papers' networks
 */
public final class Network {
    private final String id;
    private final int[] widths;
    private final List<Layer> layers;
    private final int classes;

    /**
     * @param id     network id ({@code mlp}, {@code lenet300}, {@code lenet5})
     * @param widths the hidden widths it was built with (node pruning changes them)
     */
    public Network(String id, int[] widths, List<Layer> layers) {
        if (layers.isEmpty()) throw new IllegalArgumentException("network " + id + ": no layers");
        for (int i = 1; i < layers.size(); i++)
            if (layers.get(i).inSize() != layers.get(i - 1).outSize())
                throw new IllegalArgumentException("network " + id + ": layer " + layers.get(i).name() + " takes " + layers.get(i).inSize()
                        + " values but " + layers.get(i - 1).name() + " gives " + layers.get(i - 1).outSize());
        this.id = id;
        this.widths = widths.clone();
        this.layers = List.copyOf(layers);
        this.classes = layers.get(layers.size() - 1).outSize();
    }

    public String id() { return id; }
    public int[] widths() { return widths.clone(); }
    public List<Layer> layers() { return layers; }
    public int inSize() { return layers.get(0).inSize(); }
    public int classes() { return classes; }

    /** All parameters in layer order. */
    public List<Param> params() {
        List<Param> ps = new ArrayList<>();
        for (Layer l : layers) ps.addAll(l.params());
        return Collections.unmodifiableList(ps);
    }

    /** Parameters by name ({@code fc1.weight}, {@code conv2.bias}, …). */
    public Map<String, Param> paramsByName() {
        Map<String, Param> m = new LinkedHashMap<>();
        for (Param p : params()) m.put(p.name(), p);
        return m;
    }

    public Param param(String name) {
        Param p = paramsByName().get(name);
        if (p == null) throw new IllegalArgumentException("network " + id + ": no parameter '" + name + "' (has " + paramsByName().keySet() + ")");
        return p;
    }

    /** The prunable weight matrices in layer order. */
    public List<Param> weights() { return params().stream().filter(Param::prunable).toList(); }

    /** Shape as the papers write it, e.g. {@code 784-300-100-10} or {@code conv20-conv50-fc500-fc10}. */
    public String shape() {
        StringBuilder s = new StringBuilder();
        boolean conv = layers.stream().anyMatch(l -> l instanceof Conv2d);
        if (!conv) s.append(inSize());
        for (Layer l : layers) {
            if (l instanceof Linear fc) s.append(s.isEmpty() ? "" : "-").append(conv ? "fc" : "").append(fc.outSize());
            else if (l instanceof Conv2d c) s.append(s.isEmpty() ? "" : "-").append("conv").append(c.outChannels());
        }
        return s.toString();
    }

    public int parameterCount() { return params().stream().mapToInt(Param::size).sum(); }

    public float[] forward(float[] x, int batch, boolean training) {
        float[] a = x;
        for (Layer l : layers) a = l.forward(a, batch, training);
        return a;
    }

    /** Back-propagates the logits' gradient, writing every parameter's gradient. */
    public void backward(float[] dlogits, int batch) {
        float[] g = dlogits;
        for (int i = layers.size() - 1; i >= 0; i--) g = layers.get(i).backward(g, batch, i > 0);
    }

    /** Accuracy in [0, 1] on a data set, in batches of {@code batch}. */
    public double accuracy(Dataset d, int batch) {
        return evaluate(d, batch).accuracy();
    }

    /** Accuracy and mean loss. */
    public record Evaluation(double accuracy, double loss, int correct, int n) {
        public double errorPercent() { return 100.0 * (1 - accuracy); }
    }

    public Evaluation evaluate(Dataset d, int batch) {
        if (d.features() != inSize()) throw new IllegalArgumentException("network " + id + " takes " + inSize() + " features, data set has " + d.features());
        int f = d.features(), correct = 0;
        double loss = 0;
        float[] xb = null;
        for (int s = 0; s < d.size(); s += batch) {
            int b = Math.min(batch, d.size() - s);
            xb = xb != null && xb.length == b * f ? xb : new float[b * f];
            System.arraycopy(d.x(), s * f, xb, 0, b * f);
            float[] logits = forward(xb, b, false);
            loss += SoftmaxCrossEntropy.lossAndGrad(logits, b, classes, d.y(), s, null) * b;
            for (int r = 0; r < b; r++) {
                int arg = 0;
                for (int j = 1; j < classes; j++) if (logits[r * classes + j] > logits[r * classes + arg]) arg = j;
                if (arg == d.y()[s + r]) correct++;
            }
        }
        return new Evaluation((double) correct / d.size(), loss / d.size(), correct, d.size());
    }

    /** Deep copy of the values and masks into {@code target}, which must have the same parameter names and shapes. */
    public void copyInto(Network target) {
        Map<String, Param> t = target.paramsByName();
        for (Param p : params()) {
            Param q = t.get(p.name());
            if (q == null || q.rows() != p.rows() || q.cols() != p.cols())
                throw new IllegalArgumentException("copy: target has no parameter " + p.name() + " of shape " + p.rows() + "×" + p.cols());
            q.setMask(null);
            q.set(p.values());
            q.setMask(p.mask());
            q.clearVelocity();
        }
    }

    @Override public String toString() {
        return id + " " + shape() + " " + Arrays.toString(layers.stream().map(Layer::describe).toArray());
    }
}
