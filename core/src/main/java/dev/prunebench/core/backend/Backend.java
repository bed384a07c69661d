package dev.prunebench.core.backend;

import dev.prunebench.core.kernel.MatMul;
import java.util.List;
import java.util.Locale;

/**
 * A place kernels run: cpu-vector, cpu-scalar, mkl, openblas, cuda, mcu-qemu, …
 * Implementations live in the kernel modules; each probes its own environment (libraries, devices, emulators)
 * and never assumes it. {@link #probe()} must not throw: any failure becomes {@link Availability#no(String)}.
 *
 * <p>A backend declares its kernels ({@link #kernels()}); the {@link KernelRegistry} asks for them only after the
 * probe answered available, so a backend's kernel classes are never touched on a machine that cannot run them.
 */
public interface Backend {
    /** Where a backend's numbers come from. */
    enum Provenance {
        /** timed on the hardware itself */
        MEASURED,
        /** counted on an emulator of the hardware (QEMU) */
        EMULATED,
        /** computed by a model of the hardware (a memory-access model) */
        MODELLED;

        /** The word tables and plots print: {@code measured}, {@code emulated}, {@code modelled}. */
        public String label() { return name().toLowerCase(Locale.ROOT); }
    }

    /** Stable id used in tables and on the command line, e.g. {@code mkl}. */
    String id();

    /** One line on what this backend is, e.g. "Intel MKL 2025.0 via bytedeco, cblas + sparse BLAS". */
    String description();

    /** Probes the environment; cheap enough to call once per run, never throws. */
    Availability probe();

    /**
     * The platform its kernels run on: {@code cpu}, {@code gpu}, {@code mcu}. A speedup is always taken over the
     * fastest dense kernel of the same platform.
     */
    default String platform() { return "cpu"; }

    /** Whether its numbers are measured on the hardware, counted on an emulator or computed by a model. */
    default Provenance provenance() { return Provenance.MEASURED; }

    /**
     * A reference implementation (the scalar kernels): used to check the others, never as a baseline, since no user
     * would run it for speed.
     */
    default boolean referenceOnly() { return false; }

    /**
     * Whether its kernels run only when asked for by id or backend: kernels generated for one matrix, whose set-up
     * (generation and waiting for the JIT) takes seconds to minutes per matrix, are not swept as one more of a
     * platform's kernels by experiments that try them all; {@code spmm} and the experiments built for them name them.
     */
    default boolean onRequest() { return false; }

    /** Whether a result from this backend is modelled or emulated rather than measured on the hardware. */
    default boolean modelled() { return provenance() != Provenance.MEASURED; }

    /**
     * The kernels of this backend. Called only after {@link #probe()} answered available; may throw (a missing native
     * library), which the registry records as the backend's reason. An empty list means "no kernels built".
     */
    default List<MatMul> kernels() { return List.of(); }
}
