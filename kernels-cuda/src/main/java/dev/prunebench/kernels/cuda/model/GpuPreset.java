package dev.prunebench.kernels.cuda.model;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The parameters of the roofline time estimate for one GPU. Peak FP32, DRAM bandwidth and L2 size are the vendor's
 * published figures (sources in {@code docs/gpu.md}); L2 bandwidth and launch latency are <em>estimates</em> (per-clock
 * L2 widths where a whitepaper gives them, else a stated guess), and are said to be so in {@link #notes()}.
 *
 * @param id          name on the command line and in tables, e.g. {@code gtx950m}
 * @param fp32Gflops  peak FP32 throughput, GFLOP/s (2 × cores × boost clock)
 * @param dramGBs     DRAM bandwidth, GB/s (10^9 bytes per second)
 * @param l2Bytes     L2 capacity, bytes
 * @param l2GBs       L2 load bandwidth, GB/s (an estimate)
 * @param launchNs    time of one kernel launch in a back-to-back batch, ns (an estimate)
 */
public record GpuPreset(String id, String name, double fp32Gflops, double dramGBs, long l2Bytes, double l2GBs, double launchNs, String notes) {

    public GpuPreset {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("preset id: must not be blank");
        positive("fp32Gflops", fp32Gflops);
        positive("dramGBs", dramGBs);
        positive("l2GBs", l2GBs);
        if (l2Bytes < 0) throw new IllegalArgumentException("preset " + id + ": l2Bytes must be >= 0, got " + l2Bytes);
        if (!(launchNs >= 0)) throw new IllegalArgumentException("preset " + id + ": launchNs must be >= 0, got " + launchNs);
    }

    private static void positive(String what, double v) {
        if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException("preset: " + what + " must be finite and > 0, got " + v);
    }

    private static final long MB = 1L << 20;

    /** NVIDIA GeForce GTX 950M (GM107, the paper's GPU) with DDR3, the common configuration: 640 cores at 1124 MHz boost. */
    public static final GpuPreset GTX_950M = new GpuPreset("gtx950m", "GeForce GTX 950M (DDR3)", 2 * 640 * 1.124, 32.0, 2 * MB,
            2 * 64 * 1.124, 5_000, "L2 bandwidth estimated as 128 B/clk at 1124 MHz; launch 5 us estimated");
    /** The same GPU with GDDR5 (80 GB/s); the paper does not say which memory its notebook had. */
    public static final GpuPreset GTX_950M_GDDR5 = new GpuPreset("gtx950m-gddr5", "GeForce GTX 950M (GDDR5)", 2 * 640 * 1.124, 80.0, 2 * MB,
            2 * 64 * 1.124, 5_000, "L2 bandwidth estimated as 128 B/clk at 1124 MHz; launch 5 us estimated");
    /** Tesla V100 SXM2: 15.7 TFLOP/s FP32, 900 GB/s HBM2, 6 MB L2; L2 2048 B/clk (A100 whitepaper's figure for V100) at 1530 MHz. */
    public static final GpuPreset V100 = new GpuPreset("v100", "Tesla V100 SXM2", 15_700, 900, 6 * MB, 2048 * 1.530, 4_000,
            "L2 bandwidth 2048 B/clk x 1530 MHz (theoretical); launch 4 us estimated");
    /** A100 SXM4 40 GB: 19.5 TFLOP/s FP32, 1555 GB/s HBM2, 40 MB L2; L2 5120 B/clk (A100 whitepaper) at 1410 MHz. */
    public static final GpuPreset A100 = new GpuPreset("a100", "A100 SXM4 40GB", 19_500, 1_555, 40 * MB, 5120 * 1.410, 4_000,
            "L2 bandwidth 5120 B/clk x 1410 MHz (theoretical); launch 4 us estimated");
    /**
     * H100 SXM5: 67 TFLOP/s FP32, 3350 GB/s HBM3, 50 MB L2 (52 428 800 bytes as the runtime reports it). L2 bandwidth is
     * not published: A100's 5120 B/clk at 1980 MHz (10.1 TB/s) was a guess a review found 1.3–1.8× too high, so the
     * estimate is that figure / 1.45 (7.0 TB/s) until a calibration ({@link #calibrated}) replaces it.
     */
    public static final GpuPreset H100 = new GpuPreset("h100", "H100 SXM5 80GB", 67_000, 3_350, 50 * MB, 7_000, 4_000,
            "L2 bandwidth estimated 7.0 TB/s (5120 B/clk x 1980 MHz / 1.45; not published, calibrate on the device); launch 4 us estimated");
    /** H200 SXM: the H100's GH100 with 4800 GB/s HBM3e; 67 TFLOP/s FP32; L2 60 MB as read on the machine (the runtime's l2CacheSize). */
    public static final GpuPreset H200 = new GpuPreset("h200", "H200 SXM 141GB", 67_000, 4_800, 60 * MB, 7_000, 4_000,
            "L2 60 MB as the device reports it; L2 bandwidth estimated as H100's 7.0 TB/s (not published, calibrate on the device); launch 4 us estimated");

    public static final List<GpuPreset> ALL = List.of(GTX_950M, GTX_950M_GDDR5, V100, A100, H100, H200);

    /** The preset named {@code id} (case-insensitive). */
    public static GpuPreset named(String id) {
        if (id != null)
            for (GpuPreset p : ALL) if (p.id.equalsIgnoreCase(id.trim())) return p;
        throw new IllegalArgumentException("GPU preset: unknown '" + id + "' (expected one of "
                + ALL.stream().map(GpuPreset::id).toList() + ")");
    }

    /**
     * The preset for a device name as the CUDA runtime reports it (e.g. "NVIDIA H200", "Tesla V100-SXM2-16GB",
     * "NVIDIA GeForce GTX 950M"), to put a measured time beside its roofline bound; empty when none matches.
     */
    public static Optional<GpuPreset> matching(String deviceName) {
        if (deviceName == null) return Optional.empty();
        String d = deviceName.toLowerCase(Locale.ROOT).replace(" ", "");
        for (String[] p : new String[][]{{"gtx950m", "gtx950m"}, {"v100", "v100"}, {"a100", "a100"}, {"h100", "h100"}, {"h200", "h200"}})
            if (d.contains(p[0])) return Optional.of(named(p[1]));
        return Optional.empty();
    }

    /**
     * The preset for a device as its properties read: matched by name ({@link #matching}), with the L2 size the
     * device reports (when it reports one) instead of the datasheet's; {@code sms} is recorded in the notes (the model
     * does not use the SM count yet). Empty when no preset matches the name.
     */
    public static Optional<GpuPreset> forDevice(String deviceName, int sms, long l2Bytes) {
        return matching(deviceName).map(p -> new GpuPreset(p.id, p.name + " as read: " + deviceName, p.fp32Gflops, p.dramGBs,
                l2Bytes > 0 ? l2Bytes : p.l2Bytes, p.l2GBs, p.launchNs, p.notes + "; device: " + sms + " SMs, L2 " + (l2Bytes > 0 ? l2Bytes
                + " bytes (read from the device)" : "from the datasheet")));
    }

    /** This preset with a measured L2 bandwidth and launch time (a calibration run), labelled so in the notes. */
    public GpuPreset calibrated(double l2GBsMeasured, double launchNsMeasured, String how) {
        return new GpuPreset(id, name, fp32Gflops, dramGBs, l2Bytes, l2GBsMeasured, launchNsMeasured, notes + "; " + how);
    }

    /** Picoseconds for {@code flops} at peak FP32. */
    public long computePs(long flops) { return Math.round(flops * 1000.0 / fp32Gflops); }

    /** Picoseconds to move {@code bytes} at DRAM bandwidth. */
    public long dramPs(long bytes) { return Math.round(bytes * 1000.0 / dramGBs); }

    /** Picoseconds to move {@code bytes} at L2 bandwidth. */
    public long l2Ps(long bytes) { return Math.round(bytes * 1000.0 / l2GBs); }

    public long launchPs() { return Math.round(launchNs * 1000.0); }

    @Override public String toString() {
        return String.format(Locale.ROOT, "%s (%s: %.0f GFLOP/s FP32, DRAM %.0f GB/s, L2 %d MB at ~%.0f GB/s, launch ~%.1f us)", id, name,
                fp32Gflops, dramGBs, l2Bytes / MB, l2GBs, launchNs / 1000);
    }
}
