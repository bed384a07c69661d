package dev.prunebench.kernels.cpu.scalar;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.kernel.MatMul;
import java.util.List;
import java.util.Optional;

/**
 * The plain-Java reference kernels (backend {@code cpu-scalar}): one per format, written as the textbook loop so a
 * reader can check them by eye, and multithreaded the same way as the vector kernels (rows split by stored entries
 * over a fixed pool). They run on any JVM.
 *
 * <p>Kernel ids: {@code dense-scalar}, {@code csr-scalar}, {@code gcsr-scalar} (any g), {@code nm-scalar} (any N:M).
 * A node-pruned layer is a smaller {@code Dense} and runs on {@code dense-scalar}.
 */
public final class ScalarKernels {
    public static final String BACKEND_ID = "cpu-scalar";

    private static final List<MatMul> ALL = List.of(new DenseScalar(), new CsrScalar(), new GroupedCsrScalar(), new NmScalar());

    private ScalarKernels() {}

    /** Every scalar kernel, one per format. */
    public static List<MatMul> all() { return ALL; }

    /** The kernel with this id, e.g. {@code csr-scalar}. */
    public static Optional<MatMul> kernel(String id) {
        return ALL.stream().filter(k -> k.id().equals(id)).findFirst();
    }

    /** Always available: plain Java. */
    public static Availability availability() { return Availability.yes("plain Java loops, any JVM"); }

    /** The backend, for listings. */
    public static Backend backend() { return BACKEND; }

    private static final Backend BACKEND = new Backend() {
        @Override public String id() { return BACKEND_ID; }

        @Override public List<MatMul> kernels() { return ALL; }

        @Override public boolean referenceOnly() { return true; }

        @Override public String description() { return "plain-Java reference kernels (dense, csr, gcsr:G, nm:N:M), row-parallel"; }

        @Override public Availability probe() { return availability(); }

        @Override public String toString() { return id() + ": " + probe(); }
    };
}
