package dev.prunebench.kernels.cpu.vector;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.kernel.MatMul;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;

/**
 * The Vector API kernels (backend {@code cpu-vector}), behind a probe.
 *
 * <p>This class and the kernel fronts it lists never touch {@code jdk.incubator.vector} themselves: the probe first
 * checks that the module is in the boot layer and readable, and only then loads {@link Lanes}, which holds the
 * species chosen at run time ({@code FloatVector.SPECIES_PREFERRED}). A kernel whose probe answered unavailable
 * refuses to {@code prepare} with the probe's reason; nothing is ever silently run on another backend.
 *
 * <p>Kernel ids: {@code dense-vector} (also node-pruned layers, which are a smaller Dense), {@code csr-vector},
 * {@code gcsr-vector} (any g), {@code nm-vector} (any N:M). Each has an SpMM path for N ≥ 2 (X and C padded to a
 * whole number of vectors, register-blocked over N) and an SpMV path for N = 1.
 */
public final class VectorKernels {
    public static final String BACKEND_ID = "cpu-vector";

    private static final Availability AVAILABILITY = probe();

    private static final List<MatMul> ALL = List.of(new DenseVector(), new CsrVector(), new GroupedCsrVector(), new NmVector());

    private VectorKernels() {}

    /** Every vector kernel, one per format (listed whether or not available: check {@link #availability()}). */
    public static List<MatMul> all() { return ALL; }

    /** The kernel with this id, e.g. {@code csr-vector}. */
    public static Optional<MatMul> kernel(String id) {
        return ALL.stream().filter(k -> k.id().equals(id)).findFirst();
    }

    /** Whether the Vector API can run here, e.g. "Float512 species, 16 lanes", or why not. */
    public static Availability availability() { return AVAILABILITY; }

    /** The backend, for listings. */
    public static Backend backend() { return BACKEND; }

    private static final Backend BACKEND = new Backend() {
        @Override public String id() { return BACKEND_ID; }

        @Override public List<MatMul> kernels() { return ALL; }

        @Override public String description() {
            return "Vector API (jdk.incubator.vector) kernels for dense, csr, gcsr:G, nm:N:M; SpMM and SpMV, row-parallel";
        }

        @Override public Availability probe() { return availability(); }

        @Override public String toString() { return id() + ": " + probe(); }
    };

    /**
     * The measured fp32 peak of one core and its L2 read bandwidth, from microbenchmarks in this JVM ({@code FmaPeak}):
     * each the best of {@code trials} timed calls of about {@code millis} ms after a warm-up that lets C2 compile them.
     *
     * @param gflops           FMA throughput: 2 flops × lanes × FMAs per second, in GFLOP/s
     * @param l2BytesPerNs     bytes per ns read from a buffer of a quarter of the L2 (in cache after the first pass)
     * @param gatherPerNs      floats per ns gathered from a 4096-float (L1-resident) x at random indices
     * @param lanes            floats per vector
     * @param chains           independent accumulators of the FMA loop
     */
    public record MeasuredPeak(double gflops, double l2BytesPerNs, double gatherPerNs, int lanes, int chains) {
        public String describe() {
            return String.format(java.util.Locale.ROOT, "%.1f GFLOP/s (FMA loop, %d lanes × %d independent chains); L2 reads %.1f B/ns; gathers %.2f floats/ns",
                    gflops, lanes, chains, l2BytesPerNs, gatherPerNs);
        }
    }

