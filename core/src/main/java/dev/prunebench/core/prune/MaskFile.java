package dev.prunebench.core.prune;

import dev.prunebench.core.io.AtomicWrite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The mask file format ({@code .pbmask}), small and documented so that other tools can read it:
 *
 * <pre>
 * offset  size              field
 * 0       7                 magic, ASCII "PBMASK1"
 * 7       4                 rows, int32 big-endian, &gt; 0
 * 11      4                 cols, int32 big-endian, &gt; 0, rows × cols ≤ 2³¹ − 1
 * 15      rows × ⌈cols/8⌉   bits, row by row, each row starting on a byte boundary; column c of a row is bit
 *                           (7 − c mod 8) of byte c / 8 of that row (most significant bit first, as numpy.packbits);
 *                           1 = kept, 0 = removed; the padding bits after the last column of a row are 0
 * end−4   4                 CRC-32 (java.util.zip / zlib polynomial) of the bits section, int32 big-endian
 * </pre>
 *
 * In numpy: {@code np.unpackbits(np.frombuffer(b[15:-4], np.uint8).reshape(rows, -1), axis=1)[:, :cols]}.
 *
 * <p>Writes go to a temporary file in the target folder, then move into place, so a failed write leaves nothing
 * behind. A malformed file gives an IOException naming the file and the byte offset.
 */
public final class MaskFile {
    private MaskFile() {}

    static final byte[] MAGIC = "PBMASK1".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = MAGIC.length + 8;

    /** The file's bytes for {@code m}. */
    public static byte[] toBytes(Mask m) {
        int rows = m.rows(), cols = m.cols(), rowBytes = (cols + 7) / 8;
        long payload = (long) rows * rowBytes;
        if (payload + HEADER + 4 > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("mask: " + rows + "x" + cols + " too large for one file");
        ByteBuffer b = ByteBuffer.allocate((int) payload + HEADER + 4);
        b.put(MAGIC).putInt(rows).putInt(cols);
        byte[] bits = new byte[(int) payload];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                if (m.keepAt(r * cols + c)) bits[r * rowBytes + (c >>> 3)] |= (byte) (0x80 >>> (c & 7));
        b.put(bits);
        CRC32 crc = new CRC32();
        crc.update(bits);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** Writes {@code m} to {@code file} atomically (temporary file, then move). */
    public static void write(Path file, Mask m) throws IOException {
        if (file == null) throw new IllegalArgumentException("mask file: path must not be null");
        if (m == null) throw new IllegalArgumentException("mask file: mask must not be null");
        AtomicWrite.write(file, toBytes(m));
    }

    public static Mask read(Path file) throws IOException {
        if (file == null) throw new IllegalArgumentException("mask file: path must not be null");
        return fromBytes(Files.readAllBytes(file), file.toString());
    }

    /** Parses the bytes of a mask file; {@code name} appears in error messages. */
    public static Mask fromBytes(byte[] a, String name) throws IOException {
        if (a.length < MAGIC.length)
            throw new IOException(name + ": offset " + a.length + ": file ends inside the magic (" + a.length + " bytes; a mask file starts with \"PBMASK1\")");
        for (int i = 0; i < MAGIC.length; i++)
            if (a[i] != MAGIC[i]) throw new IOException(name + ": offset " + i + ": not a mask file (magic \"PBMASK1\" expected)");
        if (a.length < HEADER) throw new IOException(name + ": offset " + a.length + ": file ends inside the header (rows, cols need bytes 7…14)");
        ByteBuffer b = ByteBuffer.wrap(a);
        int rows = b.getInt(7), cols = b.getInt(11);
        if (rows <= 0) throw new IOException(name + ": offset 7: rows must be > 0, got " + rows);
        if (cols <= 0) throw new IOException(name + ": offset 11: cols must be > 0, got " + cols);
        if ((long) rows * cols > Integer.MAX_VALUE) throw new IOException(name + ": offset 7: " + rows + "x" + cols + " is more than " + Integer.MAX_VALUE + " weights");
        int rowBytes = (cols + 7) / 8;
        long payload = (long) rows * rowBytes, expected = HEADER + payload + 4;
        if (a.length < expected)
            throw new IOException(name + ": offset " + a.length + ": file truncated; " + rows + "x" + cols + " needs " + expected + " bytes, got " + a.length);
        if (a.length > expected)
            throw new IOException(name + ": offset " + expected + ": " + (a.length - expected) + " unexpected bytes after the checksum");
        CRC32 crc = new CRC32();
        crc.update(a, HEADER, (int) payload);
        int stored = b.getInt((int) (HEADER + payload));
        if (stored != (int) crc.getValue())
            throw new IOException(name + ": offset " + (HEADER + payload) + ": checksum mismatch (stored " + Integer.toHexString(stored)
                    + ", computed " + Integer.toHexString((int) crc.getValue()) + "): the bits are corrupt");
        long[] bits = new long[(int) (((long) rows * cols + 63) >>> 6)];
        int padMask = (cols & 7) == 0 ? 0 : 0xFF >>> (cols & 7);
        for (int r = 0; r < rows; r++) {
            int rowStart = HEADER + r * rowBytes;
            if (padMask != 0 && (a[rowStart + rowBytes - 1] & padMask) != 0)
                throw new IOException(name + ": offset " + (rowStart + rowBytes - 1) + ": padding bits after column " + (cols - 1) + " of row " + r + " must be 0");
            for (int c = 0; c < cols; c++)
                if ((a[rowStart + (c >>> 3)] & (0x80 >>> (c & 7))) != 0) {
                    int i = r * cols + c;
                    bits[i >>> 6] |= 1L << i;
                }
        }
        return Mask.wrap(rows, cols, bits);
    }
}
