package dev.prunebench.runtime.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} array of any rank for evaluation data: a model's inputs ({@code N × …}, float or integer,
 * read as float32) and labels ({@code N} or {@code N × 1} integers, or floats holding whole numbers). Versions 1.0 to
 * 3.0, C order, the dtypes {@code f4 f8 f2 i1 i2 i4 i8 u1 u2 b1} in either byte order. (The project's matrix reader,
 * {@code core.io.Npy}, reads two-dimensional float arrays only.)
 *
 * @param shape  the array's shape
 * @param values every element as float32 (integers up to 2^24 exactly), C order
 */
public record NpyArray(long[] shape, float[] values) {

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'"),
            FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)"), SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    public static NpyArray read(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || !new String(b, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY"))
            throw new IllegalArgumentException(file + ": not a .npy file (expected the magic \\x93NUMPY at byte 0)");
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int major = b[6];
        long len = major == 1 ? bb.getShort(8) & 0xffff : b.length >= 12 ? bb.getInt(8) & 0xffffffffL : -1;
        int start = major == 1 ? 10 : 12;
        if (major < 1 || major > 3 || len < 0 || start + len > b.length)
            throw new IllegalArgumentException(file + ": .npy header (version " + major + ", length " + len + ") does not fit the " + b.length + "-byte file");
        String h = new String(b, start, (int) len, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(h), f = FORTRAN.matcher(h), s = SHAPE.matcher(h);
        if (!d.find() || !f.find() || !s.find()) throw new IllegalArgumentException(file + ": .npy header '" + h.strip() + "' has no descr, fortran_order or shape");
        if (f.group(1).equals("True")) throw new IllegalArgumentException(file + ": fortran_order is True; save the array in C order (numpy.ascontiguousarray)");
        char kind = d.group(2).charAt(0);
        int width = Integer.parseInt(d.group(3));
        String dtype = d.group(1) + kind + width;
        if (!(kind == 'f' && (width == 2 || width == 4 || width == 8) || kind == 'i' && (width == 1 || width == 2 || width == 4 || width == 8)
                || kind == 'u' && (width == 1 || width == 2) || kind == 'b' && width == 1))
            throw new IllegalArgumentException(file + ": dtype '" + dtype + "' is not read (float16/32/64, int8/16/32/64, uint8/16, bool)");
        String[] parts = s.group(1).split(",");
        long[] shape = Arrays.stream(parts).map(String::strip).filter(p -> !p.isEmpty()).mapToLong(Long::parseLong).toArray();
        long n = 1;
        for (long x : shape) n = Math.multiplyExact(n, x);
        int at = start + (int) len;
        if ((long) b.length - at != n * width)
            throw new IllegalArgumentException(file + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs " + n * width + " data bytes, the file has " + (b.length - at));
        bb.order(d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            int p = at + i * width;
            v[i] = switch (kind) {
                case 'f' -> width == 2 ? Float.float16ToFloat(bb.getShort(p)) : width == 4 ? bb.getFloat(p) : (float) bb.getDouble(p);
                case 'u' -> width == 1 ? b[p] & 0xff : bb.getShort(p) & 0xffff;
                case 'b' -> b[p];
                default -> width == 1 ? b[p] : width == 2 ? bb.getShort(p) : width == 4 ? bb.getInt(p) : bb.getLong(p);
            };
            if (!Float.isFinite(v[i])) throw new IllegalArgumentException(file + ": element " + i + " is " + v[i] + " (values must be finite)");
        }
        return new NpyArray(shape, v);
    }

    /** Rows: the first dimension (1 for a scalar). */
    public int rows() { return shape.length == 0 ? 1 : Math.toIntExact(shape[0]); }

    /** Version 1.0 little-endian {@code <f4} or {@code <i8} bytes of an array (tests and examples). */
    public static byte[] encode(long[] shape, float[] v, boolean int64) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) dims.append(d).append(", ");
        String dict = "{'descr': '" + (int64 ? "<i8" : "<f4") + "', 'fortran_order': False, 'shape': (" + (shape.length == 1 ? shape[0] + "," : dims.toString().replaceAll(", $", "")) + "), }";
        StringBuilder hdr = new StringBuilder(dict);
        while ((10 + hdr.length() + 1) % 64 != 0) hdr.append(' ');
        hdr.append('\n');
        int w = int64 ? 8 : 4;
        ByteBuffer out = ByteBuffer.allocate(10 + hdr.length() + v.length * w).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0).putShort((short) hdr.length())
                .put(hdr.toString().getBytes(StandardCharsets.ISO_8859_1));
        for (float x : v) if (int64) out.putLong((long) x); else out.putFloat(x);
        return out.array();
    }
}
