package dev.prunebench.kernels.mcu;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.mcu.quant.McuLayer;
import dev.prunebench.kernels.mcu.quant.Precision;
import dev.prunebench.kernels.mcu.quant.Q15;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The Cortex-M4 kernels' fixed-point arithmetic in Java: the same quantisation, layouts and integer arithmetic as
 * {@link McuKernel} ({@link McuLayer}, {@link Q15}, {@link Precision}), computed on the host instead of under QEMU. The
 * emulated kernels are verified bit for bit against exactly this computation, so its outputs are the board's outputs;
 * it counts nothing and is never timed or used as a baseline. Two kernels: {@value #ID} (q15) and {@value #Q7_ID} (q7).
 *
 * <p>It exists to run what the emulator cannot afford: a quantised network over the whole MNIST test set (the accuracy
 * the microcontroller would reach), where QEMU would need one firmware build and boot per image. {@link Prepared#run()}
 * reads the bound X in place and quantises it on every call. Scales, per layer ({@link Scaled}): by default chosen for
 * the input at hand, as the generated code is generated for the input it is given (per image at batch 1); or fixed,
 * calibrated once over calibration inputs ({@link Scaled#calibrate()}, then {@link Scaled#fix()}), as a deployed model
 * runs — inputs beyond the calibrated range then saturate.
 */
public final class Q15Reference implements MatMul {
    /** The backend of the reference: always available (no tools needed), platform {@code mcu}, reference only. */
    public static final class JavaBackend implements Backend {
        @Override public String id() { return BACKEND_ID; }

        @Override public String description() {
            return "the Cortex-M4 kernels' q15 and q7 arithmetic in Java (bit-exact with mcu-qemu's outputs; for accuracy over a test set, never timed)";
        }

        @Override public Availability probe() { return Availability.yes("pure Java"); }

        @Override public String platform() { return "mcu"; }

        /** Its outputs are a model of the board's arithmetic, not a run on it. */
        @Override public Provenance provenance() { return Provenance.MODELLED; }

        @Override public boolean referenceOnly() { return true; }

        @Override public List<MatMul> kernels() { return List.of(new Q15Reference(), new Q15Reference(Precision.Q7)); }
    }

    public static final String ID = "mcu-q15-reference", Q7_ID = "mcu-q7-reference", BACKEND_ID = "mcu-q15-java";

    /** How a prepared reference layer chooses its scales. */
    public enum Mode {
        /** X's exponent and the output shift chosen for each input (the default). */
        PER_INPUT,
        /** As {@link #PER_INPUT}, recording each input's largest |x| and largest output for {@link Scaled#fix()}. */
        CALIBRATING,
        /** The calibrated scales, fixed: inputs beyond them saturate. */
        FIXED
    }

    /**
     * A prepared reference layer whose scales can be calibrated and fixed. Calibration statistic: the maximum over the
     * calibration inputs of max |x| and of max |output| (real units); {@link McuLayer.Scales#calibrated} turns them into
     * X's exponent and the shift.
     */
    public interface Scaled extends FixedPoint {
        Mode mode();

        /** Starts (or restarts) recording: per-input scales, statistics collected from every following run. */
        void calibrate();

        /**
         * Fixes the scales from what calibration recorded; later runs use them.
         *
         * @throws IllegalStateException when no run was recorded since {@link #calibrate()}
         */
        McuLayer.Scales fix();

        /** Back to per-input scales (the statistics are dropped). */
        void perInput();

        /** The fixed scales, or null when not fixed. */
        McuLayer.Scales scales();

        /** Outputs of the last run that sit at the precision's saturation bounds. */
        int saturatedOutputs();
    }

    private final Precision precision;

    public Q15Reference() { this(Precision.Q15); }

    public Q15Reference(Precision precision) { this.precision = Objects.requireNonNull(precision, "precision"); }

    public Precision precision() { return precision; }

    @Override public String id() { return precision == Precision.Q15 ? ID : Q7_ID; }

    @Override public String backendId() { return BACKEND_ID; }

    @Override public boolean supports(FormatSpec spec) { return McuKernel.layoutFor(spec, McuLayer.Layout.values()) != null; }

    @Override public String refuses(FormatSpec spec, int n) {
        if (supports(spec)) return null;
        return "takes the Cortex-M4 kernels' formats only (dense, csr, gcsr:2, gcsr:4), not " + spec;
    }

    @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
        MatMul.checkArguments(this, w, x, n, threads);
        McuLayer.Layout layout = McuKernel.layoutFor(w.spec(), McuLayer.Layout.values());
        return new Scaled() {
            private McuLayer last;
            private Mode mode = Mode.PER_INPUT;
            private McuLayer.Scales fixed;
            private double maxAbsX, maxAbsOut;
            private int recorded;

            @Override public void run() {
                last = McuLayer.of(precision, layout, w, x, n, mode == Mode.FIXED ? fixed : null);
                if (mode == Mode.CALIBRATING) {
                    maxAbsX = Math.max(maxAbsX, Q15.maxAbs(x));
                    maxAbsOut = Math.max(maxAbsOut, last.maxAbsOutput());
                    recorded++;
                }
            }

            private McuLayer layer() {
                if (last == null) run();
                return last;
            }

            @Override public Mode mode() { return mode; }

            @Override public void calibrate() {
                mode = Mode.CALIBRATING;
                fixed = null;
                maxAbsX = maxAbsOut = 0;
                recorded = 0;
            }

            @Override public McuLayer.Scales fix() {
                if (mode != Mode.CALIBRATING || recorded == 0)
                    throw new IllegalStateException(id() + ": fix() needs calibration runs first (mode " + mode + ", " + recorded + " recorded)");
                fixed = McuLayer.Scales.calibrated(precision, layer().expW(), maxAbsX, maxAbsOut);
                mode = Mode.FIXED;
                return fixed;
            }

            @Override public void perInput() {
                mode = Mode.PER_INPUT;
                fixed = null;
                recorded = 0;
            }

            @Override public McuLayer.Scales scales() { return fixed; }

            @Override public int saturatedOutputs() {
                int c = 0;
                for (int v : layer().y) if (v == precision.max || v == precision.min) c++;
                return c;
            }

            @Override public float[] result() { McuLayer l = layer(); return l.dequantise(l.reference()); }

            @Override public int[] rawResult() { return layer().reference(); }

            @Override public int[] integerReference() { return layer().reference(); }

            @Override public String variant() { return layout == McuLayer.Layout.DENSE ? "" : layout.name().toLowerCase(Locale.ROOT); }

            @Override public void close() {}
        };
    }
}
