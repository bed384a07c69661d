package dev.prunebench.kernels.cpu.generated;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.vector.VectorKernels;
import java.util.List;

/**
 * Backend {@code cpu-generated}: kernels whose code is generated for one sparsity pattern at prepare time
 * ({@link SpmmGenerator}, ASM, hidden classes, Vector API). Available exactly when the Vector API is
 * ({@link VectorKernels#availability()}: module readable, C2 on) and ASM loads.
 */
public final class GeneratedKernels {
    public static final String BACKEND_ID = "cpu-generated";

    private static final List<MatMul> ALL = List.of(new GeneratedCsr());

    private GeneratedKernels() {}

    public static List<MatMul> all() { return ALL; }

    public static Availability availability() {
        Availability v = VectorKernels.availability();
        if (!v.available()) return v;
        try {
            Class.forName("org.objectweb.asm.ClassWriter");
        } catch (ClassNotFoundException | LinkageError e) {
            return Availability.no("ASM (org.ow2.asm) is not on the class path: " + e);
        }
        return Availability.yes(v.reason() + ", ASM bytecode in hidden classes, methods under HotSpot's " + SpmmGenerator.HUGE_METHOD_LIMIT
                + "-byte limit");
    }

    public static Backend backend() { return BACKEND; }

    static void requireAvailable(String kernel) {
        Availability a = availability();
        if (!a.available()) throw new IllegalStateException(kernel + ": backend " + BACKEND_ID + " is " + a);
    }

    private static final Backend BACKEND = new Backend() {
        @Override public String id() { return BACKEND_ID; }

        @Override public String description() {
            return "code generated per sparsity pattern (ASM bytecode, hidden classes, Vector API): csr; SpMM and SpMV";
        }

        @Override public Availability probe() { return availability(); }

        @Override public List<MatMul> kernels() { return ALL; }

        /** Prepare generates code and waits for C2 (seconds to minutes per matrix): run when named, not in every sweep. */
        @Override public boolean onRequest() { return true; }

        @Override public String toString() { return id() + ": " + probe(); }
    };
}
