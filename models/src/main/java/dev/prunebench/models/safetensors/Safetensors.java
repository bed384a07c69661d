package dev.prunebench.models.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prunebench.core.io.AtomicWrite;
import dev.prunebench.models.onnx.OnnxTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file (Hugging Face's format): 8 bytes little-endian header length N, N bytes of JSON
 * ({@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}}), then the byte
 * buffer; offsets are relative to the buffer's start, tensors row-major little-endian.
 *
 * <p>F32, F16 and BF16 tensors are read as float32 (as {@link OnnxTensor}s of ONNX's type codes, so the suite's
 * layers hold them like an ONNX model's). The other dtypes of the format (F64, I64, I8, BOOL, F8_*, …) are kept unread
 * with a reason: an error only where a weight layer needs one. A dtype the format does not define, a header that runs
 * past the end, offsets out of the buffer, overlapping, or not matching the shape are errors naming the file and the
 * tensor. Writing ({@link #write}) copies every byte and re-encodes, in its own dtype, only the elements whose value
 * changed.
 */
public final class Safetensors {

    /** The dtypes the format defines, with bytes per element. */
    static final Map<String, Integer> DTYPES;
    static {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String s : List.of("BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3")) m.put(s, 1);
        for (String s : List.of("I16", "U16", "F16", "BF16")) m.put(s, 2);
        for (String s : List.of("I32", "U32", "F32")) m.put(s, 4);
        for (String s : List.of("I64", "U64", "F64")) m.put(s, 8);
        DTYPES = Collections.unmodifiableMap(m);
    }
    static final Set<String> READ = Set.of("F32", "F16", "BF16");
    /** A header larger than this is not a header (the format's own readers cap it at 100 MB). */
    static final long MAX_HEADER = 100_000_000L;

    /** One tensor: its dtype, where its bytes are (absolute file offsets), its values. */
    public record Entry(String dtype, long begin, long end, OnnxTensor tensor) {}

    private final Path file;
    private final byte[] bytes;
    private final Map<String, Entry> tensors;
    private final Map<String, String> metadata;

    private Safetensors(Path file, byte[] bytes, Map<String, Entry> tensors, Map<String, String> metadata) {
        this.file = file;
        this.bytes = bytes;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public Path file() { return file; }
    /** Tensors in the file's buffer order. */
    public Map<String, Entry> tensors() { return Collections.unmodifiableMap(tensors); }
    public Map<String, String> metadata() { return Collections.unmodifiableMap(metadata); }
    public long size() { return bytes.length; }

    public static boolean isSafetensors(Path file) {
        return file.getFileName() != null && file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".safetensors");
    }

    public static Safetensors read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(file + ": " + size + " bytes; files over 2 GB are not read");
        return parse(file, Files.readAllBytes(file));
    }

    public static Safetensors parse(Path file, byte[] b) {
        if (b.length < 8) throw new IllegalArgumentException(file + ": truncated: " + b.length + " bytes, a safetensors file starts with an 8-byte header length");
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 2 || n > MAX_HEADER) throw new IllegalArgumentException(file + ": header length " + Long.toUnsignedString(n) + " is not a safetensors header (2 .. " + MAX_HEADER + " bytes)");
        if (8 + n > b.length) throw new IllegalArgumentException(file + ": header length " + n + " runs past the end of the file (" + b.length + " bytes): truncated or not safetensors");
        JsonNode h;
        try {
            h = new ObjectMapper().readTree(new String(b, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": header is not JSON: " + e.getOriginalMessage());
        }
        if (h == null || !h.isObject()) throw new IllegalArgumentException(file + ": header is not a JSON object");
        long start = 8 + n, buffer = b.length - start;
        Map<String, String> meta = new LinkedHashMap<>();
        List<Entry> es = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                f.getValue().fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            es.add(entry(file, b, f.getKey(), f.getValue(), start, buffer));
        }
        es.sort(Comparator.comparingLong(Entry::begin));
        Map<String, Entry> out = new LinkedHashMap<>();
        Entry prev = null;
        for (Entry e : es) {
            if (prev != null && e.begin() < prev.end())
                throw new IllegalArgumentException(file + ": tensor '" + e.tensor().name() + "': data_offsets [" + (e.begin() - start) + ", " + (e.end() - start)
                        + "] overlap tensor '" + prev.tensor().name() + "' [" + (prev.begin() - start) + ", " + (prev.end() - start) + "]");
            out.put(e.tensor().name(), e);
            if (e.end() > e.begin()) prev = e;
        }
        return new Safetensors(file, b, out, meta);
    }

    private static Entry entry(Path file, byte[] b, String name, JsonNode t, long start, long buffer) {
        String where = file + ": tensor '" + name + "'";
        if (!t.isObject()) throw new IllegalArgumentException(where + ": not a JSON object");
        String dtype = t.path("dtype").asText(null);
        if (dtype == null || !t.path("dtype").isTextual()) throw new IllegalArgumentException(where + ": no dtype");
        Integer width = DTYPES.get(dtype);
        if (width == null) throw new IllegalArgumentException(where + ": unknown dtype '" + dtype + "' (safetensors defines " + String.join(", ", DTYPES.keySet()) + ")");
        JsonNode shape = t.path("shape"), off = t.path("data_offsets");
        if (!shape.isArray()) throw new IllegalArgumentException(where + ": no shape");
        long[] dims = new long[shape.size()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 0) throw new IllegalArgumentException(where + ": shape " + shape + " is not a list of non-negative integers");
            dims[i] = shape.get(i).asLong();
            count = Math.multiplyHigh(count, dims[i]) != 0 ? Long.MAX_VALUE : count * dims[i];
        }
        if (!off.isArray() || off.size() != 2 || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong())
            throw new IllegalArgumentException(where + ": data_offsets " + off + " is not [begin, end]");
        long lo = off.get(0).asLong(), hi = off.get(1).asLong();
        if (lo < 0 || hi < lo || hi > buffer)
            throw new IllegalArgumentException(where + ": data_offsets [" + lo + ", " + hi + "] out of range: the data buffer has " + buffer + " bytes" + (hi > buffer ? " (file truncated?)" : ""));
        if (count == Long.MAX_VALUE || count * width != hi - lo)
            throw new IllegalArgumentException(where + ": data_offsets [" + lo + ", " + hi + "] hold " + (hi - lo) + " bytes, shape " + shape + " of " + dtype + " needs " + (count == Long.MAX_VALUE ? "more" : count * width));
        int type = switch (dtype) {
            case "F32" -> OnnxTensor.FLOAT;
            case "F16" -> OnnxTensor.FLOAT16;
            case "BF16" -> OnnxTensor.BFLOAT16;
            case "F64" -> OnnxTensor.DOUBLE;
            case "I64" -> OnnxTensor.INT64;
            case "I32" -> OnnxTensor.INT32;
            case "I16" -> OnnxTensor.INT16;
            case "I8" -> OnnxTensor.INT8;
            case "U8" -> OnnxTensor.UINT8;
            case "U16" -> OnnxTensor.UINT16;
            case "U32" -> OnnxTensor.UINT32;
            case "U64" -> OnnxTensor.UINT64;
            case "BOOL" -> OnnxTensor.BOOL;
            case "F8_E4M3" -> 17;
            default -> 19; // F8_E5M2
        };
        float[] v = READ.contains(dtype) ? decode(b, (int) (start + lo), (int) count, dtype) : null;
        String why = v == null ? "dtype " + dtype + " is not read (weights must be F32, F16 or BF16)" : null;
        return new Entry(dtype, start + lo, start + hi, new OnnxTensor(name, type, dims, v, null, "safetensors tensor", why));
    }

    private static float[] decode(byte[] b, int at, int count, String dtype) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[count];
        for (int i = 0; i < count; i++)
            v[i] = switch (dtype) {
                case "F32" -> bb.getFloat(at + 4 * i);
                case "F16" -> Float.float16ToFloat(bb.getShort(at + 2 * i));
                default -> Float.intBitsToFloat((bb.getShort(at + 2 * i) & 0xFFFF) << 16);
            };
        return v;
    }

    /**
     * The file's bytes with the tensors {@code replace} names set to their new values: every byte is copied, and only
     * the elements whose value changed are encoded again, in the tensor's own dtype (a pruned weight: 0).
     */
    public byte[] rewrite(Map<String, float[]> replace) {
        byte[] out = bytes.clone();
        ByteBuffer bb = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, float[]> r : replace.entrySet()) {
            Entry e = tensors.get(r.getKey());
            if (e == null || e.tensor().floats() == null) throw new IllegalArgumentException(file + ": no float tensor '" + r.getKey() + "' to write");
            float[] old = e.tensor().floats(), now = r.getValue();
            if (now.length != old.length) throw new IllegalArgumentException(file + ": tensor '" + r.getKey() + "': " + now.length + " values for " + old.length + " elements");
            int at = (int) e.begin();
            for (int i = 0; i < now.length; i++) {
                if (Float.floatToRawIntBits(now[i]) == Float.floatToRawIntBits(old[i])) continue;
                switch (e.dtype()) {
                    case "F32" -> bb.putFloat(at + 4 * i, now[i]);
                    case "F16" -> bb.putShort(at + 2 * i, Float.floatToFloat16(now[i]));
                    default -> bb.putShort(at + 2 * i, (short) (Float.floatToRawIntBits(now[i]) >>> 16));
                }
            }
        }
        return out;
    }

    /** A tensor to {@link #encode}: F32, F16 or BF16 values, row-major. */
    public record Item(String name, String dtype, long[] shape, float[] values) {}

    /**
     * A safetensors file's bytes holding {@code items} in order, header padded with spaces to 8 bytes as the format's
     * writer does (to build files in tests and examples; {@code metadata} may be empty).
     */
    public static byte[] encode(List<Item> items, Map<String, String> metadata) {
        ObjectMapper json = new ObjectMapper();
        var h = json.createObjectNode();
        if (!metadata.isEmpty()) metadata.forEach((k, v) -> h.with("__metadata__").put(k, v));
        long at = 0;
        for (Item it : items) {
            int w = DTYPES.get(it.dtype());
            var t = h.putObject(it.name());
            t.put("dtype", it.dtype());
            var sh = t.putArray("shape");
            for (long d : it.shape()) sh.add(d);
            t.putArray("data_offsets").add(at).add(at + (long) w * it.values().length);
            at += (long) w * it.values().length;
        }
        StringBuilder head = new StringBuilder(h.toString());
        while ((8 + head.length()) % 8 != 0) head.append(' ');
        byte[] hb = head.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer bb = ByteBuffer.allocate(Math.toIntExact(8 + hb.length + at)).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(hb.length).put(hb);
        for (Item it : items)
            for (float v : it.values())
                switch (it.dtype()) {
                    case "F32" -> bb.putFloat(v);
                    case "F16" -> bb.putShort(Float.floatToFloat16(v));
                    case "BF16" -> bb.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
                    default -> throw new IllegalArgumentException("encode: dtype " + it.dtype() + " (F32, F16, BF16)");
                }
        return bb.array();
    }

    public void write(Map<String, float[]> replace, Path out) throws IOException {
        AtomicWrite.write(out, rewrite(replace));
    }
}
