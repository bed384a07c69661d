package dev.prunebench.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds .npy files byte by byte, as NumPy would write them, for any version, dtype and order. */
final class NpyBytes {
    private NpyBytes() {}

    /** {@code values} are row-major; written in the requested order and dtype. */
    static byte[] build(int major, String descr, boolean fortran, String shape, int rows, int cols, double[] values) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
        int pre = major == 1 ? 10 : 12;
        int pad = (64 - (pre + dict.length() + 1) % 64) % 64;
        byte[] header = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        int item = descr.endsWith("8") ? 8 : 4;
        ByteBuffer b = ByteBuffer.allocate(pre + header.length + values.length * item);
        b.order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) b.putShort((short) header.length); else b.putInt(header.length);
        b.put(header);
        b.order(descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            int r = fortran ? i % rows : i / cols, c = fortran ? i / rows : i % cols;
            double v = values[r * cols + c];
            if (item == 4) b.putFloat((float) v); else b.putDouble(v);
        }
        return b.array();
    }

    static byte[] build(int major, String descr, boolean fortran, int rows, int cols, double[] values) {
        return build(major, descr, fortran, "(" + rows + ", " + cols + ")", rows, cols, values);
    }
}
