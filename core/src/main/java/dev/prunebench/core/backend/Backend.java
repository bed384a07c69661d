package dev.prunebench.core.backend;

/**
 * A place kernels run: cpu-vector, cpu-scalar, mkl, openblas, cuda, mcu-qemu, …
 * Implementations live in the kernel modules; each probes its own environment (libraries, devices, emulators)
 * and never assumes it. {@link #probe()} must not throw: any failure becomes {@link Availability#no(String)}.
 */
public interface Backend {
    /** Stable id used in tables and on the command line, e.g. {@code mkl}. */
    String id();

    /** One line on what this backend is, e.g. "Intel MKL 2025.0 via bytedeco, cblas + sparse BLAS". */
    String description();

    /** Probes the environment; cheap enough to call once per run, never throws. */
    Availability probe();

    /** Whether a result measured on this backend is modelled (a model of hardware) rather than measured on it. */
    default boolean modelled() { return false; }
}
