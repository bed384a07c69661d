package dev.prunebench.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evaluation data: any rank, float or integer, and the refusals. */
class NpyArrayTest {
    @TempDir Path dir;

    @Test void readsFloatsAndInt64OfAnyRank() throws Exception {
        float[] v = new float[2 * 1 * 2 * 3];
        for (int i = 0; i < v.length; i++) v[i] = i * 0.5f - 2;
        NpyArray a = NpyArray.read(Files.write(dir.resolve("x.npy"), NpyArray.encode(new long[] {2, 1, 2, 3}, v, false)));
        assertThat(a.shape()).containsExactly(2, 1, 2, 3);
        assertThat(a.values()).containsExactly(v);
        assertThat(a.rows()).isEqualTo(2);
        NpyArray y = NpyArray.read(Files.write(dir.resolve("y.npy"), NpyArray.encode(new long[] {4}, new float[] {0, 9, 3, 1}, true)));
        assertThat(y.shape()).containsExactly(4);
        assertThat(y.values()).containsExactly(0, 9, 3, 1);
    }

    static byte[] file(String dict, int dataBytes) {
        byte[] h = dict.getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = new byte[10 + h.length + dataBytes];
        b[0] = (byte) 0x93;
        System.arraycopy("NUMPY".getBytes(StandardCharsets.ISO_8859_1), 0, b, 1, 5);
        b[6] = 1;
        b[8] = (byte) h.length;
        System.arraycopy(h, 0, b, 10, h.length);
        return b;
    }

    @Test void refusesWhatItCannotReadByName() throws Exception {
        assertThatThrownBy(() -> NpyArray.read(Files.writeString(dir.resolve("t.npy"), "hello"))).hasMessageContaining("t.npy: not a .npy file");
        assertThatThrownBy(() -> NpyArray.read(Files.write(dir.resolve("f.npy"), file("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16))))
                .hasMessageContaining("f.npy: fortran_order is True");
        assertThatThrownBy(() -> NpyArray.read(Files.write(dir.resolve("c.npy"), file("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", 16))))
                .hasMessageContaining("c.npy: dtype '<c8' is not read");
        assertThatThrownBy(() -> NpyArray.read(Files.write(dir.resolve("s.npy"), file("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 8))))
                .hasMessageContaining("s.npy: shape [3] of <f4 needs 12 data bytes, the file has 8");
    }
}
