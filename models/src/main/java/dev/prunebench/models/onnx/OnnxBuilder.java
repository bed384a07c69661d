package dev.prunebench.models.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an ONNX model in code: the suite's tests write their models with it (a Gemm with transB, a Conv with groups
 * and padding, BatchNorm, weights as Constant nodes, external data, float16 weights), and
 * {@link OnnxExport} writes the suite's own networks with it. Default domain, opset 13, IR version 8.
 */
public final class OnnxBuilder {

    /** How a float tensor's values are stored in the file. */
    public enum Storage { RAW, FLOAT_DATA, FLOAT16, BFLOAT16, EXTERNAL }

    /** A node attribute. */
    public record Attr(String name, Wire.Out encoded) {
        public static Attr i(String name, long v) { return new Attr(name, new Wire.Out().string(1, name).int64(3, v).int64(20, 2)); }
        public static Attr f(String name, float v) { return new Attr(name, new Wire.Out().string(1, name).float32(2, v).int64(20, 1)); }
        public static Attr s(String name, String v) { return new Attr(name, new Wire.Out().string(1, name).string(4, v).int64(20, 3)); }
        public static Attr ints(String name, long... v) {
            Wire.Out o = new Wire.Out().string(1, name);
            for (long x : v) o.int64(8, x); // unpacked, as the ONNX Python helper writes them
            return new Attr(name, o.int64(20, 7));
        }
    }

    private final String graphName;
    private final Wire.Out graph = new Wire.Out();
    private final List<Wire.Out> inputs = new ArrayList<>(), outputs = new ArrayList<>(), nodes = new ArrayList<>(), inits = new ArrayList<>();
    private final List<byte[]> externalChunks = new ArrayList<>();
    private long externalOffset;
    private String externalName = "weights.bin";
    private int opset = 13;

    public OnnxBuilder(String graphName) { this.graphName = graphName; }

    public OnnxBuilder opset(int v) { opset = v; return this; }

    /** The file name (next to the model) that {@link Storage#EXTERNAL} tensors go to. */
    public OnnxBuilder externalFile(String name) { externalName = name; return this; }

    /** A float graph input; a dimension &lt; 0 is symbolic ({@code N}). */
    public OnnxBuilder input(String name, long... dims) { inputs.add(valueInfo(name, OnnxTensor.FLOAT, dims)); return this; }

    public OnnxBuilder output(String name, long... dims) { outputs.add(valueInfo(name, OnnxTensor.FLOAT, dims)); return this; }

    private static Wire.Out valueInfo(String name, int elem, long[] dims) {
        Wire.Out shape = new Wire.Out();
        for (long d : dims) {
            Wire.Out dim = new Wire.Out();
            if (d < 0) dim.string(2, "N");
            else dim.int64(1, d);
            shape.message(1, dim);
        }
        Wire.Out tensorType = new Wire.Out().int64(1, elem).message(2, shape);
        return new Wire.Out().string(1, name).message(2, new Wire.Out().message(1, tensorType));
    }

    /** A float initializer. */
    public OnnxBuilder initializer(String name, long[] dims, float[] v, Storage s) {
        inits.add(tensor(name, dims, v, s));
        return this;
    }

    public OnnxBuilder initializer(String name, long[] dims, float[] v) { return initializer(name, dims, v, Storage.RAW); }

    /** An int64 initializer (shapes for Reshape). */
    public OnnxBuilder int64Initializer(String name, long[] dims, long[] v) {
        Wire.Out t = new Wire.Out().packedInt64(1, dims).int64(2, OnnxTensor.INT64).string(8, name);
        byte[] r = new byte[v.length * 8];
        for (int i = 0; i < v.length; i++) for (int q = 0; q < 8; q++) r[i * 8 + q] = (byte) (v[i] >>> (8 * q));
        inits.add(t.bytes(9, r));
        return this;
    }

    /** A sparse initializer holding the non-zeros of {@code v} (1-D linear int64 indices). */
    public OnnxBuilder sparseInitializer(String name, long[] dims, float[] v) {
        int nnz = 0;
        for (float x : v) if (x != 0f) nnz++;
        float[] nz = new float[nnz];
        long[] ix = new long[nnz];
        int k = 0;
        for (int i = 0; i < v.length; i++) if (v[i] != 0f) { nz[k] = v[i]; ix[k++] = i; }
        Wire.Out values = tensor(name, new long[] {nnz}, nz, Storage.RAW);
        byte[] r = new byte[nnz * 8];
        for (int i = 0; i < nnz; i++) for (int q = 0; q < 8; q++) r[i * 8 + q] = (byte) (ix[i] >>> (8 * q));
        Wire.Out indices = new Wire.Out().packedInt64(1, new long[] {nnz}).int64(2, OnnxTensor.INT64).bytes(9, r);
        Wire.Out sp = new Wire.Out().message(1, values).message(2, indices).packedInt64(3, dims);
        graph.message(15, sp);
        return this;
    }

