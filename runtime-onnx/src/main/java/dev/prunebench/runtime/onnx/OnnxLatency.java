package dev.prunebench.runtime.onnx;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.core.prune.Pruner;
import dev.prunebench.core.prune.Score;
import dev.prunebench.core.prune.Structure;
import dev.prunebench.core.spdy.LatencyTable;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Interleaved;
import dev.prunebench.measure.Stats;
import dev.prunebench.measure.Verification;
import dev.prunebench.models.onnx.OnnxGraph;
import dev.prunebench.models.onnx.WeightLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The per-layer latency table of an ONNX model on this machine's CPU, through the suite's kernels and measurement
 * harness: every weight layer's product {@code C = W·X} — W its matrix (BatchNorm folded), X {@code cols × N} with N the
 * positions it is applied at (batch for a fully connected layer, batch·oh·ow for a conv, as im2col) — dense and in each
 * format at each sparsity level, all in one interleaved group with its dense product, each kernel verified against the
 * double-precision reference first. A level's entry is the dense time divided by the speedup measured in the same
 * rounds. W at a level is the layer's own weights pruned by magnitude in the format's structure (csr unstructured,
 * gcsr:G groups of G, nm:N:M at its own level only).
 *
 * <p>A grouped or depthwise conv is measured as its one {@code O × (I/g·kh·kw)} matrix times a
 * {@code (I/g·kh·kw) × N} patch matrix: the same multiply-accumulates and weight bytes as its g group products; the
 * real layer reads a different patch matrix per group, which this does not model.
 */
public final class OnnxLatency {
    private OnnxLatency() {}

    /** One measured entry. */
    public record Row(String layer, String op, int rows, int cols, int n, String format, double level, double seconds, double speedup, double low,
                      double high, double denseSeconds, String kernel) {}

    public record Config(int batch, int threads, double[] levels, List<String> formats, Map<String, String> kernels, String denseKernel, Budget budget) {}

    /** Positions a layer's matrix is applied at for one batch: batch for FC rows, batch·oh·ow for a conv. */
    public static int positions(WeightLayer l, int batch) {
        if (l.macs() < 0) return batch;
        long perPass = l.macs() / ((long) l.rows() * l.cols());
        long base = l.inputShape() != null && l.inputShape().length > 0 ? l.inputShape()[0] : 1;
        return Math.toIntExact(Math.max(1, perPass / Math.max(1, base)) * batch);
    }

    public static List<Row> measure(OnnxGraph g, KernelRegistry reg, Config c, Consumer<String> progress) {
        return measure(g.layers(), reg, c, progress);
    }

