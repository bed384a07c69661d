package dev.prunebench.experiments.sparsert;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.env.Machine;
import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.io.Npy;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.experiments.AaControl;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.experiments.sweep.SpmmSweep;
import dev.prunebench.kernels.cpu.generated.GeneratedCsr;
import dev.prunebench.kernels.cpu.generated.GeneratedPrepared;
import dev.prunebench.kernels.cpu.vector.DirectConv;
import dev.prunebench.measure.Bench;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Patterns;
import dev.prunebench.measure.Stats;
import dev.prunebench.measure.Verification;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricName;
import dev.prunebench.results.PlotSpec;
import dev.prunebench.results.Scale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * SparseRT (Wang 2020) on this CPU: code generated for one sparsity pattern ({@code generated-csr}) against the
 * generic sparse kernels ({@code csr-vector}, {@code mkl-sparse-csr}) and every dense CPU kernel, on MobileNetV1's
 * 1×1 convolutions (SpMM on CHW activations: W Cout × Cin times X Cin × H·W) and ResNet-50's 3×3 convolutions
 * (im2col, then W Cout × 9·Cin times X 9·Cin × H·W; and the direct sparse convolution {@code csr-direct-conv} on the
 * image, no im2col), at 90 % and 95 %, weights magnitude-pruned with realistic row
 * imbalance ({@link ImbalancedWeights}); plus the user's own layers ({@code -Dprunebench.sparsert.weights=DIR}) and
 * the targets (a 4096² layer at 90 %, N = 50 and N = 1, uniform mask).
 *
 * <p>Every kernel of a problem is verified against the double-precision reference and timed in the same interleaved
 * rounds ({@link Bench}); speedups name their baseline. A "choose by measurement" step (LIBXSMM's idea: time the
 * candidates on the user's machine, keep the fastest) picks per problem, with a bias toward dense: a sparse kernel is
 * chosen only when it is at least {@link #DENSE_BIAS}× faster than the fastest dense kernel and its interval's lower
 * end is above 1.
 */
public final class SparseRtConv implements Experiment {

    /** The system property naming a folder of {@code .npy} layers (2-D float32, Cout × K) to add as problems. */
    public static final String WEIGHTS_PROPERTY = "prunebench.sparsert.weights";

    /** N for the user's layers (their activations are not given): {@code prunebench.sparsert.n}, default 196. */
    public static final String N_PROPERTY = "prunebench.sparsert.n";

    /**
     * The layer families to run, comma-separated among {@code 1x1}, {@code resnet50-3x3} and {@code uniform} (the 4096²
     * targets): {@code -Dprunebench.sparsert.layers=resnet50-3x3} runs the 3×3 layers only. Default: all.
     */
    public static final String LAYERS_PROPERTY = "prunebench.sparsert.layers";

    static final List<String> FAMILIES = List.of("1x1", "resnet50-3x3", "uniform");

    /** A sparse kernel must beat the fastest dense kernel by this factor to be chosen. */
    public static final double DENSE_BIAS = 1.10;

    /** The row-length CV wanted, as a multiple of a uniform random mask's (the middle of the 1–3× of real layers). */
    public static final double IMBALANCE = 2.0;

    static final String GENERATED = GeneratedCsr.ID;
    static final List<String> SPARSE = List.of(GENERATED, "csr-vector", "mkl-sparse-csr");

    /** One convolution (or plain layer) as a product W (m × k) · X (k × n). */
    public record Problem(String id, String layers, int m, int k, int n, int cin, int h, int w, int kernel, boolean uniform, Path file) {
        static Problem conv1x1(int cout, int cin, int hw) {
            int side = (int) Math.round(Math.sqrt(hw));
            return new Problem("mobilenet-" + cout + "x" + cin + "x" + hw, "1x1", cout, cin, hw, cin, side, side, 1, false, null);
        }

        static Problem conv3x3(int c, int side) {
            return new Problem("resnet50-" + c + "c-" + side + "x" + side, "resnet50-3x3", c, 9 * c, side * side, c, side, side, 3, false, null);
        }

        static Problem uniform(int m, int k, int n) {
            return new Problem("uniform-" + m + "x" + k + "x" + n, "uniform", m, k, n, k, 0, 0, 0, true, null);
        }
    }

    /** MobileNetV1's 1×1 layers, M × K × N (the 512×512×196 shape occurs five times in the network, once here). */
    static final int[][] MOBILENET = {{64, 32, 12544}, {128, 64, 3136}, {128, 128, 3136}, {256, 128, 784}, {256, 256, 784},
            {512, 256, 196}, {512, 512, 196}, {1024, 512, 49}, {1024, 1024, 49}};

    /** ResNet-50's 3×3 layers: channels and spatial side. */
    static final int[][] RESNET = {{64, 56}, {128, 28}, {256, 14}, {512, 7}};

    /** What one scale runs. */
    public record Config(List<Problem> problems, double[] sparsities, Budget budget, List<Problem> targets) {}

    public static Config forScale(Scale s) {
        List<Problem> all = new ArrayList<>();
        for (int[] l : MOBILENET) all.add(Problem.conv1x1(l[0], l[1], l[2]));
        for (int[] l : RESNET) all.add(Problem.conv3x3(l[0], l[1]));
        return switch (s) {
            case QUICK -> new Config(List.of(Problem.conv1x1(128, 128, 3136), Problem.conv3x3(64, 56)),
                    new double[] {0.90}, new Budget(1, 5, 3_000_000L, 500, 1L, 150_000_000L),
                    List.of(Problem.uniform(1024, 1024, 50), Problem.uniform(1024, 1024, 1)));
            case STANDARD -> new Config(all, new double[] {0.90, 0.95}, Budget.quick().withRepeats(9),
                    List.of(Problem.uniform(4096, 4096, 50), Problem.uniform(4096, 4096, 1)));
            case FULL -> new Config(all, new double[] {0.90, 0.95}, Budget.standard(),
                    List.of(Problem.uniform(4096, 4096, 50), Problem.uniform(4096, 4096, 1)));
        };
    }

    @Override public String id() { return "sparsert-conv"; }

    @Override public String paper() { return "Wang, SparseRT: accelerating unstructured sparsity on GPUs for deep learning inference (2020), on this CPU"; }

    @Override public String description() {
        return "code generated per sparsity pattern (generated-csr: ASM, hidden classes, Vector API) vs generic CSR, MKL sparse and every dense "
                + "CPU kernel on MobileNetV1 1×1 and ResNet-50 3×3 convolutions (im2col + SpMM/GEMM, and the direct sparse conv csr-direct-conv) at 90/95 %; choose by measurement; the 4096² targets";
    }

    /** Every metric name a scale emits whatever the timings (the published rows name some of them). */
    public static Set<String> metricNames(Scale s) {
        Config c = forScale(s);
        Set<String> out = new LinkedHashSet<>();
        Set<String> layers = new LinkedHashSet<>();
        for (Problem p : c.problems()) layers.add(p.layers());
        for (double sp : c.sparsities()) {
            for (String l : layers) out.add(headline(l, sp));
            if (layers.contains("1x1") && layers.contains("resnet50-3x3")) out.add(headline("1x1+3x3", sp));
        }
        return out;
    }

    /** {@code speedup_geomean[layers=1x1,sparsity=0.90]}: generated-csr over the fastest dense kernel, geometric mean over the layers. */
    static String headline(String layers, double sparsity) {
        return SpmmSweep.name("speedup_geomean", "layers", layers, "sparsity", sparsity);
    }

    @Override public void run(ExperimentContext ctx) throws Exception {
        Config cfg = only(forScale(ctx.scale()), System.getProperty(LAYERS_PROPERTY));
        List<Problem> user = userLayers();   // bad input fails here, before any work
        if (System.getProperty(LAYERS_PROPERTY) != null) ctx.parameter("layers", System.getProperty(LAYERS_PROPERTY));
        ctx.parameter("environment", dev.prunebench.experiments.Backends.cpuEnvironment(1));
        ctx.parameter("threads", 1);
        ctx.parameter("dense_bias", DENSE_BIAS);
        ctx.parameter("imbalance_target_cv_ratio", IMBALANCE);
        ctx.parameter("sparsities", java.util.Arrays.toString(cfg.sparsities()));
        ctx.parameter("generated_options", String.valueOf(((GeneratedCsr) ctx.kernels().kernel(GENERATED).orElse(new GeneratedCsr(
                dev.prunebench.kernels.cpu.generated.SpmmGenerator.Options.defaults(), 0, 0))).options()));
        if (!user.isEmpty()) ctx.parameter("user_layers", user.stream().map(p -> p.file().toString()).toList());
        KernelRegistry reg = ctx.kernels();
        for (KernelRegistry.Entry e : reg.entries())
            if (e.backend().platform().equals("cpu") && !e.usable()) ctx.skipped("backend " + e.backend().id(), e.status());
        List<MatMul> sparse = new ArrayList<>();
        for (String id : SPARSE) {
            var k = reg.kernel(id);
            if (k.isEmpty()) ctx.skipped(id, reg.whyMissing(id));
            else sparse.add(k.get());
        }
        ctx.note("SparseRT's published speedups (3.4× at 90 %, 5.4× at 95 %, 1×1 and FC layers) were measured on an NVIDIA GPU; these are "
                + "measured on this CPU with one thread, against the fastest dense CPU kernel of the same run: the hardware differs, and so does "
                + "the dense baseline (cuBLAS there, MKL/OpenBLAS/Vector API here).");
        ctx.note("generated-csr falls back to csr-vector (and says so in the variant column) when its code would exceed the code-size threshold, and when "
                + "its tiered choice measured the compiled code no faster than csr-vector (whole 95 % interval of the speedup not above 1, measured in prepare); "
                + "the geometric means of generated-csr count such layers with the time a user of generated-csr gets, the generic kernel's.");
        ctx.note("3×3 convolutions: im2col (pad 1, stride 1) is done once per problem and timed apart (im2col table); every SpMM and GEMM multiplies the "
                + "same im2col matrix, so it is the SpMM/GEMM that is compared. " + DirectConv.ID + " convolves the image directly (no im2col: W in CSR over "
                + "(c, ky, kx), the image zero-padded once in its prepare, as the SpMM kernels pad X in theirs) and is verified against the same "
                + "reference W · im2col(image) before its times count.");
        ctx.note("prepare_ms of generated-csr is plan + bytecode generation + hidden-class definition + the warm-up that gets every generated "
                + "method compiled by C2: the time from a pruned matrix to compiled speed. c2_before_timing = all when a run of the generated code "
                + "allocated nothing before timing began (every method running as C2 code: only C2 eliminates the vector boxes), not-seen when the "
                + "warm-up's time limit came first.");
        Rows rows = new Rows();
        List<Problem> problems = new ArrayList<>(cfg.problems());
        problems.addAll(user);
        int idx = 0;
        for (double sp : cfg.sparsities())
            for (Problem p : problems) measure(ctx, reg, sparse, p, sp, cfg.budget(), ctx.seed() + 1000L * idx++, rows, false);
        for (Problem p : cfg.targets()) measure(ctx, reg, sparse, p, 0.90, cfg.budget(), ctx.seed() + 1000L * idx++, rows, true);
        write(ctx, rows, cfg);
        AaControl.record(ctx, rows.aa);
    }

    /** The scale's problems restricted to the families named in {@code layers} (null: all); an unknown family is refused by name. */
    static Config only(Config c, String layers) {
        if (layers == null || layers.isBlank()) return c;
        Set<String> keep = new LinkedHashSet<>();
        for (String f : layers.split(",")) {
            String t = f.trim();
            if (!FAMILIES.contains(t)) throw new IllegalArgumentException(LAYERS_PROPERTY + ": unknown layer family '" + t + "' (known: " + String.join(", ", FAMILIES) + ")");
            keep.add(t);
        }
        return new Config(c.problems().stream().filter(p -> keep.contains(p.layers())).toList(), c.sparsities(), c.budget(),
                keep.contains("uniform") ? c.targets() : List.of());
    }

    /** The layers of {@code -Dprunebench.sparsert.weights=DIR}, checked before any work. */
    static List<Problem> userLayers() throws IOException {
        String dir = System.getProperty(WEIGHTS_PROPERTY);
        if (dir == null || dir.isBlank()) return List.of();
        Path d = Path.of(dir);
        if (!Files.isDirectory(d)) throw new IllegalArgumentException(WEIGHTS_PROPERTY + ": " + d + " is not a folder");
        int n = 196;
        String ns = System.getProperty(N_PROPERTY);
        if (ns != null) {
            try {
                n = Integer.parseInt(ns.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > 1 << 20) throw new IllegalArgumentException(N_PROPERTY + ": must be an integer in [1, 1048576], got '" + ns + "'");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(d)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".npy")).sorted().toList();
        }
        if (files.isEmpty()) throw new IllegalArgumentException(WEIGHTS_PROPERTY + ": " + d + " holds no .npy file");
        List<Problem> out = new ArrayList<>();
        for (Path f : files) {
            Dense w = Npy.readFloats(f);
            for (int i = 0; i < w.data().length; i++)
                if (!Float.isFinite(w.data()[i]))
                    throw new IllegalArgumentException(f + ": value [" + i / w.cols() + ", " + i % w.cols() + "] is " + w.data()[i] + " (weights must be finite)");
            String name = f.getFileName().toString().replaceAll("\\.npy$", "").replaceAll("[^A-Za-z0-9_.-]", "_");
            out.add(new Problem("user-" + name, "user", w.rows(), w.cols(), n, w.cols(), 0, 0, 0, false, f));
        }
        return out;
    }

    /** Collected rows of the tables. */
    static final class Rows {
        final List<Object[]> speedup = new ArrayList<>(), byBaseline = new ArrayList<>(), generated = new ArrayList<>(), selection = new ArrayList<>(),
                problems = new ArrayList<>();
        /** the A/A controls of every point */
        final dev.prunebench.measure.AaSummary aa = new dev.prunebench.measure.AaSummary();
        /** problem|sparsity → kernel → speedup over fastest dense (ok rows) */
        final Map<String, Map<String, Double>> overFastest = new LinkedHashMap<>();
        /** problem|sparsity → kernel → median ms */
        final Map<String, Map<String, Double>> ms = new LinkedHashMap<>();
        final Map<String, Problem> problemOf = new LinkedHashMap<>();
        final Map<String, Double> sparsityOf = new LinkedHashMap<>();
        final Map<String, Long> nnzOf = new LinkedHashMap<>();
        final Map<String, Map<String, Double>> overEach = new LinkedHashMap<>();
    }

    private void measure(ExperimentContext ctx, KernelRegistry reg, List<MatMul> sparse, Problem p, double sp, Budget budget, long seed, Rows rows,
                         boolean target) throws IOException {
        Dense d;
        double sigma = 0, cv, ucv;
        if (p.file() != null) {
            Dense w = Npy.readFloats(p.file());
            d = new Dense(w.rows(), w.cols(), new Patterns.GroupRanking(w.data(), w.rows(), w.cols(), 1).prune(sp));
            cv = ImbalancedWeights.rowCv(d.data(), d.rows(), d.cols());
        } else if (p.uniform()) {
            d = Patterns.uniform(p.m(), p.k(), sp, seed);
            cv = ImbalancedWeights.rowCv(d.data(), d.rows(), d.cols());
        } else {
            ImbalancedWeights.Layer l = ImbalancedWeights.generate(p.m(), p.k(), sp, IMBALANCE, seed);
            d = l.pruned();
            sigma = l.sigma();
            cv = l.rowCv();
        }
        ucv = ImbalancedWeights.uniformCv(p.k(), 1 - sp);
        Csr csr = Csr.fromDense(d.data(), d.rows(), d.cols());
        long nnz = csr.values().length;
        String key = p.id() + "|" + SpmmSweep.rate(sp);
        rows.problemOf.put(key, p);
        rows.sparsityOf.put(key, sp);
        rows.nnzOf.put(key, nnz);
        int n = p.n();
        float[] x, image = null;
        double im2colMs = Double.NaN;
        if (p.kernel() == 3) {
            image = Patterns.normalVector(p.cin() * p.h() * p.w(), seed + 1);
            long t0 = System.nanoTime();
            x = im2col3x3(image, p.cin(), p.h(), p.w());
            im2colMs = (System.nanoTime() - t0) / 1e6;
        } else x = Patterns.normalVector(p.k() * n, seed + 1);
        rows.problems.add(new Object[] {p.id(), p.layers(), sp, p.m(), p.k(), n, nnz, cv, ucv, cv / ucv, sigma, im2colMs});
        ctx.metric(Metric.exact(SpmmSweep.name("row_length_cv", "problem", p.id(), "sparsity", sp), cv, "ratio"));
        ctx.log().printf(Locale.ROOT, "  %s sparsity %.2f: %d×%d · %d×%d, nnz %d, row-length CV %.3f (%.2f× a uniform mask's)%n", p.id(), sp, p.m(), p.k(), p.k(), n,
                nnz, cv, cv / ucv);
        float[] ref = Verification.reference(csr, x, n);
        List<Bench.Entry> cands = new ArrayList<>();
        for (MatMul k : sparse) cands.add(new Bench.Entry(k, reg.backendOf(k), csr));
        if (image != null && dev.prunebench.kernels.cpu.vector.VectorKernels.availability().available())
            cands.add(new Bench.Entry(new DirectConvCandidate(new DirectConv.Geometry(p.cin(), p.h(), p.w(), p.m(), 3, 1, 1), image),
                    dev.prunebench.kernels.cpu.vector.VectorKernels.backend(), csr));
        List<MatMul> dk = reg.denseBaselines("cpu", n);
        if (dk.isEmpty()) {
            ctx.skipped(key, "no dense CPU kernel available at n=" + n);
            return;
        }
        List<Bench.Entry> de = dk.stream().map(k -> new Bench.Entry(k, reg.backendOf(k), d)).toList();
        List<Bench.Outcome> os = Bench.run(cands, de, x, n, 1, budget.withSeed(seed), ref, p.k(), ctx.log());
        Machine.Clock clock = Machine.nominalClock();
        double peak = Peak.gflops(clock);
        Map<String, Double> fast = new LinkedHashMap<>(), times = new LinkedHashMap<>(), each = new LinkedHashMap<>();
        String fastestDense = null;
        double fastestDenseMs = Double.NaN;
        for (Bench.Outcome o : os)
            if (o.dense() && o.ok() && o.time() != null && (fastestDense == null || o.time().median() / 1e6 < fastestDenseMs)) {
                fastestDense = o.kernelId();
                fastestDenseMs = o.time().median() / 1e6;
            }
        for (Bench.Outcome o : os) {
            double med = o.time() == null ? Double.NaN : o.time().median() / 1e6;
            double gflops = 2.0 * nnz * n / (med / 1e3) / 1e9;
            double cyclesPerNnz = Double.isNaN(clock.mhz()) ? Double.NaN : med / 1e3 * clock.mhz() * 1e6 / ((double) nnz * n);
            boolean ok = o.ok() && o.time() != null;
            rows.speedup.add(new Object[] {p.id(), p.layers(), sp, n, nnz, o.kernelId(), o.entry().backend().id(), o.dense(), o.variant(), med,
                    o.time() == null ? Double.NaN : o.time().low() / 1e6, o.time() == null ? Double.NaN : o.time().high() / 1e6,
                    o.speedup() == null ? Double.NaN : o.speedup().median(), o.speedup() == null ? Double.NaN : o.speedup().low(),
                    o.speedup() == null ? Double.NaN : o.speedup().high(), o.fastestDense() == null ? "" : o.fastestDense(), gflops, gflops / peak,
                    cyclesPerNnz, o.setupMs(), o.status()});
            if (ok) times.put(o.kernelId(), med);
            if (!ok || o.dense()) continue;
            fast.put(o.kernelId(), o.speedup().median());
            Map<String, Bench.Speedup> all = new LinkedHashMap<>();
            all.put(SpmmSweep.FASTEST, new Bench.Speedup(o.speedup(), o.speedupSamples()));
            all.putAll(o.speedupOver());
            for (var e : all.entrySet()) {
                rows.byBaseline.add(new Object[] {p.id(), p.layers(), sp, n, o.kernelId(), e.getKey(), e.getValue().interval().median(),
                        e.getValue().interval().low(), e.getValue().interval().high()});
                each.put(o.kernelId() + "|" + e.getKey(), e.getValue().interval().median());
                if (!target)
                    ctx.metric(Metric.timing(SpmmSweep.name("speedup", "kernel", o.kernelId(), "over", e.getKey(), "problem", p.id(), "sparsity", sp),
                            e.getValue().interval().median(), "x", e.getValue().samples()), o.entry().backend());
            }
            if (o.kernelId().equals(GENERATED)) {
                Map<String, String> kv = GeneratedPrepared.parseVariant(o.variant());
                boolean fellBack = !GeneratedPrepared.ran(o.variant()); // kv still holds the code's figures after a tiered fallback
                rows.generated.add(new Object[] {p.id(), sp, nnz, fellBack ? "fallback" : "generated", num(kv.get("methods")), num(kv.get("bytecode")),
                        kv.getOrDefault("values", ""), num(kv.get("generate_ms")), num(kv.get("define_ms")), num(kv.get("warmup_ms")), o.setupMs(),
                        med, fellBack ? o.variant() : "", kv.getOrDefault("c2", "")});
                if (kv.containsKey("bytecode")) { // code generated (a tiered choice may still run csr-vector): its size is exact
                    ctx.metric(Metric.exact(SpmmSweep.name("bytecode_bytes", "problem", p.id(), "sparsity", sp), num(kv.get("bytecode")), "bytes"));
                    ctx.metric(Metric.info(SpmmSweep.name("generate_ms", "problem", p.id(), "sparsity", sp), num(kv.get("generate_ms")), "ms"));
                    ctx.metric(Metric.info(SpmmSweep.name("prepare_ms", "problem", p.id(), "sparsity", sp), o.setupMs(), "ms"));
                }
            }
        }
        // generated-csr against the generic sparse kernels, from the same interleaved rounds (per-round time ratios)
        Bench.Outcome gen = os.stream().filter(o -> o.kernelId().equals(GENERATED) && o.ok() && o.time() != null).findFirst().orElse(null);
        if (gen != null)
            for (Bench.Outcome o : os) {
                if (o.dense() || o == gen || !o.ok() || o.time() == null || o.timeSamples().length != gen.timeSamples().length) continue;
                double[] r = new double[gen.timeSamples().length];
                for (int i = 0; i < r.length; i++) r[i] = o.timeSamples()[i] / gen.timeSamples()[i];
                Stats.Interval iv = Stats.bootstrapMedian(r, budget.bootstrapResamples(), seed, 0.95);
                rows.byBaseline.add(new Object[] {p.id(), p.layers(), sp, n, GENERATED, o.kernelId(), iv.median(), iv.low(), iv.high()});
                each.put(GENERATED + "|" + o.kernelId(), iv.median());
                if (!target)
                    ctx.metric(Metric.timing(SpmmSweep.name("speedup", "kernel", GENERATED, "over", o.kernelId(), "problem", p.id(), "sparsity", sp),
                            iv.median(), "x", r), gen.entry().backend());
            }
        rows.overFastest.put(key, fast);
        rows.ms.put(key, times);
        rows.overEach.put(key, each);
        // choose by measurement, biased toward dense; only from rounds whose A/A control held, never a fallback over
        // the kernel it falls back to, and only when the winner's interval is separated from the runner-up's
        rows.aa.addAll(os);
        String chosen = fastestDense, why = fastestDense == null ? "no dense kernel ran" : "dense: no sparse kernel is " + DENSE_BIAS + "× faster than " + fastestDense;
        double best = 0;
        Bench.Outcome winner = null;
        boolean unstable = os.stream().anyMatch(Bench.Outcome::unstable);
        java.util.Set<String> measured = new java.util.HashSet<>();
        for (Bench.Outcome o : os) if (o.ok()) measured.add(o.kernelId());
        for (Bench.Outcome o : os) {
            if (o.dense() || !o.usable() || fallsBackToMeasured(o, measured)) continue;
            double s = o.speedup().median();
            if (s >= DENSE_BIAS && o.speedup().low() > 1 && s > best) {
                best = s;
                winner = o;
                chosen = o.kernelId();
                why = String.format(Locale.ROOT, "%s: %.2f× [%.2f, %.2f] over %s (fastest dense), at least the %.2f× bias toward dense", o.kernelId(), s,
                        o.speedup().low(), o.speedup().high(), o.fastestDense(), DENSE_BIAS);
            }
        }
        if (winner != null)
            for (Bench.Outcome o : os) {
                if (o == winner || o.dense() || !o.usable() || fallsBackToMeasured(o, measured)) continue;
                if (o.speedup().high() >= winner.speedup().low()) {
                    why += "; not separated from " + o.kernelId() + String.format(Locale.ROOT, " (%.2f× [%.2f, %.2f]): either would do", o.speedup().median(),
                            o.speedup().low(), o.speedup().high());
                    break;
                }
            }
        if (unstable && fastestDense != null) {
            chosen = fastestDense;
            why = "dense (" + fastestDense + "): inconclusive (noise): the A/A control failed ("
                    + os.stream().filter(Bench.Outcome::unstable).findFirst().orElseThrow().control().describe() + "), no choice by measurement";
        } else if (best == 0 && fastestDense != null) {
            double bs = fast.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            why = String.format(Locale.ROOT, "dense (%s): the best sparse kernel is %.2f×, under the %.2f× bias (or its interval reaches 1)", fastestDense, bs,
                    DENSE_BIAS);
        }
        rows.selection.add(new Object[] {p.id(), sp, n, chosen == null ? "" : chosen, why});
    }

    /** A kernel that ran another's code ("fallback to csr-vector: …") while that kernel was measured too stands for nothing of its own. */
    static boolean fallsBackToMeasured(Bench.Outcome o, java.util.Set<String> measured) { return fallsBackTo(o.variant(), measured); }

    static boolean fallsBackTo(String v, java.util.Set<String> measured) {
        if (v == null || !v.startsWith("fallback to ")) return false;
        String rest = v.substring("fallback to ".length());
        int end = 0;
        while (end < rest.length() && (Character.isLetterOrDigit(rest.charAt(end)) || rest.charAt(end) == '-')) end++;
        return measured.contains(rest.substring(0, end));
    }

    private static double num(String s) {
        if (s == null) return Double.NaN;
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * im2col for a 3×3 convolution, pad 1, stride 1, on CHW input: row (c·9 + ky·3 + kx), column (y·w + x) holds
     * in[c][y + ky − 1][x + kx − 1] (0 outside the image). W's columns use the same (c, ky, kx) order.
     */
    static float[] im2col3x3(float[] in, int c, int h, int w) {
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(9 * c, h), w)];
        int hw = h * w;
        for (int ch = 0; ch < c; ch++)
            for (int ky = 0; ky < 3; ky++)
                for (int kx = 0; kx < 3; kx++) {
                    int row = (ch * 9 + ky * 3 + kx) * hw;
                    for (int y = 0; y < h; y++) {
                        int sy = y + ky - 1;
                        if (sy < 0 || sy >= h) continue;
                        for (int x = 0; x < w; x++) {
                            int sx = x + kx - 1;
                            if (sx >= 0 && sx < w) out[row + y * w + x] = in[ch * hw + sy * w + sx];
                        }
                    }
                }
        return out;
    }

    /** Geometric mean of the values, NaN when there are none. */
    static double geomean(List<Double> v) {
        if (v.isEmpty()) return Double.NaN;
        double s = 0;
        for (double d : v) s += Math.log(d);
        return Math.exp(s / v.size());
    }

    private void write(ExperimentContext ctx, Rows rows, Config cfg) {
        Table sp = Table.create("speedup", StringColumn.create("problem"), StringColumn.create("layers"), DoubleColumn.create("sparsity"),
                IntColumn.create("n"), LongColumn.create("nnz"), StringColumn.create("kernel"), StringColumn.create("backend"), StringColumn.create("dense"),
                StringColumn.create("variant"), DoubleColumn.create("median_ms"), DoubleColumn.create("ci_low_ms"), DoubleColumn.create("ci_high_ms"),
                DoubleColumn.create("speedup"), DoubleColumn.create("speedup_ci_low"), DoubleColumn.create("speedup_ci_high"),
                StringColumn.create("fastest_dense"), DoubleColumn.create("gflops"), DoubleColumn.create("peak_fraction"),
                DoubleColumn.create("cycles_per_nnz_col"), DoubleColumn.create("setup_ms"), StringColumn.create("status"));
        for (Object[] r : rows.speedup) {
            sp.stringColumn("problem").append((String) r[0]);
            sp.stringColumn("layers").append((String) r[1]);
            sp.doubleColumn("sparsity").append((double) r[2]);
            sp.intColumn("n").append((int) r[3]);
            sp.longColumn("nnz").append((long) r[4]);
            sp.stringColumn("kernel").append((String) r[5]);
            sp.stringColumn("backend").append((String) r[6]);
            sp.stringColumn("dense").append(String.valueOf(r[7]));
            sp.stringColumn("variant").append((String) r[8]);
            String[] dn = {"median_ms", "ci_low_ms", "ci_high_ms", "speedup", "speedup_ci_low", "speedup_ci_high"};
            for (int i = 0; i < dn.length; i++) sp.doubleColumn(dn[i]).append((double) r[9 + i]);
            sp.stringColumn("fastest_dense").append((String) r[15]);
            sp.doubleColumn("gflops").append((double) r[16]);
            sp.doubleColumn("peak_fraction").append((double) r[17]);
            sp.doubleColumn("cycles_per_nnz_col").append((double) r[18]);
            sp.doubleColumn("setup_ms").append((double) r[19]);
            sp.stringColumn("status").append((String) r[20]);
        }
        ctx.table("speedup", sp);
        Table by = Table.create("speedup_by_baseline", StringColumn.create("problem"), StringColumn.create("layers"), DoubleColumn.create("sparsity"),
                IntColumn.create("n"), StringColumn.create("kernel"), StringColumn.create("over"), DoubleColumn.create("speedup"),
                DoubleColumn.create("ci_low"), DoubleColumn.create("ci_high"));
        for (Object[] r : rows.byBaseline) {
            by.stringColumn("problem").append((String) r[0]);
            by.stringColumn("layers").append((String) r[1]);
            by.doubleColumn("sparsity").append((double) r[2]);
            by.intColumn("n").append((int) r[3]);
            by.stringColumn("kernel").append((String) r[4]);
            by.stringColumn("over").append((String) r[5]);
            by.doubleColumn("speedup").append((double) r[6]);
            by.doubleColumn("ci_low").append((double) r[7]);
            by.doubleColumn("ci_high").append((double) r[8]);
        }
        ctx.table("speedup_by_baseline", by);
        Table g = Table.create("generated", StringColumn.create("problem"), DoubleColumn.create("sparsity"), LongColumn.create("nnz"),
                StringColumn.create("code"), DoubleColumn.create("methods"), DoubleColumn.create("bytecode_bytes"), StringColumn.create("values"),
                DoubleColumn.create("generate_ms"), DoubleColumn.create("define_ms"), DoubleColumn.create("warmup_ms"), DoubleColumn.create("prepare_ms"),
                DoubleColumn.create("median_ms"), StringColumn.create("fallback_reason"), StringColumn.create("c2_before_timing"));
        for (Object[] r : rows.generated) {
            g.stringColumn("problem").append((String) r[0]);
            g.doubleColumn("sparsity").append((double) r[1]);
            g.longColumn("nnz").append((long) r[2]);
            g.stringColumn("code").append((String) r[3]);
            g.doubleColumn("methods").append((double) r[4]);
            g.doubleColumn("bytecode_bytes").append((double) r[5]);
            g.stringColumn("values").append((String) r[6]);
            g.doubleColumn("generate_ms").append((double) r[7]);
            g.doubleColumn("define_ms").append((double) r[8]);
            g.doubleColumn("warmup_ms").append((double) r[9]);
            g.doubleColumn("prepare_ms").append((double) r[10]);
            g.doubleColumn("median_ms").append((double) r[11]);
            g.stringColumn("fallback_reason").append((String) r[12]);
            g.stringColumn("c2_before_timing").append((String) r[13]);
        }
        ctx.table("generated", g);
        Table sel = Table.create("selection", StringColumn.create("problem"), DoubleColumn.create("sparsity"), IntColumn.create("n"),
                StringColumn.create("chosen"), StringColumn.create("why"));
        for (Object[] r : rows.selection) {
            sel.stringColumn("problem").append((String) r[0]);
            sel.doubleColumn("sparsity").append((double) r[1]);
            sel.intColumn("n").append((int) r[2]);
            sel.stringColumn("chosen").append((String) r[3]);
            sel.stringColumn("why").append((String) r[4]);
        }
        ctx.table("selection", sel);
        Table pr = Table.create("problems", StringColumn.create("problem"), StringColumn.create("layers"), DoubleColumn.create("sparsity"),
                IntColumn.create("m"), IntColumn.create("k"), IntColumn.create("n"), LongColumn.create("nnz"), DoubleColumn.create("row_length_cv"),
                DoubleColumn.create("uniform_mask_cv"), DoubleColumn.create("cv_ratio"), DoubleColumn.create("lognormal_sigma"),
                DoubleColumn.create("im2col_ms"));
        for (Object[] r : rows.problems) {
            pr.stringColumn("problem").append((String) r[0]);
            pr.stringColumn("layers").append((String) r[1]);
            pr.doubleColumn("sparsity").append((double) r[2]);
            pr.intColumn("m").append((int) r[3]);
            pr.intColumn("k").append((int) r[4]);
            pr.intColumn("n").append((int) r[5]);
            pr.longColumn("nnz").append((long) r[6]);
            pr.doubleColumn("row_length_cv").append((double) r[7]);
            pr.doubleColumn("uniform_mask_cv").append((double) r[8]);
            pr.doubleColumn("cv_ratio").append((double) r[9]);
            pr.doubleColumn("lognormal_sigma").append((double) r[10]);
            pr.doubleColumn("im2col_ms").append((double) r[11]);
        }
        ctx.table("problems", pr);
        geomeans(ctx, rows, cfg);
        targets(ctx, rows, cfg);
        // speedup against layer size (scatter: bars on the report's automatic log scale do not draw)
        ctx.plot(new PlotSpec("speedup-1x1", "Speedup over the fastest dense CPU kernel, MobileNetV1 1×1 layers, by non-zeros (one series per kernel)",
                "speedup", "nnz", "speedup", "kernel", List.of("layers=1x1", "dense=false"), "non-zeros of W", "speedup over fastest dense (×)", true,
                PlotSpec.Style.SCATTER, 1.0));
        ctx.plot(new PlotSpec("speedup-3x3", "Speedup over the fastest dense CPU kernel, ResNet-50 3×3 layers via im2col, by non-zeros", "speedup", "nnz",
                "speedup", "kernel", List.of("layers=resnet50-3x3", "dense=false"), "non-zeros of W", "speedup over fastest dense (×)", true,
                PlotSpec.Style.SCATTER, 1.0));
        ctx.plot(new PlotSpec("generated-prepare", "generated-csr: time from pruned matrix to compiled speed, by non-zeros", "generated", "nnz", "prepare_ms",
                "code", List.of(), "non-zeros", "prepare (ms)", true, PlotSpec.Style.SCATTER, Double.NaN));
    }

    /** Geometric means per layer family, sparsity, kernel and baseline; the published names for generated over fastest dense. */
    private void geomeans(ExperimentContext ctx, Rows rows, Config cfg) {
        Table t = Table.create("geomean", StringColumn.create("layers"), DoubleColumn.create("sparsity"), StringColumn.create("kernel"),
                StringColumn.create("over"), DoubleColumn.create("geomean_speedup"), IntColumn.create("problems"), IntColumn.create("fallbacks"));
        Set<String> families = new LinkedHashSet<>();
        for (Problem p : rows.problemOf.values()) if (!p.uniform()) families.add(p.layers());
        List<String> groups = new ArrayList<>(families);
        if (families.contains("1x1") && families.contains("resnet50-3x3")) groups.add("1x1+3x3");
        Set<String> pairs = new LinkedHashSet<>();
        for (Map<String, Double> m : rows.overEach.values()) pairs.addAll(m.keySet());
        for (double s : cfg.sparsities())
            for (String fam : groups) {
                List<String> keys = rows.problemOf.entrySet().stream().filter(e -> rows.sparsityOf.get(e.getKey()) == s && !e.getValue().uniform()
                        && (fam.equals("1x1+3x3") ? (e.getValue().layers().equals("1x1") || e.getValue().layers().equals("resnet50-3x3"))
                                : e.getValue().layers().equals(fam))).map(Map.Entry::getKey).toList();
                if (keys.isEmpty()) continue;
                for (String pair : pairs) {
                    List<Double> v = new ArrayList<>();
                    for (String k : keys) {
                        Double x = rows.overEach.get(k).get(pair);
                        if (x != null) v.add(x);
                    }
                    if (v.size() != keys.size()) continue;  // a kernel missing on some layer: no mean over a different set
                    String kernel = pair.substring(0, pair.indexOf('|')), over = pair.substring(pair.indexOf('|') + 1);
                    double gm = geomean(v);
                    int fb = 0;
                    if (kernel.equals(GENERATED))
                        for (Object[] r : rows.generated) if (keys.contains(r[0] + "|" + SpmmSweep.rate((double) r[1])) && "fallback".equals(r[3])) fb++;
                    t.stringColumn("layers").append(fam);
                    t.doubleColumn("sparsity").append(s);
                    t.stringColumn("kernel").append(kernel);
                    t.stringColumn("over").append(over);
                    t.doubleColumn("geomean_speedup").append(gm);
                    t.intColumn("problems").append(v.size());
                    t.intColumn("fallbacks").append(fb);
                    double[] samples = v.stream().mapToDouble(Double::doubleValue).toArray();
                    ctx.metric(Metric.timing(SpmmSweep.name("speedup_geomean", "kernel", kernel, "over", over, "layers", fam, "sparsity", s), gm, "x", samples));
                    if (kernel.equals(GENERATED) && over.equals(SpmmSweep.FASTEST))
                        ctx.metric(Metric.timing(headline(fam, s), gm, "x", samples));
                    ctx.log().printf(Locale.ROOT, "  geomean %s sparsity %.2f: %s over %s %.2f× (%d layers)%n", fam, s, kernel, over, gm, v.size());
                }
            }
        ctx.table("geomean", t);
    }

    /** The targets, each a measured ratio beside its goal. */
    private void targets(ExperimentContext ctx, Rows rows, Config cfg) {
        Table t = Table.create("targets", StringColumn.create("target"), StringColumn.create("measured"), DoubleColumn.create("value"),
                DoubleColumn.create("goal"), StringColumn.create("met"));
        Map<String, Double> gm = new LinkedHashMap<>();
        for (String pair : List.of(GENERATED + "|csr-vector", GENERATED + "|" + SpmmSweep.FASTEST, DirectConv.ID + "|" + SpmmSweep.FASTEST))
            for (String fam : List.of("1x1", "resnet50-3x3")) {
                List<Double> v = new ArrayList<>();
                int want = 0;
                for (var e : rows.problemOf.entrySet()) {
                    if (!e.getValue().layers().equals(fam) || rows.sparsityOf.get(e.getKey()) != 0.90) continue;
                    want++;
                    Double x = rows.overEach.get(e.getKey()).get(pair);
                    if (x != null) v.add(x);
                }
                if (want > 0 && v.size() == want) gm.put(fam + "|" + pair, geomean(v));
            }
        target(ctx, t, "MobileNetV1 1×1 at 90 %: generated-csr over csr-vector (geometric mean)", gm.get("1x1|" + GENERATED + "|csr-vector"), 1.3,
                "target[name=1x1-generated-over-csr-vector,sparsity=0.90]");
        target(ctx, t, "MobileNetV1 1×1 at 90 %: generated-csr over the fastest dense (geometric mean)", gm.get("1x1|" + GENERATED + "|" + SpmmSweep.FASTEST),
                2.5, "target[name=1x1-generated-over-fastest-dense,sparsity=0.90]");
        target(ctx, t, "ResNet-50 3×3 at 90 %: generated-csr over the fastest dense (geometric mean)",
                gm.get("resnet50-3x3|" + GENERATED + "|" + SpmmSweep.FASTEST), 3.0, "target[name=3x3-generated-over-fastest-dense,sparsity=0.90]");
        target(ctx, t, "ResNet-50 3×3 at 90 %: " + DirectConv.ID + " (direct sparse conv) over the fastest dense (geometric mean)",
                gm.get("resnet50-3x3|" + DirectConv.ID + "|" + SpmmSweep.FASTEST), 3.0, "target[name=3x3-direct-conv-over-fastest-dense,sparsity=0.90]");
        Machine.Clock clock = Machine.nominalClock();
        double peak = Peak.gflops(clock);
        ctx.parameter("fp32_peak_gflops", peak);
        ctx.parameter("fp32_peak_how", Peak.describe(clock));
        for (Problem p : cfg.targets()) {
            String key = p.id() + "|" + SpmmSweep.rate(0.90);
            Map<String, Double> ms = rows.ms.get(key);
            if (ms == null) continue;
            long nnz = rows.nnzOf.get(key);
            if (p.n() > 1) {
                String bestK = null;
                double bestMs = Double.NaN;
                boolean genFellBack = rows.generated.stream().anyMatch(r -> (r[0] + "|" + SpmmSweep.rate((double) r[1])).equals(key) && "fallback".equals(r[3]));
                for (String k : SPARSE)
                    if (ms.containsKey(k) && !(k.equals(GENERATED) && genFellBack) && (bestK == null || ms.get(k) < bestMs)) {
                        bestK = k;
                        bestMs = ms.get(k);
                    }
                if (bestK == null) continue;
                double frac = 2.0 * nnz * p.n() / (bestMs / 1e3) / 1e9 / peak;
                target(ctx, t, p.id() + " at 90 % uniform: best sparse kernel (" + bestK + ") as a fraction of fp32 peak (useful flops)", frac, 0.30,
                        MetricName.format("target", "name=peak-fraction-best-sparse", "problem=" + p.id()));
                for (String k : SPARSE)
                    if (ms.containsKey(k))
                        ctx.metric(Metric.info(SpmmSweep.name("peak_fraction", "kernel", k, "problem", p.id(), "sparsity", 0.90),
                                2.0 * nnz * p.n() / (ms.get(k) / 1e3) / 1e9 / peak, "fraction"));
            } else {
                Map<String, Double> each = rows.overEach.get(key);
                Double mkl = ms.get("mkl-sparse-csr");
                for (String k : List.of("csr-vector", GENERATED))
                    if (mkl != null && ms.containsKey(k))
                        target(ctx, t, p.id() + " (SpMV) at 90 %: " + k + " over mkl-sparse-csr (time ratio, same rounds)", mkl / ms.get(k), 1.0,
                                MetricName.format("target", "name=spmv-" + k + "-over-mkl-sparse", "problem=" + p.id()));
                if (each != null && each.isEmpty()) ctx.note("no sparse kernel ran at " + p.id());
            }
        }
        ctx.table("targets", t);
    }

    private void target(ExperimentContext ctx, Table t, String what, Double value, double goal, String metric) {
        t.stringColumn("target").append(what);
        t.stringColumn("measured").append(value == null ? "not measured in this run" : "measured");
        t.doubleColumn("value").append(value == null ? Double.NaN : value);
        t.doubleColumn("goal").append(goal);
        t.stringColumn("met").append(value == null ? "-" : value >= goal ? "yes" : String.format(Locale.ROOT, "no (%.0f %% short)", 100 * (1 - value / goal)));
        if (value != null) ctx.metric(Metric.info(metric, value, "ratio"));
    }
}
