package dev.prunebench.kernels.cuda;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cuda.model.GpuPreset;
import dev.prunebench.measure.Patterns;
import dev.prunebench.measure.Stats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The GPU check: Hartenstein et al.'s points on one GPU, with nothing but core, measure and kernels-cuda on the class
 * path (the entry point of the GPU bundle, {@code run.sh}; no MKL, no CLI). W 4096×4096 (seeded N(0, 1) weights,
 * group-RMS pruned with groups of g adjacent weights, as {@code hartenstein-spmm-gpu}) times X 4096×N, N = 50 and 1,
 * rates 0.80, 0.84, 0.90, 0.94, 0.98 × g 1, 8, 32: cuBLAS SGEMM (FP32, TF32 off), the three cuSPARSE CSR algorithms
 * and our kernels, interleaved in rounds; each kernel timed two ways, a batch of launches captured in a CUDA graph
 * (kernel time, the figure used) and the same batch issued from Java between events (host-issued), beside the time
 * of an empty kernel measured the same ways (a row within 3× of it is flagged launch-bound). Then break-even per g,
 * our g = 32 kernel against cuSPARSE, and the memory-access model's rows at 90 % with the preset matched to the
 * device (name, SM count, L2 size read from the device; L2 bandwidth and launch overhead calibrated here when the
 * calibration kernels ran).
 *
 * <p>Writes one run folder ({@code <out>/<run id>/manifest.json} and {@code hartenstein-spmm-gpu/}: experiment.json,
 * metrics.csv, speedup.csv, break_even.csv, ours_vs_cusparse.csv, model.csv, calibration.json).
 *
 * <p>Exit status: 0 done; 2 no usable GPU (one line says why); 1 a failure.
 */
public final class GpuCheck {
    public static final String EXPERIMENT = "hartenstein-spmm-gpu";
    static final double[] RATES = {0.80, 0.84, 0.90, 0.94, 0.98};
    static final int[] GROUPS = {1, 8, 32};
    static final int[] NS = {50, 1};
    static final double LAUNCH_BOUND_FACTOR = 3.0;
    static final long SEED = 20260101L;

    private final PrintStream log;
    private final int size, rounds;
    private final long targetBatchNs;

    GpuCheck(PrintStream log, int size, int rounds, long targetBatchNs) {
        this.log = log; this.size = size; this.rounds = rounds; this.targetBatchNs = targetBatchNs;
    }

