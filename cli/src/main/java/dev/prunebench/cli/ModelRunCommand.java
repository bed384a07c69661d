package dev.prunebench.cli;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Interleaved;
import dev.prunebench.measure.Stats;
import dev.prunebench.models.infer.KernelNetwork;
import dev.prunebench.models.onnx.OnnxGraph;
import dev.prunebench.models.onnx.OnnxNetwork;
import dev.prunebench.runtime.onnx.CrossCheck;
import dev.prunebench.runtime.onnx.OrtModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", description = {
        "Runs an ONNX model end to end in ONNX Runtime (CPU; the baseline a user deploys, named) and, where the suite can run the graph",
        "(MLPs, LeNet-like CNNs), through the suite's KernelNetwork: outputs cross-checked on the same seeded inputs (max error relative",
        "to the output's scale), and both timed in the same interleaved rounds. --profile adds ONNX Runtime's per-node times and the",
        "rest of the network: end-to-end minus the weight layers' own times."})
final class ModelRunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "an .onnx model") Path file;
    @Option(names = "--input-shape", paramLabel = "DIMS", description = "shape of the first input (default: the declared one; the batch is --batch)") String inputShape;
    @Option(names = "--batch", defaultValue = "1", description = "batch size (default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--threads", defaultValue = "1", description = "threads for ONNX Runtime (intra-op) and the suite (default: ${DEFAULT-VALUE})") int threads;
    @Option(names = "--format", defaultValue = "dense", paramLabel = "FMT", description = "the suite's format for every layer: dense | csr | gcsr:G | nm:N:M (default: ${DEFAULT-VALUE})") String format;
    @Option(names = "--layer-formats", paramLabel = "PROFILE", description = "the suite's format per layer from a profile of 'model spdy --out' ('level layer format' lines; the model should be the one pruned with it)") Path layerFormats;
    @Option(names = "--budget", defaultValue = "quick", description = "measurement budget: quick | standard | full (default: ${DEFAULT-VALUE})") String budget;
    @Option(names = "--profile", description = "also ONNX Runtime's per-node profile") boolean profile;
    @Option(names = "--eval", arity = "2", paramLabel = "NPY", description = "INPUTS.npy LABELS.npy: this model's top-1 in ONNX Runtime (with --dense, the dense model's beside it)")
    List<Path> eval;
    @Option(names = "--dense", paramLabel = "FILE", description = "the dense .onnx model: with --eval its top-1 too; else the output error of this model against it") Path dense;
    @Option(names = "--seed", defaultValue = "1", description = "seed of the inputs, uniform in [0, 1) (default: ${DEFAULT-VALUE})") long seed;

    @Override public Integer call() throws Exception {
        if (batch < 1 || batch > 65536) throw new IllegalArgumentException("--batch: must be in [1, 65536], got " + batch);
        if (threads < 1 || threads > MatMul.MAX_THREADS) throw new IllegalArgumentException("--threads: must be in [1, " + MatMul.MAX_THREADS + "], got " + threads);
        FormatSpec fmt = FormatSpec.parse(format);
        Budget b = OnnxArgs.budget(budget);
        OnnxGraph g = OnnxArgs.read(file, inputShape);
        ModelAccuracy acc = ModelAccuracy.read(eval, null);
        long[] shape = g.shapes().get(g.model().inputs().get(0).name());
        if (shape == null) throw new IllegalArgumentException(file + ": input '" + g.model().inputs().get(0).name() + "' has no known shape: give --input-shape");
        shape = shape.clone();
        shape[0] = batch;
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        float[] x = CrossCheck.inputs(Math.toIntExact(n), seed);
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "model       %s, input %s, inputs uniform in [0, 1) (seed %d)%n", file, java.util.Arrays.toString(shape), seed);

        OnnxNetwork.Converted conv = null;
        String why = null;
        try {
            conv = OnnxNetwork.convert(g);
        } catch (IllegalArgumentException e) {
            why = e.getMessage();
        }
        KernelRegistry reg = CpuBackends.registry();
        List<MatMul.Prepared> group = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (OrtModel ort = OrtModel.open(file, threads)) {
            group.add(ort.bind(x, shape));
            names.add("onnxruntime " + OrtModel.version() + " (baseline)");
            if (conv != null) {
                var net = conv.network();
                KernelNetwork dense = KernelNetwork.dense(net, reg, "dense-vector", batch, threads, x);
                group.add(dense);
                names.add("suite dense: " + dense.describe());
                if (layerFormats != null) {
                    java.util.Map<String, FormatSpec> per = new java.util.HashMap<>();
                    for (String line : Files.readAllLines(layerFormats)) {
                        String[] p = line.strip().split("\\s+");
                        if (p.length == 3 && !line.strip().startsWith("#")) per.put(p[1], FormatSpec.parse(p[2]));
                    }
                    KernelNetwork sp = KernelNetwork.plan(net, reg, l -> {
                        FormatSpec f = per.getOrDefault(l, FormatSpec.DENSE);
                        return new KernelNetwork.Choice(f.kind() == FormatSpec.Kind.DENSE ? "dense-vector" : f.kind().name().toLowerCase(Locale.ROOT) + "-vector", f);
                    }, batch, threads, x);
                    group.add(sp);
                    names.add("suite per layer: " + sp.describe());
                } else                 if (fmt.kind() != FormatSpec.Kind.DENSE) {
                    KernelNetwork sp = KernelNetwork.uniform(net, reg, "cpu-vector", l -> fmt, batch, threads, x);
                    group.add(sp);
                    names.add("suite " + fmt + ": " + sp.describe());
                }
                float[] ref = group.get(0).result();
                for (int i = 1; i < group.size(); i++) {
                    float[] s = group.get(i).result();
                    if (conv.softmax()) s = OnnxNetwork.softmax(s, batch, net.classes());
                    double maxAbs = 0, scale = 0;
                    for (int k = 0; k < ref.length; k++) { maxAbs = Math.max(maxAbs, Math.abs((double) s[k] - ref[k])); scale = Math.max(scale, Math.abs(ref[k])); }
                    double rel = scale == 0 ? maxAbs : maxAbs / scale;
                    o.printf(Locale.ROOT, "check       %s vs ONNX Runtime: max error %.3g relative to the output's scale (%s %.0e)%n", names.get(i).substring(0, names.get(i).indexOf(':')),
                            rel, rel <= CrossCheck.TOLERANCE ? "ok, within" : "FAILED, above", CrossCheck.TOLERANCE);
                }
            } else {
                o.println("suite       " + why.substring(why.indexOf(": ") + 2) + "; ONNX Runtime only");
            }
            // JIT warm-up of every plan (the Vector API kernels are slow until C2 has compiled them): 1 s each at most
            for (MatMul.Prepared p : group) {
                long end = System.nanoTime() + 1_000_000_000L;
                for (int i = 0; i < 5000 && System.nanoTime() < end; i++) p.run();
            }
            Interleaved.Group t = new Interleaved().group(group, b);
            o.printf(Locale.ROOT, "%ntime        median and 95%% interval, %s budget, interleaved rounds, %d thread(s), batch %d%n", budget, threads, batch);
            for (int i = 0; i < group.size(); i++) {
                Stats.Interval iv = t.time(i);
                String sp = i == 0 ? "" : String.format(Locale.ROOT, "  speedup over ONNX Runtime %.3fx [%.3f, %.3f]", t.compare(i, 0).speedup().median(),
                        t.compare(i, 0).speedup().low(), t.compare(i, 0).speedup().high());
                if (i >= 2) sp += String.format(Locale.ROOT, ", over suite dense %.3fx [%.3f, %.3f]", t.compare(i, 1).speedup().median(), t.compare(i, 1).speedup().low(),
                        t.compare(i, 1).speedup().high());
                o.printf(Locale.ROOT, "  %10.4f ms [%.4f, %.4f]  %s%s%n", iv.median() / 1e6, iv.low() / 1e6, iv.high() / 1e6, names.get(i), sp);
            }
            if (profile) profile(o, g, x, shape, t.time(0).median());
        } finally {
            for (MatMul.Prepared p : group) p.close();
        }
        long[] declared = g.model().inputs().get(0).dims();
        if (acc != null) acc.top1(o, declared, file, dense, threads);
        else if (dense != null) ModelAccuracy.outputError(o, null, declared, dense, file, threads);
        o.flush();
        return 0;
    }

    private void profile(PrintWriter o, OnnxGraph g, float[] x, long[] shape, double e2eNs) throws Exception {
        Path dir = Files.createTempDirectory("prunebench-ort-profile");
        try (OrtModel p = OrtModel.profiled(file, threads, dir.resolve("profile"))) {
            int runs = 50;
            p.time(x, shape, 5, runs);
            OrtModel.Profile pr = p.endProfiling();
            List<OrtModel.NodeTime> nodes = pr.nodes();
            double sum = 0, layerSum = 0;
            for (OrtModel.NodeTime nt : nodes) sum += nt.meanNs();
            o.printf(Locale.ROOT, "%nprofile     ONNX Runtime's per-node kernel times, mean of %d runs after 5 warm-up (its own clock)%n", runs);
            o.printf(Locale.ROOT, "  %-32s %-22s %12s %7s%n", "node", "op", "us", "share");
            for (OrtModel.NodeTime nt : nodes) {
                boolean w = OnnxArgs.layerOf(g, nt.node()) != null;
                if (w) layerSum += nt.meanNs();
                o.printf(Locale.ROOT, "  %-32s %-22s %12.2f %6.1f%%%s%n", ModelInfoCommand.clip(nt.node(), 32), ModelInfoCommand.clip(nt.op(), 22), nt.meanNs() / 1e3,
                        100 * nt.meanNs() / sum, w ? "  weight layer" : "");
            }
            double run = Double.isNaN(pr.runMeanNs()) ? sum : pr.runMeanNs(), share = Math.min(1, layerSum / run);
            o.printf(Locale.ROOT, "  weight layers %.2f us of a profiled run of %.2f us (%.2f us in nodes): %.1f%%; the rest of the network, that share of the%n"
                    + "  unprofiled end to end %.2f us (median above): %.2f us (%.1f%%)%n", layerSum / 1e3, run / 1e3, sum / 1e3, 100 * share, e2eNs / 1e3,
                    e2eNs * (1 - share) / 1e3, 100 * (1 - share));
            o.println("  (a fused node, 'fused X', holds its weight layer and the ops ONNX Runtime fused into it)");
        } finally {
            try (var s = Files.list(dir)) { for (Path q : s.toList()) Files.deleteIfExists(q); }
            Files.deleteIfExists(dir);
        }
    }
}
