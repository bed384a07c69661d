package dev.prunebench.kernels.cpu;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.nativeblas.MklBackend;
import dev.prunebench.kernels.cpu.nativeblas.OpenBlasBackend;
import dev.prunebench.kernels.cpu.scalar.ScalarKernels;
import dev.prunebench.kernels.cpu.vector.VectorKernels;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every CPU backend and its kernels, probed once per JVM. A backend whose probe answers unavailable contributes no
 * kernels (its kernel classes are never touched), and {@link #print} says why.
 */
public final class CpuBackends {
    private CpuBackends() {}

    /** One backend, its probe answer and (when available) its kernels. */
    public record Entry(Backend backend, Availability availability, List<MatMul> kernels) {}

    private static final class Registry {
        static final List<Entry> ALL = build();

        private static List<Entry> build() {
            Map<Backend, Supplier<List<MatMul>>> m = new LinkedHashMap<>();
            m.put(VectorKernels.backend(), VectorKernels::all);
            m.put(ScalarKernels.backend(), ScalarKernels::all);
            m.put(new MklBackend(), MklBackend::kernels);
            m.put(new OpenBlasBackend(), OpenBlasBackend::kernels);
            List<Entry> out = new ArrayList<>();
            for (var e : m.entrySet()) {
                Availability a = safeProbe(e.getKey());
                List<MatMul> ks = List.of();
                if (a.available()) {
                    try {
                        ks = List.copyOf(e.getValue().get());
                    } catch (RuntimeException | LinkageError t) {
                        a = Availability.no("its kernels could not be created: " + t);
                    }
                }
                out.add(new Entry(e.getKey(), a, ks));
            }
            return List.copyOf(out);
        }

        private static Availability safeProbe(Backend b) {
            try {
                return b.probe();
            } catch (RuntimeException | LinkageError t) {
                return Availability.no("probe threw " + t);
            }
        }
    }

    public static List<Entry> all() { return Registry.ALL; }

    /** Kernels of every available backend, in registry order. */
    public static List<MatMul> availableKernels() {
        List<MatMul> out = new ArrayList<>();
        for (Entry e : all()) out.addAll(e.kernels());
        return out;
    }

    public static Optional<MatMul> kernel(String id) {
        return availableKernels().stream().filter(k -> k.id().equals(id)).findFirst();
    }

    public static Optional<Entry> backend(String id) {
        return all().stream().filter(e -> e.backend().id().equals(id)).findFirst();
    }

    /** Prints one line per backend, "available (…)" or "unavailable because …", and its kernel ids. */
    public static void print(PrintWriter out) {
        for (Entry e : all()) {
            out.printf("%-10s %s%n", e.backend().id(), e.availability());
            out.printf("%-10s   %s%n", "", e.backend().description());
            if (!e.kernels().isEmpty())
                out.printf("%-10s   kernels: %s%n", "", String.join(", ", e.kernels().stream().map(MatMul::id).toList()));
        }
        out.flush();
    }
}
