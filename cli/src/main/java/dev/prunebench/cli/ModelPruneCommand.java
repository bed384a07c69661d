package dev.prunebench.cli;

import dev.prunebench.core.prune.Score;
import dev.prunebench.core.prune.Structure;
import dev.prunebench.models.safetensors.Safetensors;
import dev.prunebench.models.onnx.OnnxPruning;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "prune", description = {
        "Prunes every weight layer of an ONNX model to an exact rate with the suite's pruning library (each layer on its own;",
        "BatchNorm folded in for scoring) and writes it back as ONNX: the pruned weights set to zero in their own data type",
        "(float16 stays float16), every other field's bytes unchanged. 'prunebench model info OUT' shows the rates exactly.",
        "A .safetensors input is written back as safetensors: every byte unchanged but the pruned weights'."})
final class ModelPruneCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "an .onnx model or a .safetensors file") Path file;
    @Option(names = "--structure", required = true, paramLabel = "S", description = "unstructured | group:G | nm:N:M | node") String structure;
    @Option(names = "--score", defaultValue = "rms", paramLabel = "SC", description = "magnitude|rms (default) | mean | max | median | l1 | l2 | random") String score;
    @Option(names = "--rate", paramLabel = "R", description = "fraction of units to remove per layer, in [0, 1] (required except for nm:N:M)") Double rate;
    @Option(names = "--per-layer", paramLabel = "FILE", description = "a per-layer profile, SPDY's 'level layer [format]' lines (e.g. from 'model spdy'); "
            + "layers it names get its level, the others --rate") Path perLayer;
    @Option(names = "--keep", defaultValue = "none", paramLabel = "LAYERS", description = "layers left dense: names, 'first', 'last', comma-separated (default: ${DEFAULT-VALUE})") String keep;
    @Option(names = "--out", required = true, paramLabel = "OUT", description = "the pruned model: .onnx, or .safetensors for a safetensors input") Path out;
    @Option(names = "--seed", defaultValue = "20260101", description = "seed of --score random (default: ${DEFAULT-VALUE})") long seed;
    @Option(names = "--eval", arity = "2", paramLabel = "NPY", description = "INPUTS.npy LABELS.npy: top-1 of the dense and the pruned model in ONNX Runtime (inputs N x ..., labels N class indices)")
    List<Path> eval;
    @Option(names = "--calib", paramLabel = "INPUTS.npy", description = "inputs (N x ...) for the pruned model's output error against the dense one (default: 64 generated inputs, said so)") Path calib;
    @Option(names = "--layers", paramLabel = "FILE", description = "safetensors only: 'tensor fc|conv|skip [options]' lines (docs/onnx.md)") Path layersMap;
    @Option(names = "--input-shape", paramLabel = "DIMS", description = "shape of the first input (only for reading; pruning does not need it)") String inputShape;

    @Override public Integer call() throws Exception {
        Structure s = Structure.parse(structure);
        Score sc = Score.parse(score, seed);
        double r;
        if (rate == null) {
            if (!(s instanceof Structure.Nm nm)) throw new IllegalArgumentException("--rate: required for structure " + s.id());
            r = nm.rate();
        } else {
            r = rate;
            if (!(r >= 0 && r <= 1)) throw new IllegalArgumentException("--rate: must be in [0, 1], got " + rate);
            if (s instanceof Structure.Nm nm && r != nm.rate())
                throw new IllegalArgumentException("--rate: " + s.id() + " fixes the rate at " + nm.rate() + ", got " + r);
        }
        String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = Safetensors.isSafetensors(file) ? ".safetensors" : ".onnx";
        if (!name.endsWith(ext)) throw new IllegalArgumentException("--out: '" + out + "' must end in " + ext + " (the input's format)");
        Outputs.checkFile("--out", out);
        if (Files.exists(out) && Files.isSameFile(file, out)) throw new IllegalArgumentException("--out " + out + ": is the input file");
        OnnxArgs.Model g = OnnxArgs.load(file, inputShape, layersMap);
        if (!g.onnx() && (eval != null || calib != null))
            throw new IllegalArgumentException((eval != null ? "--eval" : "--calib") + ": a safetensors file has no graph to run; evaluate the pruned weights in your framework");
        ModelAccuracy acc = ModelAccuracy.read(eval, calib);
        Set<String> kept = OnnxArgs.layers(g, keep, "--keep");
        Map<String, Structure> structures = new LinkedHashMap<>();
        Map<String, Double> profile = perLayer == null ? null : profile(perLayer, g, structures);
        long t0 = System.nanoTime();
        List<OnnxPruning.Pruned> p = OnnxPruning.prune(g.layers(), s, sc, r, profile, structures, kept);
        if (g.onnx()) OnnxPruning.write(g.graph(), p, out);
        else g.safetensors().write(OnnxPruning.replacements(p), out);
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "input     %s: %d weight layers%n", file, g.layers().size());
        o.printf(Locale.ROOT, "pruned    %s by %s to rate %s%s%s%n", s.id(), sc.id(), r, profile == null ? "" : " (per-layer levels from " + perLayer + ")",
                kept.isEmpty() ? "" : ", kept dense: " + String.join(", ", kept));
        if (!structures.isEmpty()) o.printf(Locale.ROOT, "structure per layer from the profile's formats: %s%n",
                String.join(", ", structures.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().id()).toList()));
        o.printf(Locale.ROOT, "%-24s %12s %12s %10s %15s %14s%n", "layer", "units", "removed", "unit-rate", "weight-sparsity", "threshold");
        long w = 0, z = 0;
        for (OnnxPruning.Pruned q : p) {
            long n = (long) q.layer().rows() * q.layer().cols();
            w += n;
            if (q.result() == null) {
                long zf = q.layer().zerosInFile();
                z += zf;
                o.printf(Locale.ROOT, "%-24s %12s %12s %10s %15.6f %14s%n", ModelInfoCommand.clip(q.layer().name(), 24), "-", "kept dense", "-", (double) zf / n, "-");
                continue;
            }
            var res = q.result();
            z += res.mask().removed();
            o.printf(Locale.ROOT, "%-24s %12d %12d %10.6f %15.6f %14s%n", ModelInfoCommand.clip(q.layer().name(), 24), res.units(), res.removedUnits(), res.unitRate(),
                    res.weightSparsity(), Double.isNaN(res.threshold()) ? "-" : String.format(Locale.ROOT, "%.6g", res.threshold()));
        }
        o.printf(Locale.ROOT, "total     weight sparsity %.6f (%d of %d weights removed)%n", (double) z / w, z, w);
        o.printf(Locale.ROOT, "wrote     %s (%d bytes, %.2f s)%n", out, Files.size(out), (System.nanoTime() - t0) / 1e9);
        if (!g.onnx()) o.println("accuracy  not measured: a safetensors file has no graph to run (the pruned weights are yours to evaluate)");
        else {
            long[] declared = g.graph().model().inputs().get(0).dims();
            ModelAccuracy.outputError(o, acc, declared, file, out, 1);
            if (acc != null && acc.labels != null) acc.top1(o, declared, out, file, 1);
        }
        o.flush();
        return 0;
    }

    /**
     * SPDY's profile lines {@code level layer [format]}; blank lines and '#' comments skipped. A format names the
     * layer's structure ({@code structures}): csr → unstructured, gcsr:G → group:G, nm:N:M → N:M (dense: none).
     */
    static Map<String, Double> profile(Path f, OnnxArgs.Model g, Map<String, Structure> structures) throws java.io.IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        int n = 0;
        for (String line : Files.readAllLines(f)) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            String[] p = t.split("\\s+");
            if (p.length < 2 || p.length > 3) throw new IllegalArgumentException(f + ": line " + n + ": expected 'level layer [format]', got '" + t + "'");
            double level;
            try {
                level = Double.parseDouble(p[0]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(f + ": line " + n + ": level '" + p[0] + "' is not a number");
            }
            if (!(level >= 0 && level <= 1)) throw new IllegalArgumentException(f + ": line " + n + ": level " + level + " is outside [0, 1]");
            OnnxArgs.layers(g, p[1], f + ": line " + n);
            m.put(p[1], level);
            if (p.length == 3 && !p[2].equals("dense") && !p[2].equals("-")) {
                dev.prunebench.core.format.FormatSpec fs;
                try {
                    fs = dev.prunebench.core.format.FormatSpec.parse(p[2]);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(f + ": line " + n + ": format " + e.getMessage());
                }
                structures.put(p[1], switch (fs.kind()) {
                    case GCSR -> Structure.group(fs.g());
                    case NM -> Structure.nm(fs.n(), fs.m());
                    default -> Structure.UNSTRUCTURED;
                });
            }
        }
        return m;
    }
}
