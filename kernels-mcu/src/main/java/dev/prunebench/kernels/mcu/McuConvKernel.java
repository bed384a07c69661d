package dev.prunebench.kernels.mcu;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.ConvKernel;
import dev.prunebench.core.kernel.ConvShape;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.mcu.gen.ConvGenerator;
import dev.prunebench.kernels.mcu.quant.McuConv;
import dev.prunebench.kernels.mcu.quant.Precision;
import dev.prunebench.kernels.mcu.run.CycleModel;
import dev.prunebench.kernels.mcu.run.Firmware;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The conv side of the Cortex-M4 kernels (each FC kernel of this package is a {@link ConvKernel} too): a conv layer with W in
 * {@code dense}, {@code csr} or {@code gcsr:2} is quantised ({@link McuConv}), generated ({@link ConvGenerator}), built
 * and run once under QEMU ({@link Firmware}, the FC kernels' harness and cache), and counted like an FC layer.
 * {@code gcsr:4} is refused for conv (not generated).
 */
final class McuConvKernel {
    private McuConvKernel() {}

    static McuConv.Layout layoutFor(FormatSpec spec) {
        return switch (spec.kind()) {
            case DENSE -> McuConv.Layout.DENSE;
            case CSR -> McuConv.Layout.CSR;
            case GCSR -> spec.g() == 2 ? McuConv.Layout.GCSR2 : null;
            default -> null;
        };
    }

    static String refuses(MatMul k, Precision precision, FormatSpec spec, ConvShape shape) {
        if (spec == null) return "no format given";
        if (shape == null) return "no conv shape given";
        if (precision != Precision.Q15)
            return "generates conv layers in q15 only, not " + precision.label() + " (a " + precision.label() + " conv runs as im2col + the product)";
        if (!k.supports(spec)) return k.refuses(spec, shape.pixels());
        McuConv.Layout l = layoutFor(spec);
        if (l == null) return "generates conv layers for dense, csr and gcsr:2 only, not " + spec;
        return l == McuConv.Layout.DENSE ? ConvGenerator.refusesDense(shape) : l == McuConv.Layout.GCSR2 ? ConvGenerator.refusesPairs(shape) : null;
    }

    static <K extends MatMul & ConvKernel> MatMul.Prepared prepare(K k, SparseFormat w, ConvShape shape, float[] input, int threads) {
        String id = k.id();
        ConvKernel.checkConvArguments(id, k, w, shape, input);
        if (threads != 1) throw new IllegalArgumentException(id + ": threads must be 1 (the Cortex-M4 has one core), got " + threads);
        McuConv l = McuConv.of(layoutFor(w.spec()), w, shape, input);
        checkFits(id, l);
        long outputs = (long) shape.outChannels() * shape.pixels();
        // an upper bound on one call's instructions (dense ≤ 1.25 per MAC + ≤ 2 per patch value copied; sparse ≤ 5 per
        // entry), so that REPS calls stay inside one SysTick window
        long est = l.layout == McuConv.Layout.DENSE
                ? (long) (1.25 * l.executedMacs()) + (2L * shape.patch() + 8L * shape.inChannels() + 20) * shape.pixels() + 30L * outputs + 1000
                : (long) (5.0 * l.executedMacs()) + 50L * outputs + 1000;
        int reps = (int) Math.max(1, Math.min(Firmware.REPS, Firmware.WINDOW / est));
        Firmware.Run run = Firmware.buildAndRun(ConvGenerator.layerSource(l, reps), (int) outputs);
        if (run.wrapped())
            throw new IllegalStateException(id + ": SysTick wrapped while counting " + reps + " calls; the conv layer is too large to count");
        return new Prepared(id, l, run);
    }

    /** Refuses a layer whose weights do not fit the board's flash, or whose input, output and patch buffer or pair image its RAM. */
    private static void checkFits(String id, McuConv l) {
        long flash = l.weightBytes() + 2L * l.xq.length + Firmware.RUNTIME_FLASH;
        long ram = l.activationBytes() + Firmware.RUNTIME_RAM;
        if (ram > Firmware.RAM_BYTES)
            throw new IllegalArgumentException(id + ": the conv layer " + l.shape + " does not fit the Cortex-M4's RAM: input, output and patch buffer or pair image "
                    + l.activationBytes() + " bytes + about " + Firmware.RUNTIME_RAM + " for stack and runtime = " + ram + " > "
                    + Firmware.RAM_BYTES + " bytes (mps2-an386)");
        if (flash > Firmware.FLASH_BYTES)
            throw new IllegalArgumentException(id + ": the conv layer " + l.shape + " does not fit the Cortex-M4's flash: weights, offsets and pointers "
                    + l.weightBytes() + " bytes + the input's initial values " + 2L * l.xq.length + " + about " + Firmware.RUNTIME_FLASH
                    + " for code and runtime = " + flash + " > " + Firmware.FLASH_BYTES + " bytes (mps2-an386)");
    }

    /**
     * The cycle estimate of a conv call: the inner loops of {@link ConvGenerator} with {@link CycleModel}'s timings
     * (loads 2 cycles, 1 when pipelined after another load; stores 1 after a load; +1 for each unaligned word access,
     * which the Cortex-M4 splits into two bus transfers — the parity of every address is known at generation), every
     * other executed instruction {@value CycleModel#OTHER_CYCLES_PER_INSTRUCTION} cycles.
     */
    static long[] inner(McuConv l) {
        ConvShape s = l.shape;
        int k = s.kernel(), oh = s.outH(), ow = s.outW(), m = s.outChannels(), hw = s.inH() * s.inW();
        long ins = 0, cyc = 0;
        switch (l.layout) {
            case DENSE -> {
                int pairs = l.kp / 2, q = pairs / 4, t = pairs % 4;
                long dotI = 8L * q + 3L * t, dotC = loop(q, 5 + 5 + 4 + 1) + 4L * t;
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        for (int c = 0; c < s.inChannels(); c++) {
                            int base = c * hw + oy * s.inW() + ox;
                            for (int ky = 0; ky < k; ky++) {
                                for (int x = 0; x + 1 < k; x += 2) {
                                    ins += 2;
                                    cyc += 2 + 1 + ((base + ky * s.inW() + x) & 1) + ((c * k * k + ky * k + x) & 1);
                                }
                                if (k % 2 == 1) { ins += 2; cyc += 3; }
                            }
                            if (s.inChannels() > 1) { ins += 4; cyc += 3 + (c + 1 < s.inChannels() ? 3 : 1); }
                        }
                        ins += dotI * m;
                        cyc += dotC * m;
                    }
            }
            case CSR, GCSR2 -> {
                for (int r = 0; r < m; r++) {
                    long[] a = sparseRow(l.ptr[r + 1] - l.ptr[r]);
                    ins += a[0] * s.pixels();
                    cyc += a[1] * s.pixels();
                }
                if (l.layout == McuConv.Layout.GCSR2) {
                    // the pair image: P per value ldr (2, +1 unaligned at odd values) + str (1); S per value ldrh, ldrh,
                    // orr, str (2 + 1 + 1 + 1); four per loop iteration + subs; bne
                    int n = s.inputSize();
                    ins += copyInstructions(n, 2);
                    cyc += copyCycles(n, 3) + n / 2;
                    if (l.rowPairs) {
                        ins += copyInstructions(n - l.d, 4);
                        cyc += copyCycles(n - l.d, 5);
                    }
                }
            }
        }
        return new long[] {ins, cyc};
    }

    /**
     * One sparse row of {@code count} entries at one pixel: instructions and cycles. An entry is three loads back to
     * back (2 + 1 + 1 cycles) and a MAC (1): 5 cycles, 4 instructions; four per loop iteration, then subs; bne.
     */
    private static long[] sparseRow(int count) {
        int q = count / 4;
        boolean two = (count & 2) != 0, one = (count & 1) != 0;
        return new long[] {18L * q + (two ? 8 : 0) + (one ? 4 : 0), loop(q, 4 * 5 + 1) + (two ? 10 : 0) + (one ? 5 : 0)};
    }

    private static long loop(long trips, long body) { return trips == 0 ? 0 : trips * (body + 3) - 2; }

    private static long copyInstructions(int count, int perValue) { return (long) perValue * count + 2L * (count / 4); }

    private static long copyCycles(int count, int perValue) { return loop(count / 4, 4L * perValue + 1) + (long) perValue * (count % 4); }

    static long cycles(McuConv l, long measured) {
        long[] in = inner(l);
        return in[1] + Math.round(Math.max(0, measured - in[0]) * CycleModel.OTHER_CYCLES_PER_INSTRUCTION);
    }

    /** The prepared conv kernel: the emulator's run, replayed. */
    static final class Prepared implements MatMul.Counted, MatMul.FixedPoint {
        private final String id;
        private final McuConv layer;
        private final Firmware.Run run;
        private final MatMul.Counts counts;

        Prepared(String id, McuConv layer, Firmware.Run run) {
            this.id = id;
            this.layer = layer;
            this.run = run;
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("instructions", run.instructions());
            c.put("cycles_estimated", cycles(layer, run.instructions()));
            c.put("flash_bytes", layerFlash());
            c.put("ram_bytes", sym("X") + sym("Y") + sym("PATCH") + sym("PS"));
            c.put("firmware_flash_bytes", run.flashBytes());
            c.put("macs", layer.executedMacs());
            this.counts = new MatMul.Counts(c, "instructions");
        }

        private long sym(String name) { return run.symbolSizes().getOrDefault(name, 0L); }

        /** The layer's own flash: its code and W's values, offsets and pointers. */
        long layerFlash() {
            long b = 0;
            for (String s : new String[] {"layer", "W_vals", "W_idx", "W_ptr"}) b += sym(s);
            return b;
        }

        McuConv layer() { return layer; }

        Firmware.Run firmwareRun() { return run; }

        @Override public void run() {}

        @Override public float[] result() { return layer.dequantise(run.outputs()); }

        @Override public int[] rawResult() { return run.outputs().clone(); }

        @Override public int[] integerReference() { return layer.reference(); }

        @Override public MatMul.Counts counts() { return counts; }

        @Override public String variant() {
            String v = switch (layer.layout()) {
                case DENSE -> "conv, patch buffer";
                case CSR -> "conv, direct";
                case GCSR2 -> "conv, direct, g=2";
            };
            if (!run.exact()) v += String.format(Locale.ROOT, ", instructions ±%.1f", run.resolution());
            return v;
        }

        @Override public void close() {}

        @Override public String toString() { return id + "[conv " + layer.shape() + "]"; }
    }
}
