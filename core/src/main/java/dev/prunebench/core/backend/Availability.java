package dev.prunebench.core.backend;

/**
 * The answer of a backend probe: available, or unavailable because of a stated reason.
 * A result is only ever labelled with a backend whose probe answered available in that run.
 */
public record Availability(boolean available, String reason) {
    public Availability {
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("reason: must be given");
    }

    public static Availability yes(String detail) { return new Availability(true, detail); }

    public static Availability no(String because) { return new Availability(false, because); }

    @Override public String toString() { return available ? "available (" + reason + ")" : "unavailable because " + reason; }
}
