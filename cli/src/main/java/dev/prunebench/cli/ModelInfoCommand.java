package dev.prunebench.cli;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.models.onnx.OnnxGraph;
import dev.prunebench.models.onnx.OnnxModel;
import dev.prunebench.models.onnx.OnnxTensor;
import dev.prunebench.models.onnx.WeightLayer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
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

    @Parameters(index = "0", paramLabel = "FILE", description = "an .onnx model (external data next to it) or a .safetensors file") Path file;
    @Option(names = "--input-shape", paramLabel = "DIMS", description = "shape of the first input, e.g. 1,3,224,224 (default: the declared one, batch 1)") String inputShape;
    @Option(names = "--layers", paramLabel = "FILE", description = "safetensors only: 'tensor fc|conv|skip [options]' lines where shapes alone are ambiguous (docs/onnx.md)") Path layersMap;
    @Option(names = "--precision", paramLabel = "P", description = "value precision for bytes: fp32 | fp16 | bf16 | int8 (default: the weights' own type)") String precision;
    @Option(names = "--formats", split = ",", paramLabel = "FMT", description = "formats to size (default: csr,gcsr:4,gcsr:8,nm:2:4)")
    List<String> formats = new ArrayList<>(List.of("csr", "gcsr:4", "gcsr:8", "nm:2:4"));

    @Override public Integer call() throws Exception {
        List<FormatSpec> fs = ModelLayers.formats(formats);
        Precision fixed = precision == null ? null : Precision.parse(precision);
        OnnxArgs.Model md = OnnxArgs.load(file, inputShape, layersMap);
        PrintWriter o = spec.commandLine().getOut();
        long floats = header(md, o);
        List<WeightLayer> layers = md.layers();
        long weights = 0;
        for (WeightLayer l : layers) weights += (long) l.rows() * l.cols();
        o.printf(Locale.ROOT, "layers    %d weight layers, %d weights: %.2f%% of the model's %d float parameters%n", layers.size(), weights,
                100.0 * weights / Math.max(1, floats), floats);
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-20s %-6s %-22s %10s %10s %9s %7s %12s", "layer", "op", "shape", "MACs", "params",
                "sparsity", "share", "dense"));
        for (FormatSpec f : fs) head.append(String.format(Locale.ROOT, " %12s", f));
        o.println();
        o.println(head);
        long[] total = new long[fs.size()];
        int[] sized = new int[fs.size()];
        long macs = 0, zeros = 0, dense = 0;
        boolean macsKnown = true;
        List<String> notes = new ArrayList<>();
        for (ModelLayers.Row r : ModelLayers.rows(layers, fs, fixed)) {
            WeightLayer l = r.layer();
            zeros += r.zeros();
            dense += r.dense();
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-20s %-6s %-22s %10s %10d %9.6f %6.2f%% %12d", clip(l.name(), 20), l.op(),
                    clip(l.shape(), 22), OnnxArgs.count(l.macs()), l.parameters(), r.sparsity(), 100.0 * l.rows() * l.cols() / Math.max(1, weights), r.dense()));
            for (int i = 0; i < fs.size(); i++) {
                row.append(String.format(Locale.ROOT, " %12s", r.bytes()[i] < 0 ? "-" : Long.toString(r.bytes()[i])));
                if (r.bytes()[i] >= 0) { total[i] += r.bytes()[i]; sized[i]++; }
            }
            o.println(row);
            if (l.macs() < 0) macsKnown = false;
            else macs += l.macs();
            if (l.foldedBatchNorm() != null) notes.add(l.name() + ": BatchNormalization '" + l.foldedBatchNorm() + "' folded in (sizes and sparsity of the folded matrix)");
            if (l.conv() != null && l.conv().groups() > 1)
                notes.add(l.name() + ": " + (l.conv().depthwise() ? "depthwise" : l.conv().groups() + " groups") + ", stored as one " + l.rows() + "x" + l.cols()
                        + " matrix (each output channel's row covers only its group's input channels)");
            if (r.precision() != Precision.FP32 && fixed == null) notes.add(l.name() + ": weights are " + OnnxTensor.typeName(l.tensor().dataType()) + ", sized at " + r.precision().id());
        }
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-20s %-6s %-22s %10s %10s %9.6f %6.2f%% %12d", "total", "", "", macsKnown ? OnnxArgs.count(macs) : "?",
                "", (double) zeros / Math.max(1, weights), 100.0, dense));
        for (int i = 0; i < fs.size(); i++)
            row.append(String.format(Locale.ROOT, " %12s", sized[i] == 0 ? "-" : sized[i] == layers.size() ? Long.toString(total[i]) : total[i] + "*"));
        o.println(row);
        o.println();
        o.println("bytes: exact, values at the weights' precision plus index arrays of minimal width (the suite's StorageFormula);");
        o.println("       '-' a format that cannot hold the layer (N:M violated, group wider than the row); '*' a total over fewer layers");
        for (String n : notes) o.println("note      " + n);
        for (String n : md.notes()) o.println("note      " + n);
        if (md.onnx()) {
            Map<String, Integer> rest = md.graph().restOps();
            o.printf(Locale.ROOT, "rest      %d nodes: %s%n", md.graph().rest().size(), rest.isEmpty() ? "none" : rest.toString().replaceAll("[{}]", ""));
        } else {
            o.printf(Locale.ROOT, "rest      %d tensors are not weight layers (biases, norms, embeddings named skip …); no graph: MACs need a conv's in=HxW in --layers%n",
                    md.safetensors().tensors().size() - layers.size());
        }
        o.flush();
        return 0;
    }

    /** The file's lines before the table; returns the model's float parameters. */
    private long header(OnnxArgs.Model md, PrintWriter o) {
        long floats = 0;
        if (!md.onnx()) {
            var st = md.safetensors();
            for (var e : st.tensors().values()) if (e.tensor().floats() != null) floats += e.tensor().elements();
            o.printf(Locale.ROOT, "file      %s (safetensors, %d tensors, %d bytes%s%s)%n", file, st.tensors().size(), st.size(),
                    st.metadata().isEmpty() ? "" : ", metadata " + st.metadata(), layersMap == null ? "" : ", layers from " + layersMap);
            return floats;
        }
        OnnxGraph g = md.graph();
        OnnxModel m = g.model();
        for (OnnxTensor t : m.tensors().values()) if (t.floats() != null) floats += t.elements();
        o.printf(Locale.ROOT, "file      %s (ir %d, opsets %s, producer '%s')%n", file, m.irVersion(), m.opsets(), m.producer());
        for (OnnxModel.ValueInfo v : m.inputs()) {
            long[] s = g.shapes().get(v.name());
            o.printf(Locale.ROOT, "input     %s %s%s%n", v.name(), s == null ? "unknown shape" : java.util.Arrays.toString(s),
                    inputShape != null && v == m.inputs().get(0) ? " (--input-shape)" : "");
        }
        return floats;
    }

    static String clip(String s, int n) { return s.length() <= n ? s : s.substring(0, n - 1) + "…"; }
}
