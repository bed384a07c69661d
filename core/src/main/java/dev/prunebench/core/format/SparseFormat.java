package dev.prunebench.core.format;

import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.core.storage.StorageCost;

/**
 * One encoded R×C fp32 matrix. Every format converts to and from a dense row-major {@code float[]} exactly,
 * checks its invariants on construction, and reports its exact storage for a precision and an index policy.
 *
 * <p>Naming scheme, used in tables, CLI arguments and file names (one place, {@link FormatSpec}):
 * {@code dense}, {@code coo}, {@code csr}, {@code gcsr:G} (GroupedCsr with group size G),
 * {@code nm:N:M} (N:M structured sparsity). Precision and index policy are separate columns, never part of the name.
 *
 * <p>Invariants and arrays (documented, as EJML documents its sparse fields, rather than copied): the record components
 * are the arrays themselves, not copies; the constructor checks the invariants (dimensions, lengths, pointers, sorted
 * indices in range, finite values) once, and a caller that writes into an array it was handed (e.g.
 * {@link Dense#zeros} filled in place) must keep them. Nothing is derived and cached from the arrays, so such writes
 * never leave a stale count: {@link #nnz()} scans the values each time ({@code Checks.nonZeros}, the one copy of that
 * scan), O(stored values); call it once per use, not in a loop.
 */
public sealed interface SparseFormat permits Dense, Coo, Csr, GroupedCsr, NmSparse {

    int rows();

    int cols();

    /** Number of non-zero values actually held (explicit zeros in padding or N:M slots are not counted). */
    long nnz();

    /** Number of value slots the format stores, zeros included (what storage and kernels pay for). */
    long storedValues();

    /** The matrix, dense, row-major, length rows × cols; a new array. */
    float[] toDense();

    /** Exact bytes for the given value precision and index policy. */
    StorageCost storage(Precision precision, IndexPolicy policy);

    /** The spec this matrix is encoded with, e.g. {@code csr} or {@code gcsr:8}. */
    FormatSpec spec();

    /** Fraction of zero entries in the matrix, in [0, 1]. */
    default double sparsity() {
        return 1.0 - (double) nnz() / ((double) rows() * cols());
    }
}
