package dev.prunebench.cli;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.models.onnx.OnnxGraph;
import dev.prunebench.models.onnx.OnnxModel;
import dev.prunebench.models.onnx.OnnxTensor;
import dev.prunebench.models.onnx.WeightLayer;
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

@Command(name = "info", description = {
        "Every weight layer of an ONNX model (Gemm/MatMul with a constant operand, Conv; BatchNorm folded into its conv): name, op, shape,",
        "MACs per inference at the input shape, parameters, sparsity found in the file, exact bytes dense and in each format",
        "(minimal indices, the suite's storage accounting), and the layer's share of the model's weights; then the rest of the network."})
final class ModelInfoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "an .onnx model (external data next to it)") Path file;
    @Option(names = "--input-shape", paramLabel = "DIMS", description = "shape of the first input, e.g. 1,3,224,224 (default: the declared one, batch 1)") String inputShape;
    @Option(names = "--precision", paramLabel = "P", description = "value precision for bytes: fp32 | fp16 | bf16 | int8 (default: the weights' own type)") String precision;
    @Option(names = "--formats", split = ",", paramLabel = "FMT", description = "formats to size (default: csr,gcsr:4,gcsr:8,nm:2:4)")
    List<String> formats = new ArrayList<>(List.of("csr", "gcsr:4", "gcsr:8", "nm:2:4"));

    @Override public Integer call() throws Exception {
        List<FormatSpec> fs = new ArrayList<>();
        for (String f : formats) {
            FormatSpec s = FormatSpec.parse(f);
            if (s.kind() != FormatSpec.Kind.DENSE && !fs.contains(s)) fs.add(s);
        }
        Precision fixed = precision == null ? null : Precision.parse(precision);
        OnnxGraph g = OnnxArgs.read(file, inputShape);
        OnnxModel m = g.model();
        long floats = 0;
        for (OnnxTensor t : m.tensors().values()) if (t.floats() != null) floats += t.elements();
        long weights = g.weightElements();
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "file      %s (ir %d, opsets %s, producer '%s')%n", file, m.irVersion(), m.opsets(), m.producer());
        for (OnnxModel.ValueInfo v : m.inputs()) {
            long[] s = g.shapes().get(v.name());
            o.printf(Locale.ROOT, "input     %s %s%s%n", v.name(), s == null ? "unknown shape" : java.util.Arrays.toString(s),
                    inputShape != null && v == m.inputs().get(0) ? " (--input-shape)" : "");
        }
        o.printf(Locale.ROOT, "layers    %d weight layers, %d weights: %.2f%% of the model's %d float parameters%n", g.layers().size(), weights,
                100.0 * weights / Math.max(1, floats), floats);
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-20s %-6s %-22s %10s %10s %9s %7s %12s", "layer", "op", "shape", "MACs", "params",
                "sparsity", "share", "dense"));
        for (FormatSpec f : fs) head.append(String.format(Locale.ROOT, " %12s", f));
        o.println();
        o.println(head);
        Map<String, long[]> total = new LinkedHashMap<>();
        Map<String, Integer> sized = new LinkedHashMap<>();
        long macs = 0, zeros = 0;
        boolean macsKnown = true;
        List<String> notes = new ArrayList<>();
        for (WeightLayer l : g.layers()) {
            Precision p = fixed != null ? fixed : switch (l.tensor().dataType()) {
                case OnnxTensor.FLOAT16 -> Precision.FP16;
                case OnnxTensor.BFLOAT16 -> Precision.BF16;
                default -> Precision.FP32;
            };
            NonZeros nz = NonZeros.of(new Dense(l.rows(), l.cols(), l.matrix()));
            long z = (long) l.rows() * l.cols() - nz.nnz();
            zeros += z;
            long dense = nz.storage(FormatSpec.DENSE, p, IndexPolicy.MINIMAL).total();
            total.merge("dense", new long[] {dense}, (a, b) -> new long[] {a[0] + b[0]});
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-20s %-6s %-22s %10s %10d %9.6f %6.2f%% %12d", clip(l.name(), 20), l.op(),
                    clip(l.shape(), 22), OnnxArgs.count(l.macs()), l.parameters(), (double) z / ((long) l.rows() * l.cols()),
                    100.0 * l.rows() * l.cols() / Math.max(1, weights), dense));
            for (FormatSpec f : fs) {
                String cell;
                if (f.kind() == FormatSpec.Kind.NM && nz.nmViolation(f) != null) cell = "-";
                else if (f.kind() == FormatSpec.Kind.GCSR && f.g() > l.cols()) cell = "-";
                else {
                    long b = nz.storage(f, p, IndexPolicy.MINIMAL).total();
                    cell = Long.toString(b);
                    total.merge(f.toString(), new long[] {b}, (a, c) -> new long[] {a[0] + c[0]});
                    sized.merge(f.toString(), 1, Integer::sum);
                }
                row.append(String.format(Locale.ROOT, " %12s", cell));
            }
            o.println(row);
            if (l.macs() < 0) macsKnown = false;
            else macs += l.macs();
            if (l.foldedBatchNorm() != null) notes.add(l.name() + ": BatchNormalization '" + l.foldedBatchNorm() + "' folded in (sizes and sparsity of the folded matrix)");
            if (l.conv() != null && l.conv().groups() > 1)
                notes.add(l.name() + ": " + (l.conv().depthwise() ? "depthwise" : l.conv().groups() + " groups") + ", stored as one " + l.rows() + "x" + l.cols()
                        + " matrix (each output channel's row covers only its group's input channels)");
            if (p != Precision.FP32 && fixed == null) notes.add(l.name() + ": weights are " + OnnxTensor.typeName(l.tensor().dataType()) + ", sized at " + p.id());
        }
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-20s %-6s %-22s %10s %10s %9.6f %6.2f%% %12d", "total", "", "", macsKnown ? OnnxArgs.count(macs) : "?",
                "", (double) zeros / Math.max(1, weights), 100.0, total.get("dense")[0]));
        for (FormatSpec f : fs) {
            long[] t = total.get(f.toString());
            row.append(String.format(Locale.ROOT, " %12s", t == null ? "-" : sized.getOrDefault(f.toString(), 0) == g.layers().size() ? Long.toString(t[0]) : t[0] + "*"));
        }
        o.println(row);
        o.println();
        o.println("bytes: exact, values at the weights' precision plus index arrays of minimal width (the suite's StorageFormula);");
        o.println("       '-' a format that cannot hold the layer (N:M violated, group wider than the row); '*' a total over fewer layers");
        for (String n : notes) o.println("note      " + n);
        for (String n : g.notes()) o.println("note      " + n);
        Map<String, Integer> rest = g.restOps();
        o.printf(Locale.ROOT, "rest      %d nodes: %s%n", g.rest().size(), rest.isEmpty() ? "none" : rest.toString().replaceAll("[{}]", ""));
        o.flush();
        return 0;
    }

    static String clip(String s, int n) { return s.length() <= n ? s : s.substring(0, n - 1) + "…"; }
}
