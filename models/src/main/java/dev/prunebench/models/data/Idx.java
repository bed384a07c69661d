package dev.prunebench.models.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reader of the IDX format used by MNIST: a big-endian header {@code 0x00 0x00 <type> <ndims>}, then {@code ndims}
 * big-endian 32-bit dimension sizes, then the data. Only unsigned bytes ({@code type = 0x08}) are accepted, which is
 * what MNIST uses. Files ending in {@code .gz} (or starting with the gzip magic) are decompressed on the fly.
 *
 * <p>Every check names the file: wrong magic, zero or negative dimension, and a length that does not match the header
 * (truncated or trailing bytes) are {@link IOException}s, never a silently short data set.
 */
public final class Idx {
    /** Magic of an image file: unsigned bytes, 3 dimensions (count × rows × cols). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic of a label file: unsigned bytes, 1 dimension (count). */
    public static final int LABELS_MAGIC = 0x00000801;

    private Idx() {}

    /**
     * One IDX array of unsigned bytes.
     *
     * @param dims sizes, outermost first; all positive
     * @param data {@code product(dims)} bytes, row-major
     */
    public record Array(int[] dims, byte[] data) {
        public int count() { return dims[0]; }
    }

    /** Reads a file and checks that its magic equals {@code expectedMagic}. */
    public static Array read(Path file, int expectedMagic) throws IOException {
        byte[] bytes = readMaybeGzip(file);
        return parse(file.toString(), bytes, expectedMagic);
    }

    static byte[] readMaybeGzip(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
        byte[] raw = Files.readAllBytes(file);
        boolean gz = file.getFileName().toString().endsWith(".gz")
                || (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b);
        if (!gz) return raw;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IOException(file + ": corrupt gzip data: " + e.getMessage(), e);
        }
    }

    static Array parse(String name, byte[] b, int expectedMagic) throws IOException {
        if (b.length < 4) throw new IOException(name + ": too short for an IDX header (" + b.length + " bytes)");
        int magic = be32(b, 0);
        if (magic != expectedMagic)
            throw new IOException(name + ": magic number " + hex(magic) + ", expected " + hex(expectedMagic)
                    + (b[2] != 0x08 && (b[0] | b[1]) == 0 ? " (data type 0x" + Integer.toHexString(b[2] & 0xff) + " is not unsigned byte)" : ""));
        int ndims = b[3] & 0xff;
        int headerLen = 4 + 4 * ndims;
        if (b.length < headerLen) throw new IOException(name + ": truncated header: " + b.length + " bytes, header needs " + headerLen);
        int[] dims = new int[ndims];
        long total = 1;
        for (int i = 0; i < ndims; i++) {
            dims[i] = be32(b, 4 + 4 * i);
            if (dims[i] <= 0) throw new IOException(name + ": dimension " + i + " is " + dims[i] + ", must be positive");
            total *= dims[i];
            if (total > Integer.MAX_VALUE - 16) throw new IOException(name + ": dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1)) + " exceed 2^31 bytes");
        }
        long expected = headerLen + total;
        if (b.length != expected)
            throw new IOException(name + ": length " + b.length + " bytes, header " + Arrays.toString(dims) + " needs " + expected
                    + (b.length < expected ? " (truncated)" : " (trailing bytes)"));
        return new Array(dims, Arrays.copyOfRange(b, headerLen, b.length));
    }

    private static int be32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static String hex(int v) { return String.format("0x%08x", v); }

    /** Encodes an IDX array (tests and tools build small files with it). */
    public static byte[] encode(int magic, int[] dims, byte[] data) {
        byte[] out = new byte[4 + 4 * dims.length + data.length];
        put32(out, 0, magic);
        for (int i = 0; i < dims.length; i++) put32(out, 4 + 4 * i, dims[i]);
        System.arraycopy(data, 0, out, 4 + 4 * dims.length, data.length);
        return out;
    }

    private static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
