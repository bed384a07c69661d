package dev.prunebench.experiments.spdy;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.core.prune.Mask;
import dev.prunebench.core.prune.Pruner;
import dev.prunebench.core.prune.Score;
import dev.prunebench.core.prune.Structure;
import dev.prunebench.core.spdy.LatencyTable;
import dev.prunebench.measure.Bench;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Interleaved;
import dev.prunebench.measure.Stats;
import dev.prunebench.measure.Verification;
import dev.prunebench.models.infer.KernelNetwork;
import dev.prunebench.models.infer.NetworkLatency;
import dev.prunebench.models.nn.Network;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * SPDY's latency database measured on this machine through the kernel registry: per kernel layer of a network, per
 * format and level, the layer's product {@code C = W·X} at the plan's N (batch, or batch·oh·ow for a convolution), in
 * one interleaved group with the layer's dense kernel, so that every entry is the dense layer's time divided by the
 * speedup measured in the same rounds. W is the network's weight pruned by magnitude to the level in the format's
 * structure: csr unstructured, gcsr:g whole groups of g, nm:N:M N of every M (its own level only), node whole output
 * rows (then run dense on the smaller matrix: "node-shrunk dense"; the next layer's columns are left as they are, so
 * its entry is conservative). Every prepared kernel is verified against the double-precision reference before timing.
 *
 * <p>{@code base} is the dense plan's forward pass (bias, ReLU, pooling, im2col included) and {@code prunable} the sum
 * of the dense layers' times, both on the fastest dense kernel of the platform.
 */
public final class LatencyDatabase {
    private LatencyDatabase() {}

    /** The format label of node-shrunk dense rows in the table. */
    public static final String NODE = "node";

    /**
     * @param levels  fractions removed (0 excluded: the dense line is always there)
     * @param formats csr, gcsr:G, nm:N:M, node
     * @param kernels format kind → kernel id ("csr" → "csr-vector", …); node runs on the dense kernel
     */
    public record Config(String network, int batch, int threads, double[] levels, List<String> formats, Map<String, String> kernels, Budget budget) {}

    /**
     * The table, the dense kernel it was measured on, per entry the 95 % interval of the speedup over dense
     * ({@code layer,format,level,seconds,speedup,low,high}), and what in it cannot be physical even after one re-measurement
     * ({@link #unphysical}; empty when all is well).
     */
    public record Measured(LatencyTable table, String denseKernel, List<String> rows, List<String> flags) {
        public Measured(LatencyTable table, String denseKernel, List<String> rows) { this(table, denseKernel, rows, List.of()); }

        /** Whether the DP may be run on it: prunable time within base time. */
        public boolean solvable() { return table.prunable() <= table.base(); }
    }