    public static void main(String[] args) {
        Path out = Path.of(System.getenv().getOrDefault("OUT", "results"));
        int size = 4096, rounds = 7;
        boolean profile = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--profile" -> profile = true;
                case "-h", "--help" -> {
                    System.out.println("usage: GpuCheck [--out DIR] [--size M] [--rounds R]   (defaults: $OUT or ./results, 4096, 7)");
                    return;
                }
                default -> {
                    System.err.println("[gpu-check] unknown argument " + args[i] + " (--out DIR, --size M, --rounds R)");
                    System.exit(1);
                }
            }
        }
        var probe = new CudaBackend().probe();
        if (!probe.available()) {
            System.out.println("[gpu-check] no usable GPU: " + probe.reason());
            System.exit(2);
        }
        try {
            if (profile) {
                new GpuCheck(System.out, size, rounds, 1_000_000L).profile();
                return;
            }
            Path run = new GpuCheck(System.out, size, rounds, 1_000_000L).run(out, probe.reason());
            System.out.println("[gpu-check] results: " + run);
        } catch (Exception | LinkageError e) {
            System.err.println("[gpu-check] FAILED: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    // ------------------------------------------------------------------ one measured row

    /** One kernel at one point. Times in microseconds; NaN where not measured. */
    record Row(int n, int g, double rate, String kernel, String format, boolean dense, String status, double graphUs, double graphLowUs,
               double graphHighUs, double eventUs, int batch, double relError, long nnz, String variant, double[] samplesUs) {
        boolean ok() { return status.equals("ok"); }
    }

    /** The device and what the run found, for the manifest. */
    record Device(String name, int sms, long l2Bytes, int major, int minor, int clockKhz, String driver, String runtime) {}

    record Calibration(double emptyGraphUs, double emptyEventUs, double l2GBs, long l2TestBytes, String problem) {}

    Path run(Path outRoot, String probe) throws IOException {
        Instant started = Instant.now();
        Device dev = device();
        log.printf(Locale.ROOT, "[gpu-check] %s: %d SMs, L2 %.1f MiB, sm_%d%d; %s%n", dev.name, dev.sms, dev.l2Bytes / 1048576.0, dev.major, dev.minor,
                dev.driver);
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("gpu", dev.name);
        env.put("gpu_sms", dev.sms);
        env.put("gpu_l2_bytes", dev.l2Bytes);
        env.put("gpu_compute_capability", dev.major + "." + dev.minor);
        env.put("gpu_clock_mhz", dev.clockKhz / 1000);
        env.put("driver", dev.driver);
        env.put("cuda_runtime", dev.runtime);
        env.put("cublas", Cuda.cublasPath() + cublasVersion());
        env.put("cusparse", cusparseVersion());
        env.put("our_ptx", PtxModule.problem() == null ? "loaded (" + CudaPtx.toolkit(CudaPtx.text()) + ", PTX " + CudaPtx.ptxVersion(CudaPtx.text()) + ")"
                : "unavailable: " + PtxModule.problem());
        env.put("jdk", System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")");
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        env.put("probe", probe);
        for (var e : env.entrySet()) log.println("[gpu-check] " + e.getKey() + ": " + e.getValue());

        Calibration cal = calibrate(dev);
        if (cal.problem == null)
            log.printf(Locale.ROOT, "[gpu-check] empty kernel: %.2f us per launch in a graph, %.2f us issued from Java; L2 read %.0f GB/s (%d MiB buffer)%n",
                    cal.emptyGraphUs, cal.emptyEventUs, cal.l2GBs, cal.l2TestBytes >> 20);
        else log.println("[gpu-check] calibration skipped: " + cal.problem);

        // the model is CPU work (about a minute on one core at 4096²): computed on another thread while the GPU is measured
        var modelFuture = CompletableFuture.supplyAsync(() -> modelRows(dev, cal, List.of()));
        List<Row> rows = measure();
        List<Map<String, Object>> model = joinMeasured(modelFuture.join(), rows);
        Path dir = write(outRoot, started, dev, env, cal, rows, model);
        summary(rows, cal);
        return dir;
    }

    // ------------------------------------------------------------------ device, versions

    static Device device() {
        jcuda.runtime.cudaDeviceProp p = new jcuda.runtime.cudaDeviceProp();
        Cuda.check(jcuda.runtime.JCuda.cudaGetDeviceProperties(p, 0), "cudaGetDeviceProperties(0)");
        int[] drv = {0}, rt = {0};
        jcuda.runtime.JCuda.cudaDriverGetVersion(drv);
        jcuda.runtime.JCuda.cudaRuntimeGetVersion(rt);
        return new Device(p.getName(), p.multiProcessorCount, p.l2CacheSize, p.major, p.minor, p.clockRate,
                "driver supports CUDA " + drv[0] / 1000 + "." + drv[0] % 1000 / 10, "CUDA runtime " + rt[0] / 1000 + "." + rt[0] % 1000 / 10 + " (static in JCuda)");
    }

    static String cublasVersion() {
        try {
            if (Cuda.jcublasProblem() == null) {
                jcuda.jcublas.cublasHandle h = new jcuda.jcublas.cublasHandle();
                jcuda.jcublas.JCublas2.cublasCreate(h);
                int[] v = {0};
                jcuda.jcublas.JCublas2.cublasGetVersion(h, v);
                jcuda.jcublas.JCublas2.cublasDestroy(h);
                return ", cuBLAS " + CublasFfm.versionString(v[0]);
            }
            if (CublasFfm.problem() == null)
                try (CublasFfm.Handle h = CublasFfm.get().handle()) {
                    return ", cuBLAS " + CublasFfm.versionString(h.version());
                }
            return ": " + Cuda.cublasProblem();
        } catch (RuntimeException | LinkageError e) {
            return " (version unknown: " + e.getMessage() + ")";
        }
    }

    static String cusparseVersion() {
        String why = Cuda.cusparseProblem();
        if (why != null) return "unavailable: " + why;
        int[] a = {0}, b = {0}, c = {0};
        jcuda.jcusparse.JCusparse.cusparseGetProperty(0, a);
        jcuda.jcusparse.JCusparse.cusparseGetProperty(1, b);
        jcuda.jcusparse.JCusparse.cusparseGetProperty(2, c);
        return "JCusparse, cuSPARSE " + a[0] + "." + b[0] + "." + c[0];
    }

    // ------------------------------------------------------------------ calibration: empty kernel, L2 stream

    Calibration calibrate(Device dev) {
        String ptxProblem = PtxModule.problem();
        if (ptxProblem != null) return new Calibration(Double.NaN, Double.NaN, Double.NaN, 0, "our PTX does not load: " + ptxProblem);
        try {
            jcuda.driver.CUmodule m = new jcuda.driver.CUmodule();
            Cuda.drv(jcuda.driver.JCudaDriver.cuModuleLoadData(m, CudaPtx.image("calib.ptx")), "cuModuleLoadData(calib.ptx)");
            jcuda.driver.CUfunction empty = new jcuda.driver.CUfunction(), stream = new jcuda.driver.CUfunction();
            Cuda.drv(jcuda.driver.JCudaDriver.cuModuleGetFunction(empty, m, "empty_kernel"), "cuModuleGetFunction(empty_kernel)");
            Cuda.drv(jcuda.driver.JCudaDriver.cuModuleGetFunction(stream, m, "l2_stream"), "cuModuleGetFunction(l2_stream)");
            double emptyGraph, emptyEvent, bw;
            long bytes = Math.max(1L << 20, Math.min(dev.l2Bytes / 4, 64L << 20)) & ~15L;
            try (Cuda.Stream st = new Cuda.Stream(); Cuda.Events ev = new Cuda.Events(); Cuda.Buffer buf = new Cuda.Buffer(bytes);
                 Cuda.Buffer sink = new Cuda.Buffer(4)) {
                buf.zero();
                Runnable launchEmpty = () -> Cuda.drv(jcuda.driver.JCudaDriver.cuLaunchKernel(empty, 1, 1, 1, 32, 1, 1, 0, st.driver(), null, null),
                        "cuLaunchKernel(empty_kernel)");
                int batch = 1000;
                double[] g = new double[rounds], e = new double[rounds];
                try (Cuda.Graph graph = Cuda.Graph.capture(st, launchEmpty, batch)) {
                    for (int r = 0; r < rounds; r++) {
                        g[r] = ev.nanosPerGraph(graph, st.s);
                        e[r] = ev.nanosPerRun(launchEmpty, batch, st.s);
                    }
                }
                emptyGraph = Stats.median(g) / 1000;
                emptyEvent = Stats.median(e) / 1000;
                int reps = 20;
                long n4 = bytes / 16;
                jcuda.Pointer params = jcuda.Pointer.to(jcuda.Pointer.to(buf.ptr), jcuda.Pointer.to(new long[] {n4}), jcuda.Pointer.to(new int[] {reps}),
                        jcuda.Pointer.to(sink.ptr));
                int blocks = Math.max(1, dev.sms) * 8;
                Runnable launchStream = () -> Cuda.drv(jcuda.driver.JCudaDriver.cuLaunchKernel(stream, blocks, 1, 1, 256, 1, 1, 0, st.driver(), params, null),
                        "cuLaunchKernel(l2_stream)");
                ev.nanosPerRun(launchStream, 2, st.s);  // warm: the buffer into L2
                double[] t = new double[rounds];
                for (int r = 0; r < rounds; r++) t[r] = ev.nanosPerRun(launchStream, 5, st.s);
                bw = (double) bytes * reps / Stats.median(t);  // bytes per ns = GB/s
            }
            jcuda.driver.JCudaDriver.cuModuleUnload(m);
            return new Calibration(emptyGraph, emptyEvent, bw, bytes, null);
        } catch (RuntimeException | LinkageError e) {
            return new Calibration(Double.NaN, Double.NaN, Double.NaN, 0, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ the points

    /** The kernels of one point, in the order they are timed in every round (rotated per round). */
    static List<String> kernelIds() {
        return List.of("cublas-sgemm", "cuda-sgemm-tiled", "cusparse-csr", "cusparse-csr-alg2", "cusparse-csr-alg3", "cuda-csr-scalar", "cuda-csr-vector",
                "cuda-gcsr");
    }

    List<Row> measure() {
        Map<String, MatMul> byId = new LinkedHashMap<>();
        for (MatMul k : DeviceKernels.all()) byId.put(k.id(), k);
        float[] w0 = Patterns.groupRms(size, size, 1, 0.0, SEED).data();
        Map<Integer, float[]> xs = new LinkedHashMap<>();
        for (int n : NS) xs.put(n, Patterns.normalVector(size * n, SEED + 1000 + n));
        List<Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int g : GROUPS) {
            var ranking = new Patterns.GroupRanking(w0, size, size, g);
            for (double rate : RATES) {
                Dense d = new Dense(size, size, ranking.prune(rate));
                Csr csr = Csr.fromDense(d.data(), size, size);
                GroupedCsr gcsr = GroupedCsr.fromDense(d.data(), size, size, g);
                for (int n : NS) {
                    float[] x = xs.get(n);
                    float[] ref = reference(csr, x, n);
                    rows.addAll(point(byId, g, rate, n, d, csr, gcsr, x, ref));
                }
                log.printf(Locale.ROOT, "[gpu-check] g=%d rate=%.2f done (%.0f s)%n", g, rate, (System.nanoTime() - t0) / 1e9);
            }
        }
        return rows;
    }

    /**
     * For a profiler ({@code ncu}, run by {@code run.sh} when present): every kernel at g = 1 and 32, 80 % and 98 %,
     * N = 50, launched once each after set-up, in the order printed (profilers list kernels by function name).
     */
    void profile() {
        Map<String, MatMul> byId = new LinkedHashMap<>();
        for (MatMul k : DeviceKernels.all()) byId.put(k.id(), k);
        float[] w0 = Patterns.groupRms(size, size, 1, 0.0, SEED).data();
        int n = 50;
        float[] x = Patterns.normalVector(size * n, SEED + 1000 + n);
        for (int g : new int[] {1, 32}) {
            var ranking = new Patterns.GroupRanking(w0, size, size, g);
            for (double rate : new double[] {0.80, 0.98}) {
                Dense d = new Dense(size, size, ranking.prune(rate));
                Csr csr = Csr.fromDense(d.data(), size, size);
                GroupedCsr gcsr = GroupedCsr.fromDense(d.data(), size, size, g);
                for (String id : kernelIds()) {
                    SparseFormat w = id.contains("sgemm") ? d : id.equals("cuda-gcsr") ? gcsr : csr;
                    MatMul k = byId.get(id);
                    if (k.refuses(w.spec(), n) != null) continue;
                    try (MatMul.Prepared p = k.prepare(w, x, n, 1)) {
                        log.printf(Locale.ROOT, "[gpu-check] profile: %s g=%d rate=%.2f n=%d%n", id, g, rate, n);
                        p.run();
                    } catch (RuntimeException e) {
                        log.println("[gpu-check] profile: " + id + " g=" + g + " rate=" + fmt(rate) + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    private List<Row> point(Map<String, MatMul> byId, int g, double rate, int n, Dense d, Csr csr, GroupedCsr gcsr, float[] x, float[] ref) {
        List<Row> rows = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<DeviceKernels.Prepared> prepared = new ArrayList<>();
        List<Integer> batches = new ArrayList<>();
        List<double[]> errs = new ArrayList<>();
        try {
            for (String id : kernelIds()) {
                MatMul k = byId.get(id);
                SparseFormat w = id.contains("sgemm") ? d : id.equals("cuda-gcsr") ? gcsr : csr;
                String fmt = w.spec().toString();
                String why = k.refuses(w.spec(), n);
                if (why != null) {
                    rows.add(failed(n, g, rate, id, fmt, id.contains("sgemm"), why, csr));
                    continue;
                }
                DeviceKernels.Prepared p;
                try {
                    p = (DeviceKernels.Prepared) k.prepare(w, x, n, 1);
                } catch (IllegalArgumentException e) {
                    rows.add(failed(n, g, rate, id, fmt, id.contains("sgemm"), e.getMessage().startsWith("unavailable") ? e.getMessage()
                            : "unavailable: " + e.getMessage(), csr));
                    continue;
                } catch (RuntimeException | LinkageError e) {
                    rows.add(failed(n, g, rate, id, fmt, id.contains("sgemm"), "error: " + e.getMessage(), csr));
                    continue;
                }
                double err, one;
                try {
                    p.run();
                    err = relError(p.result(), ref);
                    one = p.hostIssuedNanosPerRun(10);
                } catch (RuntimeException e) {
                    p.close();
                    rows.add(failed(n, g, rate, id, fmt, id.contains("sgemm"), "error: " + e.getMessage(), csr));
                    continue;
                }
                prepared.add(p);
                ids.add(id);
                errs.add(new double[] {err});
                batches.add((int) Math.max(20, Math.min(2000, Math.ceil(targetBatchNs / Math.max(one, 1)))));
            }
            int k = prepared.size();
            double[][] graph = new double[k][rounds], event = new double[k][rounds];
            String[] graphProblem = new String[k], failure = new String[k];
            timeRounds(prepared, batches, graph, event, graphProblem, failure);
            for (int i = 0; i < k; i++) {
                String id = ids.get(i);
                double err = errs.get(i)[0];
                String status = failure[i] != null ? failure[i] : err <= 1e-3 ? "ok" : String.format(Locale.ROOT, "wrong result: relative error %.3g", err);
                String variant = prepared.get(i).variant();
                double[] gr = graphProblem[i] == null ? graph[i] : null;
                if (gr == null) variant = (variant.isEmpty() ? "" : variant + "; ") + "graph capture failed (" + graphProblem[i] + "): events only";
                boolean dense = id.contains("sgemm");
                SparseFormat w = dense ? d : id.equals("cuda-gcsr") ? gcsr : csr;
                rows.add(new Row(n, g, rate, id, w.spec().toString(), dense, status, gr == null ? Double.NaN : Stats.median(gr) / 1000,
                        gr == null ? Double.NaN : Arrays.stream(gr).min().orElse(0) / 1000, gr == null ? Double.NaN : Arrays.stream(gr).max().orElse(0) / 1000,
                        Stats.median(event[i]) / 1000, batches.get(i), err, csr.values().length, variant,
                        Arrays.stream(gr == null ? event[i] : gr).map(v -> v / 1000).toArray()));
            }
        } finally {
            for (DeviceKernels.Prepared p : prepared) p.close();
        }
        return rows;
    }

    /**
     * The timed rounds: every kernel's batch as a CUDA graph and host-issued between events, in an order rotated each
     * round; a kernel whose graph capture fails keeps its event times, one that fails while timing is dropped.
     */
    private void timeRounds(List<DeviceKernels.Prepared> prepared, List<Integer> batches, double[][] graph, double[][] event, String[] graphProblem,
                            String[] failure) {
        int k = prepared.size();
        for (int r = 0; r < rounds; r++)
            for (int j = 0; j < k; j++) {
                int i = (j + r) % k;  // rotate the order every round
                if (failure[i] != null) continue;
                DeviceKernels.Prepared p = prepared.get(i);
                if (graphProblem[i] == null) {
                    try {
                        graph[i][r] = p.graphNanosPerRun(batches.get(i));
                    } catch (RuntimeException e) {
                        graphProblem[i] = e.getMessage();
                    }
                }
                try {
                    event[i][r] = p.hostIssuedNanosPerRun(batches.get(i));
                } catch (RuntimeException e) {
                    failure[i] = "error while timing: " + e.getMessage();
                }
            }
    }

    private static Row failed(int n, int g, double rate, String id, String fmt, boolean dense, String why, Csr csr) {
        return new Row(n, g, rate, id, fmt, dense, why, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, csr.values().length, "", new double[0]);
    }

    /** C = W·X from the CSR, in double, row-major M×N. */
    static float[] reference(Csr w, float[] x, int n) {
        float[] c = new float[w.rows() * n];
        double[] acc = new double[n];
        int[] ptr = w.rowPtr(), col = w.colIndex();
        float[] val = w.values();
        for (int r = 0; r < w.rows(); r++) {
            Arrays.fill(acc, 0);
            for (int i = ptr[r]; i < ptr[r + 1]; i++) {
                double v = val[i];
                int base = col[i] * n;
                for (int j = 0; j < n; j++) acc[j] += v * x[base + j];
            }
            for (int j = 0; j < n; j++) c[r * n + j] = (float) acc[j];
        }
        return c;
    }

    /** max |c − ref| / max(1, max |ref|). */
    static double relError(float[] c, float[] ref) {
        double maxErr = 0, maxRef = 1;
        for (int i = 0; i < ref.length; i++) {
            maxErr = Math.max(maxErr, Math.abs(c[i] - ref[i]));
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
        }
        return maxErr / maxRef;
    }

    // ------------------------------------------------------------------ derived: speedups, break-even, ours vs cuSPARSE

    /** The time used for a row: the graph's (kernel time) where captured, else the host-issued one. */
    static double timeUs(Row r) { return Double.isNaN(r.graphUs) ? r.eventUs : r.graphUs; }

    /** The fastest ok dense row at (n, g, rate), or null. */
    static Row fastestDense(List<Row> rows, int n, int g, double rate) {
        Row best = null;
        for (Row r : rows)
            if (r.dense && r.ok() && r.n == n && r.g == g && r.rate == rate && (best == null || timeUs(r) < timeUs(best))) best = r;
        return best;
    }

    /**
     * The rate where the speedup over the fastest dense kernel crosses 1, linear between the bracketing rates; NaN
     * when it does not cross in range ({@link #breakEvenNote} says which side).
     */
    static double breakEven(double[] rates, double[] speedups) {
        for (int i = 1; i < rates.length; i++) {
            double a = speedups[i - 1], b = speedups[i];
            if (Double.isNaN(a) || Double.isNaN(b)) continue;
            if (a < 1 && b >= 1) return rates[i - 1] + (1 - a) / (b - a) * (rates[i] - rates[i - 1]);
        }
        return Double.NaN;
    }

    static String breakEvenNote(double[] speedups) {
        boolean any = false, allFast = true, allSlow = true;
        for (double s : speedups) {
            if (Double.isNaN(s)) continue;
            any = true;
            allFast &= s >= 1;
            allSlow &= s < 1;
        }
        if (!any) return "not measured";
        return allFast ? "faster than dense over the whole range (break-even below it)" : allSlow ? "slower than dense over the whole range (break-even above it)"
                : "crosses";
    }

    // ------------------------------------------------------------------ the model at 90 %

    /** The preset for this device: matched by name, L2 size from the device, L2 bandwidth and launch from the calibration when it ran. */
    static GpuPreset preset(Device dev, Calibration cal) {
        GpuPreset p = GpuPreset.forDevice(dev.name, dev.sms, dev.l2Bytes).orElse(null);
        if (p == null) return null;
        if (cal != null && cal.problem == null && cal.l2GBs > 0)
            p = p.calibrated(cal.l2GBs, cal.emptyGraphUs * 1000, "calibrated on " + dev.name + " " + DateTimeFormatter.ISO_LOCAL_DATE.format(
                    Instant.now().atOffset(ZoneOffset.UTC)) + ": L2 read " + Math.round(cal.l2GBs) + " GB/s (l2_stream), launch "
                    + String.format(Locale.ROOT, "%.2f", cal.emptyGraphUs) + " us (empty kernel in a graph)");
        return p;
    }

    List<Map<String, Object>> modelRows(Device dev, Calibration cal, List<Row> measured) {
        List<Map<String, Object>> out = new ArrayList<>();
        GpuPreset p = preset(dev, cal);
        if (p == null) {
            log.println("[gpu-check] model rows skipped: no preset matches device '" + dev.name + "' (" + GpuPreset.ALL.stream().map(GpuPreset::id).toList() + ")");
            return out;
        }
        log.println("[gpu-check] model at 90 %, N = 50, preset " + p);
        CudaModelBackend model = new CudaModelBackend(p);
        float[] w0 = Patterns.groupRms(size, size, 1, 0.0, SEED).data();
        int n = 50;
        float[] x = Patterns.normalVector(size * n, SEED + 1000 + n);
        Map<String, String> measuredTwin = Map.of("model-sgemm", "cuda-sgemm-tiled", "model-csr-scalar", "cuda-csr-scalar", "model-csr-vector", "cuda-csr-vector",
                "model-gcsr", "cuda-gcsr");
        for (int g : GROUPS) {
            Dense d = new Dense(size, size, new Patterns.GroupRanking(w0, size, size, g).prune(0.90));
            for (MatMul k : model.kernels()) {
                if (!measuredTwin.containsKey(k.id())) continue;
                if (k.id().equals("model-sgemm") && g != GROUPS[0]) continue;  // dense: the same figure at every g
                SparseFormat w = k.id().equals("model-sgemm") ? d : k.id().equals("model-gcsr") ? GroupedCsr.fromDense(d.data(), size, size, g)
                        : Csr.fromDense(d.data(), size, size);
                try (MatMul.Prepared pr = k.prepare(w, x, n, 1)) {
                    var counts = ((MatMul.Counted) pr).counts().values();
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("n", n);
                    row.put("g", g);
                    row.put("rate", 0.90);
                    row.put("kernel", k.id());
                    row.put("preset", p.id());
                    row.put("est_us", counts.get("est_time_ps") / 1e6);
                    row.put("gld_efficiency_bp", counts.getOrDefault("gld_efficiency_bp", -1L));
                    row.put("dram_bytes", counts.getOrDefault("dram_bytes", -1L));
                    String twin = measuredTwin.get(k.id());
                    Row m = measured.stream().filter(r -> r.kernel.equals(twin) && r.n == n && r.g == g && r.rate == 0.90 && r.ok()).findFirst().orElse(null);
                    row.put("measured_kernel", twin);
                    row.put("measured_us", m == null ? Double.NaN : timeUs(m));
                    row.put("measured_over_model", m == null ? Double.NaN : timeUs(m) / (counts.get("est_time_ps") / 1e6));
                    out.add(row);
                } catch (RuntimeException e) {
                    log.println("[gpu-check] model " + k.id() + " g=" + g + ": " + e.getMessage());
                }
            }
        }
        return out;
    }

    /** Fills each model row's measured_us and measured_over_model from the measured rows of its kernel's twin. */
    static List<Map<String, Object>> joinMeasured(List<Map<String, Object>> model, List<Row> measured) {
        for (Map<String, Object> row : model) {
            String twin = (String) row.get("measured_kernel");
            int n = (Integer) row.get("n"), g = (Integer) row.get("g");
            Row m = measured.stream().filter(r -> r.kernel.equals(twin) && r.n == n && r.g == g && r.rate == 0.90 && r.ok()).findFirst().orElse(null);
            double est = (Double) row.get("est_us");
            row.put("measured_us", m == null ? Double.NaN : timeUs(m));
            row.put("measured_over_model", m == null ? Double.NaN : timeUs(m) / est);
        }
        return model;
    }

    // ------------------------------------------------------------------ the run folder

    Path write(Path outRoot, Instant started, Device dev, Map<String, Object> env, Calibration cal, List<Row> rows, List<Map<String, Object>> model)
            throws IOException {
        String runId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(started.atOffset(ZoneOffset.UTC)) + "-gpu-check";
        Path run = outRoot.resolve(runId), exp = run.resolve(EXPERIMENT);
        Files.createDirectories(exp);
        Instant finished = Instant.now();

        StringBuilder metrics = new StringBuilder("name,kind,value,unit,modelled,samples\n");
        double empty = cal.problem == null ? cal.emptyGraphUs : Double.NaN;
        writeSpeedup(exp, rows, empty, metrics);
        writeBreakEven(exp, rows, metrics);
        writeOursVsCusparse(exp, rows);
        writeModel(exp, model, metrics);
        Files.writeString(exp.resolve("metrics.csv"), metrics.toString());

        writeCalibration(exp, started, dev, cal);
        Map<String, Object> expJson = experimentJson(started, finished, dev, env, rows, empty);
        Files.writeString(exp.resolve("experiment.json"), Json.write(expJson) + "\n");

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("failed_experiments", List.of());
        manifest.put("command", "gpu-check (GPU bundle run.sh / dev.prunebench.kernels.cuda.GpuCheck)");
        manifest.put("environment", env);
        manifest.put("run_id", runId);
        manifest.put("scale", "gpu");
        manifest.put("seed", SEED);
        manifest.put("started", started.toString());
        manifest.put("finished", finished.toString());
        manifest.put("experiments", List.of(EXPERIMENT));
        manifest.put("experiment_details", Map.of(EXPERIMENT, expJson));
        Files.writeString(run.resolve("manifest.json"), Json.write(manifest) + "\n");
        try {
            Path latest = outRoot.resolve("latest");
            Files.deleteIfExists(latest);
            Files.createSymbolicLink(latest, run.getFileName());
        } catch (IOException | UnsupportedOperationException ignored) {
            // a file system without links: the run id is printed anyway
        }
        return run;
    }

    /** speedup.csv: every row, with the fastest dense kernel of its point; its timings and speedups go to {@code metrics}. */
    private void writeSpeedup(Path exp, List<Row> rows, double empty, StringBuilder metrics) throws IOException {
        StringBuilder sp = new StringBuilder("n,g,rate,kernel,format,dense,status,time_us,graph_us,graph_low_us,graph_high_us,event_us,batch,"
                + "empty_launch_us,launch_bound,fastest_dense,fastest_dense_us,speedup,speedup_event,gflops,nnz,rel_error,clock,variant\n");
        for (Row r : rows) {
            Row fd = fastestDense(rows, r.n, r.g, r.rate);
            double t = timeUs(r);
            double speed = fd == null || !r.ok() ? Double.NaN : timeUs(fd) / t;
            double speedEv = fd == null || !r.ok() ? Double.NaN : fd.eventUs / r.eventUs;
            boolean launchBound = r.ok() && !Double.isNaN(empty) && t < LAUNCH_BOUND_FACTOR * empty;
            double gflops = r.ok() ? 2.0 * (r.dense ? (double) size * size : r.nnz) * r.n / (t * 1e3) : Double.NaN;
            sp.append(csv(r.n, r.g, fmt(r.rate), r.kernel, r.format, r.dense, r.status, num(t), num(r.graphUs), num(r.graphLowUs), num(r.graphHighUs),
                    num(r.eventUs), r.batch, num(empty), launchBound, fd == null ? "" : fd.kernel, fd == null ? "" : num(timeUs(fd)), num(speed), num(speedEv),
                    num(gflops), r.nnz, num(r.relError), Double.isNaN(r.graphUs) ? "events (host-issued)" : "CUDA graph of " + r.batch + " launches",
                    r.variant)).append('\n');
            if (r.ok()) {
                String key = "kernel=" + r.kernel + ",g=" + r.g + ",rate=" + fmt(r.rate) + ",n=" + r.n;
                StringBuilder samples = new StringBuilder();
                for (double v : r.samplesUs) samples.append(samples.isEmpty() ? "" : " ").append(v);
                metrics.append(csv("time_us[" + key + "]", "timing", num(t), "us", false, samples)).append('\n');
                if (!r.dense && !Double.isNaN(speed)) metrics.append(csv("speedup[" + key + ",over=fastest-dense]", "timing", num(speed), "x", false, ""))
                        .append('\n');
            }
        }
        Files.writeString(exp.resolve("speedup.csv"), sp.toString());

    }

    /** break_even.csv: per (n, g, sparse kernel). */
    private static void writeBreakEven(Path exp, List<Row> rows, StringBuilder metrics) throws IOException {
        StringBuilder be = new StringBuilder("n,g,kernel,break_even_rate,note\n");
        for (int n : NS)
            for (int g : GROUPS)
                for (String id : kernelIds()) {
                    if (id.contains("sgemm")) continue;
                    double[] s = new double[RATES.length];
                    for (int i = 0; i < RATES.length; i++) {
                        final int fi = i;
                        Row r = rows.stream().filter(x -> x.kernel.equals(id) && x.n == n && x.g == g && x.rate == RATES[fi]).findFirst().orElse(null);
                        Row fd = fastestDense(rows, n, g, RATES[i]);
                        s[i] = r == null || !r.ok() || fd == null ? Double.NaN : timeUs(fd) / timeUs(r);
                    }
                    double b = breakEven(RATES, s);
                    be.append(csv(n, g, id, num(b), breakEvenNote(s))).append('\n');
                    if (!Double.isNaN(b)) metrics.append(csv("break_even[kernel=" + id + ",g=" + g + ",n=" + n + "]", "timing", num(b), "rate", false, ""))
                            .append('\n');
                }
        Files.writeString(exp.resolve("break_even.csv"), be.toString());

    }

    /** ours_vs_cusparse.csv: our cuda-gcsr at g = 32 against the fastest cuSPARSE algorithm on the same matrix. */
    private static void writeOursVsCusparse(Path exp, List<Row> rows) throws IOException {
        StringBuilder ov = new StringBuilder("n,rate,ours,ours_us,cusparse_best,cusparse_us,ours_speedup_over_cusparse\n");
        for (int n : NS)
            for (double rate : RATES) {
                Row ours = rows.stream().filter(x -> x.kernel.equals("cuda-gcsr") && x.n == n && x.g == 32 && x.rate == rate && x.ok()).findFirst().orElse(null);
                Row cs = rows.stream().filter(x -> x.kernel.startsWith("cusparse") && x.n == n && x.g == 32 && x.rate == rate && x.ok())
                        .min((a, b) -> Double.compare(timeUs(a), timeUs(b))).orElse(null);
                ov.append(csv(n, fmt(rate), "cuda-gcsr", ours == null ? "" : num(timeUs(ours)), cs == null ? "" : cs.kernel, cs == null ? "" : num(timeUs(cs)),
                        ours == null || cs == null ? "" : num(timeUs(cs) / timeUs(ours)))).append('\n');
            }
        Files.writeString(exp.resolve("ours_vs_cusparse.csv"), ov.toString());

    }

    /** model.csv: the warp memory-access model's rows; its estimated times go to {@code metrics}. */
    private static void writeModel(Path exp, List<Map<String, Object>> model, StringBuilder metrics) throws IOException {
        StringBuilder mo = new StringBuilder();
        if (model.isEmpty()) mo.append("n,g,rate,kernel,preset,est_us,gld_efficiency_bp,dram_bytes,measured_kernel,measured_us,measured_over_model\n");
        else {
            mo.append(String.join(",", model.get(0).keySet())).append('\n');
            for (var m : model) mo.append(csv(m.values().stream().map(v -> v instanceof Double dd ? num(dd) : v).toArray())).append('\n');
            for (var m : model)
                metrics.append(csv("est_time_us[kernel=" + m.get("kernel") + ",g=" + m.get("g") + ",rate=0.90,n=50,preset=" + m.get("preset") + "]", "exact",
                        num((Double) m.get("est_us")), "us", true, "")).append('\n');
        }
        Files.writeString(exp.resolve("model.csv"), mo.toString());
    }

    private static void writeCalibration(Path exp, Instant started, Device dev, Calibration cal) throws IOException {
        Map<String, Object> calib = new LinkedHashMap<>();
        calib.put("label", "measured");
        calib.put("device", dev.name);
        calib.put("date", DateTimeFormatter.ISO_LOCAL_DATE.format(started.atOffset(ZoneOffset.UTC)));
        calib.put("empty_kernel_graph_us", cal.emptyGraphUs);
        calib.put("empty_kernel_event_us", cal.emptyEventUs);
        calib.put("l2_read_gbs", cal.l2GBs);
        calib.put("l2_test_bytes", cal.l2TestBytes);
        calib.put("problem", cal.problem);
        Files.writeString(exp.resolve("calibration.json"), Json.write(calib) + "\n");

    }

    /** experiment.json's content: parameters, tables, notes and what was skipped. */
    private Map<String, Object> experimentJson(Instant started, Instant finished, Device dev, Map<String, Object> env, List<Row> rows, double empty) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("environment", env);
        params.put("platform", "gpu");
        params.put("shape", size + "x" + size);
        params.put("n", Arrays.toString(NS));
        params.put("rates", Arrays.toString(RATES));
        params.put("groups", Arrays.toString(GROUPS));
        params.put("pattern", "group RMS over g adjacent weights at column multiples of g, exact rate, on seeded N(0,1) weights");
        params.put("rounds", rounds);
        params.put("kernels", kernelIds());
        params.put("timing", "each kernel: a batch of launches (about 1 ms of kernel time, 20–2000) captured once into a CUDA graph and launched "
                + "between two events (graph_us, the figure used), and the same batch issued from Java between events (event_us); kernels "
                + "interleaved in rounds, order rotated each round; median over rounds");
        Map<String, Object> expJson = new LinkedHashMap<>();
        expJson.put("id", EXPERIMENT);
        expJson.put("paper", "Hartenstein et al., Weight Pruning for DNNs on GPUs, Fig. 3 (the GPU check: measured on " + dev.name + ")");
        expJson.put("scale", "gpu");
        expJson.put("seed", SEED);
        expJson.put("started", started.toString());
        expJson.put("finished", finished.toString());
        expJson.put("parameters", params);
        expJson.put("tables", List.of("speedup", "break_even", "ours_vs_cusparse", "model"));
        expJson.put("notes", List.of(
                "speedup = time of the fastest dense kernel of the point (cuBLAS FP32 with CUBLAS_DEFAULT_MATH, or our tiled SGEMM) / kernel time, "
                        + "both kernel times from CUDA graphs; speedup_event is the same ratio of host-issued times.",
                "launch_bound = true when a kernel's time is within " + LAUNCH_BOUND_FACTOR + "x of an empty kernel launched the same way ("
                        + num(empty) + " us): the figure is then mostly launch overhead, not the kernel.",
                "A cuSPARSE algorithm that returns any status other than success in set-up is listed as unavailable with the status, not as a failure.",
                "model.csv: the warp memory-access model at 90 %, N = 50, with the preset matched to this device (L2 size read from it; L2 bandwidth "
                        + "and launch overhead from calibration.json when it ran), beside the measured time of our kernel of the same design."));
        // "what" before "reason" in every entry (Map.of would leave the order to the JVM, different run to run)
        expJson.put("skipped", rows.stream().filter(r -> !r.ok()).map(r -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("what", r.kernel + " g=" + r.g + " rate=" + fmt(r.rate) + " n=" + r.n);
            e.put("reason", r.status);
            return e;
        }).toList());
        return expJson;
    }

    private void summary(List<Row> rows, Calibration cal) {
        log.println("[gpu-check] kernel time (us, CUDA graph) at N = 50; * = launch-bound");
        for (int g : GROUPS) {
            log.printf(Locale.ROOT, "  g=%-3d %-18s", g, "kernel");
            for (double r : RATES) log.printf(Locale.ROOT, "%10.2f", r);
            log.println();
            for (String id : kernelIds()) {
                log.printf(Locale.ROOT, "        %-18s", id);
                for (double rate : RATES) {
                    Row r = rows.stream().filter(x -> x.kernel.equals(id) && x.n == 50 && x.g == g && x.rate == rate).findFirst().orElse(null);
                    if (r == null || !r.ok()) log.printf("%10s", "-");
                    else {
                        double t = timeUs(r);
                        boolean lb = cal.problem == null && t < LAUNCH_BOUND_FACTOR * cal.emptyGraphUs;
                        log.printf(Locale.ROOT, "%9.1f%s", t, lb ? "*" : " ");
                    }
                }
                log.println();
            }
        }
        rows.stream().filter(r -> !r.ok()).map(r -> r.kernel + ": " + r.status).distinct().limit(12).forEach(s -> log.println("[gpu-check] " + s));
    }

    // ------------------------------------------------------------------ formatting

    static String fmt(double rate) { return String.format(Locale.ROOT, "%.2f", rate); }

    static String num(double v) { return Double.isNaN(v) ? "" : Double.toString(v); }

    static String csv(Object... cells) {
        StringBuilder s = new StringBuilder();
        for (Object c : cells) {
            if (!s.isEmpty()) s.append(',');
            String v = String.valueOf(c);
            s.append(v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v);
        }
        return s.toString();
    }

    /** A small JSON writer for maps, lists, strings, numbers, booleans and null (the bundle carries no JSON library). */
    static final class Json {
        static String write(Object o) {
            StringBuilder s = new StringBuilder();
            write(s, o, "");
            return s.toString();
        }

        private static void write(StringBuilder s, Object o, String ind) {
            if (o == null) s.append("null");
            else if (o instanceof Map<?, ?> m) {
                if (m.isEmpty()) { s.append("{ }"); return; }
                s.append("{\n");
                int i = 0;
                for (var e : m.entrySet()) {
                    s.append(ind).append("  ").append(str(String.valueOf(e.getKey()))).append(" : ");
                    write(s, e.getValue(), ind + "  ");
                    s.append(++i < m.size() ? ",\n" : "\n");
                }
                s.append(ind).append('}');
            } else if (o instanceof List<?> l) {
                if (l.isEmpty()) { s.append("[ ]"); return; }
                s.append("[ ");
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) s.append(", ");
                    write(s, l.get(i), ind + "  ");
                }
                s.append(" ]");
            } else if (o instanceof Double d) s.append(Double.isFinite(d) ? d.toString() : "null");
            else if (o instanceof Float f) s.append(Float.isFinite(f) ? f.toString() : "null");
            else if (o instanceof Number || o instanceof Boolean) s.append(o);
            else s.append(str(String.valueOf(o)));
        }

        private static String str(String v) {
            StringBuilder s = new StringBuilder("\"");
            for (char c : v.toCharArray()) {
                switch (c) {
                    case '"' -> s.append("\\\"");
                    case '\\' -> s.append("\\\\");
                    case '\n' -> s.append("\\n");
                    case '\r' -> s.append("\\r");
                    case '\t' -> s.append("\\t");
                    default -> {
                        if (c < 0x20) s.append(String.format("\\u%04x", (int) c));
                        else s.append(c);
                    }
                }
            }
            return s.append('"').toString();
        }
    }
}
