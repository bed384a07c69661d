package dev.prunebench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.experiments.Backends;
import dev.prunebench.experiments.formats.FormatsStorage;
import dev.prunebench.kernels.cpu.nativeblas.MklBackend;
import dev.prunebench.kernels.cpu.nativeblas.MklGemmS8u8s32;
import dev.prunebench.kernels.cpu.vector.CsrInt8Vector;
import dev.prunebench.kernels.cpu.vector.VectorKernels;
import dev.prunebench.measure.Bench;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Patterns;
import dev.prunebench.measure.SpmmBench;
import dev.prunebench.measure.Verification;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "breakeven", mixinStandardHelpOptions = true, description = {
        "Per format, the sparsity from which its fastest CPU kernel beats the fastest dense CPU kernel on this machine (a grid over sparsity, "
                + "then bisection inside the bracket; each point timed interleaved with every dense kernel), with its interval, beside the "
                + "sparsity from which the format is smaller than dense (formats-storage's closed form).",
        "A point beats dense when the speedup's 95%% interval lies above 1; a point whose A/A control fails is shown and not used."})
final class BreakevenCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--shape", paramLabel = "MxK", defaultValue = "1024x1024", description = "W's shape (default: ${DEFAULT-VALUE})")
    String shape;

    @Option(names = "--n", defaultValue = "64", description = "columns of X (1 = SpMV; default: ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--formats", split = ",", defaultValue = "csr,gcsr:8", description = "formats: csr, coo, gcsr:G, nm:N:M (default: ${DEFAULT-VALUE})")
    List<String> formats;

    @Option(names = "--dtype", defaultValue = "fp32", description = "fp32 (every CPU kernel against the fastest fp32 dense kernel) or int8 (csr-int8-vector: "
            + "int8 W with per-row scales × int8 X, int32, against the fastest of MKL's dense cblas_gemm_s8u8s32 and the fp32 dense kernels; csr only; "
            + "default: ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--sparsities", split = ",", defaultValue = "0.5,0.7,0.8,0.9,0.95,0.98", description = "the grid (default: ${DEFAULT-VALUE})")
    List<Double> sparsities;

    @Option(names = "--refine", defaultValue = "2", description = "bisection steps inside the bracket after the grid (default: ${DEFAULT-VALUE})")
    int refine;

    @Option(names = "--pattern", defaultValue = "uniform", description = "csr/coo W's pattern: uniform, magnitude, power-law, … (gcsr:G is always "
            + "grouped by G, nm:N:M keeps the N largest of every M; default: ${DEFAULT-VALUE})")
    String pattern;

    @Option(names = "--kernels", split = ",", description = "sparse kernel ids to consider (default: every available CPU kernel that takes the format)")
    List<String> kernels;

    @Option(names = "--repeats", defaultValue = "5", description = "timed rounds per point (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--min-sample-ms", defaultValue = "2", description = "a sample lasts at least this long (default: ${DEFAULT-VALUE})")
    double minSampleMs;

    @Option(names = "--seed", defaultValue = "20260101", description = "seed for W, X and the bootstrap (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    /** One measured point: the best kernel of the format at this sparsity over the fastest dense kernel. */
    record Point(double sparsity, String kernel, double speedup, double low, double high, String fastestDense, String status) {
        boolean usable() { return status.equals("beats") || status.equals("loses") || status.equals("not separated"); }

        boolean beats() { return status.equals("beats"); }
    }

    /** The break-even of one format: it beats dense at {@code upper} and at every used point above; it did not at {@code lower}. */
    record Curve(String format, double lower, double upper, String verdict, double storageFixed32, double storageMinimal, List<Point> points) {}

    @Override public Integer call() throws Exception {
        int[] mk = checkArguments();
        List<FormatSpec> specs = new ArrayList<>();
        for (String f : formats)
            try {
                specs.add(FormatSpec.parse(f));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--formats: " + e.getMessage(), e);
            }
        KernelRegistry reg = Backends.registry();
        if (kernels != null)
            for (String id : kernels)
                if (reg.kernel(id).isEmpty()) throw new IllegalArgumentException("--kernels: " + id + ": " + reg.whyMissing(id));
        Map<FormatSpec, List<MatMul>> chosen = new LinkedHashMap<>();
        for (FormatSpec f : specs) {
            if (f.kind() == FormatSpec.Kind.DENSE) throw new IllegalArgumentException("--formats: dense is the baseline, not a format to break even");
            if (f.kind() == FormatSpec.Kind.GCSR && f.g() > mk[1])
                throw new IllegalArgumentException("--formats " + f + ": group size " + f.g() + " is larger than the " + mk[1] + " columns of W");
            if (f.kind() == FormatSpec.Kind.NM && mk[1] % f.m() != 0)
                throw new IllegalArgumentException("--formats " + f + ": K = " + mk[1] + " is not a multiple of M = " + f.m());
            List<MatMul> ks = int8() ? int8Kernels(reg, f) : kernelsFor(reg, f);
            if (ks.isEmpty()) throw new IllegalArgumentException("--formats " + f + ": no available CPU kernel takes it at N = " + n
                    + (kernels == null ? "" : " among --kernels " + String.join(",", kernels)));
            chosen.put(f, ks);
        }
        if (reg.denseBaselines("cpu", n).isEmpty()) throw new IllegalArgumentException("no dense CPU kernel is available at N = " + n);
        var loadBefore = dev.prunebench.core.env.Load.snapshot();
        List<Curve> curves = new ArrayList<>();
        for (var e : chosen.entrySet()) curves.add(curve(reg, e.getKey(), e.getValue(), mk[0], mk[1]));
        var load = dev.prunebench.core.env.Load.since(loadBefore);
        String loadLine = BreakevenCommand.loadLine(load);
        print(curves, mk, loadLine);
        if (load.warning() != null) spec.commandLine().getErr().println("prunebench: WARNING: " + load.warning());
        return 0;
    }

    /** The machine's load over a measurement, for the header line. */
    static String loadLine(dev.prunebench.core.env.Load.Report load) {
        return String.format(Locale.ROOT, "load average %.2f before, %.2f after; other processes %.2f of %d cores", load.before().load1(),
                load.after().load1(), load.othersCores(), load.cores());
    }

    /** Checks every option before any work; returns {M, K}. */
    private int[] checkArguments() {
        if (!dtype.trim().equalsIgnoreCase("fp32") && !int8())
            throw new IllegalArgumentException("--dtype: expected fp32 or int8, got '" + dtype + "'");
        if (int8() && kernels != null) throw new IllegalArgumentException("--kernels: not taken with --dtype int8 (its kernels are csr-int8-vector and "
                + MklGemmS8u8s32.ID + ")");
        if (n < 1 || n > 1 << 16) throw new IllegalArgumentException("--n: must be in [1, 65536], got " + n);
        if (refine < 0 || refine > 20) throw new IllegalArgumentException("--refine: must be in [0, 20], got " + refine);
        if (repeats < 3 || repeats > 1000) throw new IllegalArgumentException("--repeats: must be in [3, 1000], got " + repeats);
        if (!(minSampleMs >= 0 && minSampleMs <= 10_000)) throw new IllegalArgumentException("--min-sample-ms: must be in [0, 10000], got " + minSampleMs);
        if (sparsities.isEmpty()) throw new IllegalArgumentException("--sparsities: give at least one value");
        for (int i = 0; i < sparsities.size(); i++) {
            double s = sparsities.get(i);
            if (!(s >= 0 && s < 1)) throw new IllegalArgumentException("--sparsities: value " + (i + 1) + " is " + s + "; each must be in [0, 1)");
        }
        patternKind(pattern);
        int[] mk = parseShape(shape);
        long bytes = 4L * mk[0] * mk[1] * 4 + 4L * mk[1] * n + 12L * mk[0] * n;
        Memory.check("--shape " + shape + " with --n " + n, bytes, Math.max((long) mk[0] * mk[1], Math.max((long) mk[1] * n, (long) mk[0] * n)));
        return mk;
    }

    /** --pattern's value, or a refusal that names the option. */
    static Patterns.Kind patternKind(String pattern) {
        try {
            return Patterns.Kind.parse(pattern);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--pattern: " + e.getMessage(), e);
        }
    }

    static int[] parseShape(String shape) {
        String[] p = shape.toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                int m = Integer.parseInt(p[0].trim()), k = Integer.parseInt(p[1].trim());
                if (m >= 1 && k >= 1) return new int[] {m, k};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--shape: expected MxK with positive integers, e.g. 1024x1024, got '" + shape + "'");
    }

    boolean int8() { return dtype.trim().equalsIgnoreCase("int8"); }

    /** The int8 sparse kernel for csr, after checking the int8 dense baseline can run here. */
    private List<MatMul> int8Kernels(KernelRegistry reg, FormatSpec f) {
        if (f.kind() != FormatSpec.Kind.CSR)
            throw new IllegalArgumentException("--formats " + f + ": no int8 kernel takes it (--dtype int8 measures csr with " + CsrInt8Vector.ID + ")");
        var mkl = reg.entry(MklBackend.ID);
        if (mkl.isEmpty() || !mkl.get().usable())
            throw new IllegalArgumentException("--dtype int8: the int8 dense baseline " + MklGemmS8u8s32.ID + " needs MKL, which is "
                    + (mkl.isEmpty() ? "not registered" : mkl.get().status()));
        if (!VectorKernels.availability().available())
            throw new IllegalArgumentException("--dtype int8: " + CsrInt8Vector.ID + " needs the Vector API: " + VectorKernels.availability());
        return List.of(new CsrInt8Vector());
    }

    private List<MatMul> kernelsFor(KernelRegistry reg, FormatSpec f) {
        List<MatMul> out = new ArrayList<>();
        for (MatMul k : reg.kernels()) {
            var b = reg.backendOf(k);
            if (!b.platform().equals("cpu") || k.refuses(f, n) != null) continue;
            if (kernels != null ? !kernels.contains(k.id()) : b.onRequest() || b.referenceOnly()) continue;
            out.add(k);
        }
        return out;
    }

    /** The grid, then bisection inside the bracket; NM formats have one point, their fixed sparsity. */
    private Curve curve(KernelRegistry reg, FormatSpec f, List<MatMul> ks, int m, int k) {
        TreeMap<Double, Point> pts = new TreeMap<>();
        if (f.kind() == FormatSpec.Kind.NM) pts.put(1 - (double) f.n() / f.m(), measure(reg, f, ks, m, k, 1 - (double) f.n() / f.m()));
        else {
            for (double s : sparsities) pts.computeIfAbsent(s, x -> measure(reg, f, ks, m, k, x));
            for (int r = 0; r < refine; r++) {
                double[] br = bracket(pts);
                if (Double.isNaN(br[0]) || Double.isNaN(br[1])) break;
                double mid = (br[0] + br[1]) / 2;
                if (pts.containsKey(mid) || br[1] - br[0] < 1e-4) break;
                pts.put(mid, measure(reg, f, ks, m, k, mid));
            }
        }
        double[] br = bracket(pts);
        String verdict = Double.isNaN(br[1]) ? "never beats dense in [" + pts.firstKey() + ", " + pts.lastKey() + "]"
                : Double.isNaN(br[0]) ? (f.kind() == FormatSpec.Kind.NM ? "beats dense at its fixed sparsity" : "beats dense at every point, from the lowest")
                : "beats dense from a sparsity in (" + fmt(br[0]) + ", " + fmt(br[1]) + "]";
        Precision pr = int8() ? Precision.INT8 : Precision.FP32;
        double s32 = FormatsStorage.breakEven(f, m, k, pr, IndexPolicy.FIXED32, seed, false).sparsity();
        double smin = FormatsStorage.breakEven(f, m, k, pr, IndexPolicy.MINIMAL, seed, false).sparsity();
        return new Curve(f.toString(), br[0], br[1], verdict, s32, smin, List.copyOf(pts.values()));
    }

    /**
     * {lower, upper}: upper the lowest used sparsity from which every used point beats dense (NaN when the highest does
     * not), lower the highest used point below it (NaN when there is none).
     */
    static double[] bracket(TreeMap<Double, Point> pts) {
        double upper = Double.NaN, lower = Double.NaN;
        for (Point p : pts.descendingMap().values()) {
            if (!p.usable()) continue;
            if (p.beats()) upper = p.sparsity();
            else {
                lower = p.sparsity();
                break;
            }
        }
        return new double[] {Double.isNaN(upper) ? Double.NaN : lower, upper};
    }

    /** One timed kernel of a point, from either harness. */
    private record Timed(String kernel, boolean baseline, String status, double speedup, double low, double high, String fastestDense, boolean unstable) {}

    private Point measure(KernelRegistry reg, FormatSpec f, List<MatMul> ks, int m, int k, double s) {
        long pointSeed = seed + Math.round(s * 1e6);
        Dense w = generate(f, m, k, s, pointSeed);
        Budget budget = new Budget(1, repeats, Math.round(minSampleMs * 1e6), 500, pointSeed, 150_000_000L);
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        List<Timed> rs = new ArrayList<>();
        if (int8()) {
            Csr csr = Csr.fromDense(w.data(), m, k);
            float[] x = Patterns.normalVector(Math.multiplyExact(k, n), pointSeed);
            // the int8 GEMM and every fp32 dense kernel: the bar is the fastest dense product a user could run
            List<Bench.Entry> dense = new ArrayList<>();
            dense.add(new Bench.Entry(new MklGemmS8u8s32(), reg.entry(MklBackend.ID).orElseThrow().backend(), w));
            for (MatMul d : reg.denseBaselines("cpu", n)) dense.add(new Bench.Entry(d, reg.backendOf(d), w));
            var outcomes = Bench.run(List.of(new Bench.Entry(ks.get(0), VectorKernels.backend(), csr)), dense, x, n, 1, budget,
                    Verification.reference(csr, x, n), k, quiet);
            for (Bench.Outcome o : outcomes)
                rs.add(new Timed(o.kernelId(), o.dense(), o.status(), o.speedup() == null ? Double.NaN : o.speedup().median(),
                        o.speedup() == null ? Double.NaN : o.speedup().low(), o.speedup() == null ? Double.NaN : o.speedup().high(),
                        o.fastestDense() == null ? "-" : o.fastestDense(), o.unstable()));
        } else
            for (SpmmBench.Result r : SpmmBench.run(reg, w, List.of(f), ks, null, n, 1, budget, pointSeed, quiet))
                rs.add(new Timed(r.kernel(), r.isBaseline(), r.status(), r.speedup(), r.speedupLow(), r.speedupHigh(), r.baseline(), r.unstable()));
        boolean unstable = rs.stream().anyMatch(Timed::unstable);
        // the fastest kernel whose interval lies above 1 when there is one (a wider interval with a higher median does not
        // hide a kernel that surely beats dense), else the fastest by median
        Timed best = null;
        for (Timed r : rs) {
            if (r.baseline() || !r.status().equals("ok")) continue;
            boolean sure = r.low() > 1, bestSure = best != null && best.low() > 1;
            if (best == null || (sure && !bestSure) || (sure == bestSure && r.speedup() > best.speedup())) best = r;
        }
        String failed = rs.stream().filter(r -> !r.status().equals("ok")).map(r -> r.kernel() + " " + r.status()).findFirst().orElse(null);
        Point p;
        if (best == null) p = new Point(s, "-", Double.NaN, Double.NaN, Double.NaN, "-", failed == null ? "no kernel ran" : "failed: " + failed);
        else {
            String st = unstable ? "unstable (A/A control failed): not used" : best.low() > 1 ? "beats" : best.high() < 1 ? "loses" : "not separated";
            p = new Point(s, best.kernel(), best.speedup(), best.low(), best.high(), best.fastestDense(), st);
        }
        spec.commandLine().getErr().printf(Locale.ROOT, "  %s sparsity %.4f: %s %.2f× [%.2f, %.2f] over %s — %s%n", f, s, p.kernel(), p.speedup(), p.low(),
                p.high(), p.fastestDense(), p.status());
        return p;
    }

    /** W at sparsity s in a pattern the format holds: grouped by G for gcsr:G, N largest of M for nm:N:M, else --pattern. */
    private Dense generate(FormatSpec f, int m, int k, double s, long seed) {
        return switch (f.kind()) {
            case GCSR -> Patterns.generate(Patterns.Kind.GROUPED, m, k, s, f.g(), seed);
            case NM -> nm(m, k, f.n(), f.m(), seed);
            default -> Patterns.generate(patternKind(pattern), m, k, s, 1, seed);
        };
    }

    /** Normal weights with the {@code keep} largest magnitudes of every {@code group} consecutive columns kept. */
    static Dense nm(int m, int k, int keep, int group, long seed) {
        float[] w = Patterns.normalVector(Math.multiplyExact(m, k), seed);
        for (int b = 0; b < w.length; b += group) {
            for (int drop = group - keep; drop > 0; drop--) {
                int min = -1;
                for (int i = b; i < b + group; i++) if (w[i] != 0 && (min < 0 || Math.abs(w[i]) < Math.abs(w[min]))) min = i;
                w[min] = 0;
            }
        }
        return new Dense(m, k, w);
    }

    private void print(List<Curve> curves, int[] mk, String loadLine) throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        var env = Backends.cpuEnvironment(1);
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("shape", List.of(mk[0], mk[1]));
            j.put("n", n);
            j.put("dtype", int8() ? "int8" : "fp32");
            j.put("threads", 1);
            j.put("cpu", env.get("cpu_model"));
            j.put("load", loadLine);
            List<Map<String, Object>> fs = new ArrayList<>();
            for (Curve c : curves) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("format", c.format());
                f.put("verdict", c.verdict());
                f.put("break_even_lower", num(c.lower()));
                f.put("break_even_upper", num(c.upper()));
                f.put("storage_break_even_int32", num(c.storageFixed32()));
                f.put("storage_break_even_minimal", num(c.storageMinimal()));
                List<Map<String, Object>> ps = new ArrayList<>();
                for (Point p : c.points()) {
                    Map<String, Object> q = new LinkedHashMap<>();
                    q.put("sparsity", p.sparsity());
                    q.put("kernel", p.kernel());
                    q.put("speedup", num(p.speedup()));
                    q.put("speedup_low", num(p.low()));
                    q.put("speedup_high", num(p.high()));
                    q.put("fastest_dense", p.fastestDense());
                    q.put("status", p.status());
                    ps.add(q);
                }
                f.put("points", ps);
                fs.add(f);
            }
            j.put("formats", fs);
            o.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(j));
            o.flush();
            return;
        }
        o.printf(Locale.ROOT, "W %dx%d, X %dx%d, %s, one thread; CPU: %s; %s%n", mk[0], mk[1], mk[1], n, int8() ? "int8 (against " + MklGemmS8u8s32.ID + " and the fp32 dense kernels)" : "fp32",
                env.get("cpu_model"), loadLine);
        o.printf(Locale.ROOT, "%-10s %-44s %-12s %-12s%n", "format", "speed break-even (vs the fastest dense kernel)", "size (int32)", "size (minimal)");
        for (Curve c : curves)
            o.printf(Locale.ROOT, "%-10s %-44s %-12s %-12s%n", c.format(), c.verdict(), Double.isNaN(c.storageFixed32()) ? "never" : fmt(c.storageFixed32()),
                    Double.isNaN(c.storageMinimal()) ? "never" : fmt(c.storageMinimal()));
        o.println("points (sparsity: best kernel, speedup [95 % interval] over the fastest dense kernel of the same rounds, verdict):");
        for (Curve c : curves)
            for (Point p : c.points())
                o.printf(Locale.ROOT, "  %-10s %.4f: %-16s %6.2f× [%.2f, %.2f] over %-15s %s%n", c.format(), p.sparsity(), p.kernel(), p.speedup(), p.low(),
                        p.high(), p.fastestDense(), p.status());
        o.println("size break-even: the lowest sparsity at which the format's bytes (values at the dtype; int32 indices as the kernels store them, or the "
                + "narrowest that fits) are below dense's (formats-storage's closed form)");
        o.flush();
    }

    /** JSON has no NaN: null stands for "none". */
    private static Double num(double d) { return Double.isNaN(d) ? null : d; }

    private static String fmt(double s) { return String.format(Locale.ROOT, "%.4f", s); }
}
