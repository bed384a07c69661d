package dev.prunebench.models.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir Path tmp;

    static byte[] images(int n, int h, int w) {
        byte[] px = new byte[n * h * w];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 37);
        return Idx.encode(Idx.IMAGES_MAGIC, new int[] {n, h, w}, px);
    }

    static byte[] labels(int n) {
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) l[i] = (byte) (i % 10);
        return Idx.encode(Idx.LABELS_MAGIC, new int[] {n}, l);
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(o)) {
            g.write(b);
        }
        return o.toByteArray();
    }

    @Test void readsPlainAndGzipIdentically() throws IOException {
        Path plain = Files.write(tmp.resolve("a-idx3-ubyte"), images(3, 4, 5));
        Path gz = Files.write(tmp.resolve("b-idx3-ubyte.gz"), gzip(images(3, 4, 5)));
        Idx.Array a = Idx.read(plain, Idx.IMAGES_MAGIC), b = Idx.read(gz, Idx.IMAGES_MAGIC);
        assertThat(a.dims()).containsExactly(3, 4, 5);
        assertThat(a.data()).hasSize(60);
        assertThat(a.data()[1]).isEqualTo((byte) 37);
        assertThat(b.dims()).containsExactly(a.dims());
        assertThat(b.data()).isEqualTo(a.data());
    }

    @Test void truncatedFileIsAClearError() throws IOException {
        byte[] full = images(3, 4, 5);
        Path f = Files.write(tmp.resolve("t"), Arrays.copyOf(full, full.length - 7));
        assertThatThrownBy(() -> Idx.read(f, Idx.IMAGES_MAGIC)).isInstanceOf(IOException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("truncated").hasMessageContaining("[3, 4, 5]");
    }

    @Test void trailingBytesAreAnError() throws IOException {
        byte[] full = images(2, 2, 2);
        Path f = Files.write(tmp.resolve("t"), Arrays.copyOf(full, full.length + 1));
        assertThatThrownBy(() -> Idx.read(f, Idx.IMAGES_MAGIC)).hasMessageContaining("trailing");
    }

    @Test void wrongMagicNamesBoth() throws IOException {
        Path f = Files.write(tmp.resolve("l"), labels(4));
        assertThatThrownBy(() -> Idx.read(f, Idx.IMAGES_MAGIC)).isInstanceOf(IOException.class)
                .hasMessageContaining("0x00000801").hasMessageContaining("0x00000803");
    }

    @Test void truncatedHeaderAndZeroDimension() throws IOException {
        Path h = Files.write(tmp.resolve("h"), Arrays.copyOf(images(1, 1, 1), 9));
        assertThatThrownBy(() -> Idx.read(h, Idx.IMAGES_MAGIC)).hasMessageContaining("truncated header");
        Path z = Files.write(tmp.resolve("z"), Idx.encode(Idx.IMAGES_MAGIC, new int[] {0, 2, 2}, new byte[0]));
        assertThatThrownBy(() -> Idx.read(z, Idx.IMAGES_MAGIC)).hasMessageContaining("dimension 0 is 0");
    }

    @Test void corruptGzipIsAnError() throws IOException {
        byte[] g = gzip(images(2, 2, 2));
        Path f = Files.write(tmp.resolve("c.gz"), Arrays.copyOf(g, g.length / 2));
        assertThatThrownBy(() -> Idx.read(f, Idx.IMAGES_MAGIC)).isInstanceOf(IOException.class).hasMessageContaining(f.toString());
    }

    @Test void missingFile() {
        assertThatThrownBy(() -> Idx.read(tmp.resolve("none"), Idx.IMAGES_MAGIC)).hasMessageContaining("no such file");
    }

    @Test void mnistLoadsTinyFilesUnverifiedAndSplits() throws IOException {
        Files.write(tmp.resolve(MnistFiles.TRAIN_IMAGES), images(20, 28, 28));
        Files.write(tmp.resolve(MnistFiles.TRAIN_LABELS + ".gz"), gzip(labels(20)));
        Files.write(tmp.resolve(MnistFiles.TEST_IMAGES), images(5, 28, 28));
        Files.write(tmp.resolve(MnistFiles.TEST_LABELS), labels(5));
        Mnist m = Mnist.load(tmp);
        assertThat(m.verified()).isFalse();
        assertThat(m.train().size()).isEqualTo(20);
        assertThat(m.test().size()).isEqualTo(5);
        assertThat(m.train().x()[1]).isEqualTo((37 & 0xff) / 255f);
        Mnist.Split s = m.holdout(4);
        assertThat(s.train().size()).isEqualTo(16);
        assertThat(s.validation().size()).isEqualTo(4);
        assertThat(s.validation().y()[0]).isEqualTo(16 % 10);
        assertThatThrownBy(() -> m.holdout(20)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test void mismatchedCountsAreAnError() throws IOException {
        Files.write(tmp.resolve(MnistFiles.TRAIN_IMAGES), images(20, 28, 28));
        Files.write(tmp.resolve(MnistFiles.TRAIN_LABELS), labels(19));
        Files.write(tmp.resolve(MnistFiles.TEST_IMAGES), images(5, 28, 28));
        Files.write(tmp.resolve(MnistFiles.TEST_LABELS), labels(5));
        assertThatThrownBy(() -> Mnist.load(tmp)).isInstanceOf(IOException.class).hasMessageContaining("20 images but 19 labels");
    }
}
