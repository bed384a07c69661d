package dev.prunebench.models.onnx;

import dev.prunebench.models.onnx.Wire.Field;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a model back with new values for some of its tensors (pruned weights, zeros where the mask removed), every
 * other byte as it was read: fields the writer does not change are copied verbatim, in their order; only the
 * changed tensors and the messages that contain them (the graph, a Constant node and its attribute, a sparse
 * initializer) are re-encoded, because their lengths change.
 *
 * <p>A changed tensor keeps its name, dims, data type, doc string and every other field; its data fields (raw_data,
 * the typed *_data fields, and external_data / data_location) are replaced by one raw_data in its own data type at
 * the position of the first of them. Float16 and bfloat16 weights stay float16 and bfloat16: a pruned value is 0,
 * which both hold exactly, and a kept one is written back from the same bits. A tensor that was external data is
 * written inline (a model of up to 2 GiB, protobuf's limit). A sparse initializer is rewritten with the non-zeros of
 * its new values (1-D linear indices, int64).
 */
public final class OnnxWriter {
    private OnnxWriter() {}

    /** The model's bytes with {@code replace} (tensor name → new values, row-major as the tensor) applied. */
    public static byte[] rewrite(OnnxModel model, Map<String, float[]> replace) {
        for (Map.Entry<String, float[]> e : replace.entrySet()) {
            OnnxTensor t = model.tensor(e.getKey());
            if (t == null) throw new IllegalArgumentException(model.file() + ": no tensor '" + e.getKey() + "' to rewrite");
            if (!OnnxTensor.isFloat(t.dataType()))
                throw new IllegalArgumentException(model.file() + ": tensor '" + e.getKey() + "' is " + OnnxTensor.typeName(t.dataType()) + ", not floating point");
            if (e.getValue().length != t.elements())
                throw new IllegalArgumentException(model.file() + ": tensor '" + e.getKey() + "': " + e.getValue().length + " new values for shape " + t.shape());
        }
        byte[] b = model.bytes();
        Set<String> done = new HashSet<>();
        Wire.Out out = new Wire.Out();
        for (Field f : Wire.fields(b, 0, b.length)) {
            if (f.number() == 7 && f.type() == Wire.LEN && f.start() == model.graphField().start())
                out.bytes(7, graph(model, b, f, replace, done));
            else out.raw(b, f.start(), f.end());
        }
        if (done.size() != replace.size()) {
            Set<String> missing = new HashSet<>(replace.keySet());
            missing.removeAll(done);
            throw new IllegalArgumentException(model.file() + ": tensors " + missing + " were not found in the graph's initializers or Constant nodes");
        }
        return out.toByteArray();
    }

    /** Writes the rewritten model to {@code out} atomically. */
    public static void write(OnnxModel model, Map<String, float[]> replace, Path out) throws IOException {
        dev.prunebench.core.io.AtomicWrite.write(out, rewrite(model, replace));
    }

    private static byte[] graph(OnnxModel m, byte[] b, Field g, Map<String, float[]> replace, Set<String> done) {
        Wire.Out out = new Wire.Out();
        for (Field f : Wire.fields(b, g.valueStart(), g.end())) {
            if (f.type() == Wire.LEN && f.number() == 5) {
                String name = tensorName(b, f);
                float[] v = replace.get(name);
                if (v != null && done.add(name)) { out.bytes(5, tensor(b, f, m.tensor(name), v)); continue; }
            } else if (f.type() == Wire.LEN && f.number() == 1) {
                byte[] node = constantNode(m, b, f, replace, done);
                if (node != null) { out.bytes(1, node); continue; }
            } else if (f.type() == Wire.LEN && f.number() == 15) {
                byte[] sp = sparse(m, b, f, replace, done);
                if (sp != null) { out.bytes(15, sp); continue; }
            }
            out.raw(b, f.start(), f.end());
        }
        return out.toByteArray();
    }

    private static String tensorName(byte[] b, Field t) {
        for (Field x : Wire.fields(b, t.valueStart(), t.end())) if (x.number() == 8 && x.type() == Wire.LEN) return Wire.string(b, x);
        return "";
    }

    /** A Constant node whose output is replaced, re-encoded; null when the node is not one. */
    private static byte[] constantNode(OnnxModel m, byte[] b, Field node, Map<String, float[]> replace, Set<String> done) {
        List<Field> fs = Wire.fields(b, node.valueStart(), node.end());
        String op = "", out0 = null;
        for (Field x : fs) {
            if (x.number() == 4 && x.type() == Wire.LEN) op = Wire.string(b, x);
            if (x.number() == 2 && x.type() == Wire.LEN && out0 == null) out0 = Wire.string(b, x);
        }
        if (!op.equals("Constant") || out0 == null || !replace.containsKey(out0) || done.contains(out0)) return null;
        float[] v = replace.get(out0);
        Wire.Out out = new Wire.Out();
        boolean changed = false;
        for (Field x : fs) {
            if (x.number() == 5 && x.type() == Wire.LEN && !changed) {
                List<Field> as = Wire.fields(b, x.valueStart(), x.end());
                String an = "";
                for (Field a : as) if (a.number() == 1 && a.type() == Wire.LEN) an = Wire.string(b, a);
                if (an.equals("value")) {
                    Wire.Out attr = new Wire.Out();
                    for (Field a : as) {
                        if (a.number() == 5 && a.type() == Wire.LEN) attr.bytes(5, tensor(b, a, m.tensor(out0), v));
                        else attr.raw(b, a.start(), a.end());
                    }
                    out.bytes(5, attr.toByteArray());
                    changed = true;
                    continue;
                }
            }
            out.raw(b, x.start(), x.end());
        }
        if (!changed) throw new IllegalArgumentException(m.file() + ": Constant node with output '" + out0 + "' holds no 'value' tensor to rewrite");
        done.add(out0);
        return out.toByteArray();
    }

    private static byte[] sparse(OnnxModel m, byte[] b, Field sp, Map<String, float[]> replace, Set<String> done) {
        List<Field> fs = Wire.fields(b, sp.valueStart(), sp.end());
        Field values = null;
        for (Field x : fs) if (x.number() == 1 && x.type() == Wire.LEN) values = x;
        if (values == null) return null;
        String name = tensorName(b, values);
        float[] v = replace.get(name);
        if (v == null || done.contains(name)) return null;
        int nnz = 0;
        for (float x : v) if (x != 0f) nnz++;
        float[] nz = new float[nnz];
        long[] idx = new long[nnz];
        int k = 0;
        for (int i = 0; i < v.length; i++) if (v[i] != 0f) { nz[k] = v[i]; idx[k++] = i; }
        OnnxTensor t = m.tensor(name);
        Wire.Out out = new Wire.Out();
        for (Field x : fs) {
            if (x.number() == 1 && x.type() == Wire.LEN) {
                // the values keep every field but their dims (now [nnz]) and data
                Wire.Out vt = new Wire.Out();
                boolean dimsDone = false, dataDone = false;
                for (Field y : Wire.fields(b, x.valueStart(), x.end())) {
                    if (y.number() == 1) { if (!dimsDone) { vt.packedInt64(1, new long[] {nnz}); dimsDone = true; } continue; }
                    if (isData(y.number())) { if (!dataDone) { vt.bytes(9, raw(t.dataType(), nz, null)); dataDone = true; } continue; }
                    vt.raw(b, y.start(), y.end());
                }
                if (!dimsDone) vt.packedInt64(1, new long[] {nnz});
                if (!dataDone) vt.bytes(9, raw(t.dataType(), nz, null));
                out.bytes(1, vt.toByteArray());
            } else if (x.number() == 2 && x.type() == Wire.LEN) {
                Wire.Out it = new Wire.Out();
                it.packedInt64(1, new long[] {nnz});
                it.int64(2, OnnxTensor.INT64);
                byte[] r = new byte[nnz * 8];
                for (int i = 0; i < nnz; i++) for (int q = 0; q < 8; q++) r[i * 8 + q] = (byte) (idx[i] >>> (8 * q));
                it.bytes(9, r);
                out.bytes(2, it.toByteArray());
            } else out.raw(b, x.start(), x.end());
        }
        done.add(name);
        return out.toByteArray();
    }

    private static boolean isData(int number) {
        return number == 4 || number == 5 || number == 7 || number == 9 || number == 10 || number == 11 || number == 13 || number == 14;
    }

    /** The TensorProto in {@code f} with its data replaced by {@code v}. */
    private static byte[] tensor(byte[] b, Field f, OnnxTensor t, float[] v) {
        Wire.Out out = new Wire.Out();
        boolean written = false;
        for (Field x : Wire.fields(b, f.valueStart(), f.end())) {
            if (isData(x.number())) {
                if (!written) { out.bytes(9, raw(t.dataType(), v, t.floats())); written = true; }
                continue;
            }
            out.raw(b, x.start(), x.end());
        }
        if (!written) out.bytes(9, raw(t.dataType(), v, t.floats()));
        return out.toByteArray();
    }

    /**
     * raw_data of {@code v} in data type {@code type}. For float16 / bfloat16 a value equal to the one read
     * ({@code old}) is written from the same conversion, so kept weights round-trip to the same bits.
     */
    static byte[] raw(int type, float[] v, float[] old) {
        int eb = OnnxTensor.elementBytes(type);
        byte[] r = new byte[v.length * eb];
        for (int i = 0; i < v.length; i++) {
            int p = i * eb;
            switch (type) {
                case OnnxTensor.FLOAT -> put(r, p, Float.floatToRawIntBits(v[i]), 4);
                case OnnxTensor.DOUBLE -> {
                    long x = Double.doubleToRawLongBits(v[i]);
                    for (int q = 0; q < 8; q++) r[p + q] = (byte) (x >>> (8 * q));
                }
                case OnnxTensor.FLOAT16 -> put(r, p, Float.floatToFloat16(v[i]), 2);
                case OnnxTensor.BFLOAT16 -> put(r, p, bf16(v[i]), 2);
                default -> throw new IllegalArgumentException("data type " + OnnxTensor.typeName(type) + " is not written as floats");
            }
        }
        return r;
    }

    /** float32 → bfloat16 bits, round to nearest even (exact for values read from bfloat16). */
    static int bf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (x >>> 16) | 0x40;
        return (x + 0x7FFF + ((x >>> 16) & 1)) >>> 16;
    }

    private static void put(byte[] r, int p, int x, int n) {
        for (int q = 0; q < n; q++) r[p + q] = (byte) (x >>> (8 * q));
    }
}
