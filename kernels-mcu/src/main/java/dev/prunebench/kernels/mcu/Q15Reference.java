package dev.prunebench.kernels.mcu;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import java.util.List;

/**
 * The Cortex-M4 kernels' q15 arithmetic in Java: the same quantisation, layouts and integer arithmetic as
 * {@link McuKernel} ({@link McuLayer}, {@link Q15}), computed on the host instead of under QEMU. The emulated kernels
 * are verified bit for bit against exactly this computation, so its outputs are the board's outputs; it counts nothing
 * and is never timed or used as a baseline.
 *
 * <p>It exists to run what the emulator cannot afford: a q15 network over the whole MNIST test set (the accuracy the
 * microcontroller would reach), where QEMU would need one firmware build and boot per image. {@link Prepared#run()}
 * reads the bound X in place and quantises it on every call, as the generated code is generated for the input it is
 * given: power-of-two scales per tensor chosen for that input (per image at batch 1).
 */
public final class Q15Reference implements MatMul {
    /** The backend of the reference: always available (no tools needed), platform {@code mcu}, reference only. */
    public static final class JavaBackend implements Backend {
        @Override public String id() { return BACKEND_ID; }

        @Override public String description() {
            return "the Cortex-M4 kernels' q15 arithmetic in Java (bit-exact with mcu-qemu's outputs; for accuracy over a test set, never timed)";
        }

        @Override public Availability probe() { return Availability.yes("pure Java"); }

        @Override public String platform() { return "mcu"; }

        /** Its outputs are a model of the board's arithmetic, not a run on it. */
        @Override public Provenance provenance() { return Provenance.MODELLED; }

        @Override public boolean referenceOnly() { return true; }

        @Override public List<MatMul> kernels() { return List.of(new Q15Reference()); }
    }

    public static final String ID = "mcu-q15-reference", BACKEND_ID = "mcu-q15-java";

    @Override public String id() { return ID; }

    @Override public String backendId() { return BACKEND_ID; }

    @Override public boolean supports(FormatSpec spec) { return McuKernel.layoutFor(spec, McuLayer.Layout.values()) != null; }

    @Override public String refuses(FormatSpec spec, int n) {
        if (supports(spec)) return null;
        return "takes the Cortex-M4 kernels' formats only (dense, csr, gcsr:2, gcsr:4), not " + spec;
    }

    @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
        MatMul.checkArguments(this, w, x, n, threads);
        McuLayer.Layout layout = McuKernel.layoutFor(w.spec(), McuLayer.Layout.values());
        return new FixedPoint() {
            private McuLayer last;

            @Override public void run() { last = McuLayer.of(layout, w, x, n); }

            private McuLayer layer() {
                if (last == null) run();
                return last;
            }

            @Override public float[] result() { McuLayer l = layer(); return l.dequantise(l.reference()); }

            @Override public int[] rawResult() { return layer().reference(); }

            @Override public int[] integerReference() { return layer().reference(); }

            @Override public String variant() { return layout == McuLayer.Layout.DENSE ? "" : layout.name().toLowerCase(java.util.Locale.ROOT); }

            @Override public void close() {}
        };
    }
}
