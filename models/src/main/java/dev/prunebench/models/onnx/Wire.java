package dev.prunebench.models.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Protocol Buffers' wire format, the little of it ONNX needs: a message is a sequence of fields, each a tag
 * ({@code number << 3 | wire type}, a varint) and a value: a varint (type 0), 8 bytes (type 1), a length-prefixed run
 * of bytes (type 2: strings, bytes, sub-messages, packed repeated numbers) or 4 bytes (type 5). Groups (types 3, 4) are
 * refused. Every {@link Field} remembers where its bytes are, so a writer can copy the fields it does not change
 * byte for byte.
 */
final class Wire {
    private Wire() {}

    static final int VARINT = 0, I64 = 1, LEN = 2, I32 = 5;

    /**
     * One field of a message.
     *
     * @param number     the field number
     * @param type       the wire type
     * @param start      offset of its tag
     * @param valueStart offset of its value (for LEN: of the payload, after the length)
     * @param end        offset just past it
     * @param varint     the value of a VARINT field; the raw bits of I32 / I64 fields
     */
    record Field(int number, int type, int start, int valueStart, int end, long varint) {
        int length() { return end - valueStart; }
    }

    /** Thrown for bytes that are not a well-formed message; the caller adds the file and what it was reading. */
    static final class Malformed extends IllegalArgumentException {
        Malformed(String m) { super(m); }
    }

    /** The fields of the message in {@code b[from, to)}, in file order. */
    static List<Field> fields(byte[] b, int from, int to) {
        List<Field> out = new ArrayList<>();
        int p = from;
        while (p < to) {
            int start = p;
            long[] r = varint(b, p, to);
            long tag = r[0];
            p = (int) r[1];
            int number = (int) (tag >>> 3), type = (int) (tag & 7);
            if (number < 1 || tag >>> 3 > 0x1FFFFFFF) throw new Malformed("field number " + (tag >>> 3) + " at byte " + start + " is not valid");
            switch (type) {
                case VARINT -> {
                    long[] v = varint(b, p, to);
                    out.add(new Field(number, type, start, p, (int) v[1], v[0]));
                    p = (int) v[1];
                }
                case I64 -> {
                    if (to - p < 8) throw new Malformed("truncated: an 8-byte value at byte " + p + " runs past the end (" + to + ")");
                    out.add(new Field(number, type, start, p, p + 8, le64(b, p)));
                    p += 8;
                }
                case I32 -> {
                    if (to - p < 4) throw new Malformed("truncated: a 4-byte value at byte " + p + " runs past the end (" + to + ")");
                    out.add(new Field(number, type, start, p, p + 4, le32(b, p) & 0xFFFFFFFFL));
                    p += 4;
                }
                case LEN -> {
                    long[] v = varint(b, p, to);
                    long len = v[0];
                    int vs = (int) v[1];
                    if (len < 0 || len > to - vs)
                        throw new Malformed("truncated: field " + number + " at byte " + start + " claims " + len + " bytes, " + (to - vs) + " remain");
                    out.add(new Field(number, type, start, vs, vs + (int) len, len));
                    p = vs + (int) len;
                }
                default -> throw new Malformed("wire type " + type + " of field " + number + " at byte " + start + " is not one ONNX uses");
            }
        }
        return out;
    }

    /** {value, offset after it}. */
    static long[] varint(byte[] b, int p, int to) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p >= to) throw new Malformed("truncated: a varint runs past byte " + to);
            int x = b[p++] & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) return new long[] {v, p};
        }
        throw new Malformed("a varint longer than 10 bytes at byte " + p);
    }

    static int le32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }

    static long le64(byte[] b, int p) {
        return (le32(b, p) & 0xFFFFFFFFL) | ((long) le32(b, p + 4)) << 32;
    }

    static String string(byte[] b, Field f) {
        return new String(b, f.valueStart(), f.length(), StandardCharsets.UTF_8);
    }

    /** Repeated int64 values: a packed LEN field or one VARINT. */
    static void int64s(byte[] b, Field f, List<Long> into) {
        if (f.type() == VARINT) { into.add(f.varint()); return; }
        if (f.type() != LEN) throw new Malformed("field " + f.number() + " has wire type " + f.type() + ", expected integers");
        int p = f.valueStart();
        while (p < f.end()) {
            long[] v = varint(b, p, f.end());
            into.add(v[0]);
            p = (int) v[1];
        }
    }

    /** Repeated float values: a packed LEN field or one I32. */
    static void floats(byte[] b, Field f, List<Float> into) {
        if (f.type() == I32) { into.add(Float.intBitsToFloat((int) f.varint())); return; }
        if (f.type() != LEN || f.length() % 4 != 0) throw new Malformed("field " + f.number() + " is not packed floats");
        for (int p = f.valueStart(); p < f.end(); p += 4) into.add(Float.intBitsToFloat(le32(b, p)));
    }

    /** Repeated double values: a packed LEN field or one I64. */
    static void doubles(byte[] b, Field f, List<Double> into) {
        if (f.type() == I64) { into.add(Double.longBitsToDouble(f.varint())); return; }
        if (f.type() != LEN || f.length() % 8 != 0) throw new Malformed("field " + f.number() + " is not packed doubles");
        for (int p = f.valueStart(); p < f.end(); p += 8) into.add(Double.longBitsToDouble(le64(b, p)));
    }

    // ---------------------------------------------------------------- writing

    /** A growing message. */
    static final class Out {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Out varint(long v) {
            while ((v & ~0x7FL) != 0) { buf.write((int) ((v & 0x7F) | 0x80)); v >>>= 7; }
            buf.write((int) v);
            return this;
        }

        Out tag(int number, int type) { return varint((long) number << 3 | type); }

        Out int64(int number, long v) { return tag(number, VARINT).varint(v); }

        Out bytes(int number, byte[] v) { tag(number, LEN).varint(v.length); buf.write(v, 0, v.length); return this; }

        Out string(int number, String s) { return bytes(number, s.getBytes(StandardCharsets.UTF_8)); }

        Out message(int number, Out m) { return bytes(number, m.toByteArray()); }

        Out float32(int number, float v) {
            tag(number, I32);
            int x = Float.floatToRawIntBits(v);
            for (int i = 0; i < 4; i++) buf.write(x >>> (8 * i));
            return this;
        }

        Out packedInt64(int number, long[] v) {
            Out p = new Out();
            for (long x : v) p.varint(x);
            return message(number, p);
        }

        /** Copies bytes (a field as it was) verbatim. */
        Out raw(byte[] b, int from, int to) { buf.write(b, from, to - from); return this; }

        byte[] toByteArray() { return buf.toByteArray(); }
    }
}
