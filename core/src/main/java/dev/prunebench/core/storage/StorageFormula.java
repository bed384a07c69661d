package dev.prunebench.core.storage;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.NmSparse;
import java.math.BigInteger;

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

    /**
     * The largest byte count a {@link StorageCost} holds: 2^63 − 1. A shape whose bytes would exceed it is refused
     * (naming this limit) rather than counted wrong; every int × int shape has an exact unit count.
     */
    public static final long MAX_BYTES = Long.MAX_VALUE;

    /** How many units the format can keep for this shape: elements, groups (gcsr), or value slots (N:M). */
    public static long units(FormatSpec spec, int rows, int cols) {
        checkShape(rows, cols);
        return switch (spec.kind()) {
            case DENSE, COO, CSR -> (long) rows * cols;
            case GCSR -> (long) rows * ceilDiv(cols, spec.g());
            case NM -> Math.multiplyExact((long) rows * ceilDiv(cols, spec.m()), (long) spec.n());
        };
    }

    /** Exact bytes of {@code spec} for an R×C matrix keeping {@code kept} units; refuses a count past {@link #MAX_BYTES}. */
    public static StorageCost of(FormatSpec spec, int rows, int cols, long kept, Precision p, IndexPolicy policy) {
        long units = units(spec, rows, cols);
        if (kept < 0 || kept > units)
            throw new IllegalArgumentException("kept: " + kept + " out of range [0, " + units + "] for " + spec + " at " + rows + "x" + cols);
        long b = p.bytes();
        try {
            long[] c = switch (spec.kind()) {
                case DENSE -> new long[] {Math.multiplyExact((long) rows * cols, b), 0, 0, 0};
                case COO -> new long[] {Math.multiplyExact(kept, b), Math.multiplyExact(kept, (long) policy.width(rows) + policy.width(cols)), 0, 0};
                case CSR -> new long[] {Math.multiplyExact(kept, b), Math.multiplyExact(kept, (long) policy.width(cols)),
                        (rows + 1L) * policy.width(kept + 1), 0};
                case GCSR -> new long[] {Math.multiplyExact(Math.multiplyExact(kept, (long) spec.g()), b),
                        Math.multiplyExact(kept, (long) policy.width(ceilDiv(cols, spec.g()))), (rows + 1L) * policy.width(kept + 1), 0};
                case NM -> new long[] {Math.multiplyExact(units, b), 0, 0, ceilDiv(Math.multiplyExact(units, (long) NmSparse.bits(spec.m())), 8)};
            };
            Math.addExact(Math.addExact(c[0], c[1]), Math.addExact(c[2], c[3]));
            return new StorageCost(c[0], c[1], c[2], c[3]);
        } catch (ArithmeticException e) {
            throw tooLarge(spec, rows, cols, kept, p);
        }
    }

    /** Refuses a shape whose dense form at precision {@code p} takes more than {@link #MAX_BYTES} bytes, naming the limit. */
    public static void checkDenseFits(int rows, int cols, Precision p) {
        checkShape(rows, cols);
        BigInteger bytes = BigInteger.valueOf(rows).multiply(BigInteger.valueOf(cols))
                .multiply(BigInteger.valueOf(p.bytes()));
        if (bytes.bitLength() > 63)
            throw new IllegalArgumentException("shape " + rows + "x" + cols + ": dense " + p.id() + " takes " + bytes
                    + " bytes, more than the largest byte count held (2^63 - 1 = " + MAX_BYTES + ")");
    }

    private static IllegalArgumentException tooLarge(FormatSpec spec, int rows, int cols, long kept, Precision p) {
        return new IllegalArgumentException("shape " + rows + "x" + cols + ": " + spec + " " + p.id() + " keeping " + kept
                + " units takes more than the largest byte count held (2^63 - 1 = " + MAX_BYTES + " bytes)");
    }

    private static long ceilDiv(long a, long b) { return Math.ceilDiv(a, b); }

    /**
     * The largest number of kept units at which {@code spec} takes fewer bytes than dense, by bisection (bytes never
     * decrease as units are added); -1 when even zero kept units are not smaller. For N:M, whose size does not depend
     * on the units kept, returns {@link #units} when it is smaller than dense, else -1.
     */
    public static long maxKeptBelowDense(FormatSpec spec, int rows, int cols, Precision p, IndexPolicy policy) {
        long dense = of(FormatSpec.DENSE, rows, cols, 0, p, policy).total();
        long units = units(spec, rows, cols);
        if (spec.kind() == FormatSpec.Kind.NM || spec.kind() == FormatSpec.Kind.DENSE)
            return bytesOrMax(spec, rows, cols, units, p, policy) < dense ? units : -1;
        if (bytesOrMax(spec, rows, cols, 0, p, policy) >= dense) return -1;
        if (bytesOrMax(spec, rows, cols, units, p, policy) < dense) return units;
        long lo = 0, hi = units; // bytes(lo) < dense <= bytes(hi)
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            if (bytesOrMax(spec, rows, cols, mid, p, policy) < dense) lo = mid; else hi = mid;
        }
        return lo;
    }

    /** Total bytes, or {@link #MAX_BYTES} where they exceed it (larger than any dense size that is counted). */
    private static long bytesOrMax(FormatSpec spec, int rows, int cols, long kept, Precision p, IndexPolicy policy) {
        try {
            return of(spec, rows, cols, kept, p, policy).total();
        } catch (IllegalArgumentException e) {
            return MAX_BYTES;
        }
    }

    private static void checkShape(int rows, int cols) {
        if (rows <= 0) throw new IllegalArgumentException("rows: must be > 0, got " + rows);
        if (cols <= 0) throw new IllegalArgumentException("cols: must be > 0, got " + cols);
    }
}