    /**
     * Runs the peak microbenchmarks on this clock (ns; {@link System#nanoTime} or the thread's CPU time); refuses with
     * the probe's reason when the Vector API is unavailable.
     */
    public static MeasuredPeak measurePeak(int trials, double millis, java.util.function.LongSupplier clock) {
        requireAvailable("fp32 peak microbenchmark");
        if (trials < 1 || !(millis > 0) || clock == null) throw new IllegalArgumentException("peak: trials must be >= 1 and millis > 0, got " + trials + ", " + millis);
        float sink = 0;
        int iters = 1 << 16;
        for (int w = 0; w < 200; w++) sink += FmaPeak.fmaLoop(iters); // C2 compiles it (OSR first, then the method)
        long probe = clock.getAsLong();
        sink += FmaPeak.fmaLoop(iters);
        int calls = (int) Math.max(1, millis * 1e6 / Math.max(1, clock.getAsLong() - probe));
        double best = Double.POSITIVE_INFINITY;
        for (int t = 0; t < trials; t++) {
            long t0 = clock.getAsLong();
            for (int i = 0; i < calls; i++) sink += FmaPeak.fmaLoop(iters);
            best = Math.min(best, (clock.getAsLong() - t0) / (double) calls);
        }
        double gflops = 2.0 * Lanes.L * FmaPeak.fmas(iters) / best;
        float[] buf = new float[(int) Math.max(4 * Lanes.L, CacheSizes.l2Bytes() / 4 / 4)];
        java.util.Arrays.fill(buf, 1e-3f);
        for (int w = 0; w < 200; w++) sink += FmaPeak.readLoop(buf, 4);
        double bestRead = Double.POSITIVE_INFINITY;
        int passes = (int) Math.max(1, millis * 1e6 / (buf.length * 4 / 32.0)); // about millis at 32 B/ns
        for (int t = 0; t < trials; t++) {
            long t0 = clock.getAsLong();
            sink += FmaPeak.readLoop(buf, passes);
            bestRead = Math.min(bestRead, (clock.getAsLong() - t0) / (double) passes);
        }
        double gather = bestGather(trials, millis, clock);
        if (sink == 42.4242f) System.out.print(""); // keeps the sums alive
        return new MeasuredPeak(gflops, buf.length / (4 * Lanes.L) * 4 * Lanes.L * 4.0 / bestRead, gather, Lanes.L, FmaPeak.CHAINS);
    }

    /** Floats per ns of {@code FmaPeak.gatherLoop} over 64 Ki seeded random indices into a 4096-float x. */
    private static double bestGather(int trials, double millis, java.util.function.LongSupplier clock) {
        float[] x = new float[4096];
        java.util.Arrays.fill(x, 1e-3f);
        int[] idx = new java.util.SplittableRandom(7).ints(1 << 16, 0, x.length).toArray();
        float sink = 0;
        for (int w = 0; w < 100; w++) sink += FmaPeak.gatherLoop(x, idx, 1);
        int passes = (int) Math.max(1, millis * 1e6 / idx.length); // about millis at 1 float/ns
        double best = Double.POSITIVE_INFINITY;
        for (int t = 0; t < trials; t++) {
            long t0 = clock.getAsLong();
            sink += FmaPeak.gatherLoop(x, idx, passes);
            best = Math.min(best, (clock.getAsLong() - t0) / (double) passes);
        }
        if (sink == 42.4242f) System.out.print("");
        return idx.length / best;
    }

    static void requireAvailable(String kernel) {
        if (!AVAILABILITY.available())
            throw new IllegalStateException(kernel + ": backend " + BACKEND_ID + " is " + AVAILABILITY);
    }

    private static Availability probe() {
        try {
            Optional<Module> mod = ModuleLayer.boot().findModule("jdk.incubator.vector");
            if (mod.isEmpty())
                return Availability.no("module jdk.incubator.vector is not in the boot layer (run java with --add-modules jdk.incubator.vector)");
            if (!VectorKernels.class.getModule().canRead(mod.get()))
                return Availability.no("module jdk.incubator.vector is present but not readable by " + VectorKernels.class.getModule());
            String c2 = c2Problem();
            if (c2 != null) return Availability.no(c2);
            int lanes = Lanes.L;
            if (lanes < 4)
                return Availability.no("the preferred float species has only " + lanes + " lane(s) on this CPU (" + Lanes.describe() + ")");
            return Availability.yes(Lanes.describe());
        } catch (Throwable t) {
            return Availability.no("the Vector API failed to load: " + t);
        }
    }

    /** Without C2 the Vector API runs as boxed Java objects, hundreds of times slower: report it, don't time it. */
    private static String c2Problem() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (bean == null) return null;
            String stop = bean.getVMOption("TieredStopAtLevel").getValue();
            if (Integer.parseInt(stop) < 4) return "C2 is off (-XX:TieredStopAtLevel=" + stop + "), so vector operations are not intrinsified";
            String vs = bean.getVMOption("EnableVectorSupport").getValue();
            if ("false".equals(vs)) return "-XX:-EnableVectorSupport: vector operations are not intrinsified";
        } catch (RuntimeException | LinkageError e) {
            // option unknown to this VM (not HotSpot): nothing to say
        }
        return null;
    }
}
