package dev.prunebench.cli;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.core.prune.Pruner;
import dev.prunebench.core.prune.Score;
import dev.prunebench.core.prune.Structure;
import dev.prunebench.models.onnx.WeightLayer;
import dev.prunebench.runtime.onnx.OnnxLatency;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * {@code model bench}'s MCU and GPU rows: each weight layer's product W·X (a conv as its im2col product, as the CPU
 * rows) through the counted kernels {@code recommend} runs ({@link CountedKernels}) — on the MCU the generated
 * Cortex-M4 code under QEMU, executed instructions of one call (emulated, exact), each sparse entry beside the
 * layer's dense kernel; on the GPU the warp memory-access model's time (modelled). W at a level is the layer's own
 * weights pruned by magnitude in the format's structure, as on the CPU.
 */
final class ModelBenchPlatforms {
    private ModelBenchPlatforms() {}

    /** One entry: {@code cost} in {@code unit} (instructions, or modelled µs), beside the dense kernel's {@code denseCost}. */
    record Row(String platform, String layer, String op, int rows, int cols, int n, String format, double level, double cost, double denseCost,
               String unit, String kernel, String note) {
        double speedup() { return denseCost / cost; }
    }

    /** The rows, and what was not measured and why (skipped platform, layers that do not fit, formats no kernel takes, subset). */
    record Result(String platform, String provenance, List<Row> rows, List<OnnxLatency.Row> measured, List<String> notes) {}

    /** The levels the MCU counts: up to three all of them (--levels quick); a longer list every fourth, the last kept. */
    static double[] mcuLevels(double[] levels) {
        if (levels.length <= 3) return levels;
        List<Double> l = new ArrayList<>();
        for (int i = 0; i < levels.length; i += 4) l.add(levels[i]);
        if (l.getLast() != levels[levels.length - 1]) l.add(levels[levels.length - 1]);
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Counts every layer × format × level on {@code platform} (mcu at precision {@code label}, q15 or q7; gpu: the model).
     * A layer the kernel refuses — on the MCU one whose bytes exceed the board's flash or RAM — is named with the reason.
     */
    static Result count(List<WeightLayer> layers, KernelRegistry reg, String platform, String label, int batch, List<String> formats, double[] levels,
                        Consumer<String> progress) {
        String name = platform.equals("mcu") ? "mcu-emulated" : "gpu-modelled";
        CountedKernels.Found found = CountedKernels.find(reg, platform, label);
        List<String> notes = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        if (found.kernels().isEmpty()) {
            notes.add(name + ": skipped: " + found.status());
            return new Result(name, found.provenance(), rows, List.of(), notes);
        }
        for (String f : formats)
            if (best(found.kernels(), FormatSpec.parse(f), 1) == null) notes.add(name + ": " + f + ": no " + platform + " kernel takes it (" + kinds(found.kernels()) + ")");
        String unit = platform.equals("mcu") ? "instructions" : "modelled_us";
        for (WeightLayer l : layers) {
            int r = l.rows(), k = l.cols(), n = OnnxLatency.positions(l, batch);
            float[] w = l.matrix();
            float[] x = new float[Math.multiplyExact(k, n)];
            SplittableRandom rng = new SplittableRandom(0x5EED ^ l.name().hashCode());
            for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-1, 1);
            CountedKernels.Count dense = null;
            try {
                dense = cheapest(found.kernels(), platform, FormatSpec.DENSE, FormatSpec.DENSE.encode(w, r, k), x, n);
            } catch (RuntimeException e) {
                notes.add(String.format(Locale.ROOT, "%s: layer %s dense (%dx%d, N=%d) not counted: %s", name, l.name(), r, k, n, Failure.oneLine(e.getMessage())));
            }
            double denseCost = dense == null ? Double.NaN : dense.cost();
            if (dense != null) rows.add(new Row(name, l.name(), l.op(), r, k, n, "dense", 0, dense.cost(), dense.cost(), unit, dense.kernel(), dense.note()));
            for (String f : formats) {
                FormatSpec spec = FormatSpec.parse(f);
                if (best(found.kernels(), spec, n) == null || spec.kind() == FormatSpec.Kind.GCSR && spec.g() > k) continue;
                double[] lv = spec.kind() == FormatSpec.Kind.NM ? new double[] {(double) (spec.m() - spec.n()) / spec.m()} : levels;
                for (double level : lv) {
                    float[] p = Pruner.prune(w, r, k, structure(spec), Score.MAGNITUDE, level).apply(w);
                    try {
                        CountedKernels.Count c = cheapest(found.kernels(), platform, spec, spec.encode(p, r, k), x, n);
                        if (c != null) rows.add(new Row(name, l.name(), l.op(), r, k, n, f, level, c.cost(), denseCost, unit, c.kernel(), c.note()));
                    } catch (RuntimeException e) {
                        notes.add(String.format(Locale.ROOT, "%s: layer %s %s at %.3f not counted: %s", name, l.name(), f, level, Failure.oneLine(e.getMessage())));
                    }
                }
            }
            if (progress != null) progress.accept(name + " " + l.name() + " " + r + "x" + k + " N=" + n + ": dense " + RecommendCommand.num(denseCost) + " " + unit);
        }
        return new Result(name, found.provenance(), rows, List.of(), notes);
    }

    /** The cheapest count among the kernels that take {@code spec}; null when none does. */
    private static CountedKernels.Count cheapest(List<MatMul> ks, String platform, FormatSpec spec, SparseFormat enc, float[] x, int n) {
        CountedKernels.Count best = null;
        RuntimeException refused = null;
        for (MatMul k : ks) {
            if (k.refuses(spec, n) != null) continue;
            try {
                CountedKernels.Count c = CountedKernels.count(k, platform, enc, x, n);
                if (c != null && (best == null || c.cost() < best.cost())) best = c;
            } catch (RuntimeException e) {
                refused = e;
            }
        }
        if (best == null && refused != null) throw refused;
        return best;
    }

    private static MatMul best(List<MatMul> ks, FormatSpec spec, int n) {
        for (MatMul k : ks) if (k.refuses(spec, n) == null) return k;
        return null;
    }

    private static String kinds(List<MatMul> ks) {
        return String.join(", ", ks.stream().map(MatMul::id).toList());
    }

    /** The pruning structure a format holds: csr unstructured, gcsr:G groups of G, nm:N:M. */
    static Structure structure(FormatSpec spec) {
        return switch (spec.kind()) {
            case GCSR -> Structure.group(spec.g());
            case NM -> Structure.nm(spec.n(), spec.m());
            default -> Structure.UNSTRUCTURED;
        };
    }
}