    /**
     * What a measured table holds that no machine could produce: prunable time above the base time (the dense layers
     * alone slower than the whole dense network), or a level of a layer and format slower than a less sparse level
     * of the same layer and format beyond their intervals (the sparser one's speedup interval wholly below).
     */
    public static List<String> unphysical(LatencyTable t, List<String> rows) {
        List<String> out = new ArrayList<>();
        if (t.prunable() > t.base())
            out.add(String.format(Locale.ROOT, "prunable time %.6g s exceeds the base time %.6g s (the dense layers alone slower than the whole dense pass)",
                    t.prunable(), t.base()));
        Map<String, TreeMap<Double, double[]>> series = new LinkedHashMap<>();
        for (String row : rows) {
            String[] f = row.split(",");
            series.computeIfAbsent(f[0] + " " + f[1], k -> new TreeMap<>())
                    .put(Double.parseDouble(f[2]), new double[] {Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6])});
        }
        for (var e : series.entrySet()) {
            Map.Entry<Double, double[]> prev = null;
            for (var cur : e.getValue().entrySet()) {
                if (prev != null && cur.getValue()[2] < prev.getValue()[1])
                    out.add(String.format(Locale.ROOT, "%s: level %.4f is slower than the less sparse level %.4f beyond noise (speedup %.3f [%.3f, %.3f] vs %.3f [%.3f, %.3f])",
                            e.getKey(), cur.getKey(), prev.getKey(), cur.getValue()[0], cur.getValue()[1], cur.getValue()[2], prev.getValue()[0],
                            prev.getValue()[1], prev.getValue()[2]));
                prev = cur;
            }
        }
        return out;
    }

    /**
     * {@link #measureOnce}, checked: a table with {@link #unphysical} entries is measured once more (base and every layer:
     * the two come from different groups of rounds, so a busy spell between them is what makes prunable exceed base);
     * what is still unphysical then is returned in {@link Measured#flags()}.
     */
    public static Measured measure(Network net, KernelRegistry reg, Config c, PrintStream log) {
        Measured m = measureOnce(net, reg, c, log);
        List<String> bad = new ArrayList<>(unphysical(m.table(), m.rows()));
        bad.addAll(m.flags()); // layers whose A/A control failed
        if (bad.isEmpty()) return m;
        for (String b : bad) log.println("   cannot be physical or unstable, re-measuring the table: " + b);
        Measured again = measureOnce(net, reg, c, log);
        List<String> still = new ArrayList<>(unphysical(again.table(), again.rows()));
        still.addAll(again.flags());
        for (String b : still) log.println("   still cannot be physical after re-measuring (flagged): " + b);
        return new Measured(again.table(), again.denseKernel(), again.rows(), still);
    }

    /** SPDY's 42 levels: 0, then density 0.6·(0.01/0.6)^(k/40) for k = 0 … 40 (sparsity 0.4 … 0.99). */
    public static double[] spdyLevels() {
        double[] l = new double[42];
        for (int k = 0; k <= 40; k++) l[k + 1] = 1 - 0.6 * Math.pow(0.01 / 0.6, k / 40.0);
        return l;
    }

    public static String kernelFor(String format, Map<String, String> kernels, String dense) {
        if (format.equals(NODE) || format.equals("dense")) return dense;
        String kind = format.contains(":") ? format.substring(0, format.indexOf(':')) : format;
        String k = kernels.get(kind);
        if (k == null) throw new IllegalArgumentException("format " + format + ": no kernel given for " + kind + " (kernels: " + kernels + ")");
        return k;
    }

    static Structure structure(String format) {
        if (format.equals(NODE)) return Structure.NODE;
        FormatSpec f = FormatSpec.parse(format);
        return switch (f.kind()) {
            case CSR, COO -> Structure.UNSTRUCTURED;
            case GCSR -> Structure.group(f.g());
            case NM -> Structure.nm(f.n(), f.m());
            case DENSE -> throw new IllegalArgumentException("format dense has no pruned levels");
        };
    }

    /** The levels a format is measured at: N:M only at its own (M−N)/M. */
    static double[] levelsOf(String format, double[] levels) {
        if (format.equals(NODE)) return levels;
        FormatSpec f = FormatSpec.parse(format);
        if (f.kind() == FormatSpec.Kind.NM) return new double[] {(double) (f.m() - f.n()) / f.m()};
        return levels;
    }

    /** {@code w} pruned to {@code level} by magnitude in the format's structure (node: the kept rows only). */
    public static float[] pruned(float[] w, int rows, int cols, String format, double level) {
        Mask m = Pruner.prune(w, rows, cols, structure(format), Score.MAGNITUDE, level);
        return m.apply(w);
    }

    static int keptRows(float[] pruned, int rows, int cols) {
        int k = 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                if (pruned[r * cols + c] != 0) {
                    k++;
                    break;
                }
        return k;
    }

    /** {@code pruned} with its all-zero rows removed (at least one row kept). */
    static float[] shrinkRows(float[] pruned, int rows, int cols, int[] outRows) {
        List<Integer> keep = new ArrayList<>();
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                if (pruned[r * cols + c] != 0) {
                    keep.add(r);
                    break;
                }
        if (keep.isEmpty()) keep.add(0);
        float[] s = new float[keep.size() * cols];
        for (int i = 0; i < keep.size(); i++) System.arraycopy(pruned, keep.get(i) * cols, s, i * cols, cols);
        outRows[0] = keep.size();
        return s;
    }

    static Measured measureOnce(Network net, KernelRegistry reg, Config c, PrintStream log) {
        String dense = NetworkLatency.fastestDense(net, reg, "cpu", c.batch(), c.threads(), c.budget());
        MatMul denseKernel = reg.require(dense);
        float[] input = KernelNetwork.randomInput(net, c.batch(), KernelNetwork.DEFAULT_INPUT_SEED);
        List<LatencyTable.Layer> layers = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        double base, prunable = 0;
        List<String> unstable = new ArrayList<>();
        try (KernelNetwork plan = KernelNetwork.dense(net, reg, dense, c.batch(), c.threads(), input)) {
            Verification v = plan.verify();
            if (!v.passed()) throw new IllegalStateException("dense plan " + plan.describe() + " fails verification: " + v);
            base = new Interleaved().group(List.of(plan), c.budget()).time(0).median() * 1e-9;
            for (KernelNetwork.KernelLayer l : plan.layers()) {
                long t0 = System.nanoTime();
                int r = l.rows(), k = l.cols(), n = l.n();
                float[] w = l.weight().toDense();
                float[] x = new float[Math.multiplyExact(k, n)];
                SplittableRandom rng = new SplittableRandom(0x5EED ^ l.name().hashCode());
                for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-1, 1);
                List<MatMul.Prepared> group = new ArrayList<>();
                List<String[]> what = new ArrayList<>(); // format, level
                try {
                    SparseFormat denseW = FormatSpec.DENSE.encode(w, r, k);
                    group.add(prepareChecked(denseKernel, denseW, x, n, c.threads(), l.name() + " dense"));
                    what.add(new String[] {"dense", "0"});
                    for (String f : c.formats())
                        for (double level : levelsOf(f, c.levels())) {
                            float[] p = pruned(w, r, k, f, level);
                            SparseFormat enc;
                            MatMul kernel;
                            if (f.equals(NODE)) {
                                int[] kept = new int[1];
                                float[] s = shrinkRows(p, r, k, kept);
                                enc = FormatSpec.DENSE.encode(s, kept[0], k);
                                kernel = denseKernel;
                            } else {
                                FormatSpec spec = FormatSpec.parse(f);
                                enc = spec.encode(p, r, k);
                                kernel = reg.require(kernelFor(f, c.kernels(), dense));
                                String why = kernel.refuses(spec, n);
                                if (why != null) throw new IllegalArgumentException("layer " + l.name() + ": kernel " + kernel.id() + " " + why);
                            }
                            group.add(prepareChecked(kernel, enc, x, n, c.threads(), l.name() + " " + f + " at " + level));
                            what.add(new String[] {f, Double.toString(level)});
                        }
                    // the A/A control: the dense layer once more, last in the group, timed in the same rounds
                    group.add(prepareChecked(denseKernel, denseW, x, n, c.threads(), l.name() + " dense (A/A control)"));
                    Interleaved.Group g = new Interleaved().group(group, c.budget());
                    int twin = group.size() - 1;
                    Bench.Control aa = new Bench.Control(dense, g.compare(twin, 0).speedup(), g.compare(twin, 0).speedups());
                    if (!aa.stable()) unstable.add(l.name() + ": " + aa.describe());
                    double denseSeconds = g.time(0).median() * 1e-9;
                    prunable += denseSeconds;
                    List<LatencyTable.Timing> ts = new ArrayList<>();
                    ts.add(new LatencyTable.Timing("dense", 0, denseSeconds));
                    for (int i = 1; i < twin; i++) {
                        Stats.Interval sp = g.compare(i, 0).speedup();
                        double level = Double.parseDouble(what.get(i)[1]);
                        ts.add(new LatencyTable.Timing(what.get(i)[0], level, denseSeconds / sp.median()));
                        rows.add(String.format(Locale.ROOT, "%s,%s,%.6f,%.6g,%.4f,%.4f,%.4f", l.name(), what.get(i)[0], level, denseSeconds / sp.median(),
                                sp.median(), sp.low(), sp.high()));
                    }
                    layers.add(new LatencyTable.Layer(l.name(), ts));
                } finally {
                    for (MatMul.Prepared p : group) p.close();
                }
                log.printf(Locale.ROOT, "   %s b%d %-6s %4dx%-4d N=%-5d dense %8.2f us, %d entries, %.1f s%n", net.id(), c.batch(), l.name(), r, k, n,
                        layers.get(layers.size() - 1).denseSeconds() * 1e6, group.size() - 1, (System.nanoTime() - t0) / 1e9);
            }
        }
        return new Measured(new LatencyTable(base, prunable, layers, List.of()), dense, rows, unstable);
    }

    private static MatMul.Prepared prepareChecked(MatMul kernel, SparseFormat w, float[] x, int n, int threads, String what) {
        MatMul.Prepared p = kernel.prepare(w, x, n, threads);
        Verification v = Verification.verify(p, Verification.reference(w, x, n), w.cols());
        if (!v.passed()) {
            p.close();
            throw new IllegalStateException(what + " on " + kernel.id() + " fails verification: " + v);
        }
        return p;
    }
}
