package dev.prunebench.kernels.mcu;

import static dev.prunebench.kernels.mcu.run.Firmware.FLASH_BYTES;
import static dev.prunebench.kernels.mcu.run.Firmware.RAM_BYTES;
import static dev.prunebench.kernels.mcu.run.Firmware.REPS;
import static dev.prunebench.kernels.mcu.run.Firmware.RUNTIME_FLASH;
import static dev.prunebench.kernels.mcu.run.Firmware.RUNTIME_RAM;
import static dev.prunebench.kernels.mcu.run.Firmware.WINDOW;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.ConvKernel;
import dev.prunebench.core.kernel.ConvShape;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.mcu.gen.CGenerator;
import dev.prunebench.kernels.mcu.quant.McuLayer;
import dev.prunebench.kernels.mcu.quant.Precision;
import dev.prunebench.kernels.mcu.quant.Q15;
import dev.prunebench.kernels.mcu.run.CycleModel;
import dev.prunebench.kernels.mcu.run.Firmware;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A Cortex-M4 q15 FC kernel: {@link #prepare} quantises W and X ({@link Q15}), generates the layer's C
 * ({@link CGenerator}), cross-compiles it and runs it once under QEMU ({@link Firmware}, cached by content hash).
 * The prepared kernel is {@link MatMul.Counted} (executed instructions, the cost; estimated cycles; flash and RAM
 * bytes) and {@link MatMul.FixedPoint} (the q15 outputs read back and the Java integer reference, for bit-exact
 * verification); {@link Prepared#result()} is the outputs dequantised. {@link Prepared#run()} replays: the counts
 * of one call are deterministic and the emulator has already run it.
 *
 * <ul>
 *   <li>{@code mcu-q15-dense}: W {@code dense} (a node-pruned layer is a smaller dense one), SMLAD on weight pairs.</li>
 *   <li>{@code mcu-q15-csr}: W {@code csr}, one SMLABB per stored value (Deep Compression's unstructured CSR).</li>
 *   <li>{@code mcu-q15-gcsr}: W {@code gcsr:2} (one SMLAD per kept group: Scalpel's SIMD-aware pruning) or
 *       {@code gcsr:4} (two SMLAD per group); other g refused.</li>
 * </ul>
 * The q7 kernels ({@code mcu-q7-dense}, {@code mcu-q7-csr}, {@code mcu-q7-gcsr}) take the same formats with 8-bit
 * weights, activations and outputs ({@link Precision#Q7}): half the weights' flash. Threads must be 1 (one core).
 * The q15 kernels are also {@link ConvKernel}s: conv layers with W in dense, csr or gcsr:2 run as generated
 * patch-buffer (dense) or direct (sparse) convolutions ({@link McuConvKernel}, docs/mcu.md); the q7 kernels refuse
 * conv layers (they run as im2col + the q7 product).
 */
public final class McuKernel implements MatMul, ConvKernel {
    private final String id;
    private final Precision precision;
    private final McuLayer.Layout[] layouts;

    private McuKernel(String id, Precision precision, McuLayer.Layout... layouts) {
        this.id = id;
        this.precision = precision;
        this.layouts = layouts;
    }

    public static McuKernel dense() { return dense(Precision.Q15); }

    public static McuKernel csr() { return csr(Precision.Q15); }

    public static McuKernel gcsr() { return gcsr(Precision.Q15); }

    /** {@code mcu-q15-dense} or {@code mcu-q7-dense}. */
    public static McuKernel dense(Precision p) { return new McuKernel("mcu-" + p.label() + "-dense", p, McuLayer.Layout.DENSE); }

    public static McuKernel csr(Precision p) { return new McuKernel("mcu-" + p.label() + "-csr", p, McuLayer.Layout.CSR); }

    public static McuKernel gcsr(Precision p) { return new McuKernel("mcu-" + p.label() + "-gcsr", p, McuLayer.Layout.GCSR2, McuLayer.Layout.GCSR4); }

    public Precision precision() { return precision; }

    @Override public String id() { return id; }

    @Override public String backendId() { return "mcu-qemu"; }

    private McuLayer.Layout layoutOf(FormatSpec spec) { return layoutFor(spec, layouts); }

    /** The first of {@code layouts} that reads W in {@code spec}, or null. */
    static McuLayer.Layout layoutFor(FormatSpec spec, McuLayer.Layout... layouts) {
        for (McuLayer.Layout l : layouts) {
            boolean match = switch (l) {
                case DENSE -> spec.kind() == FormatSpec.Kind.DENSE;
                case CSR -> spec.kind() == FormatSpec.Kind.CSR;
                case GCSR2, GCSR4 -> spec.kind() == FormatSpec.Kind.GCSR && spec.g() == l.g;
            };
            if (match) return l;
        }
        return null;
    }

    @Override public boolean supports(FormatSpec spec) { return layoutOf(spec) != null; }

    @Override public String refuses(FormatSpec spec, int n) {
        if (supports(spec)) return null;
        if (layouts[0] == McuLayer.Layout.GCSR2 && spec.kind() == FormatSpec.Kind.GCSR)
            return "takes gcsr:2 (one SMLAD per kept pair) and gcsr:4 (two per group) only, not g = " + spec.g()
                    + " (the Cortex-M4's SIMD is two 16-bit lanes)";
        return MatMul.super.refuses(spec, n);
    }

    @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
        MatMul.checkArguments(this, w, x, n, threads);
        if (threads != 1)
            throw new IllegalArgumentException(id + ": threads must be 1 (the Cortex-M4 has one core), got " + threads);
        McuLayer layer = McuLayer.of(precision, layoutOf(w.spec()), w, x, n);
        checkFits(layer);
        int reps = reps(layer);
        Firmware.Run run = Firmware.buildAndRun(CGenerator.layerSource(layer, reps), layer.rows() * n);
        if (run.wrapped())
            throw new IllegalStateException(id + ": SysTick wrapped while counting " + reps + " calls; the layer is too large to count");
        return new McuPrepared(id, layer, run);
    }

    /**
     * Calls of the layer counted: an upper bound on one call's instructions (measured: dense 1.0–1.1 per MAC, sparse
     * ≤ 4.5 per stored entry plus about 16 per row) keeps {@link Firmware#REPS} calls inside one SysTick window.
     */
    static int reps(McuLayer layer) {
        long est = (long) ((layer.layout() == McuLayer.Layout.DENSE ? 1.25 : 5.0) * layer.executedMacs()) + 40L * layer.rows() * layer.n() + 1000;
        if (layer.precision() == Precision.Q7) est = est * 2 + 3L * layer.xq.length; // q7: SXTB16 per word of W, X widened once
        return (int) Math.max(1, Math.min(REPS, WINDOW / est));
    }

    /** The layer {@link #prepare} builds for this W, X and N (quantised, laid out, checked to fit the board). */
    McuLayer layer(SparseFormat w, float[] x, int n) {
        MatMul.checkArguments(this, w, x, n, 1);
        McuLayer layer = McuLayer.of(precision, layoutOf(w.spec()), w, x, n);
        checkFits(layer);
        return layer;
    }

    @Override public String refusesConv(FormatSpec spec, ConvShape shape) { return McuConvKernel.refuses(this, precision, spec, shape); }

    @Override public Prepared prepareConv(SparseFormat w, ConvShape shape, float[] input, int threads) {
        return McuConvKernel.prepare(this, w, shape, input, threads);
    }

    /** Refuses a layer whose weights and code do not fit the board's 4 MB flash, or whose activations its 4 MB RAM. */
    private void checkFits(McuLayer l) {
        long xBytes = (long) l.precision.bytes() * l.xq.length;
        long flash = l.weightBytes() + xBytes + RUNTIME_FLASH;
        long ram = l.activationBytes() + RUNTIME_RAM;
        if (ram > RAM_BYTES)
            throw new IllegalArgumentException(id + ": the layer's activations do not fit the Cortex-M4's RAM: X and Y "
                    + l.activationBytes() + " bytes + about " + RUNTIME_RAM + " for stack and runtime = " + ram + " > "
                    + RAM_BYTES + " bytes (mps2-an386)");
        if (flash > FLASH_BYTES)
            throw new IllegalArgumentException(id + ": the layer does not fit the Cortex-M4's flash: weights, indices and pointers "
                    + l.weightBytes() + " bytes + X's initial values " + xBytes + " + about " + RUNTIME_FLASH
                    + " for code and runtime = " + flash + " > " + FLASH_BYTES + " bytes (mps2-an386)");
    }

    /** The prepared kernel: the emulator's run, replayed. */
    static final class McuPrepared implements Counted, FixedPoint {
        private final String id;
        private final McuLayer layer;
        private final Firmware.Run run;
        private final Counts counts;

        McuPrepared(String id, McuLayer layer, Firmware.Run run) {
            this.id = id;
            this.layer = layer;
            this.run = run;
            long instructions = run.instructions();
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("instructions", instructions);
            c.put("cycles_estimated", CycleModel.estimate(layer, instructions));
            c.put("flash_bytes", layerFlash());
            c.put("ram_bytes", sym("X") + sym("Y") + sym("XW"));
            c.put("firmware_flash_bytes", run.flashBytes());
            c.put("macs", layer.executedMacs());
            this.counts = new Counts(c, "instructions");
        }

        private long sym(String name) { return run.symbolSizes().getOrDefault(name, 0L); }

        /** The layer's own flash: its code ({@code layer}) and W's values, indices and pointers. */
        long layerFlash() { return sym("layer") + sym("W_vals") + sym("W_idx") + sym("W_ptr"); }

        McuLayer layer() { return layer; }

        Firmware.Run firmwareRun() { return run; }

        @Override public void run() {}

        @Override public float[] result() { return layer.dequantise(run.outputs()); }

        @Override public int[] rawResult() { return run.outputs().clone(); }

        @Override public int[] integerReference() { return layer.reference(); }

        @Override public Counts counts() { return counts; }

        @Override public String variant() {
            String v = layer.layout() == McuLayer.Layout.GCSR2 ? "g=2" : layer.layout() == McuLayer.Layout.GCSR4 ? "g=4" : "";
            if (!run.exact()) v += (v.isEmpty() ? "" : ", ") + String.format(Locale.ROOT, "instructions ±%.1f", run.resolution());
            return v;
        }

        @Override public void close() {}

        @Override public String toString() { return id + "[" + layer.rows() + "x" + layer.cols() + ", n=" + layer.n() + "]"; }
    }
}
