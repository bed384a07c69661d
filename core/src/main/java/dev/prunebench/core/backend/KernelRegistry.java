package dev.prunebench.core.backend;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every backend of a build, each probed once, and the kernels of those that answered available: the one lookup that
 * experiments, the CLI and the benchmarks use. A kernel is only ever found here when its backend is available, and
 * {@link #whyMissing} says why one is not (unavailable backend with its reason, or no such kernel).
 *
 * <p>Kernel ids are unique across backends; a duplicate is a build error, reported when the registry is made.
 */
public final class KernelRegistry {

    /** One backend, its probe answer and (when available) its kernels. */
    public record Entry(Backend backend, Availability availability, List<MatMul> kernels) {
        public Entry {
            kernels = List.copyOf(kernels);
        }

        /** {@code available (…)}, {@code available (…), but no kernels are built for it yet}, or {@code unavailable because …}. */
        public String status() {
            if (availability.available() && kernels.isEmpty()) return availability + ", but no kernels are built for it yet";
            return availability.toString();
        }

        /** Available and with at least one kernel. */
        public boolean usable() { return availability.available() && !kernels.isEmpty(); }
    }

    private final List<Entry> entries;
    private final Map<String, MatMul> byId = new LinkedHashMap<>();
    private final Map<String, Backend> backendOf = new LinkedHashMap<>();

    private KernelRegistry(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        for (Entry e : this.entries)
            for (MatMul k : e.kernels()) {
                if (!k.backendId().equals(e.backend().id()))
                    throw new IllegalStateException("kernel " + k.id() + " names backend " + k.backendId() + " but is declared by " + e.backend().id());
                if (byId.putIfAbsent(k.id(), k) != null)
                    throw new IllegalStateException("kernel id " + k.id() + " is declared twice (" + backendOf.get(k.id()).id() + ", " + e.backend().id() + ")");
                backendOf.put(k.id(), e.backend());
            }
    }

    /** Probes every backend (in order) and collects the kernels of those available. Never throws for a bad backend. */
    public static KernelRegistry probe(Collection<? extends Backend> backends) {
        List<Entry> out = new ArrayList<>();
        for (Backend b : backends) {
            Availability a;
            try {
                a = b.probe();
            } catch (RuntimeException | LinkageError t) {
                a = Availability.no("probe threw " + t);
            }
            List<MatMul> ks = List.of();
            if (a.available()) {
                try {
                    ks = List.copyOf(b.kernels());
                } catch (RuntimeException | LinkageError t) {
                    a = Availability.no("its kernels could not be created: " + t);
                }
            }
            out.add(new Entry(b, a, ks));
        }
        return new KernelRegistry(out);
    }

    public List<Entry> entries() { return entries; }

    /** Kernels of every available backend, in registry order. */
    public List<MatMul> kernels() { return List.copyOf(byId.values()); }

    public Optional<MatMul> kernel(String id) { return Optional.ofNullable(byId.get(id)); }

    /** The kernel with this id, or an {@link IllegalArgumentException} saying why there is none. */
    public MatMul require(String id) {
        MatMul k = byId.get(id);
        if (k == null) throw new IllegalArgumentException("kernel " + id + ": " + whyMissing(id));
        return k;
    }

    public Optional<Entry> entry(String backendId) {
        return entries.stream().filter(e -> e.backend().id().equals(backendId)).findFirst();
    }

    /** The backend that runs this kernel (the one that declared it). */
    public Backend backendOf(MatMul k) {
        Backend b = backendOf.get(k.id());
        if (b == null) throw new IllegalArgumentException("kernel " + k.id() + " is not in this registry");
        return b;
    }

    /**
     * The dense baselines of a platform at N: kernels taking W as {@code dense} on its available backends, except
     * reference-only backends and kernels that refuse this N, in registry order.
     */
    public List<MatMul> denseBaselines(String platform, int n) {
        List<MatMul> out = new ArrayList<>();
        for (MatMul k : byId.values()) {
            Backend b = backendOf.get(k.id());
            if (b.platform().equals(platform) && !b.referenceOnly() && k.refuses(FormatSpec.DENSE, n) == null) out.add(k);
        }
        return out;
    }

    /** The platforms of the available backends, in registry order. */
    public List<String> platforms() {
        return entries.stream().filter(Entry::usable).map(e -> e.backend().platform()).distinct().toList();
    }

    /**
     * Why no kernel with this id is available: the kernel ids a backend would have declared are not known when it is
     * unavailable, so every unavailable backend is named with its reason.
     */
    public String whyMissing(String id) {
        if (byId.containsKey(id)) return "available on " + backendOf.get(id).id();
        List<String> down = new ArrayList<>();
        for (Entry e : entries) if (!e.availability().available()) down.add(e.backend().id() + " (" + e.availability().reason() + ")");
        return "no available backend declares it (available kernels: " + String.join(", ", byId.keySet()) + ")"
                + (down.isEmpty() ? "" : "; unavailable backends: " + String.join("; ", down));
    }

    /** Unavailable or kernel-less backends with their reasons, for a run's skipped list. */
    public Map<String, String> unusable() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Entry e : entries) if (!e.usable()) m.put("backend " + e.backend().id(), e.status());
        return m;
    }

    /** One line per backend with its status, then its description, provenance and kernel ids. */
    public void print(PrintWriter out) {
        for (Entry e : entries) {
            Backend b = e.backend();
            out.printf("%-10s %s%n", b.id(), e.status());
            out.printf("%-10s   %s; platform %s, %s%n", "", b.description(), b.platform(), b.provenance().label());
            if (!e.kernels().isEmpty())
                out.printf("%-10s   kernels: %s%n", "", String.join(", ", e.kernels().stream().map(MatMul::id).toList()));
        }
        out.flush();
    }
}
