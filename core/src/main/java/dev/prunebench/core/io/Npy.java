package dev.prunebench.core.io;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.SparseFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * NumPy {@code .npy}, the project's one reader and writer: format versions 1.0, 2.0 and 3.0; dtypes {@code <f4},
 * {@code >f4}, {@code <f8}, {@code >f8} for values and {@code |u1} / {@code |b1} for masks; C or Fortran order; two
 * dimensions only. float64 values are rounded to float32; one that overflows float32, or any non-finite value, is an
 * error naming its flat index (in file order) and its (row, column). The data section must hold exactly rows × cols
 * values: a short or long file is an error.
 *
 * <p>Writes version 1.0, {@code <f4} or {@code |u1}, C order, header padded to 64 bytes as NumPy does
 * ({@code numpy.load} reads every file written here).
 */
public final class Npy {
    private Npy() {}

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** A 2-D {@code |u1} / {@code |b1} array, C order. */
    public record Bytes(int rows, int cols, byte[] data) {}

    /** A 2-D float array ({@code <f4}, {@code >f4}, {@code <f8}, {@code >f8}) as a dense matrix, row-major. */
    public static Dense readFloats(Path file) throws IOException {
        return (Dense) read(file).matrix();
    }

    /** A 2-D {@code |u1} / {@code |b1} array (a mask), row-major. */
    public static Bytes readBytes(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Opened o = open(file, ch, size);
            Header h = o.header;
            if (h.itemSize != 1) throw FileProblem.atByte(file, o.dataStart, "dtype '" + h.descr + "' holds values, expected a |u1 or |b1 mask");
            long count = (long) h.rows * h.cols;
            if (size - o.dataStart != count)
                throw FileProblem.atByte(file, o.dataStart, "data section has " + (size - o.dataStart) + " bytes, a " + h.rows + "x" + h.cols + " '"
                        + h.descr + "' array needs " + count);
            ByteBuffer data = ByteBuffer.allocate((int) count);
            readFully(ch, data, o.dataStart);
            byte[] raw = data.array(), out = new byte[raw.length];
            for (long i = 0; i < count; i++) {
                int r = (int) (h.fortran ? i % h.rows : i / h.cols), c = (int) (h.fortran ? i / h.rows : i % h.cols);
                out[r * h.cols + c] = raw[(int) i];
            }
            return new Bytes(h.rows, h.cols, out);
        }
    }

    /** Version 1.0 {@code <f4} C-order bytes of a rows × cols array. */
    public static byte[] encodeFloats(int rows, int cols, float[] v) {
        if (v.length != (long) rows * cols) throw new IllegalArgumentException("npy: " + v.length + " values for shape " + rows + "×" + cols);
        byte[] header = header("<f4", rows, cols);
        ByteBuffer bb = ByteBuffer.allocate(header.length + 4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(header);
        for (float f : v) bb.putFloat(f);
        return bb.array();
    }

    /** Version 1.0 {@code |u1} C-order bytes of a rows × cols 0/1 mask. */
    public static byte[] encodeBools(int rows, int cols, boolean[] v) {
        if (v.length != (long) rows * cols) throw new IllegalArgumentException("npy: " + v.length + " values for shape " + rows + "×" + cols);
        byte[] header = header("|u1", rows, cols);
        byte[] out = new byte[header.length + v.length];
        System.arraycopy(header, 0, out, 0, header.length);
        for (int i = 0; i < v.length; i++) out[header.length + i] = (byte) (v[i] ? 1 : 0);
        return out;
    }

    /** Preamble, dict and padding of a version 1.0 file. */
    private static byte[] header(String descr, int rows, int cols) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String h = dict + " ".repeat(pad) + "\n";
        if (h.length() > 0xffff) throw new IllegalArgumentException("shape " + rows + "x" + cols + ": .npy 1.0 header too long");
        ByteBuffer pre = ByteBuffer.allocate(10 + h.length()).order(ByteOrder.LITTLE_ENDIAN);
        pre.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length());
        pre.put(h.getBytes(StandardCharsets.ISO_8859_1));
        return pre.array();
    }

    /** The parsed header and where the data starts. */
    private record Opened(Header header, long dataStart) {}

    private static Opened open(Path file, FileChannel ch, long size) throws IOException {
        {
            ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, pre, 0);
            int got = pre.position();
            pre.flip();
            for (int i = 0; i < MAGIC.length; i++)
                if (i >= got || pre.get(i) != MAGIC[i])
                    throw FileProblem.atByte(file, Math.min(i, got), "not a .npy file (expected the magic \\x93NUMPY at byte 0)");
            if (got < 10) throw FileProblem.atByte(file, got, "file ends inside the .npy preamble (expected version and header length)");
            int major = pre.get(6) & 0xff, minor = pre.get(7) & 0xff;
            long headerLen, dataStart;
            switch (major) {
                case 1 -> { headerLen = pre.getShort(8) & 0xffff; dataStart = 10 + headerLen; }
                case 2, 3 -> {
                    if (got < 12) throw FileProblem.atByte(file, got, "file ends inside the .npy " + major + ".0 preamble (expected a 4-byte header length)");
                    headerLen = pre.getInt(8) & 0xffffffffL;
                    dataStart = 12 + headerLen;
                }
                default -> throw FileProblem.atByte(file, 6, "unsupported .npy version " + major + "." + minor + " (expected 1.0, 2.0 or 3.0)");
            }
            if (minor != 0) throw FileProblem.atByte(file, 7, "unsupported .npy version " + major + "." + minor + " (expected 1.0, 2.0 or 3.0)");
            long headerStart = dataStart - headerLen;
            if (headerLen > 1 << 20)
                throw FileProblem.atByte(file, 8, "header length " + headerLen + " is implausible (NumPy headers are a few hundred bytes)");
            if (dataStart > size)
                throw FileProblem.atByte(file, 8, "header length " + headerLen + " runs past the end of the " + size + "-byte file");
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, headerStart);
            String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            return new Opened(Header.parse(file, headerStart, header), dataStart);
        }
    }

    static LoadedMatrix read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Opened o = open(file, ch, size);
            Header h = o.header;
            long dataStart = o.dataStart;
            if (h.itemSize == 1) throw FileProblem.atByte(file, dataStart, "dtype '" + h.descr + "' is a mask (0/1 bytes), expected float values");

            long count = (long) h.rows * h.cols;
            long expected = count * h.itemSize;
            if (size - dataStart != expected)
                throw FileProblem.atByte(file, dataStart, "data section has " + (size - dataStart) + " bytes, a " + h.rows + "x" + h.cols + " '"
                        + h.descr + "' array needs " + expected);
            float[] out = new float[(int) count];
            // read in chunks: the data section can exceed 2 GiB for float64 even when the float32 copy fits
            int perChunk = (1 << 20) / h.itemSize;
            ByteBuffer data = ByteBuffer.allocate(perChunk * h.itemSize).order(h.order);
            for (long i0 = 0; i0 < count; i0 += perChunk) {
                int len = (int) Math.min(perChunk, count - i0);
                data.clear().limit(len * h.itemSize);
                readFully(ch, data, dataStart + i0 * h.itemSize);
                if (data.hasRemaining()) throw FileProblem.atByte(file, dataStart + i0 * h.itemSize + data.position(), "file ends inside the data section");
                data.flip();
                for (int q = 0; q < len; q++) {
                    long i = i0 + q;
                    double x = h.itemSize == 4 ? data.getFloat() : data.getDouble();
                    int r = (int) (h.fortran ? i % h.rows : i / h.cols), c = (int) (h.fortran ? i / h.rows : i % h.cols);
                    float f = (float) x;
                    if (!Double.isFinite(x))
                        throw FileProblem.atByte(file, dataStart + i * h.itemSize, "value at flat index " + i + " (row " + r + ", col " + c + ") is " + x + " (values must be finite)");
                    if (Float.isInfinite(f))
                        throw FileProblem.atByte(file, dataStart + i * h.itemSize, "value at flat index " + i + " (row " + r + ", col " + c + ") = " + x + " overflows float32");
                    out[r * h.cols + c] = f;
                }
            }
            return new LoadedMatrix(file, new Dense(h.rows, h.cols, out), null);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) break;
            pos += n;
        }
    }

    /** The parsed header dict: {@code {'descr': '<f4', 'fortran_order': False, 'shape': (R, C), }}. */
    private record Header(String descr, ByteOrder order, int itemSize, boolean fortran, int rows, int cols) {

        static Header parse(Path file, long at, String text) throws IOException {
            Parser p = new Parser(file, at, text);
            String descr = null;
            Boolean fortran = null;
            List<Long> shape = null;
            p.expect('{');
            while (true) {
                p.skipSpace();
                if (p.peek() == '}') { p.pos++; break; }
                String key = p.string();
                p.expect(':');
                switch (key) {
                    case "descr" -> descr = p.string();
                    case "fortran_order" -> fortran = p.bool();
                    case "shape" -> shape = p.tuple();
                    default -> throw p.fail("unexpected key '" + key + "' (expected descr, fortran_order, shape)");
                }
                p.skipSpace();
                if (p.peek() == ',') p.pos++;
                else if (p.peek() != '}') throw p.fail("expected ',' or '}'");
            }
            if (descr == null) throw p.fail("header has no 'descr'");
            if (fortran == null) throw p.fail("header has no 'fortran_order'");
            if (shape == null) throw p.fail("header has no 'shape'");
            ByteOrder order;
            int item;
            switch (descr) {
                case "<f4" -> { order = ByteOrder.LITTLE_ENDIAN; item = 4; }
                case ">f4" -> { order = ByteOrder.BIG_ENDIAN; item = 4; }
                case "<f8" -> { order = ByteOrder.LITTLE_ENDIAN; item = 8; }
                case ">f8" -> { order = ByteOrder.BIG_ENDIAN; item = 8; }
                case "|u1", "|b1", "<u1", ">u1" -> { order = ByteOrder.LITTLE_ENDIAN; item = 1; }
                default -> throw FileProblem.atByte(file, at, "unsupported dtype '" + descr + "' (expected <f4, >f4, <f8, >f8, or |u1 / |b1 for a mask)");
            }
            if (shape.size() != 2)
                throw FileProblem.atByte(file, at, "shape " + shape + " has " + shape.size() + " dimension(s), expected 2-D");
            long r = shape.get(0), c = shape.get(1);
            if (r <= 0 || c <= 0) throw FileProblem.atByte(file, at, "shape " + shape + ": dimensions must be > 0");
            if (r > Integer.MAX_VALUE || c > Integer.MAX_VALUE || r * c > Integer.MAX_VALUE)
                throw FileProblem.atByte(file, at, "shape " + shape + " has more than " + Integer.MAX_VALUE + " elements");
            return new Header(descr, order, item, fortran, (int) r, (int) c);
        }
    }

    /** A reader for the Python literal subset NumPy writes in the header. */
    private static final class Parser {
        final Path file;
        final long at;
        final String s;
        int pos;

        Parser(Path file, long at, String s) { this.file = file; this.at = at; this.s = s; }

        IOException fail(String what) {
            return FileProblem.atByte(file, at + pos, "malformed .npy header: " + what + " in \"" + (s.length() > 120 ? s.substring(0, 117) + "..." : s.strip()) + "\"");
        }

        void skipSpace() { while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++; }

        char peek() throws IOException {
            if (pos >= s.length()) throw fail("header ends early");
            return s.charAt(pos);
        }

        void expect(char c) throws IOException {
            skipSpace();
            if (peek() != c) throw fail("expected '" + c + "'");
            pos++;
        }

        String string() throws IOException {
            skipSpace();
            char q = peek();
            if (q != '\'' && q != '"') throw fail("expected a quoted string");
            int end = s.indexOf(q, pos + 1);
            if (end < 0) throw fail("unterminated string");
            String v = s.substring(pos + 1, end);
            pos = end + 1;
            return v;
        }

        boolean bool() throws IOException {
            skipSpace();
            if (s.startsWith("True", pos)) { pos += 4; return true; }
            if (s.startsWith("False", pos)) { pos += 5; return false; }
            throw fail("expected True or False");
        }

        List<Long> tuple() throws IOException {
            expect('(');
            List<Long> out = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek() == ')') { pos++; return out; }
                int start = pos;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
                // Python 2 NumPy wrote long dimensions with an L suffix
                String num = s.substring(start, pos);
                if (pos < s.length() && s.charAt(pos) == 'L') pos++;
                if (num.isEmpty() || num.length() > 18) throw fail("expected a dimension");
                out.add(Long.parseLong(num));
                if (out.size() > 32) throw fail("too many dimensions");
                skipSpace();
                if (peek() == ',') pos++;
                else if (peek() != ')') throw fail("expected ',' or ')'");
            }
        }
    }

    static void write(Path tmp, SparseFormat m) throws IOException {
        float[] d = m instanceof Dense dense ? dense.data() : m.toDense();
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(header("<f4", m.rows(), m.cols()));
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : d) {
                if (!buf.hasRemaining()) { out.write(buf.array(), 0, buf.position()); buf.clear(); }
                buf.putFloat(v);
            }
            out.write(buf.array(), 0, buf.position());
        }
    }
}
