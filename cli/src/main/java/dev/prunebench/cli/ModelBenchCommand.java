package dev.prunebench.cli;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.core.spdy.LatencyTable;
import dev.prunebench.core.spdy.SpdyFiles;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Interleaved;
import dev.prunebench.models.onnx.OnnxGraph;
import dev.prunebench.models.onnx.WeightLayer;
import dev.prunebench.results.Csv;
import dev.prunebench.results.ModelReport;
import dev.prunebench.core.env.Load;
import dev.prunebench.runtime.onnx.CrossCheck;
import dev.prunebench.runtime.onnx.OnnxLatency;
import dev.prunebench.runtime.onnx.OrtModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = {
        "The per-layer latency table of this model on this machine's CPU: every weight layer x format x sparsity level, interleaved with",
        "its dense layer, through the suite's kernels and measurement harness (each kernel verified first). Also the model's dense",
        "end-to-end time in ONNX Runtime (the baseline, named) and the rest of the network: ONNX Runtime's end-to-end minus its weight",
        "layers' own times from its per-node profile. Writes OUT/timings.txt (SPDY's timing-file format, base = the layers' dense",
        "times + the rest; CPU rows only) and OUT/latency.csv (every platform's rows, column platform); 'model spdy' reads them.",
        "--platforms mcu adds each layer's generated Cortex-M4 kernels under QEMU: executed instructions of one call, sparse beside dense",
        "(mcu-emulated, exact counts); a layer over the board's 4 MB flash or RAM is named with its bytes. --platforms gpu adds a CUDA",
        "device's times where one is usable, else the warp memory-access model's (gpu-modelled). Conv layers: their im2col product."})
