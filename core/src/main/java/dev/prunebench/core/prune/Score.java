package dev.prunebench.core.prune;

import java.util.Locale;

/**
 * What decides which units go: a per-weight <em>saliency</em> and, for units of several weights, an
 * {@link Aggregate}. Units with the lowest score are removed first.
 *
 * <p>Saliencies ({@link Kind}):
 * <ul>
 *   <li>{@code MAGNITUDE}: |w|.</li>
 *   <li>{@code SNIP}: first order |∂L/∂w · w|, with the gradient the caller supplies (same shape as the weights).</li>
 *   <li>{@code OBD}: Optimal Brain Damage, second order ½ · H_ii · w², with a diagonal curvature H_ii ≥ 0 the caller
 *       supplies (for example squared gradients averaged over a batch: the empirical Fisher).</li>
 *   <li>{@code RANDOM}: one uniform value in [0, 1) per unit, drawn from {@link java.util.SplittableRandom} with the
 *       given seed in unit order (row-major units; see {@link Pruner}). The aggregate is not used. The same seed,
 *       shape and structure give the same mask. In a global selection give each layer its own seed, or the layers
 *       draw the same sequence.</li>
 *   <li>{@code ACTIVATION}: node pruning only: the mean over a batch of |a| of each output neuron / channel, from
 *       activations the caller supplies ({@code batch × rows}, sample-major). The aggregate is not used.</li>
 * </ul>
 * The defaults for aggregation are RMS for magnitude (as in both papers) and L1 (sum) for SNIP and OBD, whose
 * saliencies estimate a loss change and add up over the weights removed together.
 *
 * <p>Instances holding caller arrays (gradient, curvature, activations) keep them by reference; the arrays are
 * checked (length, finite) when a layer is pruned, naming the layer.
 */
public final class Score {

    public enum Kind { MAGNITUDE, SNIP, OBD, RANDOM, ACTIVATION }

    /** |w|, RMS over a unit. */
    public static final Score MAGNITUDE = new Score(Kind.MAGNITUDE, Aggregate.RMS, 0, null, 0);
    /** |w|, RMS over a unit (same as {@link #MAGNITUDE}; the papers' name). */
    public static final Score RMS = MAGNITUDE;
    public static final Score MEAN = MAGNITUDE.aggregatedBy(Aggregate.MEAN);
    public static final Score MAX = MAGNITUDE.aggregatedBy(Aggregate.MAX);
    public static final Score MEDIAN = MAGNITUDE.aggregatedBy(Aggregate.MEDIAN);
    /** L1 norm of the unit's weights (node score). */
    public static final Score L1 = MAGNITUDE.aggregatedBy(Aggregate.L1);
    /** L2 norm of the unit's weights (node score). */
    public static final Score L2 = MAGNITUDE.aggregatedBy(Aggregate.L2);

    private final Kind kind;
    private final Aggregate aggregate;
    private final long seed;
    private final float[] data;
    private final int batch;

    private Score(Kind kind, Aggregate aggregate, long seed, float[] data, int batch) {
        this.kind = kind;
        this.aggregate = aggregate;
        this.seed = seed;
        this.data = data;
        this.batch = batch;
    }

    public static Score random(long seed) { return new Score(Kind.RANDOM, Aggregate.RMS, seed, null, 0); }

    /** SNIP |g · w| with the gradient {@code gradient} (same shape as the weights), summed over a unit. */
    public static Score snip(float[] gradient) {
        if (gradient == null) throw new IllegalArgumentException("score snip: gradient must not be null");
        return new Score(Kind.SNIP, Aggregate.L1, 0, gradient, 0);
    }

    /** OBD ½ · H_ii · w² with the diagonal curvature {@code curvature} (same shape as the weights, ≥ 0), summed over a unit. */
    public static Score obd(float[] curvature) {
        if (curvature == null) throw new IllegalArgumentException("score obd: curvature must not be null");
        return new Score(Kind.OBD, Aggregate.L1, 0, curvature, 0);
    }

    /**
     * Mean |activation| of each node over a batch; {@code activations} is {@code batch × rows} row-major (one row per
     * sample, one column per output neuron / channel). Node structure only.
     */
    public static Score meanActivation(float[] activations, int batch) {
        if (activations == null) throw new IllegalArgumentException("score activation: activations must not be null");
        if (batch < 1) throw new IllegalArgumentException("score activation: batch must be >= 1, got " + batch);
        return new Score(Kind.ACTIVATION, Aggregate.MEAN, 0, activations, batch);
    }

    /** The same saliency with another aggregate. */
    public Score aggregatedBy(Aggregate a) {
        if (a == null) throw new IllegalArgumentException("score: aggregate must not be null");
        return new Score(kind, a, seed, data, batch);
    }

    public Kind kind() { return kind; }

    public Aggregate aggregate() { return aggregate; }

    public long seed() { return seed; }

    /** The caller's gradient, curvature or activations; null for magnitude and random. */
    float[] data() { return data; }

    int batch() { return batch; }

    /**
     * Parses the CLI names: {@code magnitude | rms | mean | max | median | l1 | l2 | random} ({@code random} takes
     * {@code seed}). SNIP, OBD and activation scores need arrays and are built with their factories.
     */
    public static Score parse(String text, long seed) {
        if (text == null) throw new IllegalArgumentException("score: must not be null");
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "magnitude", "rms" -> MAGNITUDE;
            case "mean" -> MEAN;
            case "max" -> MAX;
            case "median" -> MEDIAN;
            case "l1" -> L1;
            case "l2" -> L2;
            case "random" -> random(seed);
            default -> throw new IllegalArgumentException("score: unknown '" + text
                    + "' (expected magnitude, rms, mean, max, median, l1, l2 or random)");
        };
    }

    /** Text form, e.g. {@code magnitude/rms}, {@code random(seed=7)}, {@code snip/l1}. */
    public String id() {
        return switch (kind) {
            case RANDOM -> "random(seed=" + seed + ")";
            case ACTIVATION -> "activation/mean";
            default -> kind.name().toLowerCase(Locale.ROOT) + "/" + aggregate.id();
        };
    }

    @Override public String toString() { return id(); }
}
