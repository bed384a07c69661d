package dev.prunebench.models.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two NumPy {@code .npy} (version 1.0) layouts a model needs: 2-D little-endian float32 ({@code <f4}) for
 * parameters and 2-D {@code |u1} for masks, C order. Files written here load with {@code numpy.load}.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** A 2-D array read back: {@code rows × cols}, with floats or bytes depending on the dtype. */
    public record Array(int rows, int cols, float[] floats, byte[] bytes) {}

    public static byte[] encodeFloats(int rows, int cols, float[] v) {
        if (v.length != rows * cols) throw new IllegalArgumentException("npy: " + v.length + " values for shape " + rows + "×" + cols);
        byte[] header = header("<f4", rows, cols);
        ByteBuffer bb = ByteBuffer.allocate(header.length + 4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(header);
        for (float f : v) bb.putFloat(f);
        return bb.array();
    }

    public static byte[] encodeBools(int rows, int cols, boolean[] v) {
        if (v.length != rows * cols) throw new IllegalArgumentException("npy: " + v.length + " values for shape " + rows + "×" + cols);
        byte[] header = header("|u1", rows, cols);
        byte[] out = new byte[header.length + v.length];
        System.arraycopy(header, 0, out, 0, header.length);
        for (int i = 0; i < v.length; i++) out[header.length + i] = (byte) (v[i] ? 1 : 0);
        return out;
    }

    private static byte[] header(String descr, int rows, int cols) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int base = MAGIC.length + 2 + 2;
        int total = (base + dict.length() + 1 + 63) / 64 * 64;
        StringBuilder s = new StringBuilder(dict);
        while (base + s.length() + 1 < total) s.append(' ');
        s.append('\n');
        byte[] d = s.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[base + d.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) (d.length & 0xff);
        out[9] = (byte) (d.length >>> 8);
        System.arraycopy(d, 0, out, base, d.length);
        return out;
    }

    public static Array read(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (b.length < 10) throw new IOException(file + ": too short for .npy (" + b.length + " bytes)");
        for (int i = 0; i < MAGIC.length; i++) if (b[i] != MAGIC[i]) throw new IOException(file + ": not a .npy file (bad magic)");
        int major = b[6];
        int hlen, base;
        if (major == 1) {
            hlen = (b[8] & 0xff) | ((b[9] & 0xff) << 8);
            base = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) throw new IOException(file + ": truncated .npy header");
            hlen = (b[8] & 0xff) | ((b[9] & 0xff) << 8) | ((b[10] & 0xff) << 16) | ((b[11] & 0xff) << 24);
            base = 12;
        } else throw new IOException(file + ": unsupported .npy version " + major);
        if (base + hlen > b.length) throw new IOException(file + ": truncated .npy header");
        String h = new String(b, base, hlen, StandardCharsets.US_ASCII);
        Matcher md = DESCR.matcher(h), mf = FORTRAN.matcher(h), ms = SHAPE.matcher(h);
        if (!md.find() || !mf.find() || !ms.find()) throw new IOException(file + ": .npy header lacks descr/fortran_order/shape: " + h.strip());
        if (mf.group(1).equals("True")) throw new IOException(file + ": Fortran-order arrays are not supported");
        String[] dims = ms.group(1).split(",");
        int rows, cols;
        try {
            if (dims.length >= 2 && !dims[1].isBlank()) {
                rows = Integer.parseInt(dims[0].trim());
                cols = Integer.parseInt(dims[1].trim());
                if (dims.length > 2 && !dims[2].isBlank()) throw new IOException(file + ": expected a 2-D array, shape (" + ms.group(1) + ")");
            } else {
                rows = 1;
                cols = Integer.parseInt(dims[0].trim());
            }
        } catch (NumberFormatException e) {
            throw new IOException(file + ": bad shape (" + ms.group(1) + ")", e);
        }
        int data = base + hlen;
        long n = (long) rows * cols;
        String descr = md.group(1);
        switch (descr) {
            case "<f4" -> {
                if (b.length - data != 4 * n) throw new IOException(file + ": " + (b.length - data) + " data bytes, shape " + rows + "×" + cols + " needs " + 4 * n);
                float[] v = new float[(int) n];
                ByteBuffer.wrap(b, data, b.length - data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                return new Array(rows, cols, v, null);
            }
            case "|u1", "|b1" -> {
                if (b.length - data != n) throw new IOException(file + ": " + (b.length - data) + " data bytes, shape " + rows + "×" + cols + " needs " + n);
                return new Array(rows, cols, null, java.util.Arrays.copyOfRange(b, data, b.length));
            }
            default -> throw new IOException(file + ": dtype " + descr + " not supported (expected <f4 or |u1)");
        }
    }
}
