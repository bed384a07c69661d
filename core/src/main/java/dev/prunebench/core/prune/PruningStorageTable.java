package dev.prunebench.core.prune;

import dev.prunebench.core.storage.Precision;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Prints, for a seeded N(0, 1) matrix pruned with each structure, the achieved rates and the bytes per format.
 *
 * <p>HOW TO RUN (from the repository root, after {@code ./mvnw -q -pl core compile}):
 * {@code java -cp core/target/classes dev.prunebench.core.prune.PruningStorageTable [size] [rate] [seed]}
 * (defaults 4096, 0.9, 20260101). Every number is measured on the matrix built in that run.
 */
public final class PruningStorageTable {
    private PruningStorageTable() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        double rate = args.length > 1 ? Double.parseDouble(args[1]) : 0.9;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 20260101L;
        float[] w = new float[Math.multiplyExact(n, n)];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
        Layer layer = new Layer("w", w, n, n, Score.MAGNITUDE);
        List<Structure> structures = List.of(Structure.UNSTRUCTURED, Structure.group(2), Structure.group(4), Structure.group(8),
                Structure.group(16), Structure.group(32), Structure.group(64), Structure.nm(2, 4), Structure.nm(1, 4),
                Structure.nm(4, 8), Structure.NODE);
        System.out.printf(Locale.ROOT, "# %dx%d N(0,1), seed %d, magnitude score (RMS over units), target rate %.2f (N:M: fixed), fp32%n",
                n, n, seed, rate);
        System.out.printf(Locale.ROOT, "# dense: %d bytes; kept = weights kept; coo omitted%n", (long) n * n * Precision.FP32.bytes());
        System.out.printf(Locale.ROOT, "%-12s %10s %10s %10s  %-12s %14s %14s%n", "structure", "unit-rate", "w-sparsity", "kept",
                "format", "bytes-minimal", "bytes-fixed32");
        for (Structure s : structures) {
            double r = s instanceof Structure.Nm nm ? nm.rate() : rate;
            PruneResult res = Pruner.prune(layer, s, r);
            boolean first = true;
            for (PrunedStorage.FormatBytes fb : PrunedStorage.of(w, res.mask(), s, Precision.FP32, List.of())) {
                if (fb.format().equals("coo") || fb.format().equals("dense")) continue;
                System.out.printf(Locale.ROOT, "%-12s %10s %10s %10s  %-12s %14d %14d%n",
                        first ? s.id() : "", first ? String.format(Locale.ROOT, "%.6f", res.unitRate()) : "",
                        first ? String.format(Locale.ROOT, "%.6f", res.weightSparsity()) : "", first ? Long.toString(res.mask().kept()) : "",
                        fb.format(), fb.minimal(), fb.fixed32());
                first = false;
            }
        }
    }
}
