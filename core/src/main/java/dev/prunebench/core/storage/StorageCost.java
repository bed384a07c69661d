package dev.prunebench.core.storage;

/**
 * Exact bytes of one encoded matrix, split by what they hold.
 *
 * @param values   bytes of stored values (including explicit zeros a format keeps, e.g. padding in N:M slots)
 * @param indices  bytes of column (and, for COO, row) indices
 * @param pointers bytes of row pointers
 * @param metadata bytes of packed position metadata (N:M)
 */
public record StorageCost(long values, long indices, long pointers, long metadata) {
    public StorageCost {
        if (values < 0 || indices < 0 || pointers < 0 || metadata < 0)
            throw new IllegalArgumentException("storage cost: negative component " + this);
        try {
            Math.addExact(Math.addExact(values, indices), Math.addExact(pointers, metadata));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("storage cost: total of " + this + " exceeds 2^63 - 1 bytes");
        }
    }

    /** The sum of the parts (checked on construction to fit a long). */
    public long total() { return values + indices + pointers + metadata; }

    /** Everything that is not a value: the index overhead of the format. */
    public long overhead() { return indices + pointers + metadata; }
}
