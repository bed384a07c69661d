package dev.prunebench.kernels.cpu.generated;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal class-file reader, independent of ASM, for the tests: the constant-pool count and the code length of
 * every method (JVMS §4.1, §4.7.3).
 */
final class ClassFiles {
    private ClassFiles() {}

    record Info(int constantPoolCount, Map<String, Integer> codeLength) {}

    static Info read(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readInt() != 0xCAFEBABE) throw new IOException("not a class file");
        in.readUnsignedShort();
        in.readUnsignedShort();
        int cpCount = in.readUnsignedShort();
        String[] utf8 = new String[cpCount];
        for (int i = 1; i < cpCount; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> { in.readLong(); i++; }
                case 7, 8, 16, 19, 20 -> in.readUnsignedShort();
                case 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 15 -> { in.readUnsignedByte(); in.readUnsignedShort(); }
                default -> throw new IOException("constant pool tag " + tag + " at " + i);
            }
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        in.readUnsignedShort();
        int ifaces = in.readUnsignedShort();
        for (int i = 0; i < ifaces; i++) in.readUnsignedShort();
        int fields = in.readUnsignedShort();
        for (int i = 0; i < fields; i++) {
            in.readUnsignedShort(); in.readUnsignedShort(); in.readUnsignedShort();
            skipAttributes(in);
        }
        Map<String, Integer> code = new LinkedHashMap<>();
        int methods = in.readUnsignedShort();
        for (int i = 0; i < methods; i++) {
            in.readUnsignedShort();
            String name = utf8[in.readUnsignedShort()];
            in.readUnsignedShort();
            int attrs = in.readUnsignedShort();
            for (int a = 0; a < attrs; a++) {
                String an = utf8[in.readUnsignedShort()];
                int len = in.readInt();
                if (an.equals("Code")) {
                    in.readUnsignedShort();
                    in.readUnsignedShort();
                    int cl = in.readInt();
                    code.put(name, cl);
                    in.skipNBytes(len - 8);
                } else in.skipNBytes(len);
            }
        }
        return new Info(cpCount, code);
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.readUnsignedShort();
            in.skipNBytes(in.readInt());
        }
    }
}
