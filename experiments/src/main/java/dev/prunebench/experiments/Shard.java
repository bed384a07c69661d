package dev.prunebench.experiments;

import java.util.regex.Pattern;

/**
 * One of N deterministic slices of an experiment's measured points ({@code prunebench run … --shard I/N}): point k of
 * the experiment's fixed point order belongs to shard {@code (k mod N) + 1}, so the N shards are disjoint and together
 * measure every point. {@link #WHOLE} (1/1) is an unsharded run.
 */
public record Shard(int index, int count) {
    public static final Shard WHOLE = new Shard(1, 1);

    public Shard {
        if (count < 1) throw new IllegalArgumentException("--shard " + index + "/" + count + ": N must be >= 1");
        if (index < 1 || index > count) throw new IllegalArgumentException("--shard " + index + "/" + count + ": I must be in 1.." + count);
    }

    /** Parses {@code I/N}; anything else is refused with one line naming the value. */
    public static Shard parse(String s) {
        var m = Pattern.compile("\\s*(-?\\d{1,9})\\s*/\\s*(-?\\d{1,9})\\s*").matcher(s == null ? "" : s);
        if (!m.matches()) throw new IllegalArgumentException("--shard " + s + ": expected I/N, e.g. 1/4 (shard I of N, 1 <= I <= N)");
        return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public boolean whole() { return count == 1; }

    /** Whether point {@code k} (0-based, in the experiment's fixed point order) is measured by this shard. */
    public boolean owns(int k) { return k % count == index - 1; }

    @Override public String toString() { return index + "/" + count; }
}
