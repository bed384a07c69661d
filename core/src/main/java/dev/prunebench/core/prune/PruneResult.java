package dev.prunebench.core.prune;

import java.util.Locale;

/**
 * The outcome of pruning one layer.
 *
 * @param layer        the layer's name
 * @param structure    what was removed together
 * @param mask         the mask (kept = true)
 * @param units        number of units in the layer ({@link Structure#units})
 * @param removedUnits units removed: exactly round(rate × units) for unstructured, group and node pruning of one
 *                     layer; for N:M the number of removed weight slots
 * @param threshold    score of the last unit removed (units scoring below it are all removed, ties at it broken by
 *                     index); NaN when nothing was removed or for N:M (which has no threshold); −∞ when only units
 *                     already removed by a prior mask were removed
 */
public record PruneResult(String layer, Structure structure, Mask mask, long units, long removedUnits, double threshold) {

    /** removedUnits / units: the rate the target counted. */
    public double unitRate() { return units == 0 ? 0 : (double) removedUnits / units; }

    /** Fraction of weights removed (differs from {@link #unitRate} for short last groups and for node pruning of nothing). */
    public double weightSparsity() { return mask.rate(); }

    @Override public String toString() {
        return String.format(Locale.ROOT, "%s %s: %d/%d units removed (unit rate %.6f), weight sparsity %.6f",
                layer, structure.id(), removedUnits, units, unitRate(), weightSparsity());
    }
}
