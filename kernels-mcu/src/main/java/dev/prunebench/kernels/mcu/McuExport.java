package dev.prunebench.kernels.mcu;

import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.kernels.mcu.gen.CGenerator;
import dev.prunebench.kernels.mcu.quant.McuLayer;
import dev.prunebench.kernels.mcu.quant.Precision;
import dev.prunebench.kernels.mcu.run.Firmware;
import dev.prunebench.kernels.mcu.run.Toolchain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Cortex-M4 layer as it ships: the generated {@code layer.c} that {@link McuKernel#prepare} compiles and counts
 * (the same call, {@link CGenerator#layerSource} of the same {@link McuLayer} and repetitions, so the bytes are
 * identical and the instruction count is the shipped code's), a header declaring it, and the measuring harness
 * ({@code main.c}, {@code startup.c}, {@code link.ld}: a {@code main} that runs the layer, prints Y and counts its
 * instructions on {@code mps2-an386}). Built by {@code arm-none-eabi-gcc} alone with {@link #CFLAGS}.
 * Also the layer's arrays as the kernel reads them (values in kernel order, indices and pointers at the generator's
 * widths, the exponents).
 */
public final class McuExport {
    /** The compiler flags of the measurement ({@link Firmware#CFLAGS}). */
    public static final List<String> CFLAGS = Firmware.CFLAGS;

    private final McuKernel kernel;
    private final McuLayer layer;
    private final int reps;
    private final String source;

    private McuExport(McuKernel kernel, McuLayer layer) {
        this.kernel = kernel;
        this.layer = layer;
        this.reps = McuKernel.reps(layer);
        this.source = CGenerator.layerSource(layer, reps);
    }

    /**
     * The layer {@code mcu-<p>-<format>} builds for W (dense, csr, gcsr:2 or gcsr:4) and X (K × n, row-major);
     * refuses what that kernel refuses (other formats, a layer that does not fit the board).
     */
    public static McuExport of(Precision p, SparseFormat w, float[] x, int n) {
        McuKernel k = switch (w.spec().kind()) {
            case DENSE -> McuKernel.dense(p);
            case CSR -> McuKernel.csr(p);
            case GCSR -> McuKernel.gcsr(p);
            default -> null;
        };
        if (k == null || !k.supports(w.spec()))
            throw new IllegalArgumentException("--format " + w.spec() + ": the Cortex-M4 kernels take dense, csr, gcsr:2 and gcsr:4 "
                    + "(the SIMD is two 16-bit lanes)");
        return new McuExport(k, k.layer(w, x, n));
    }

    /** The kernel id that measures this layer, e.g. {@code mcu-q15-gcsr}. */
    public String kernelId() { return kernel.id(); }

    /** The generated layer source, byte for byte what the measurement compiled. */
    public String layerSource() { return source; }

    /** The measuring harness's fixed files, as the measurement compiles them. */
    public static Map<String, byte[]> harness() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try {
            for (String f : Firmware.FIXED) m.put(f, Firmware.resource(f));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /** {@code layer.h}: the layer's entry point, its arrays and constants, for a caller of {@code layer()}. */
    public String header() {
        boolean q7 = layer.precision == Precision.Q7;
        String v = q7 ? "int8_t" : "int16_t";
        StringBuilder s = new StringBuilder();
        s.append("/* prunebench export: ").append(kernel.id()).append(" layer, W ").append(layer.rows).append('x').append(layer.cols)
                .append(", N = ").append(layer.n).append(". Declarations of layer.c (generated; do not edit).\n")
                .append(" * Y = requant(W . X): X is N columns of XSTRIDE ").append(layer.precision.label())
                .append(" values (X[n * XSTRIDE + k] = x_k * 2^").append(layer.expX).append("),\n")
                .append(" * W's values are w * 2^").append(layer.expW).append(", Y (M x N row-major) is y * 2^")
                .append(layer.expW + layer.expX - layer.shift).append(". */\n");
        s.append("#ifndef PRUNEBENCH_LAYER_H\n#define PRUNEBENCH_LAYER_H\n#include <stdint.h>\n\n");
        s.append("#define LAYER_M ").append(layer.rows).append("u\n#define LAYER_K ").append(layer.cols).append("u\n#define LAYER_N ")
                .append(layer.n).append("u\n#define LAYER_XSTRIDE ").append(layer.xStride).append("u\n");
        s.append("#define LAYER_EXP_W ").append(layer.expW).append("\n#define LAYER_EXP_X ").append(layer.expX)
                .append("\n#define LAYER_SHIFT ").append(layer.shift).append("\n#define LAYER_EXP_Y ")
                .append(layer.expW + layer.expX - layer.shift).append("\n\n");
        s.append("extern const uint32_t LAYER_OUTPUTS, LAYER_REPS;\n");
        s.append("extern const ").append(v).append(" W_vals[];\n");
        if (layer.idx != null) {
            s.append("extern const ").append(CGenerator.ctype(layer.indexWidth())).append(" W_idx[];\n");
            s.append("extern const ").append(CGenerator.ctype(layer.pointerWidth())).append(" W_ptr[];\n");
        }
        s.append("extern ").append(v).append(" X[];\n");
        s.append("extern ").append(v).append(" Y[];\n\n");
        s.append("/* Computes Y from X. */\nvoid layer(void);\n\n#endif\n");
        return s.toString();
    }

    /** W's values in the order the kernel loads them: q15 as int16 little-endian bytes, q7 as int8. */
    public byte[] valueBytes() {
        if (layer.precision == Precision.Q7) return layer.q7Values();
        ByteBuffer b = ByteBuffer.allocate(2 * layer.wq.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : layer.wq) b.putShort(v);
        return b.array();
    }

    /** Column (csr) or group (gcsr) indices; null for dense. */
    public int[] indices() { return layer.idx == null ? null : layer.idx.clone(); }

    /** Row pointers (counting stored entries: non-zeros or groups); null for dense. */
    public int[] pointers() { return layer.ptr == null ? null : layer.ptr.clone(); }

    public int indexWidth() { return layer.idx == null ? 0 : layer.indexWidth(); }

    public int pointerWidth() { return layer.idx == null ? 0 : layer.pointerWidth(); }

    public McuLayer layer() { return layer; }

    /** The q15/q7 outputs by the kernel's integer arithmetic (what the firmware must print). */
    public int[] reference() { return layer.reference(); }

    /**
     * Compiles the files in {@code dir} ({@code startup.c main.c layer.c link.ld}, as exported) with {@link #CFLAGS}
     * and runs the firmware under QEMU as the measurement does: the outputs and the instruction counts it printed.
     */
    public static Firmware.Run buildAndRunFolder(Path dir, int outputs) throws IOException {
        Toolchain tc = Toolchain.require();
        List<String> cmd = new ArrayList<>();
        cmd.add(tc.gcc().toString());
        cmd.addAll(CFLAGS);
        cmd.addAll(List.of("startup.c", "main.c", "layer.c", "-o", "firmware.elf"));
        String cc = Firmware.exec(cmd, dir, 300);
        if (!Files.isRegularFile(dir.resolve("firmware.elf"))) throw new IllegalStateException("exported C did not compile: " + Firmware.tail(cc));
        String run = Firmware.exec(List.of(tc.qemu().toString(), "-M", "mps2-an386", "-nographic", "-monitor", "none",
                "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-kernel", "firmware.elf"), dir, Firmware.RUN_TIMEOUT_S);
        Files.writeString(dir.resolve("run.txt"), run, StandardCharsets.UTF_8);
        return Firmware.parse(run, outputs, dir, Firmware.symbolSizes(tc, dir.resolve("firmware.elf")));
    }

    /** Whether the cross-compiler and emulator are on PATH. */
    public static boolean toolsPresent() { return Toolchain.find() != null; }
}
