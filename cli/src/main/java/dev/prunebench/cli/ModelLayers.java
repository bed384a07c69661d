package dev.prunebench.cli;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.models.onnx.OnnxTensor;
import dev.prunebench.models.onnx.WeightLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The per-layer table of {@code model info}, also written as {@code layers.csv} by {@code model bench} for the report:
 * sparsity found in the file and exact bytes dense and in each format (minimal indices, the suite's storage
 * accounting) at the weights' own precision or a fixed one.
 */
final class ModelLayers {
    private ModelLayers() {}

    /**
     * One layer's row; {@code bytes[i]} is the size in {@code formats[i]}, −1 where the format cannot hold the layer
     * (N:M violated, group wider than the row).
     */
    record Row(WeightLayer layer, Precision precision, long zeros, long dense, long[] bytes) {
        double sparsity() { return (double) zeros / ((long) layer.rows() * layer.cols()); }
    }

    /** The sparse formats of {@code names}, without dense and duplicates. */
    static List<FormatSpec> formats(List<String> names) {
        List<FormatSpec> fs = new ArrayList<>();
        for (String f : names) {
            FormatSpec s = FormatSpec.parse(f);
            if (s.kind() != FormatSpec.Kind.DENSE && !fs.contains(s)) fs.add(s);
        }
        return fs;
    }

    static Row row(WeightLayer l, List<FormatSpec> fs, Precision fixed) {
        Precision p = fixed != null ? fixed : switch (l.tensor().dataType()) {
            case OnnxTensor.FLOAT16 -> Precision.FP16;
            case OnnxTensor.BFLOAT16 -> Precision.BF16;
            default -> Precision.FP32;
        };
        NonZeros nz = NonZeros.of(new Dense(l.rows(), l.cols(), l.matrix()));
        long[] b = new long[fs.size()];
        for (int i = 0; i < fs.size(); i++) {
            FormatSpec f = fs.get(i);
            boolean cannot = f.kind() == FormatSpec.Kind.NM && nz.nmViolation(f) != null || f.kind() == FormatSpec.Kind.GCSR && f.g() > l.cols();
            b[i] = cannot ? -1 : nz.storage(f, p, IndexPolicy.MINIMAL).total();
        }
        return new Row(l, p, (long) l.rows() * l.cols() - nz.nnz(), nz.storage(FormatSpec.DENSE, p, IndexPolicy.MINIMAL).total(), b);
    }

    static List<Row> rows(List<WeightLayer> ls, List<FormatSpec> fs, Precision fixed) {
        List<Row> out = new ArrayList<>();
        for (WeightLayer l : ls) out.add(row(l, fs, fixed));
        return out;
    }

    /** {@code layers.csv}: layer, op, shape, macs ('?' unknown), params, sparsity, share of the weights, precision, bytes per format. */
    static void writeCsv(Path file, List<Row> rows, List<FormatSpec> fs) throws IOException {
        long weights = 0;
        for (Row r : rows) weights += (long) r.layer().rows() * r.layer().cols();
        StringBuilder s = new StringBuilder("layer,op,shape,macs,params,sparsity,share,precision,bytes_dense");
        for (FormatSpec f : fs) s.append(",bytes_").append(f);
        s.append('\n');
        for (Row r : rows) {
            WeightLayer l = r.layer();
            s.append(dev.prunebench.results.Csv.field(l.name())).append(',').append(l.op()).append(',').append(dev.prunebench.results.Csv.field(l.shape()))
                    .append(',').append(l.macs() < 0 ? "?" : Long.toString(l.macs())).append(',').append(l.parameters())
                    .append(String.format(Locale.ROOT, ",%.6f,%.2f%%,%s,%d", r.sparsity(), 100.0 * l.rows() * l.cols() / Math.max(1, weights), r.precision().id(), r.dense()));
            for (long b : r.bytes()) s.append(',').append(b < 0 ? "-" : Long.toString(b));
            s.append('\n');
        }
        Files.writeString(file, s);
    }
}
