package dev.prunebench.cli;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.io.LoadedMatrix;
import dev.prunebench.core.io.MatrixFiles;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.experiments.Backends;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.SpmmBench;
import dev.prunebench.measure.Patterns;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "spmm", mixinStandardHelpOptions = true, description = {
        "Time C = W · X for one matrix on every CPU kernel that takes the chosen formats, in the same interleaved rounds as every dense kernel of the platform (MKL, OpenBLAS, Vector API): speedup over the fastest and over each.",
        "With --backends mcu-qemu or cuda-model, the Cortex-M4 (emulated under QEMU) and GPU-model (modelled) kernels print their counts instead of times, beside their own platform's dense kernels.",
        "W from a file (--matrix: .npy, .mtx, .smtx) or generated (--shape, --rate, --pattern); X is seeded N(0,1), K×N. --json / --csv print the results for scripts."})
final class SpmmCommand implements Callable<Integer> {
    /** Adds to {@code spmm --help} the backends and kernels it takes, probed only when the help is drawn. */
    static void describeBackends(picocli.CommandLine spmm) {
        spmm.getHelpSectionMap().put(picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, help -> SpmmOutput.backendsHelp());
    }

    @Spec CommandSpec spec;

    @Option(names = "--matrix", paramLabel = "FILE", description = "W from .npy (dense float32), .mtx or .smtx")
    Path matrix;

    @Option(names = "--shape", paramLabel = "MxK", defaultValue = "4096x4096", description = "generated W's shape when no --matrix (default: ${DEFAULT-VALUE})")
    String shape;

    @Option(names = "--rate", defaultValue = "0.9", description = "generated W's pruning rate (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--pattern", defaultValue = "uniform", description = "generated W's pattern: uniform, grouped, magnitude, group-rms, power-law (default: ${DEFAULT-VALUE})")
    String pattern;

    @Option(names = "--g", defaultValue = "1", description = "group size for the grouped patterns (default: ${DEFAULT-VALUE})")
    int g;

    @Option(names = "--n", defaultValue = "50", description = "columns of X (1 = SpMV; default: ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--formats", split = ",", defaultValue = "csr", description = "formats: dense, coo, csr, gcsr:G, nm:N:M (default: ${DEFAULT-VALUE})")
    List<String> formats;

    @Option(names = "--backends", split = ",", description = "backend ids to include (default: every available CPU backend)")
    List<String> backends;

    @Option(names = "--kernels", split = ",", description = "kernel ids to include (default: all of the chosen backends)")
    List<String> kernels;

    @Option(names = "--baseline", split = ",", description = "baseline kernel ids (default: every dense kernel of the candidates' platform: "
            + "the speedup is over the fastest, and over each); a sparse one such as mkl-sparse-csr gets W as csr")
    List<String> baseline;

    @Option(names = "--threads", defaultValue = "1", description = "threads per kernel (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--repeats", defaultValue = "11", description = "timed pairs (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--min-sample-ms", defaultValue = "10", description = "a sample lasts at least this long; short runs are batched (default: ${DEFAULT-VALUE})")
    double minSampleMs;

    @Option(names = "--isolate", description = "pin the timed thread to the last CPU (taskset through the OS) and say so; with --threads 1 only")
    boolean isolate;