    /** A weight as a Constant node's {@code value}, output {@code name}. */
    public OnnxBuilder constant(String name, long[] dims, float[] v, Storage s) {
        Wire.Out attr = new Wire.Out().string(1, "value").message(5, tensor("", dims, v, s)).int64(20, 4);
        nodes.add(new Wire.Out().string(2, name).string(3, name + "_const").string(4, "Constant").message(5, attr));
        return this;
    }

    /** A node; inputs and outputs by name. */
    public OnnxBuilder node(String op, String name, List<String> in, List<String> out, Attr... attrs) {
        Wire.Out n = new Wire.Out();
        for (String i : in) n.string(1, i);
        for (String o : out) n.string(2, o);
        n.string(3, name).string(4, op);
        for (Attr a : attrs) n.message(5, a.encoded());
        nodes.add(n);
        return this;
    }

    private Wire.Out tensor(String name, long[] dims, float[] v, Storage s) {
        long n = 1;
        for (long d : dims) n *= d;
        if (n != v.length) throw new IllegalArgumentException("tensor " + name + ": " + v.length + " values for dims of " + n);
        Wire.Out t = new Wire.Out().packedInt64(1, dims);
        switch (s) {
            case RAW -> t.int64(2, OnnxTensor.FLOAT).string(8, name).bytes(9, OnnxWriter.raw(OnnxTensor.FLOAT, v, null));
            case FLOAT_DATA -> {
                Wire.Out p = new Wire.Out();
                for (float x : v) {
                    int bits = Float.floatToRawIntBits(x);
                    for (int q = 0; q < 4; q++) p.buf.write(bits >>> (8 * q));
                }
                t.int64(2, OnnxTensor.FLOAT).message(4, p).string(8, name);
            }
            case FLOAT16 -> t.int64(2, OnnxTensor.FLOAT16).string(8, name).bytes(9, OnnxWriter.raw(OnnxTensor.FLOAT16, v, null));
            case BFLOAT16 -> {
                // the typed form: int32_data holding the bit patterns
                Wire.Out p = new Wire.Out();
                for (float x : v) p.varint(OnnxWriter.bf16(x));
                t.int64(2, OnnxTensor.BFLOAT16).message(5, p).string(8, name);
            }
            case EXTERNAL -> {
                byte[] r = OnnxWriter.raw(OnnxTensor.FLOAT, v, null);
                t.int64(2, OnnxTensor.FLOAT).string(8, name);
                t.message(13, new Wire.Out().string(1, "location").string(2, externalName));
                t.message(13, new Wire.Out().string(1, "offset").string(2, Long.toString(externalOffset)));
                t.message(13, new Wire.Out().string(1, "length").string(2, Long.toString(r.length)));
                t.int64(14, 1);
                externalChunks.add(r);
                externalOffset += r.length;
            }
        }
        return t;
    }

    /** The model's bytes (external data, if any, is written by {@link #write}). */
    public byte[] build() {
        Wire.Out g = new Wire.Out();
        for (Wire.Out n : nodes) g.message(1, n);
        g.string(2, graphName);
        g.raw(graph.toByteArray(), 0, graph.toByteArray().length);
        for (Wire.Out t : inits) g.message(5, t);
        for (Wire.Out i : inputs) g.message(11, i);
        for (Wire.Out o : outputs) g.message(12, o);
        Wire.Out m = new Wire.Out().int64(1, 8).string(2, "prunebench").string(3, "0.1.0");
        m.message(7, g);
        m.message(8, new Wire.Out().string(1, "").int64(2, opset));
        return m.toByteArray();
    }

    /** Writes the model to {@code file}, and its external data next to it. */
    public Path write(Path file) throws IOException {
        byte[] b = build();
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (!externalChunks.isEmpty()) {
            try (var out = Files.newOutputStream(parent.resolve(externalName))) {
                for (byte[] c : externalChunks) out.write(c);
            }
        }
        Files.write(file, b);
        return file;
    }
}
