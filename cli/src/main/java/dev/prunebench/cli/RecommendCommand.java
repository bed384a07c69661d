package dev.prunebench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.env.BuildInfo;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.io.LoadedMatrix;
import dev.prunebench.core.io.MatrixFiles;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.experiments.Backends;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Patterns;
import dev.prunebench.measure.SpmmBench;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "recommend", description = {
        "Which format to deploy W in, per platform: every format the matrix fits, its exact bytes (index overhead included), its "
                + "time or counts beside the fastest dense kernel, and the pick — the smallest format whose time is within the interval "
                + "of the fastest, else dense — with the reason in one line.",
        "cpu: measured in the same interleaved rounds as every dense CPU kernel (as spmm; medians with 95 % intervals). mcu: executed "
                + "instructions of the generated Cortex-M4 code under QEMU (emulated; exact counts; the code `export --target c` writes). "
                + "gpu: measured with a CUDA device, else the warp memory-access model's estimate (modelled), labelled so."})
final class RecommendCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = ".npy, .mtx or .smtx") Path file;
    @Option(names = "--n", required = true, description = "columns of X (batch; 1 = SpMV)") int n;
    @Option(names = "--platforms", split = ",", defaultValue = "cpu,mcu,gpu", description = "cpu, mcu, gpu (default: ${DEFAULT-VALUE})") List<String> platforms;
    @Option(names = "--precision", defaultValue = "fp32", description = "values for the byte counts: fp32, fp16, bf16, int8 (mcu: int8 runs q7, else q15) (default: ${DEFAULT-VALUE})") String precision;
    @Option(names = "--formats", split = ",", description = "formats to consider (default: dense, csr, gcsr:2/4/8/16, nm:2:4, nm:1:4; each platform takes those its kernels run)") List<String> formats;
    @Option(names = "--json", description = "print the result as JSON") boolean json;
    @Option(names = "--repeats", defaultValue = "7", description = "cpu: timed pairs (default: ${DEFAULT-VALUE})") int repeats;
    @Option(names = "--min-sample-ms", defaultValue = "5", description = "cpu: a sample lasts at least this long (default: ${DEFAULT-VALUE})") double minSampleMs;
    @Option(names = "--seed", defaultValue = "20260101", description = "seed of X (N(0,1)) and the bootstrap (default: ${DEFAULT-VALUE})") long seed;

    /** One format on one platform: bytes, and its cost (ms, instructions or modelled ps) with an interval. */
    record Choice(String format, String kernel, long bytes, double bytesVsDense, double cost, double low, double high, String unit,
                  String provenance, Double speedup, String note) {}

    record Platform(String platform, String provenance, String status, String baseline, List<Choice> formats, String pick, String reason) {}

    @Override public Integer call() throws Exception {
        if (n < 1 || n > 100_000) throw new IllegalArgumentException("--n: must be in [1, 100000], got " + n);
        if (repeats < 3 || repeats > 10_000) throw new IllegalArgumentException("--repeats: must be in [3, 10000], got " + repeats);
        if (!(minSampleMs >= 0 && minSampleMs <= 60_000)) throw new IllegalArgumentException("--min-sample-ms: must be in [0, 60000], got " + minSampleMs);
        Precision p = ExportCommand.parse("--precision", () -> Precision.parse(precision));
        for (String pl : platforms)
            if (!List.of("cpu", "mcu", "gpu").contains(pl.trim().toLowerCase(Locale.ROOT)))
                throw new IllegalArgumentException("--platforms: unknown '" + pl + "' (expected cpu, mcu, gpu)");
        List<FormatSpec> asked = (formats == null ? List.of("dense", "csr", "gcsr:2", "gcsr:4", "gcsr:8", "gcsr:16", "nm:2:4", "nm:1:4") : formats)
                .stream().map(f -> ExportCommand.parse("--formats", () -> FormatSpec.parse(f))).toList();
        LoadedMatrix lm = MatrixFiles.read(file, seed);
        SparseFormat x0 = lm.matrix();
        NonZeros nz = NonZeros.of(x0);
        if (!(x0 instanceof Dense)) NonZeros.checkDenseFits(file.toString(), x0.rows(), x0.cols());
        Memory.check(file + " with --n " + n + ": X " + x0.cols() + "x" + n + " and three " + x0.rows() + "x" + n + " results",
                4L * x0.cols() * n + 12L * x0.rows() * n, Math.max((long) x0.cols() * n, (long) x0.rows() * n));
        Dense w = x0 instanceof Dense d ? d : new Dense(x0.rows(), x0.cols(), x0.toDense());
        // the formats that hold this matrix (N:M may not)
        List<FormatSpec> fits = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (FormatSpec f : asked) {
            String v = f.kind() == FormatSpec.Kind.NM ? nz.nmViolation(f) : null;
            if (v != null) notes.add(f + " does not fit: " + v);
            else if (f.kind() == FormatSpec.Kind.GCSR && f.g() > w.cols()) notes.add(f + ": group wider than the " + w.cols() + " columns");
            else if (!fits.contains(f)) fits.add(f);
        }
        if (!fits.contains(FormatSpec.DENSE)) fits.add(0, FormatSpec.DENSE);
        KernelRegistry reg = Backends.registry();
        PrintStream log = System.err;
        List<Platform> out = new ArrayList<>();
        for (String pl : platforms) {
            switch (pl.trim().toLowerCase(Locale.ROOT)) {
                case "cpu" -> out.add(cpu(reg, w, nz, fits, p, log));
                case "mcu" -> out.add(counted(reg, "mcu", w, nz, fits, p == Precision.INT8 ? "q7" : "q15", p == Precision.INT8 ? Precision.INT8 : Precision.FP16));
                default -> out.add(gpu(reg, w, nz, fits, p));
            }
        }
        BuildInfo bi = BuildInfo.current();
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("file", file.toString());
            j.put("shape", List.of(w.rows(), w.cols()));
            j.put("nnz", nz.nnz());
            j.put("n", n);
            j.put("precision", p.id());
            j.put("not_fitting", notes);
            j.put("platforms", out);
            j.put("prunebench", Map.of("version", bi.version(), "commit", bi.commit(), "dirty", bi.dirty(), "commit_from", bi.source()));
            o.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(j));
            return 0;
        }
        o.printf(Locale.ROOT, "W: %s, %dx%d, %d non-zeros (sparsity %.4f); X %dx%d; bytes at %s, minimal indices%n", file, w.rows(), w.cols(),
                nz.nnz(), 1.0 - (double) nz.nnz() / ((double) w.rows() * w.cols()), w.cols(), n, p.id());
        if (lm.note() != null) o.println("note: " + lm.note());
        for (String s : notes) o.println("  " + s);
        for (Platform pf : out) {
            o.printf(Locale.ROOT, "%n%s (%s): %s%n", pf.platform(), pf.provenance(), pf.status());
            if (pf.formats().isEmpty()) continue;
            o.printf(Locale.ROOT, "  %-8s %-18s %12s %9s %14s %-27s %-20s%n", "format", "kernel", "bytes", "vs dense", pf.formats().get(0).unit(),
                    "interval", "vs " + pf.baseline());
            for (Choice c : pf.formats())
                o.printf(Locale.ROOT, "  %-8s %-18s %12d %8.2f%% %14s %-27s %-20s%s%n", c.format(), c.kernel(), c.bytes(), 100 * c.bytesVsDense(),
                        num(c.cost()), "[" + num(c.low()) + ", " + num(c.high()) + "]",
                        c.speedup() == null ? "-" : String.format(Locale.ROOT, "%.2fx", c.speedup()), c.note().isEmpty() ? "" : "  " + c.note());
            o.printf(Locale.ROOT, "  pick: %s — %s%n", pf.pick(), pf.reason());
        }
        o.println();
        o.println("commit " + bi.describe());
        return 0;
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "-";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.4f", v);
    }

    private Platform cpu(KernelRegistry reg, Dense w, NonZeros nz, List<FormatSpec> fits, Precision p, PrintStream log) {
        List<MatMul> kernels = new ArrayList<>();
        List<String> backends = List.of("cpu-vector", "mkl", "openblas");
        for (MatMul k : reg.kernels())
            if (backends.contains(k.backendId()) && reg.entry(k.backendId()).map(KernelRegistry.Entry::usable).orElse(false)
                    && fits.stream().anyMatch(f -> f.kind() != FormatSpec.Kind.DENSE && k.refuses(f, n) == null))
                kernels.add(k);
        if (kernels.isEmpty()) return new Platform("cpu", "measured", "unavailable: no CPU kernel takes these formats", "-", List.of(), "dense", "nothing else runs here");
        Budget budget = new Budget(2, repeats, Math.round(minSampleMs * 1e6), 2000, seed, Math.max(Math.round(minSampleMs * 1e6), 400_000_000L));
        List<SpmmBench.Result> rs = SpmmBench.run(reg, w, fits, kernels, null, n, 1, budget, seed, log);
        Map<String, SpmmBench.Result> best = new LinkedHashMap<>();
        for (SpmmBench.Result r : rs) {
            if (!r.status().equals("ok") || Double.isNaN(r.medianMs())) continue;
            String f = r.isBaseline() ? "dense" : r.format();
            if (!r.isBaseline() && !native_(r.kernel(), f)) continue;
            SpmmBench.Result b = best.get(f);
            if (b == null || r.medianMs() < b.medianMs()) best.put(f, r);
        }
        SpmmBench.Result dense = best.get("dense");
        List<Choice> cs = new ArrayList<>();
        long denseBytes = nz.storage(FormatSpec.DENSE, p, IndexPolicy.MINIMAL).total();
        for (FormatSpec f : fits) {
            SpmmBench.Result r = best.get(f.toString());
            if (r == null) continue;
            long bytes = nz.storage(f, p, IndexPolicy.MINIMAL).total();
            cs.add(new Choice(f.toString(), r.kernel(), bytes, (double) bytes / denseBytes, r.medianMs(), r.lowMs(), r.highMs(), "time ms",
                    "measured", dense == null ? null : dense.medianMs() / r.medianMs(), r.variant()));
        }
        return pick("cpu", "measured, interleaved with every dense CPU kernel, 1 thread", "ok", dense == null ? "-" : dense.kernel(), cs);
    }

    /**
     * Whether the kernel reads W in that format as it is stored, so the format's bytes are what it holds: MKL's sparse
     * kernel converts any sparse format to CSR first (its time on gcsr:G is CSR's time, with gcsr:G's bytes a lie).
     */
    static boolean native_(String kernel, String format) {
        return !kernel.startsWith("mkl-sparse") || format.equals("csr");
    }

    /** Counted kernels (mcu: emulated instructions; gpu model: modelled time), one run per format. */
    private Platform counted(KernelRegistry reg, String platform, Dense w, NonZeros nz, List<FormatSpec> fits, String label, Precision bytesAt) {
        float[] x = Patterns.normalVector(Math.multiplyExact(w.cols(), n), seed);
        CountedKernels.Found found = CountedKernels.find(reg, platform, label);
        List<MatMul> ks = found.kernels();
        String provenance = found.provenance(), status = found.status();
        if (ks.isEmpty()) return new Platform(platform, provenance, status, "-", List.of(), "dense", "not measured here");
        long denseBytes = nz.storage(FormatSpec.DENSE, bytesAt, IndexPolicy.MINIMAL).total();
        List<Choice> cs = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        String unit = platform.equals("mcu") ? "instructions" : "est. time us";
        for (FormatSpec f : fits) {
            SparseFormat enc = f.kind() == FormatSpec.Kind.DENSE ? w : f.encode(w.data(), w.rows(), w.cols());
            Choice best = null;
            for (MatMul k : ks) {
                if (k.refuses(f, n) != null) continue;
                try {
                    CountedKernels.Count c = CountedKernels.count(k, platform, enc, x, n);
                    if (c == null) continue;
                    long bytes = nz.storage(f, bytesAt, IndexPolicy.MINIMAL).total();
                    Choice ch = new Choice(f.toString(), k.id(), bytes, (double) bytes / denseBytes, c.cost(), c.cost() - c.half(), c.cost() + c.half(), unit,
                            provenance, null, c.note());
                    if (best == null || ch.cost() < best.cost()) best = ch;
                } catch (IllegalArgumentException | IllegalStateException e) {
                    refused.add(f + " on " + k.id() + ": " + Failure.oneLine(e.getMessage()));
                } catch (Exception e) {
                    refused.add(f + " on " + k.id() + ": " + e);
                }
            }
            if (best != null) cs.add(best);
        }
        Choice dense = cs.stream().filter(c -> c.format().equals("dense")).findFirst().orElse(null);
        List<Choice> withSpeed = new ArrayList<>();
        for (Choice c : cs)
            withSpeed.add(new Choice(c.format(), c.kernel(), c.bytes(), c.bytesVsDense(), c.cost(), c.low(), c.high(), c.unit(), c.provenance(),
                    dense == null ? null : dense.cost() / c.cost(), c.note()));
        String st = (platform.equals("mcu") ? label + " on the Cortex-M4 (QEMU mps2-an386): executed instructions per call, exact counts"
                : "modelled: warp memory-access model, not a GPU run" + (status == null ? "" : "; the real GPU is " + status))
                + (refused.isEmpty() ? "" : "; refused: " + String.join("; ", refused));
        return pick(platform, provenance + (platform.equals("mcu") ? ", bytes at " + label : ""), st, dense == null ? "-" : dense.kernel(), withSpeed);
    }

    private Platform gpu(KernelRegistry reg, Dense w, NonZeros nz, List<FormatSpec> fits, Precision p) {
        // a real device is measured by spmm --backends cuda; here the model, labelled, unless none is usable
        String real = reg.entry("cuda").map(e -> e.usable() ? "available (measure with: prunebench spmm --backends cuda)" : "unavailable (" + e.status() + ")").orElse("not built");
        Platform m = counted(reg, "gpu", w, nz, fits, "gpu", p);
        return new Platform("gpu", m.provenance(), m.status() + "; CUDA device " + real, m.baseline(), m.formats(), m.pick(), m.reason());
    }

    /**
     * The smallest format whose cost interval reaches the fastest's (low ≤ fastest's high), else dense; the reason in a line.
     */
    static Platform pick(String platform, String provenance, String status, String baseline, List<Choice> cs) {
        if (cs.isEmpty()) return new Platform(platform, provenance, status, baseline, cs, "dense", "no format ran");
        Choice fastest = cs.get(0);
        for (Choice c : cs) if (c.cost() < fastest.cost()) fastest = c;
        Choice pick = null;
        for (Choice c : cs)
            if (c.low() <= fastest.high() && (pick == null || c.bytes() < pick.bytes())) pick = c;
        Choice dense = cs.stream().filter(c -> c.format().equals("dense")).findFirst().orElse(null);
        String why;
        if (pick.format().equals("dense"))
            why = "no sparse format is both smaller and within the fastest's interval (fastest: " + fastest.format() + ")";
        else why = String.format(Locale.ROOT, "%d bytes, %.1f%% of dense; %s%s", pick.bytes(), 100 * pick.bytesVsDense(),
                pick == fastest ? "the fastest" : "within the interval of the fastest (" + fastest.format() + ")",
                dense == null ? "" : String.format(Locale.ROOT, ", %.2fx the fastest dense (%s)", dense.cost() / pick.cost(), dense.kernel()));
        return new Platform(platform, provenance, status, baseline, cs, pick.format(), why);
    }
}