    /** As {@link #measure(OnnxGraph, KernelRegistry, Config, Consumer)} on a list of layers (a safetensors file's). */
    public static List<Row> measure(List<WeightLayer> layers, KernelRegistry reg, Config c, Consumer<String> progress) {
        List<Row> rows = new ArrayList<>();
        MatMul dense = reg.require(c.denseKernel());
        for (WeightLayer l : layers) {
            long t0 = System.nanoTime();
            int r = l.rows(), k = l.cols(), n = positions(l, c.batch());
            float[] w = l.matrix();
            float[] x = new float[Math.multiplyExact(k, n)];
            SplittableRandom rng = new SplittableRandom(0x5EED ^ l.name().hashCode());
            for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-1, 1);
            List<MatMul.Prepared> group = new ArrayList<>();
            List<Object[]> what = new ArrayList<>();
            try {
                group.add(prepare(dense, FormatSpec.DENSE.encode(w, r, k), x, n, c.threads(), l.name() + " dense"));
                what.add(new Object[] {"dense", 0.0, dense.id()});
                for (String f : c.formats()) {
                    FormatSpec spec = FormatSpec.parse(f);
                    if (spec.kind() == FormatSpec.Kind.GCSR && spec.g() > k) continue;
                    double[] levels = spec.kind() == FormatSpec.Kind.NM ? new double[] {(double) (spec.m() - spec.n()) / spec.m()} : c.levels();
                    Structure s = switch (spec.kind()) {
                        case GCSR -> Structure.group(spec.g());
                        case NM -> Structure.nm(spec.n(), spec.m());
                        default -> Structure.UNSTRUCTURED;
                    };
                    String kind = f.contains(":") ? f.substring(0, f.indexOf(':')) : f;
                    MatMul kernel = reg.require(c.kernels().getOrDefault(kind, kind + "-vector"));
                    String why = kernel.refuses(spec, n);
                    if (why != null) throw new IllegalArgumentException("layer " + l.name() + ": kernel " + kernel.id() + " " + why);
                    for (double level : levels) {
                        float[] p = Pruner.prune(w, r, k, s, Score.MAGNITUDE, level).apply(w);
                        group.add(prepare(kernel, spec.encode(p, r, k), x, n, c.threads(), l.name() + " " + f + " at " + level));
                        what.add(new Object[] {f, level, kernel.id()});
                    }
                }
                // JIT warm-up (the Vector API kernels are slow until C2 has compiled them): 150 ms or 2000 runs each
                for (MatMul.Prepared p : group) {
                    long end = System.nanoTime() + 150_000_000L;
                    for (int i = 0; i < 2000 && System.nanoTime() < end; i++) p.run();
                }
                Interleaved.Group t = new Interleaved().group(group, c.budget());
                double denseSeconds = t.time(0).median() * 1e-9;
                rows.add(new Row(l.name(), l.op(), r, k, n, "dense", 0, denseSeconds, 1, 1, 1, denseSeconds, dense.id()));
                for (int i = 1; i < group.size(); i++) {
                    Stats.Interval sp = t.compare(i, 0).speedup();
                    rows.add(new Row(l.name(), l.op(), r, k, n, (String) what.get(i)[0], (double) what.get(i)[1], denseSeconds / sp.median(), sp.median(), sp.low(),
                            sp.high(), denseSeconds, (String) what.get(i)[2]));
                }
            } finally {
                for (MatMul.Prepared p : group) p.close();
            }
            if (progress != null)
                progress.accept(String.format(Locale.ROOT, "%s %dx%d N=%d: dense %.2f us, %d entries, %.1f s", l.name(), r, k, n,
                        rows.get(rows.size() - group.size()).seconds() * 1e6, group.size(), (System.nanoTime() - t0) / 1e9));
        }
        return rows;
    }

    /** SPDY's timing table: {@code base} = the layers' dense seconds + {@code restSeconds}, {@code prunable} = the layers' dense seconds. */
    public static LatencyTable table(List<Row> rows, double restSeconds, List<String> notes) {
        List<LatencyTable.Layer> layers = new ArrayList<>();
        String current = null;
        List<LatencyTable.Timing> ts = null;
        double prunable = 0;
        for (Row r : rows) {
            if (!r.layer().equals(current)) {
                if (ts != null) layers.add(new LatencyTable.Layer(current, ts));
                current = r.layer();
                ts = new ArrayList<>();
                prunable += r.denseSeconds();
            }
            ts.add(new LatencyTable.Timing(r.format(), r.level(), r.seconds()));
        }
        if (ts != null) layers.add(new LatencyTable.Layer(current, ts));
        return new LatencyTable(prunable + Math.max(0, restSeconds), prunable, layers, notes);
    }

    private static MatMul.Prepared prepare(MatMul kernel, SparseFormat w, float[] x, int n, int threads, String what) {
        MatMul.Prepared p = kernel.prepare(w, x, n, threads);
        Verification v = Verification.verify(p, Verification.reference(w, x, n), w.cols());
        if (!v.passed()) {
            p.close();
            throw new IllegalStateException(what + " on " + kernel.id() + " fails verification: " + v);
        }
        return p;
    }
}
