package dev.prunebench.measure;

import dev.prunebench.core.kernel.MatMul;

/**
 * A real, planted slowdown for testing regression detection: with the system property
 * {@code -Dprunebench.plant.slowdown=KERNEL=FRACTION} (e.g. {@code gcsr-vector=0.10}) every timed call of that kernel
 * does FRACTION of its own duration again as extra work (a busy arithmetic loop on the calling thread, inside the timed
 * region), so the kernel is that much slower as every clock sees it, while its results stay correct. Off unless the
 * property is set; a run made with it records the property in its environment ({@code planted_slowdown}), so its
 * numbers are never mistaken for honest ones. Host-timed kernels only: self-timed (GPU) and counted (emulated) kernels
 * are left as they are.
 */
public final class PlantedSlowdown {
    private PlantedSlowdown() {}

    public static final String PROPERTY = "prunebench.plant.slowdown";

    /** The planted kernel id and fraction, or null when the property is not set. */
    public record Plant(String kernel, double fraction) {}

    /** Parses the property; a malformed value is an IllegalArgumentException naming it. */
    public static Plant configured() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) return null;
        int eq = v.lastIndexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + ": expected KERNEL=FRACTION, e.g. gcsr-vector=0.10");
        double f;
        try {
            f = Double.parseDouble(v.substring(eq + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + ": '" + v.substring(eq + 1) + "' is not a number");
        }
        if (!(f > 0 && f <= 10)) throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + ": fraction must be in (0, 10], got " + f);
        return new Plant(v.substring(0, eq).trim(), f);
    }

    /** {@code p} with the planted slowdown when it is the configured kernel and host-timed, else {@code p} itself. */
    public static MatMul.Prepared wrap(String kernelId, MatMul.Prepared p) {
        Plant plant = configured();
        if (plant == null || !plant.kernel().equals(kernelId) || p instanceof MatMul.SelfTimed || p instanceof MatMul.Counted
                || p instanceof MatMul.FixedPoint) return p;
        return new Slowed(p, plant.fraction());
    }

    /** Sink for the busy loop's arithmetic, so the JIT can not drop it. */
    static volatile double sink;

    private record Slowed(MatMul.Prepared inner, double fraction) implements MatMul.Prepared {
        @Override public void run() {
            long t0 = System.nanoTime();
            inner.run();
            long until = t0 + (long) ((System.nanoTime() - t0) * (1 + fraction));
            double acc = 1;
            while (System.nanoTime() < until)
                for (int i = 0; i < 64; i++) acc = acc * 1.0000001 + 1e-9;
            sink = acc;
        }

        @Override public float[] result() { return inner.result(); }

        @Override public void close() { inner.close(); }

        @Override public String variant() { return inner.variant(); }
    }
}
