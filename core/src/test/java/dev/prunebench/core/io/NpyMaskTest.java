package dev.prunebench.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyMaskTest {
    @TempDir Path tmp;

    @Test void masksAndValuesRoundTripThroughTheOneReader() throws IOException {
        Path m = Files.write(tmp.resolve("m.npy"), Npy.encodeBools(2, 3, new boolean[] {true, false, true, false, false, true}));
        Npy.Bytes b = Npy.readBytes(m);
        assertThat(b.rows()).isEqualTo(2);
        assertThat(b.data()).containsExactly(1, 0, 1, 0, 0, 1);
        Path v = Files.write(tmp.resolve("v.npy"), Npy.encodeFloats(2, 2, new float[] {1, -2, 3.5f, 0}));
        assertThat(Npy.readFloats(v).data()).containsExactly(1, -2, 3.5f, 0);
        // each reader names the other kind of file instead of misreading it
        assertThatThrownBy(() -> Npy.readFloats(m)).hasMessageContaining("m.npy").hasMessageContaining("mask");
        assertThatThrownBy(() -> Npy.readBytes(v)).hasMessageContaining("v.npy").hasMessageContaining("expected a |u1");
        assertThat(new String(Files.readAllBytes(m), 10, 60, java.nio.charset.StandardCharsets.US_ASCII)).startsWith("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }");
    }

    @Test void aTruncatedMaskNamesTheByte() throws IOException {
        byte[] b = Npy.encodeBools(4, 4, new boolean[16]);
        Path m = Files.write(tmp.resolve("short.npy"), java.util.Arrays.copyOf(b, b.length - 3));
        assertThatThrownBy(() -> Npy.readBytes(m)).hasMessageContaining("short.npy").hasMessageContaining("needs 16");
    }
}
