package dev.prunebench.experiments.formats;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;

/**
 * A real matrix pruned to a target sparsity and encoded in one format.
 *
 * @param spec     the format
 * @param target   the sparsity asked for (for gcsr: the fraction of groups removed)
 * @param kept     kept units the generator was asked for (weights; groups for gcsr)
 * @param matrix   the encoded matrix; its {@code storage()} is the measured size
 */
public record Encoded(FormatSpec spec, double target, long kept, SparseFormat matrix) {

    /** Prunes a seeded random matrix to {@code target} in the structure of {@code spec} and encodes it; null when N:M cannot hold that sparsity. */
    public static Encoded of(FormatSpec spec, int rows, int cols, double target, long seed, float[] buffer) {
        long kept = PrunedMatrices.keptFor(spec, rows, cols, target);
        if (kept < 0) return null;
        return atKept(spec, rows, cols, target, kept, seed, buffer);
    }

    /** As {@link #of} with an explicit kept count. */
    public static Encoded atKept(FormatSpec spec, int rows, int cols, double target, long kept, long seed, float[] buffer) {
        PrunedMatrices.fill(buffer, spec, rows, cols, kept, seed);
        return new Encoded(spec, target, kept, spec.encode(buffer, rows, cols));
    }

    /** Units the encoded matrix really keeps, counted from it: stored values, or kept groups for gcsr. */
    public long keptMeasured() {
        return matrix instanceof GroupedCsr g ? g.keptGroups() : matrix.nnz();
    }

    /** What {@code StorageFormula} takes as kept units for this format. */
    public long formulaUnits() {
        return switch (spec.kind()) {
            case DENSE, NM -> 0;
            default -> kept;
        };
    }
}
