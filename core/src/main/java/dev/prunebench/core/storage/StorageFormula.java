package dev.prunebench.core.storage;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.NmSparse;

/**
 * Storage in closed form, from the shape and the number of kept units alone, without encoding a matrix. It is the
 * second, independent account beside {@code SparseFormat.storage}: the formats count the arrays they hold, this
 * evaluates the formulas (the lecture's for CSR, ANCHORS.md "Sparse formats"). Where both are computed they must
 * agree; the {@code formats-storage} experiment records every disagreement.
 *
 * <p>Kept units: stored values for COO and CSR; kept groups for {@code gcsr:G}; ignored for dense and N:M, whose
 * size is fixed by the shape. For an R×C matrix with K kept units, p bytes per value and w(n) the index width for n
 * distinct values ({@link IndexPolicy#width}):
 * <ul>
 *   <li>dense: R·C·p</li>
 *   <li>coo: K·p + K·(w(R) + w(C))</li>
 *   <li>csr: K·p + K·w(C) + (R + 1)·w(K + 1)</li>
 *   <li>gcsr:G: K·G·p + K·w(⌈C/G⌉) + (R + 1)·w(K + 1)</li>
 *   <li>nm:N:M: S·p + ⌈S·⌈log2 M⌉ / 8⌉ with S = R·⌈C/M⌉·N value slots</li>
 * </ul>
 */
public final class StorageFormula {
    private StorageFormula() {}

    /** How many units the format can keep for this shape: elements, groups (gcsr), or value slots (N:M). */
    public static long units(FormatSpec spec, int rows, int cols) {
        checkShape(rows, cols);
        return switch (spec.kind()) {
            case DENSE, COO, CSR -> (long) rows * cols;
            case GCSR -> (long) rows * ((cols + spec.g() - 1) / spec.g());
            case NM -> (long) rows * ((cols + spec.m() - 1) / spec.m()) * spec.n();
        };
    }

    /** Exact bytes of {@code spec} for an R×C matrix keeping {@code kept} units. */
    public static StorageCost of(FormatSpec spec, int rows, int cols, long kept, Precision p, IndexPolicy policy) {
        long units = units(spec, rows, cols);
        if (kept < 0 || kept > units)
            throw new IllegalArgumentException("kept: " + kept + " out of range [0, " + units + "] for " + spec + " at " + rows + "x" + cols);
        long b = p.bytes();
        return switch (spec.kind()) {
            case DENSE -> new StorageCost((long) rows * cols * b, 0, 0, 0);
            case COO -> new StorageCost(kept * b, kept * (policy.width(rows) + policy.width(cols)), 0, 0);
            case CSR -> new StorageCost(kept * b, kept * policy.width(cols), (rows + 1L) * policy.width(kept + 1), 0);
            case GCSR -> new StorageCost(kept * spec.g() * b, kept * policy.width((cols + spec.g() - 1) / spec.g()),
                    (rows + 1L) * policy.width(kept + 1), 0);
            case NM -> new StorageCost(units * b, 0, 0, (units * NmSparse.bits(spec.m()) + 7) / 8);
        };
    }

    /**
     * The largest number of kept units at which {@code spec} takes fewer bytes than dense, by bisection (bytes never
     * decrease as units are added); -1 when even zero kept units are not smaller. For N:M, whose size does not depend
     * on the units kept, returns {@link #units} when it is smaller than dense, else -1.
     */
    public static long maxKeptBelowDense(FormatSpec spec, int rows, int cols, Precision p, IndexPolicy policy) {
        long dense = of(FormatSpec.DENSE, rows, cols, 0, p, policy).total();
        long units = units(spec, rows, cols);
        if (spec.kind() == FormatSpec.Kind.NM || spec.kind() == FormatSpec.Kind.DENSE)
            return of(spec, rows, cols, units, p, policy).total() < dense ? units : -1;
        if (of(spec, rows, cols, 0, p, policy).total() >= dense) return -1;
        if (of(spec, rows, cols, units, p, policy).total() < dense) return units;
        long lo = 0, hi = units; // bytes(lo) < dense <= bytes(hi)
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            if (of(spec, rows, cols, mid, p, policy).total() < dense) lo = mid; else hi = mid;
        }
        return lo;
    }

    private static void checkShape(int rows, int cols) {
        if (rows <= 0) throw new IllegalArgumentException("rows: must be > 0, got " + rows);
        if (cols <= 0) throw new IllegalArgumentException("cols: must be > 0, got " + cols);
    }
}
