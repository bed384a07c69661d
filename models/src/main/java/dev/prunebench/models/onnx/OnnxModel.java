package dev.prunebench.models.onnx;

import dev.prunebench.models.onnx.Wire.Field;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model as read from a file: its graph's nodes, its tensors (initializers, {@code Constant} nodes' values and
 * sparse initializers made dense) and its inputs and outputs. The reader decodes the protobuf wire format by ONNX's
 * field numbers ({@link Wire}); it keeps the file's bytes, so {@link OnnxWriter} can write the model back with only
 * the weights changed.
 *
 * <p>Field numbers used (ONNX's {@code onnx.proto3}, a published fact): ModelProto ir_version 1, producer_name 2,
 * graph 7, opset_import 8 (domain 1, version 2); GraphProto node 1, name 2, initializer 5, input 11, output 12,
 * sparse_initializer 15; NodeProto input 1, output 2, name 3, op_type 4, attribute 5, domain 7; AttributeProto name 1,
 * f 2, i 3, s 4, t 5, g 6, floats 7, ints 8, type 20; TensorProto dims 1, data_type 2, float_data 4, int32_data 5,
 * int64_data 7, name 8, raw_data 9, double_data 10, uint64_data 11, external_data 13 (key 1, value 2), data_location
 * 14; SparseTensorProto values 1, indices 2, dims 3; ValueInfoProto name 1, type 2; TypeProto tensor_type 1; its
 * elem_type 1, shape 2; TensorShapeProto dim 1; its dim_value 1, dim_param 2.
 *
 * <p>Bad input — a file that is truncated or not ONNX, a tensor of an unknown data type or whose data does not match
 * its shape, external data that is missing — is an {@link IllegalArgumentException} whose one line names the file,
 * the initializer or node, and what was wrong.
 */
public final class OnnxModel {

    /** The largest model file read whole: 2 GiB, protobuf's own limit for one message. */
    public static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    /** A graph input or output: its name, element type and shape (−1 for a symbolic or missing dimension). */
    public record ValueInfo(String name, int elemType, long[] dims) {}

    private final Path file;
    private final byte[] bytes;
    private final long irVersion;
    private final String producer;
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private final List<OnnxNode> nodes = new ArrayList<>();
    private final Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final Field graph;

    private OnnxModel(Path file, byte[] bytes) {
        this.file = file;
        this.bytes = bytes;
        List<Field> top;
        try {
            top = Wire.fields(bytes, 0, bytes.length);
        } catch (Wire.Malformed e) {
            throw new IllegalArgumentException(file + ": not an ONNX model (" + e.getMessage() + ")");
        }
        long ir = -1;
        String prod = "";
        Field g = null;
        for (Field f : top) {
            switch (f.number()) {
                case 1 -> { if (f.type() == Wire.VARINT) ir = f.varint(); }
                case 2 -> { if (f.type() == Wire.LEN) prod = Wire.string(bytes, f); }
                case 7 -> { if (f.type() == Wire.LEN) g = f; }
                case 8 -> {
                    if (f.type() != Wire.LEN) break;
                    String dom = "";
                    long ver = 0;
                    for (Field x : sub(f, "opset_import")) {
                        if (x.number() == 1 && x.type() == Wire.LEN) dom = Wire.string(bytes, x);
                        if (x.number() == 2 && x.type() == Wire.VARINT) ver = x.varint();
                    }
                    opsets.put(dom, ver);
                }
                default -> { }
            }
        }
        if (g == null || ir < 0)
            throw new IllegalArgumentException(file + ": not an ONNX model (" + (g == null ? "no graph" : "no ir_version") + " in " + bytes.length + " bytes)");
        this.irVersion = ir;
        this.producer = prod;
        this.graph = g;
        readGraph(g);
    }

    /** Reads {@code file}; external data files are read from its folder. */
    public static OnnxModel read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such file");
        if (Files.isDirectory(file)) throw new IOException(file + ": is a directory, expected an .onnx file");
        if (!Files.isRegularFile(file)) throw new IOException(file + ": not a regular file, expected an .onnx file");
        long size = Files.size(file);
        if (size > MAX_BYTES) throw new IOException(file + ": " + size + " bytes, more than the " + MAX_BYTES + " one ONNX protobuf can hold");
        if (size == 0) throw new IllegalArgumentException(file + ": empty file, not an ONNX model");
        return new OnnxModel(file, Files.readAllBytes(file));
    }

    /** A model from bytes in memory; external data is looked up next to {@code file}. */
    public static OnnxModel parse(Path file, byte[] bytes) {
        return new OnnxModel(file, bytes);
    }

    private List<Field> sub(Field f, String what) {
        try {
            return Wire.fields(bytes, f.valueStart(), f.end());
        } catch (Wire.Malformed e) {
            throw new IllegalArgumentException(file + ": " + what + " at byte " + f.start() + ": " + e.getMessage());
        }
    }

    private void readGraph(Field g) {
        List<Field> fs = sub(g, "graph");
        List<ValueInfo> declared = new ArrayList<>();
        for (Field f : fs) {
            if (f.type() != Wire.LEN) continue;
            switch (f.number()) {
                case 1 -> nodes.add(readNode(f, nodes.size()));
                case 5 -> {
                    OnnxTensor t = readTensor(f, "initializer", null);
                    tensors.put(t.name(), t);
                }
                case 15 -> {
                    OnnxTensor t = readSparse(f);
                    tensors.put(t.name(), t);
                }
                case 11 -> declared.add(readValueInfo(f));
                case 12 -> outputs.add(readValueInfo(f));
                default -> { }
            }
        }
        for (OnnxNode n : nodes) {
            if (!n.opType().equals("Constant") || !n.domain().isEmpty() || n.outputs().isEmpty()) continue;
            String out = n.outputs().get(0);
            OnnxNode.Attribute a = n.attributes().get("value");
            OnnxTensor t;
            if (a != null && a.t() != null) {
                OnnxTensor v = a.t();
                t = new OnnxTensor(out, v.dataType(), v.dims(), v.floats(), v.ints(), v.origin(), v.unsupported());
            } else if ((a = n.attributes().get("value_float")) != null) {
                t = new OnnxTensor(out, OnnxTensor.FLOAT, new long[0], new float[] {a.f()}, null, "Constant node '" + n.name() + "'", null);
            } else if ((a = n.attributes().get("value_floats")) != null) {
                t = new OnnxTensor(out, OnnxTensor.FLOAT, new long[] {a.floats().length}, a.floats(), null, "Constant node '" + n.name() + "'", null);
            } else if ((a = n.attributes().get("value_int")) != null) {
                t = new OnnxTensor(out, OnnxTensor.INT64, new long[0], null, new long[] {a.i()}, "Constant node '" + n.name() + "'", null);
            } else if ((a = n.attributes().get("value_ints")) != null) {
                t = new OnnxTensor(out, OnnxTensor.INT64, new long[] {a.ints().length}, null, a.ints(), "Constant node '" + n.name() + "'", null);
            } else continue;
            tensors.put(out, t);
        }
        for (ValueInfo v : declared) if (!tensors.containsKey(v.name())) inputs.add(v);
    }

    private ValueInfo readValueInfo(Field f) {
        String name = "";
        int elem = 0;
        List<Long> dims = new ArrayList<>();
        for (Field x : sub(f, "value_info")) {
            if (x.number() == 1 && x.type() == Wire.LEN) name = Wire.string(bytes, x);
            if (x.number() == 2 && x.type() == Wire.LEN)
                for (Field tt : sub(x, "type of " + name))
                    if (tt.number() == 1 && tt.type() == Wire.LEN)
                        for (Field y : sub(tt, "tensor type of " + name)) {
                            if (y.number() == 1 && y.type() == Wire.VARINT) elem = (int) y.varint();
                            if (y.number() == 2 && y.type() == Wire.LEN)
                                for (Field d : sub(y, "shape of " + name)) {
                                    if (d.number() != 1 || d.type() != Wire.LEN) continue;
                                    long v = -1;
                                    for (Field dv : sub(d, "dimension of " + name))
                                        if (dv.number() == 1 && dv.type() == Wire.VARINT) v = dv.varint();
                                    dims.add(v);
                                }
                        }
        }
        return new ValueInfo(name, elem, dims.stream().mapToLong(Long::longValue).toArray());
    }

    private OnnxNode readNode(Field f, int index) {
        List<String> in = new ArrayList<>(), out = new ArrayList<>();
        String name = "", op = "", domain = "";
        List<Field> attrs = new ArrayList<>();
        for (Field x : sub(f, "node " + index)) {
            if (x.type() != Wire.LEN) continue;
            switch (x.number()) {
                case 1 -> in.add(Wire.string(bytes, x));
                case 2 -> out.add(Wire.string(bytes, x));
                case 3 -> name = Wire.string(bytes, x);
                case 4 -> op = Wire.string(bytes, x);
                case 5 -> attrs.add(x);
                case 7 -> domain = Wire.string(bytes, x);
                default -> { }
            }
        }
        if (name.isEmpty()) name = op + "#" + index;
        Map<String, OnnxNode.Attribute> am = new LinkedHashMap<>();
        for (Field a : attrs) {
            OnnxNode.Attribute at = readAttribute(a, name);
            am.put(at.name(), at);
        }
        return new OnnxNode(index, name, op, domain, List.copyOf(in), List.copyOf(out), Collections.unmodifiableMap(am));
    }

    private OnnxNode.Attribute readAttribute(Field f, String node) {
        String name = "", s = null;
        int type = 0;
        float fv = 0;
        long iv = 0;
        List<Float> floats = new ArrayList<>();
        List<Long> ints = new ArrayList<>();
        OnnxTensor t = null;
        boolean hasF = false, hasI = false, hasFloats = false, hasInts = false;
        for (Field x : sub(f, "attribute of node '" + node + "'")) {
            switch (x.number()) {
                case 1 -> name = Wire.string(bytes, x);
                case 2 -> { if (x.type() == Wire.I32) { fv = Float.intBitsToFloat((int) x.varint()); hasF = true; } }
                case 3 -> { if (x.type() == Wire.VARINT) { iv = x.varint(); hasI = true; } }
                case 4 -> { if (x.type() == Wire.LEN) s = Wire.string(bytes, x); }
                case 5 -> { if (x.type() == Wire.LEN) t = readTensor(x, "Constant node '" + node + "'", node); }
                case 7 -> { Wire.floats(bytes, x, floats); hasFloats = true; }
                case 8 -> { Wire.int64s(bytes, x, ints); hasInts = true; }
                case 20 -> { if (x.type() == Wire.VARINT) type = (int) x.varint(); }
                default -> { }
            }
        }
        if (type == 0) type = t != null ? 4 : hasFloats ? 6 : hasInts ? 7 : s != null ? 3 : hasF ? 1 : hasI ? 2 : 0;
        float[] fa = new float[floats.size()];
        for (int k = 0; k < fa.length; k++) fa[k] = floats.get(k);
        return new OnnxNode.Attribute(name, type, fv, iv, s, hasFloats ? fa : null,
                hasInts ? ints.stream().mapToLong(Long::longValue).toArray() : null, t);
    }

    /** A TensorProto; {@code origin} says where it is; {@code constantNode} names the Constant node owning it, or null. */
    OnnxTensor readTensor(Field f, String origin, String constantNode) {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        Field raw = null;
        List<Field> typed = new ArrayList<>();
        Map<String, String> external = new LinkedHashMap<>();
        long location = 0;
        List<Field> fs = sub(f, origin);
        for (Field x : fs) if (x.number() == 8 && x.type() == Wire.LEN) name = Wire.string(bytes, x);
        String what = origin + (name.isEmpty() ? "" : " '" + name + "'");
        for (Field x : fs) {
            switch (x.number()) {
                case 1 -> Wire.int64s(bytes, x, dims);
                case 2 -> { if (x.type() == Wire.VARINT) type = (int) x.varint(); }
                case 4, 5, 7, 10, 11 -> typed.add(x);
                case 9 -> { if (x.type() == Wire.LEN) raw = x; }
                case 13 -> {
                    String k = null, v = null;
                    for (Field e : sub(x, what + " external_data")) {
                        if (e.number() == 1) k = Wire.string(bytes, e);
                        if (e.number() == 2) v = Wire.string(bytes, e);
                    }
                    if (k != null) external.put(k, v == null ? "" : v);
                }
                case 14 -> { if (x.type() == Wire.VARINT) location = x.varint(); }
                default -> { }
            }
        }
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long v : d) {
            if (v < 0) throw new IllegalArgumentException(file + ": " + what + ": negative dimension in " + dims);
            if (v != 0 && n > Long.MAX_VALUE / v) throw new IllegalArgumentException(file + ": " + what + ": shape " + dims + " has more elements than a long counts");
            n *= v;
        }
        if (type < 1 || type > OnnxTensor.MAX_TYPE)
            throw new IllegalArgumentException(file + ": " + what + ": unknown data type " + type + " (ONNX defines 1 to " + OnnxTensor.MAX_TYPE + ")");
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(file + ": " + what + ": " + n + " elements, more than one array holds");
        int count = (int) n;
        int eb = OnnxTensor.elementBytes(type);
        String tname = OnnxTensor.typeName(type);
        boolean isFloat = OnnxTensor.isFloat(type);
        boolean isInt = switch (type) {
            case OnnxTensor.UINT8, OnnxTensor.INT8, OnnxTensor.UINT16, OnnxTensor.INT16, OnnxTensor.INT32, OnnxTensor.INT64, OnnxTensor.BOOL,
                    OnnxTensor.UINT32, OnnxTensor.UINT64 -> true;
            default -> false;
        };
        if (!isFloat && !isInt)
            return new OnnxTensor(name, type, d, null, null, origin, "data type " + tname + " is not read by prunebench (float, double, float16, bfloat16 and integers are)");
        byte[] src = bytes;
        int from, len;
        if (location == 1) {
            String loc = external.get("location");
            if (loc == null) throw new IllegalArgumentException(file + ": " + what + ": external data without a 'location'");
            Path dir = file.toAbsolutePath().getParent().normalize();
            Path p = dir.resolve(loc).normalize();
            if (!p.startsWith(dir))
                throw new IllegalArgumentException(file + ": " + what + ": external data location '" + loc + "' is outside the model's folder (" + dir + ")");
            if (!Files.isRegularFile(p))
                throw new IllegalArgumentException(file + ": " + what + ": external data file '" + loc + "' is missing (looked for " + p + ")");
            long off = parseLong(external.getOrDefault("offset", "0"), what, "offset");
            long want = (long) count * eb;
            long length = external.containsKey("length") ? parseLong(external.get("length"), what, "length") : want;
            try {
                long size = Files.size(p);
                if (off < 0 || length < 0 || off + length > size)
                    throw new IllegalArgumentException(file + ": " + what + ": external data '" + loc + "' offset " + off + " + length " + length
                            + " runs past its " + size + " bytes");
                if (length != want)
                    throw new IllegalArgumentException(file + ": " + what + ": external data holds " + length + " bytes, shape " + dims + " of " + tname + " needs " + want);
                try (var ch = java.nio.channels.FileChannel.open(p)) {
                    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) length);
                    ch.position(off);
                    while (buf.hasRemaining() && ch.read(buf) >= 0) { }
                    src = buf.array();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(new IOException(file + ": " + what + ": reading external data '" + loc + "': " + e.getMessage(), e));
            }
            from = 0;
            len = (int) length;
            origin = origin + ", external data '" + loc + "'";
        } else if (raw != null) {
            from = raw.valueStart();
            len = raw.length();
        } else {
            from = -1;
            len = -1;
        }
        if (from >= 0 && (long) count * eb != len)
            throw new IllegalArgumentException(file + ": " + what + ": raw_data holds " + len + " bytes, shape " + dims + " of " + tname + " needs " + (long) count * eb);
        if (from < 0) {
            // every typed value takes at least one byte: a shape larger than the bytes present is refused before allocating
            long bytesPresent = 0;
            for (Field x : typed) bytesPresent += x.type() == Wire.LEN ? x.length() : 1;
            if (bytesPresent < count)
                throw new IllegalArgumentException(file + ": " + what + ": holds at most " + bytesPresent + " values, shape " + dims + " needs " + count
                        + (bytesPresent == 0 ? " (no raw_data and no typed data)" : ""));
        }
        float[] fl = isFloat ? new float[count] : null;
        long[] il = isInt ? new long[count] : null;
        if (from >= 0) {
            if ((long) count * eb != len)
                throw new IllegalArgumentException(file + ": " + what + ": raw_data holds " + len + " bytes, shape " + dims + " of " + tname + " needs " + (long) count * eb);
            for (int i = 0; i < count; i++) {
                int p = from + i * eb;
                switch (type) {
                    case OnnxTensor.FLOAT -> fl[i] = Float.intBitsToFloat(Wire.le32(src, p));
                    case OnnxTensor.DOUBLE -> fl[i] = (float) Double.longBitsToDouble(Wire.le64(src, p));
                    case OnnxTensor.FLOAT16 -> fl[i] = Float.float16ToFloat((short) ((src[p] & 0xFF) | (src[p + 1] & 0xFF) << 8));
                    case OnnxTensor.BFLOAT16 -> fl[i] = Float.intBitsToFloat(((src[p] & 0xFF) | (src[p + 1] & 0xFF) << 8) << 16);
                    case OnnxTensor.INT8 -> il[i] = src[p];
                    case OnnxTensor.UINT8, OnnxTensor.BOOL -> il[i] = src[p] & 0xFF;
                    case OnnxTensor.INT16 -> il[i] = (short) ((src[p] & 0xFF) | (src[p + 1] & 0xFF) << 8);
                    case OnnxTensor.UINT16 -> il[i] = (src[p] & 0xFF) | (src[p + 1] & 0xFF) << 8;
                    case OnnxTensor.INT32 -> il[i] = Wire.le32(src, p);
                    case OnnxTensor.UINT32 -> il[i] = Wire.le32(src, p) & 0xFFFFFFFFL;
                    case OnnxTensor.INT64, OnnxTensor.UINT64 -> il[i] = Wire.le64(src, p);
                    default -> throw new AssertionError(type);
                }
            }
        } else {
            // the typed fields: float_data (4) for float, double_data (10), int64_data (7), uint64_data (11), and
            // int32_data (5) for every type of 32 bits or fewer, float16 and bfloat16 as their bit patterns
            int want = switch (type) {
                case OnnxTensor.FLOAT -> 4;
                case OnnxTensor.DOUBLE -> 10;
                case OnnxTensor.INT64 -> 7;
                case OnnxTensor.UINT64, OnnxTensor.UINT32 -> 11;
                default -> 5;
            };
            int k = 0;
            for (Field x : typed) {
                if (x.number() != want) {
                    throw new IllegalArgumentException(file + ": " + what + ": field " + x.number() + " holds data that " + tname + " does not store there");
                }
                List<Float> fv = new ArrayList<>();
                List<Long> lv = new ArrayList<>();
                List<Double> dv = new ArrayList<>();
                try {
                    if (want == 4) Wire.floats(bytes, x, fv);
                    else if (want == 10) Wire.doubles(bytes, x, dv);
                    else Wire.int64s(bytes, x, lv);
                } catch (Wire.Malformed e) {
                    throw new IllegalArgumentException(file + ": " + what + ": " + e.getMessage());
                }
                int got = fv.size() + lv.size() + dv.size();
                if (k + got > count)
                    throw new IllegalArgumentException(file + ": " + what + ": more values than shape " + dims + " holds (" + count + ")");
                for (Float v : fv) fl[k++] = v;
                for (Double v : dv) fl[k++] = (float) (double) v;
                for (Long v : lv) {
                    if (isInt) il[k++] = type == OnnxTensor.INT32 ? (int) (long) v : v;
                    else if (type == OnnxTensor.FLOAT16) fl[k++] = Float.float16ToFloat((short) (long) v);
                    else fl[k++] = Float.intBitsToFloat(((int) (long) v & 0xFFFF) << 16);
                }
            }
            if (k != count)
                throw new IllegalArgumentException(file + ": " + what + ": holds " + k + " values, shape " + dims + " needs " + count
                        + (k == 0 ? " (no raw_data and no typed data)" : ""));
        }
        return new OnnxTensor(name, type, d, fl, il, origin, null);
    }

    private long parseLong(String s, String what, String key) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": " + what + ": external data " + key + " '" + s + "' is not an integer");
        }
    }

    private OnnxTensor readSparse(Field f) {
        OnnxTensor values = null, indices = null;
        List<Long> dims = new ArrayList<>();
        for (Field x : sub(f, "sparse_initializer")) {
            if (x.number() == 1 && x.type() == Wire.LEN) values = readTensor(x, "sparse_initializer", null);
            if (x.number() == 2 && x.type() == Wire.LEN) indices = readTensor(x, "sparse_initializer indices", null);
            if (x.number() == 3) Wire.int64s(bytes, x, dims);
        }
        if (values == null || indices == null)
            throw new IllegalArgumentException(file + ": sparse_initializer at byte " + f.start() + ": no " + (values == null ? "values" : "indices"));
        String what = "sparse_initializer '" + values.name() + "'";
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long v : d) {
            if (v < 0 || v != 0 && n > (Integer.MAX_VALUE - 8) / v) throw new IllegalArgumentException(file + ": " + what + ": bad shape " + dims + " (negative, or more elements than one array holds)");
            n *= v;
        }
        float[] v = values.requireFloats(file.toString());
        long[] ix = indices.ints();
        if (ix == null) throw new IllegalArgumentException(file + ": " + what + ": indices are not integers");
        float[] dense = new float[(int) n];
        int nnz = v.length;
        if (indices.dims().length == 1 && ix.length == nnz) {
            for (int k = 0; k < nnz; k++) {
                if (ix[k] < 0 || ix[k] >= n) throw new IllegalArgumentException(file + ": " + what + ": index " + ix[k] + " outside " + dims);
                dense[(int) ix[k]] = v[k];
            }
        } else if (indices.dims().length == 2 && indices.dims()[0] == nnz && indices.dims()[1] == d.length) {
            for (int k = 0; k < nnz; k++) {
                long flat = 0;
                for (int a = 0; a < d.length; a++) {
                    long c = ix[k * d.length + a];
                    if (c < 0 || c >= d[a]) throw new IllegalArgumentException(file + ": " + what + ": index " + c + " outside dimension " + a + " of " + dims);
                    flat = flat * d[a] + c;
                }
                dense[(int) flat] = v[k];
            }
        } else {
            throw new IllegalArgumentException(file + ": " + what + ": indices of shape " + indices.shape() + " do not fit " + nnz + " values of shape " + dims);
        }
        return new OnnxTensor(values.name(), values.dataType(), d, dense, null, "sparse_initializer", null);
    }

    public Path file() { return file; }
    /** The file's bytes as read (for {@link OnnxWriter}). */
    byte[] bytes() { return bytes; }
    Field graphField() { return graph; }
    public long irVersion() { return irVersion; }
    public String producer() { return producer; }
    public Map<String, Long> opsets() { return Collections.unmodifiableMap(opsets); }
    public List<OnnxNode> nodes() { return Collections.unmodifiableList(nodes); }
    /** Initializers, Constant nodes' values and sparse initializers, by the name the graph uses. */
    public Map<String, OnnxTensor> tensors() { return Collections.unmodifiableMap(tensors); }
    public OnnxTensor tensor(String name) { return tensors.get(name); }
    /** The graph's inputs that are not initializers. */
    public List<ValueInfo> inputs() { return Collections.unmodifiableList(inputs); }
    public List<ValueInfo> outputs() { return Collections.unmodifiableList(outputs); }
}
