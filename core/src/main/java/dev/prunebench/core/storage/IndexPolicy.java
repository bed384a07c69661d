package dev.prunebench.core.storage;

import java.util.Locale;

/**
 * How wide an index or pointer is stored.
 *
 * <ul>
 *   <li>{@link #MINIMAL}: the narrowest of 1, 2 or 4 bytes that can hold every value the field takes
 *       (1 byte if at most 256 distinct values, 2 if at most 65 536, else 4), as in the sparse-format lecture.</li>
 *   <li>{@link #FIXED32}: always 4 bytes, what MKL and cuSPARSE use.</li>
 * </ul>
 */
public enum IndexPolicy {
    MINIMAL, FIXED32;

    /**
     * Width in bytes of a field whose values lie in {@code [0, count)}.
     * Column indices of an R×C matrix take C values; row pointers of a matrix with K non-zeros take the K + 1 values
     * 0…K (the lecture writes "sized by K"; the two differ only when K is exactly 256 or 65 536, where a pointer
     * equal to K needs the wider type).
     */
    public int width(long count) {
        if (this == FIXED32) return 4;
        if (count <= 256) return 1;
        if (count <= 65_536) return 2;
        return 4;
    }

    public String id() { return name().toLowerCase(Locale.ROOT); }

    public static IndexPolicy parse(String s) {
        for (IndexPolicy p : values()) if (p.id().equalsIgnoreCase(s.trim())) return p;
        throw new IllegalArgumentException("index policy: unknown value '" + s + "' (expected minimal or fixed32)");
    }
}