    @Option(names = "--seed", defaultValue = "20260101", description = "seed for X, generated W and the bootstrap (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "print the results as one JSON object (the lines about W, the CPU and the load go to stderr)")
    boolean json;

    @Option(names = "--csv", description = "print the results as CSV, one row per kernel and format, counts as columns (the other lines go to stderr)")
    boolean csv;

    @Override public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        checkNumbers();
        if (json && csv) throw new IllegalArgumentException("--json and --csv: choose one");
        List<FormatSpec> specs = new ArrayList<>();
        for (String f : formats) specs.add(FormatSpec.parse(f));
        Input in = loadW();
        checkFormats(specs, in);
        KernelRegistry reg = Backends.registry();
        List<MatMul> base = baselines(reg);
        List<MatMul> chosen = choose(reg, specs, err);
        // with --json/--csv, stdout holds the data only; the lines a reader wants go to stderr
        PrintWriter info = json || csv ? err : out;
        SparseFormat w = in.w();
        info.printf("W: %s — %d×%d, nnz %d (%.2f %% zeros); X: %d×%d; threads %d%n", in.what(), w.rows(), w.cols(), w.nnz(), 100 * w.sparsity(),
                w.cols(), n, threads);
        var env = Backends.cpuEnvironment(threads);
        info.printf("CPU: %s; %s%n", env.get("cpu_model"), env.get("vector_species"));
        String pinned = null;
        if (isolate) {
            if (threads != 1) throw new IllegalArgumentException("--isolate: pins the one timed thread, so it needs --threads 1 (got " + threads + ")");
            pinned = dev.prunebench.measure.Isolation.pinCallingThread(-1).describe();
            info.println("isolate: " + pinned);
        }
        var loadBefore = dev.prunebench.core.env.Load.snapshot();
        Budget budget = new Budget(2, repeats, Math.round(minSampleMs * 1e6), 2000, seed, Math.max(Math.round(minSampleMs * 1e6), 400_000_000L));
        List<SpmmBench.Result> rs;
        try {
            rs = SpmmBench.run(reg, w, specs, chosen, base, n, threads, budget, seed, System.err);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("format ")) throw new IllegalArgumentException("W (" + in.what() + "): " + e.getMessage(), e);
            throw e;
        }
        var load = dev.prunebench.core.env.Load.since(loadBefore);
        if (json) out.println(SpmmOutput.json(in.what(), w, n, threads, env, pinned, rs, load));
        else if (csv) out.print(SpmmOutput.csv(rs));
        else out.print(SpmmBench.table(rs));
        info.printf(Locale.ROOT, "load: average %.2f before, %.2f after; other processes %.2f of %d cores; steal %.1f %%; clock %s MHz (%s)%n",
                load.before().load1(), load.after().load1(), load.othersCores(), load.cores(), 100 * load.stealFraction(),
                Double.isNaN(load.after().mhz()) ? "unreadable" : String.format(Locale.ROOT, "%.0f", load.after().mhz()), load.after().governor());
        out.flush();
        if (load.warning() != null && rs.stream().anyMatch(r -> !r.counted())) err.println("prunebench: WARNING: " + load.warning());
        if (rs.stream().anyMatch(SpmmBench.Result::unstable))
            err.println("prunebench: WARNING: the A/A control failed (rows marked UNSTABLE): do not draw conclusions from these speedups");
        return rs.stream().anyMatch(r -> !r.status().equals("ok")) ? 1 : 0;
    }

    private void checkNumbers() {
        if (n < 1) throw new IllegalArgumentException("--n: must be >= 1, got " + n);
        if (threads < 1 || threads > MAX_THREADS) throw new IllegalArgumentException("--threads: must be in [1, " + MAX_THREADS + "], got " + threads);
        if (repeats < 3 || repeats > MAX_REPEATS) throw new IllegalArgumentException("--repeats: must be in [3, " + MAX_REPEATS + "], got " + repeats);
        if (!(minSampleMs >= 0 && minSampleMs <= MAX_SAMPLE_MS))
            throw new IllegalArgumentException("--min-sample-ms: must be in [0, " + (long) MAX_SAMPLE_MS + "], got " + minSampleMs);
        if (!(rate >= 0 && rate <= 1)) throw new IllegalArgumentException("--rate: must be in [0, 1], got " + rate);
        if (g < 1) throw new IllegalArgumentException("--g: must be >= 1, got " + g);
    }

    /** W as read or generated, and the words that say which. */
    record Input(SparseFormat w, String what) {}

    private Input loadW() throws java.io.IOException {
        if (matrix != null) {
            LoadedMatrix l = MatrixFiles.read(matrix, seed);
            SparseFormat w = l.matrix();
            checkFits("--matrix " + matrix, w.rows(), w.cols(), w.storedValues());
            return new Input(w, matrix + (l.note() == null ? "" : " (" + l.note() + ")"));
        }
        String[] mk = shape.toLowerCase(Locale.ROOT).split("x");
        if (mk.length != 2) throw new IllegalArgumentException("--shape: expected MxK, e.g. 4096x4096, got '" + shape + "'");
        int m, k;
        try {
            m = Integer.parseInt(mk[0].trim());
            k = Integer.parseInt(mk[1].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shape: expected MxK with integers, got '" + shape + "'");
        }
        if (m < 1 || k < 1) throw new IllegalArgumentException("--shape: M and K must be >= 1, got '" + shape + "'");
        checkFits("--shape " + shape, m, k, Math.round((1 - rate) * m * (double) k));
        SparseFormat w = Patterns.generate(Patterns.Kind.parse(pattern), m, k, rate, g, seed);
        return new Input(w, String.format(Locale.ROOT, "generated %dx%d, %s, rate %.4f%s, seed %d", m, k, pattern, rate, g > 1 ? ", g " + g : "", seed));
    }

    private static void checkFormats(List<FormatSpec> specs, Input in) {
        SparseFormat w = in.w();
        for (FormatSpec f : specs)
            if (f.kind() == FormatSpec.Kind.GCSR && f.g() > w.cols())
                throw new IllegalArgumentException("--formats " + f + ": group size " + f.g() + " is larger than the " + w.cols() + " columns of W");
        // the one format a matrix can fail to fit (N:M keeps at most N of every M): refused before anything is printed
        for (FormatSpec f : specs)
            if (f.kind() == FormatSpec.Kind.NM)
                try {
                    f.encode(w instanceof dev.prunebench.core.format.Dense d ? d.data() : w.toDense(), w.rows(), w.cols());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("W (" + in.what() + "): format " + f + " cannot hold it: " + e.getMessage(), e);
                }
    }

    /** The named baselines, each checked (null: every dense kernel of the candidates' platform). */
    private List<MatMul> baselines(KernelRegistry reg) {
        if (backends != null)
            for (String b : backends)
                if (reg.entry(b).isEmpty())
                    throw new IllegalArgumentException("--backends: unknown backend '" + b + "' (known: "
                            + String.join(", ", reg.entries().stream().map(e -> e.backend().id()).toList()) + ")");
        if (kernels != null)
            for (String id : kernels)
                if (reg.kernel(id).isEmpty()) throw new IllegalArgumentException("--kernels: " + id + ": " + reg.whyMissing(id));
        // every named kernel is checked before any 'skipped' or 'left out' line: a refusal is the only line
        if (baseline == null) return null;
        List<MatMul> base = new ArrayList<>();
        for (String id : baseline) {
            MatMul b = reg.kernel(id).orElseThrow(() -> new IllegalArgumentException("--baseline: " + id + ": " + reg.whyMissing(id)));
            String r = b.refuses(b.supports(FormatSpec.DENSE) ? FormatSpec.DENSE : FormatSpec.CSR, n);
            if (r != null) throw new IllegalArgumentException("--baseline: " + id + " " + r);
            base.add(b);
        }
        return base;
    }

    /** The candidate kernels: those of the chosen backends and kernels that take at least one format at this N. */
    private List<MatMul> choose(KernelRegistry reg, List<FormatSpec> specs, PrintWriter err) {
        for (var e : reg.entries())
            if (!e.usable() && (backends != null ? backends.contains(e.backend().id()) : e.backend().platform().equals("cpu")))
                err.println("skipped backend " + e.backend().id() + ": " + e.status());
        List<MatMul> chosen = new ArrayList<>();
        List<String> why = new ArrayList<>();
        for (MatMul k : reg.kernels()) {
            String platform = reg.backendOf(k).platform();
            if (backends != null ? !backends.contains(k.backendId()) : kernels == null && (!platform.equals("cpu") || reg.backendOf(k).onRequest())) continue;
            if (kernels != null && !kernels.contains(k.id())) continue;
            List<String> reasons = new ArrayList<>();
            for (FormatSpec f : specs) {
                String r = k.refuses(f, n);
                if (r != null) reasons.add(r);
            }
            if (reasons.size() == specs.size()) why.add(k.id() + ": " + reasons.get(0));
            else chosen.add(k);
        }
        if (chosen.isEmpty())
            throw new IllegalArgumentException("no chosen kernel takes any of the formats " + formats + " at N = " + n
                    + (why.isEmpty() ? " (no kernel left after --backends/--kernels)" : " (" + String.join("; ", why) + ")"));
        for (String w1 : why) err.println("left out " + w1);
        return chosen;
    }

    static final int MAX_THREADS = 1024, MAX_REPEATS = 100_000;
    static final double MAX_SAMPLE_MS = 60_000;

    /**
     * Refuses, before anything is allocated, a W (M×K) and X (K×N) that will not fit: W dense and once more in a
     * format, its CSR, X, and three M×N results (reference, baseline, kernel) must fit the heap, and each array one
     * Java array.
     */
    private void checkFits(String what, int m, int k, long nnz) {
        long mk = (long) m * k, kn = (long) k * n, mn = (long) m * n;
        long bytes;
        try {
            bytes = Math.addExact(Math.addExact(Math.multiplyExact(8, mk), Math.multiplyExact(8, nnz)),
                    Math.addExact(Math.multiplyExact(4, kn), Math.multiplyExact(12, mn)));
        } catch (ArithmeticException e) {
            bytes = -1;
        }
        Memory.check(what + " with --n " + n + ": W " + m + "x" + k + " and X " + k + "x" + n + " (at least)", bytes, Math.max(mk, Math.max(kn, mn)));
    }

}