final class ModelBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "an .onnx model or a .safetensors file (per-layer tables only)") Path file;
    @Option(names = "--platforms", defaultValue = "cpu", description = "cpu, mcu (Cortex-M4 under QEMU: executed instructions, emulated), gpu (a CUDA device, else the warp memory-access model: modelled); cpu is always measured (default: ${DEFAULT-VALUE})") String platforms;
    @Option(names = "--mcu-formats", defaultValue = "csr,gcsr:2,gcsr:4", split = ",", description = "mcu: formats counted (the Cortex-M4 kernels take csr, gcsr:2, gcsr:4) (default: ${DEFAULT-VALUE})") List<String> mcuFormats;
    @Option(names = "--mcu-precision", defaultValue = "q15", description = "mcu: q15 or q7 kernels (default: ${DEFAULT-VALUE})") String mcuPrecision;
    @Option(names = "--formats", defaultValue = "csr,gcsr:8,nm:2:4", split = ",", description = "formats measured (default: ${DEFAULT-VALUE})") List<String> formats;
    @Option(names = "--levels", defaultValue = "quick", description = "sparsity levels: quick (0.5,0.7,0.9), spdy (SPDY's 41 levels 0.4..0.99) or a list (default: ${DEFAULT-VALUE})") String levels;
    @Option(names = "--batch", defaultValue = "1", description = "batch size (default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--threads", defaultValue = "1", description = "threads (default: ${DEFAULT-VALUE})") int threads;
    @Option(names = "--budget", defaultValue = "quick", description = "quick | standard | full (default: ${DEFAULT-VALUE})") String budget;
    @Option(names = "--layers", paramLabel = "FILE", description = "safetensors only: 'tensor fc|conv|skip [options]' lines; a conv needs in=HxW here (docs/onnx.md)") Path layersMap;
    @Option(names = "--input-shape", paramLabel = "DIMS", description = "shape of the first input (default: the declared one)") String inputShape;
    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: FILE without .onnx, plus .bench)") Path out;

    static Path defaultDir(Path model) {
        String n = model.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String ext = dot < 0 ? "" : n.substring(dot).toLowerCase(Locale.ROOT);
        return model.resolveSibling((ext.equals(".onnx") || ext.equals(".safetensors") ? n.substring(0, dot) : n) + ".bench");
    }

    @Override public Integer call() throws Exception {
        List<String> pls = new ArrayList<>();
        for (String p : platforms.split(",")) {
            String q = p.strip().toLowerCase(Locale.ROOT);
            if (!List.of("cpu", "mcu", "gpu").contains(q)) throw new IllegalArgumentException("--platforms: unknown '" + p.strip() + "' (expected cpu, mcu, gpu)");
            if (!pls.contains(q)) pls.add(q);
        }
        if (!mcuPrecision.equals("q15") && !mcuPrecision.equals("q7")) throw new IllegalArgumentException("--mcu-precision: expected q15 or q7, got '" + mcuPrecision + "'");
        for (String f : mcuFormats)
            if (FormatSpec.parse(f).kind() == FormatSpec.Kind.DENSE) throw new IllegalArgumentException("--mcu-formats: dense is the baseline, always counted; give sparse formats (csr, gcsr:2, gcsr:4)");
        if (batch < 1 || batch > 65536) throw new IllegalArgumentException("--batch: must be in [1, 65536], got " + batch);
        if (threads < 1 || threads > MatMul.MAX_THREADS) throw new IllegalArgumentException("--threads: must be in [1, " + MatMul.MAX_THREADS + "], got " + threads);
        for (String f : formats) {
            FormatSpec s = FormatSpec.parse(f);
            if (s.kind() == FormatSpec.Kind.DENSE || s.kind() == FormatSpec.Kind.COO) throw new IllegalArgumentException("--formats: " + f + " has no kernel to time here (csr, gcsr:G, nm:N:M)");
        }
        double[] lv = levels(levels);
        Budget b = OnnxArgs.budget(budget);
        Path dir = out != null ? out : defaultDir(file);
        OnnxArgs.Model md = OnnxArgs.load(file, inputShape, layersMap);
        for (WeightLayer l : md.layers())
            if (l.macs() < 0)
                throw new IllegalArgumentException(md.onnx() ? file + ": the input shape does not reach weight layer '" + l.name() + "' (an op whose output shape is not inferred): give --input-shape or see 'model info'"
                        : file + ": conv tensor '" + l.name() + "': its input size is not known: give '" + l.name() + " conv in=HxW …' in --layers");
        long[] shape = null;
        if (md.onnx()) {
            OnnxGraph g = md.graph();
            shape = g.shapes().get(g.model().inputs().get(0).name());
            if (shape == null) throw new IllegalArgumentException(file + ": input '" + g.model().inputs().get(0).name() + "' has no known shape: give --input-shape");
            shape = shape.clone();
            shape[0] = batch;
        }
        Files.createDirectories(dir);
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // ONNX Runtime: the dense end to end (the baseline) and its per-node profile; a safetensors file has no graph
        double[] ort = md.onnx() ? ortBaseline(md.graph(), shape, b) : null;
        double rest = ort == null ? 0 : ort[0] * (1 - ort[1]);
        if (ort != null)
            err.printf(Locale.ROOT, "onnxruntime %s: %.2f us end to end; weight layers %.1f%% of a profiled run (%.2f of %.2f us): rest %.2f us%n", OrtModel.version(),
                    ort[0] / 1e3, 100 * ort[1], ort[2] / 1e3, ort[3] / 1e3, rest / 1e3);
        else err.println("safetensors: no graph, so no end-to-end time and no rest of the network: SPDY's base is the layers' own dense times");

        KernelRegistry reg = CpuBackends.registry();
        OnnxLatency.Config c = new OnnxLatency.Config(batch, threads, lv, formats, Map.of(), "dense-vector", b);
        long t0 = System.nanoTime();
        int[] done = {0};
        List<OnnxLatency.Row> rows = OnnxLatency.measure(md.layers(), reg, c, line -> {
            done[0]++;
            err.printf(Locale.ROOT, "[%d/%d] %s (%.0f s)%n", done[0], md.layers().size(), line, (System.nanoTime() - t0) / 1e9);
            err.flush();
        });
        List<String> notes = md.onnx() ? List.of() : List.of("safetensors: no graph; base = the layers' dense times (no rest of the network)");
        LatencyTable table = OnnxLatency.table(rows, rest * 1e-9, notes);
        Files.writeString(dir.resolve("timings.txt"), SpdyFiles.formatTimings(table));
        List<ModelBenchPlatforms.Result> others = otherPlatforms(pls, md.layers(), lv, err, t0);
        writeCsv(dir.resolve("latency.csv"), rows, others);
        List<FormatSpec> sized = ModelLayers.formats(formats);
        ModelLayers.writeCsv(dir.resolve(ModelReport.LAYERS), ModelLayers.rows(md.layers(), sized, null), sized);
        String summary = String.format(Locale.ROOT, "model %s, %s, batch %d, %d thread(s), %s budget, %s%n", file,
                shape == null ? "safetensors (no graph)" : "input " + Arrays.toString(shape), batch, threads, budget, String.format(Locale.ROOT, "%d cores, load average %.1f at the end", Runtime.getRuntime().availableProcessors(), Load.snapshot().load1()))
                + (ort == null ? "no end-to-end time: a safetensors file has no graph (export the model to ONNX for ONNX Runtime's baseline and the rest of the network)\n"
                : String.format(Locale.ROOT, "onnxruntime %s (baseline): %.6g s end to end; its weight layers %.2f%% of a profiled run (%.6g of %.6g s; %.6g s in all nodes); rest of the network %.6g s%n",
                        OrtModel.version(), ort[0] * 1e-9, 100 * ort[1], ort[2] * 1e-9, ort[3] * 1e-9, ort[4] * 1e-9, rest * 1e-9))
                + String.format(Locale.ROOT, "suite: weight layers dense %.6g s on dense-vector; SPDY base = %.6g s (layers + rest), prunable %.6g s%n",
                        table.prunable(), table.base(), table.prunable())
                + "timings.txt (SPDY's format) holds the CPU rows only; latency.csv holds every platform's (column platform)\n"
                + platformsSummary(others);
        Files.writeString(dir.resolve("summary.txt"), summary);

        o.print(summary);
        o.printf(Locale.ROOT, "%n%-20s %-8s %6s %12s %10s %s%n", "layer", "format", "level", "us", "speedup", "95% interval");
        for (OnnxLatency.Row r : rows)
            o.printf(Locale.ROOT, "%-20s %-8s %6.3f %12.2f %10.3f [%.3f, %.3f]%n", ModelInfoCommand.clip(r.layer(), 20), r.format(), r.level(), r.seconds() * 1e6, r.speedup(), r.low(), r.high());
        printOthers(o, others);
        o.printf(Locale.ROOT, "%nwrote     %s (SPDY's format), %s, %s (%.0f s); 'prunebench report %s' draws them%n", dir.resolve("timings.txt"), dir.resolve("latency.csv"),
                dir.resolve(ModelReport.LAYERS), (System.nanoTime() - t0) / 1e9, dir);
        o.flush();
        return 0;
    }

    /** --levels: quick (0.5, 0.7, 0.9), spdy (SPDY's 41 levels) or a list in (0, 1). */
    static double[] levels(String spec) {
        return switch (spec) {
            case "quick" -> new double[] {0.5, 0.7, 0.9};
            case "spdy" -> Arrays.copyOfRange(dev.prunebench.experiments.spdy.LatencyDatabase.spdyLevels(), 1, 42);
            default -> Arrays.stream(spec.split(",")).mapToDouble(s -> {
                double d;
                try { d = Double.parseDouble(s.strip()); } catch (NumberFormatException e) { throw new IllegalArgumentException("--levels: '" + s + "' is not a number"); }
                if (!(d > 0 && d < 1)) throw new IllegalArgumentException("--levels: " + d + " is outside (0, 1)");
                return d;
            }).toArray();
        };
    }

    /** latency.csv: the CPU rows (measured), then each other platform's (mcu-emulated: instructions; gpu-modelled: modelled seconds; gpu: measured). */
    static void writeCsv(Path file, List<OnnxLatency.Row> rows, List<ModelBenchPlatforms.Result> others) throws java.io.IOException {
        StringBuilder csv = new StringBuilder("layer,op,rows,cols,n,format,level,seconds,speedup,speedup_low,speedup_high,dense_seconds,kernel,platform,count,dense_count,count_unit,note\n");
        for (OnnxLatency.Row r : rows) csv.append(cpuLine(r, "cpu"));
        for (ModelBenchPlatforms.Result pr : others) {
            for (OnnxLatency.Row r : pr.measured()) csv.append(cpuLine(r, pr.platform()));
            for (ModelBenchPlatforms.Row r : pr.rows()) {
                boolean counted = r.unit().equals("instructions");
                String secs = counted ? "," : String.format(Locale.ROOT, "%.6g,", r.cost() * 1e-6), denseSecs = counted || Double.isNaN(r.denseCost()) ? "," : String.format(Locale.ROOT, "%.6g,", r.denseCost() * 1e-6);
                String sp = Double.isNaN(r.speedup()) ? "" : String.format(Locale.ROOT, "%.4f", r.speedup());
                csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%s,%.6f,%s%s,%s,%s,%s%s,%s,%s,%s,%s,%s%n", Csv.field(r.layer()), r.op(), r.rows(), r.cols(), r.n(), r.format(),
                        r.level(), secs, sp, sp, sp, denseSecs, r.kernel(), r.platform(), counted ? RecommendCommand.num(r.cost()) : "",
                        counted ? RecommendCommand.num(r.denseCost()) : "", counted ? "instructions" : "", Csv.field(r.note())));
            }
        }
        Files.writeString(file, csv);
    }

    private static String cpuLine(OnnxLatency.Row r, String platform) {
        return String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%s,%.6f,%.6g,%.4f,%.4f,%.4f,%.6g,%s,%s,,,,%n", Csv.field(r.layer()), r.op(), r.rows(), r.cols(), r.n(), r.format(), r.level(),
                r.seconds(), r.speedup(), r.low(), r.high(), r.denseSeconds(), r.kernel(), platform);
    }

    /** The MCU and GPU rows asked for: mcu emulated (instructions), gpu measured on a CUDA device when one is usable, else modelled. */
    private List<ModelBenchPlatforms.Result> otherPlatforms(List<String> pls, List<WeightLayer> layers, double[] lv, PrintWriter err, long t0) {
        List<ModelBenchPlatforms.Result> out = new ArrayList<>();
        if (!pls.contains("mcu") && !pls.contains("gpu")) return out;
        KernelRegistry reg = dev.prunebench.experiments.Backends.registry();
        java.util.function.Consumer<String> progress = line -> {
            err.printf(Locale.ROOT, "%s (%.0f s)%n", line, (System.nanoTime() - t0) / 1e9);
            err.flush();
        };
        if (pls.contains("mcu")) {
            double[] ml = ModelBenchPlatforms.mcuLevels(lv);
            ModelBenchPlatforms.Result r = ModelBenchPlatforms.count(layers, reg, "mcu", mcuPrecision, batch, mcuFormats, ml, progress);
            if (ml.length < lv.length) r.notes().add(0, "mcu-emulated: a representative subset of the levels: " + Arrays.toString(ml) + " of " + lv.length);
            out.add(r);
        }
        if (pls.contains("gpu")) {
            boolean device = reg.entry("cuda").map(KernelRegistry.Entry::usable).orElse(false);
            if (device) {
                String denseGpu = reg.kernel("cublas-sgemm").isPresent() ? "cublas-sgemm" : "cuda-sgemm-tiled";
                OnnxLatency.Config gc = new OnnxLatency.Config(batch, 1, lv, formats, Map.of("csr", "cuda-csr-vector", "gcsr", "cuda-gcsr", "nm", "cuda-nm"), denseGpu,
                        OnnxArgs.budget(budget));
                List<OnnxLatency.Row> rows = OnnxLatency.measure(layers, reg, gc, line -> progress.accept("gpu " + line));
                out.add(new ModelBenchPlatforms.Result("gpu", "measured", List.of(), rows, new ArrayList<>()));
            } else {
                String why = reg.entry("cuda").map(e -> "no CUDA device (" + e.status() + ")").orElse("no CUDA backend");
                ModelBenchPlatforms.Result r = ModelBenchPlatforms.count(layers, reg, "gpu", "gpu", batch, formats, lv, progress);
                String model = reg.entry("cuda-model").map(e -> e.backend().description()).orElse("no warp model");
                r.notes().add(0, "gpu-modelled: " + why + ": times from the " + model + ", not a GPU run");
                out.add(r);
            }
        }
        return out;
    }

    /** The summary's lines for the other platforms: what each row is, how many, and what was not measured and why. */
    private String platformsSummary(List<ModelBenchPlatforms.Result> others) {
        StringBuilder s = new StringBuilder();
        for (ModelBenchPlatforms.Result r : others) {
            int n = r.rows().size() + r.measured().size();
            String what = switch (r.platform()) {
                case "mcu-emulated" -> "EMULATED: generated " + mcuPrecision + " Cortex-M4 kernels under QEMU (mps2-an386: 4 MB flash, 4 MB RAM), executed instructions of one call, exact counts";
                case "gpu-modelled" -> "MODELLED: the warp memory-access model's time, not a GPU run";
                default -> "measured on the CUDA device, interleaved with its dense kernel";
            };
            s.append(String.format(Locale.ROOT, "%s: %s; %d rows%n", r.platform(), what, n));
            for (String note : r.notes()) s.append("  ").append(note).append('\n');
        }
        return s.toString();
    }

    private static void printOthers(PrintWriter o, List<ModelBenchPlatforms.Result> others) {
        for (ModelBenchPlatforms.Result pr : others) {
            if (pr.rows().isEmpty() && pr.measured().isEmpty()) continue;
            String unit = pr.rows().isEmpty() || pr.rows().get(0).unit().equals("instructions") ? (pr.rows().isEmpty() ? "us" : "instructions") : "modelled us";
            o.printf(Locale.ROOT, "%n%s%n%-20s %-8s %6s %14s %14s %10s%n", pr.platform(), "layer", "format", "level", unit, "dense", "speedup");
            for (ModelBenchPlatforms.Row r : pr.rows())
                o.printf(Locale.ROOT, "%-20s %-8s %6.3f %14s %14s %10s%n", ModelInfoCommand.clip(r.layer(), 20), r.format(), r.level(), RecommendCommand.num(r.cost()),
                        RecommendCommand.num(r.denseCost()), Double.isNaN(r.speedup()) ? "-" : String.format(Locale.ROOT, "%.3f", r.speedup()));
            for (OnnxLatency.Row r : pr.measured())
                o.printf(Locale.ROOT, "%-20s %-8s %6.3f %14.2f %14.2f %10.3f%n", ModelInfoCommand.clip(r.layer(), 20), r.format(), r.level(), r.seconds() * 1e6,
                        r.denseSeconds() * 1e6, r.speedup());
        }
    }

    /** ONNX Runtime's dense end to end (ns, median), the weight layers' share of a profiled run, their ns, the run's ns, all nodes' ns. */
    private double[] ortBaseline(OnnxGraph g, long[] shape, Budget b) throws java.io.IOException {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        float[] x = CrossCheck.inputs(Math.toIntExact(n), 1);
        double e2e, layerNs = 0, nodeNs = 0, runNs;
        try (OrtModel ort = OrtModel.open(file, threads); MatMul.Prepared p = ort.bind(x, shape)) {
            long end = System.nanoTime() + 1_000_000_000L;
            for (int i = 0; i < 5000 && System.nanoTime() < end; i++) p.run();
            e2e = new Interleaved().group(List.of(p), b).time(0).median();
        }
        Path prof = Files.createTempDirectory("prunebench-ort-profile");
        try (OrtModel ort = OrtModel.profiled(file, threads, prof.resolve("profile"))) {
            ort.time(x, shape, 5, 50);
            OrtModel.Profile pr = ort.endProfiling();
            for (OrtModel.NodeTime t : pr.nodes()) {
                nodeNs += t.meanNs();
                if (OnnxArgs.layerOf(g, t.node()) != null) layerNs += t.meanNs();
            }
            runNs = Double.isNaN(pr.runMeanNs()) ? nodeNs : pr.runMeanNs();
        } finally {
            try (var s = Files.list(prof)) { for (Path q : s.toList()) Files.deleteIfExists(q); }
            Files.deleteIfExists(prof);
        }
        // the profiler slows every node down: the weight layers' share of a profiled run, applied to the unprofiled end to end
        return new double[] {e2e, Math.min(1, layerNs / runNs), layerNs, runNs, nodeNs};
    }
}
