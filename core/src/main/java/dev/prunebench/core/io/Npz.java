package dev.prunebench.core.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * NumPy {@code .npz}: a zip of {@code .npy} arrays, one per name, as {@code numpy.savez} writes (entries stored
 * uncompressed). The arrays are one-dimensional, little-endian, of the integer and float dtypes an exported encoding
 * uses ({@link Dtype}); {@link #read} reads back what {@link #write} wrote (and what {@code numpy.savez} writes of
 * those dtypes). {@link Npy} stays the reader of matrices; this holds the arrays the kernels consume.
 */
public final class Npz {
    private Npz() {}

    /** The dtypes of exported arrays, with NumPy's names. */
    public enum Dtype {
        U1("|u1", 1), I1("|i1", 1), U2("<u2", 2), I2("<i2", 2), U4("<u4", 4), I4("<i4", 4), F2("<f2", 2), F4("<f4", 4);

        public final String descr;
        public final int bytes;

        Dtype(String descr, int bytes) { this.descr = descr; this.bytes = bytes; }

        /** The unsigned integer dtype of a given width in bytes (1, 2 or 4). */
        public static Dtype unsigned(int width) {
            return switch (width) { case 1 -> U1; case 2 -> U2; case 4 -> U4; default -> throw new IllegalArgumentException("width: " + width); };
        }

        static Dtype of(String descr) {
            for (Dtype d : values())
                if (d.descr.equals(descr) || d.bytes == 1 && d.descr.substring(1).equals(descr.substring(1))) return d;
            return null;
        }
    }

    /** One 1-D array: its dtype, and its raw little-endian bytes (length × dtype width). */
    public record Array(Dtype dtype, byte[] data) {
        public Array {
            if (data.length % dtype.bytes != 0) throw new IllegalArgumentException("npz: " + data.length + " bytes is not a whole number of " + dtype.descr);
        }

        public int length() { return data.length / dtype.bytes; }

        /** Element i as a long: unsigned types zero-extended, signed sign-extended; F2 and F4 their raw bits. */
        public long get(int i) {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            return switch (dtype) {
                case U1 -> data[i] & 0xffL;
                case I1 -> data[i];
                case U2 -> b.getShort(2 * i) & 0xffffL;
                case I2 -> b.getShort(2 * i);
                case F2 -> b.getShort(2 * i) & 0xffffL;
                case U4 -> b.getInt(4 * i) & 0xffffffffL;
                case I4 -> b.getInt(4 * i);
                case F4 -> b.getInt(4 * i) & 0xffffffffL;
            };
        }

        public int[] ints() {
            int[] out = new int[length()];
            for (int i = 0; i < out.length; i++) out[i] = Math.toIntExact(get(i));
            return out;
        }

        public float[] floats() {
            if (dtype != Dtype.F4) throw new IllegalStateException("npz: array is " + dtype.descr + ", not <f4");
            float[] out = new float[length()];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }

        /** An array of an integer dtype (or F2 from raw bits) from ints, each cut to the dtype's width. */
        public static Array ofInts(Dtype d, int[] v) {
            ByteBuffer b = ByteBuffer.allocate(v.length * d.bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int x : v) {
                switch (d.bytes) {
                    case 1 -> b.put((byte) x);
                    case 2 -> b.putShort((short) x);
                    default -> b.putInt(x);
                }
            }
            return new Array(d, b.array());
        }

        public static Array ofFloats(float[] v) {
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float x : v) b.putFloat(x);
            return new Array(Dtype.F4, b.array());
        }

        /** A {@code .npy} file (version 1.0, C order, shape {@code (length,)}) of this array. */
        public byte[] npy() {
            String dict = "{'descr': '" + dtype.descr + "', 'fortran_order': False, 'shape': (" + length() + ",), }";
            int unpadded = Npy.MAGIC.length + 2 + 2 + dict.length() + 1;
            String h = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
            ByteBuffer pre = ByteBuffer.allocate(10 + h.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
            pre.put(Npy.MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length());
            pre.put(h.getBytes(StandardCharsets.ISO_8859_1)).put(data);
            return pre.array();
        }
    }

    /** Writes the arrays as {@code name.npy} entries of a zip, in the map's order, stored (no compression). */
    public static void write(OutputStream out, Map<String, Array> arrays) throws IOException {
        ZipOutputStream z = new ZipOutputStream(out);
        for (var e : arrays.entrySet()) {
            byte[] npy = e.getValue().npy();
            ZipEntry ze = new ZipEntry(e.getKey() + ".npy");
            ze.setMethod(ZipEntry.STORED);
            ze.setSize(npy.length);
            ze.setCompressedSize(npy.length);
            CRC32 crc = new CRC32();
            crc.update(npy);
            ze.setCrc(crc.getValue());
            ze.setTime(0); // no clock in the bytes: the same arrays give the same file
            z.putNextEntry(ze);
            z.write(npy);
            z.closeEntry();
        }
        z.finish();
    }

    public static byte[] bytes(Map<String, Array> arrays) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        write(b, arrays);
        return b.toByteArray();
    }

    /** Reads every 1-D array of an {@code .npz}; a malformed entry is an error naming the file and the entry. */
    public static Map<String, Array> read(Path file) throws IOException {
        Map<String, Array> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                String name = e.getName();
                if (!name.endsWith(".npy")) throw new IOException(file + ": entry " + name + " is not a .npy array");
                out.put(name.substring(0, name.length() - 4), parse(file + ":" + name, z.readAllBytes()));
            }
        } catch (ZipException e) {
            throw new IOException(file + ": not a valid .npz (zip): " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new IOException(file + ": no arrays (not an .npz written by prunebench export?)");
        return out;
    }

    private static Array parse(String what, byte[] b) throws IOException {
        for (int i = 0; i < Npy.MAGIC.length; i++)
            if (b.length <= i || b[i] != Npy.MAGIC[i]) throw new IOException(what + ": not a .npy array (bad magic)");
        if (b.length < 10 || b[6] != 1) throw new IOException(what + ": expected .npy version 1.0");
        int hl = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        if (10 + hl > b.length) throw new IOException(what + ": header runs past the end");
        String h = new String(b, 10, hl, StandardCharsets.ISO_8859_1);
        var m = Pattern.compile("'descr':\\s*'([^']+)'.*'fortran_order':\\s*False.*'shape':\\s*\\((\\d+),\\)").matcher(h);
        if (!m.find()) throw new IOException(what + ": expected a 1-D C-order array, header " + h.strip());
        Dtype d = Dtype.of(m.group(1));
        if (d == null) throw new IOException(what + ": unsupported dtype " + m.group(1));
        long len = Long.parseLong(m.group(2));
        byte[] data = Arrays.copyOfRange(b, 10 + hl, b.length);
        if (data.length != len * d.bytes) throw new IOException(what + ": data has " + data.length + " bytes, shape needs " + len * d.bytes);
        return new Array(d, data);
    }
}
