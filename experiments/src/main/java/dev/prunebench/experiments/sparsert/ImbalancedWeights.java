package dev.prunebench.experiments.sparsert;

import dev.prunebench.core.format.Dense;
import dev.prunebench.measure.Patterns;
import java.util.SplittableRandom;

/**
 * Seeded layer weights whose magnitude pruning leaves realistically uneven rows.
 *
 * <p>A uniform random mask at density d over K columns gives row lengths with coefficient of variation
 * √((1 − d) / (d·K)) (binomial). Real pruned layers are 1–3× more uneven than that, because filters differ in
 * scale. The generator: w[r][k] = s_r · z[r][k] with z ~ N(0, 1) and a per-filter scale s_r = exp(σ · u_r),
 * u_r ~ N(0, 1) (lognormal, median 1); then global magnitude pruning to the exact rate (the |w| of the whole layer
 * ranked, ties broken by index). Filters with a larger scale keep more of their weights. σ is chosen per layer
 * by bisection so that the row-length CV is {@code ratio} × the uniform mask's (within a few per cent; the
 * measured CV is reported, never assumed).
 */
public final class ImbalancedWeights {
    private ImbalancedWeights() {}

    /** A pruned layer and what its rows look like. */
    public record Layer(Dense pruned, double sigma, double rowCv, double uniformCv) {
        public double cvRatio() { return rowCv / uniformCv; }
    }

    /** The CV of a uniform random mask's row lengths at this density. */
    public static double uniformCv(int cols, double density) {
        return Math.sqrt((1 - density) / (density * cols));
    }

    /** CV (σ / mean) of the row lengths of a rows × cols matrix; 0 for an all-zero one. */
    public static double rowCv(float[] w, int rows, int cols) {
        double sum = 0, sq = 0;
        for (int r = 0; r < rows; r++) {
            int len = 0;
            for (int c = 0; c < cols; c++) if (w[r * cols + c] != 0) len++;
            sum += len;
            sq += (double) len * len;
        }
        double mean = sum / rows;
        if (mean == 0) return 0;
        return Math.sqrt(Math.max(0, sq / rows - mean * mean)) / mean;
    }

    /**
     * @param rate  fraction of weights removed, in (0, 1)
     * @param ratio the wanted row-length CV over the uniform mask's (≥ 1; 2 is the middle of the 1–3× range)
     */
    public static Layer generate(int rows, int cols, double rate, double ratio, long seed) {
        if (!(rate > 0 && rate < 1)) throw new IllegalArgumentException("rate: must be in (0, 1), got " + rate);
        if (!(ratio >= 1)) throw new IllegalArgumentException("ratio: must be >= 1, got " + ratio);
        float[] z = Patterns.normalVector(Math.multiplyExact(rows, cols), seed);
        double[] u = new double[rows];
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5EEDL);
        for (int r = 0; r < rows; r++) u[r] = gaussian(rnd);
        double density = 1 - rate, target = ratio * uniformCv(cols, density);
        double lo = 0, hi = 2;
        Layer best = null;
        for (int it = 0; it < 14; it++) {
            double sigma = it == 0 ? 0 : (lo + hi) / 2;
            Layer l = prune(z, u, rows, cols, rate, sigma, density);
            if (best == null || Math.abs(l.rowCv() - target) < Math.abs(best.rowCv() - target)) best = l;
            if (it == 0) continue;
            if (l.rowCv() < target) lo = sigma;
            else hi = sigma;
            if (Math.abs(l.rowCv() - target) < 0.02 * target) break;
        }
        return best;
    }

    private static Layer prune(float[] z, double[] u, int rows, int cols, double rate, double sigma, double density) {
        float[] w = new float[z.length];
        for (int r = 0; r < rows; r++) {
            float s = (float) Math.exp(sigma * u[r]);
            for (int c = 0; c < cols; c++) w[r * cols + c] = s * z[r * cols + c];
        }
        float[] p = new Patterns.GroupRanking(w, rows, cols, 1).prune(rate);
        return new Layer(new Dense(rows, cols, p), sigma, rowCv(p, rows, cols), uniformCv(cols, density));
    }

    private static double gaussian(SplittableRandom r) {
        double a = r.nextDouble(), b = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - a)) * Math.cos(2 * Math.PI * b);
    }
}
