package dev.prunebench.models.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.nn.Param;
import dev.prunebench.core.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
    @TempDir Path tmp;

    @Test void roundTripKeepsValuesMasksShapeAndMeta() throws IOException {
        Network net = Networks.build("lenet5", new int[] {3, 5, 7}, 1);
        Param w = net.param("conv2.weight");
        boolean[] keep = new boolean[w.size()];
        for (int i = 0; i < keep.length; i += 3) keep[i] = true;
        w.setMask(keep);
        Path dir = tmp.resolve("m");
        ModelFiles.save(net, dir, Map.of("accuracy", 0.99));
        ModelFiles.Loaded l = ModelFiles.load(dir);
        assertThat(l.network().shape()).isEqualTo("conv3-conv5-fc7-fc10");
        assertThat(l.meta()).containsEntry("accuracy", 0.99);
        for (Param p : net.params()) {
            Param q = l.network().param(p.name());
            assertThat(q.values()).isEqualTo(p.values());
            assertThat(q.mask()).isEqualTo(p.mask());
        }
        try (var s = Files.list(tmp)) {
            assertThat(s.map(x -> x.getFileName().toString()).toList()).containsExactly("m");
        }
    }

    @Test void npyHeaderIsNumpyCompatible() throws IOException {
        byte[] b = Npy.encodeFloats(2, 3, new float[] {1, 2, 3, 4, 5, 6});
        assertThat((b.length - 24) % 64).isEqualTo(0);
        String header = new String(b, 10, 118, java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }").endsWith("\n");
        Path f = Files.write(tmp.resolve("a.npy"), b);
        assertThat(Npy.readFloats(f).data()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test void truncatedParameterFileIsAClearError() throws IOException {
        Network net = Networks.build("lenet300", new int[] {4, 3}, 1);
        Path dir = tmp.resolve("m");
        ModelFiles.save(net, dir, Map.of());
        Path f = dir.resolve("fc2.weight.npy");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 4));
        assertThatThrownBy(() -> ModelFiles.load(dir)).isInstanceOf(IOException.class).hasMessageContaining("fc2.weight.npy").hasMessageContaining("needs");
    }

    @Test void wrongShapeAndMissingManifest() throws IOException {
        Network net = Networks.build("lenet300", new int[] {4, 3}, 1);
        Path dir = tmp.resolve("m");
        ModelFiles.save(net, dir, Map.of());
        Files.write(dir.resolve("fc1.weight.npy"), Npy.encodeFloats(1, 2, new float[2]));
        assertThatThrownBy(() -> ModelFiles.load(dir)).hasMessageContaining("expected float32 4×784 for fc1.weight");
        assertThatThrownBy(() -> ModelFiles.load(tmp.resolve("none"))).hasMessageContaining("no model.json");
    }

    @Test void neverDeletesWhatItDidNotWrite() throws IOException {
        Network net = Networks.build("lenet300", new int[] {4, 3}, 1);
        Path file = Files.writeString(tmp.resolve("notes.txt"), "mine");
        for (ModelFiles.Existing e : ModelFiles.Existing.values())
            assertThatThrownBy(() -> ModelFiles.save(net, file, Map.of(), e)).hasMessageContaining("notes.txt").hasMessageContaining("not a folder");
        assertThat(Files.readString(file)).isEqualTo("mine");
        Path dir = Files.createDirectories(tmp.resolve("work").resolve("sub"));
        Files.writeString(dir.resolve("data.csv"), "1,2");
        Path work = tmp.resolve("work");
        for (ModelFiles.Existing e : ModelFiles.Existing.values())
            assertThatThrownBy(() -> ModelFiles.save(net, work, Map.of(), e)).hasMessageContaining("not overwritten");
        assertThat(Files.readString(dir.resolve("data.csv"))).isEqualTo("1,2");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(x -> x.getFileName().toString()).sorted().toList()).containsExactly("notes.txt", "work");
        }
    }

    @Test void replacesASavedModelOnlyWhenAskedAndOnlyIfNothingElseIsThere() throws IOException {
        Path dir = tmp.resolve("m");
        ModelFiles.save(Networks.build("lenet300", new int[] {4, 3}, 1), dir, Map.of("v", 1));
        Network second = Networks.build("lenet300", new int[] {5, 2}, 2);
        assertThatThrownBy(() -> ModelFiles.save(second, dir, Map.of())).hasMessageContaining("not empty").hasMessageContaining("--overwrite");
        assertThat(ModelFiles.load(dir).meta()).containsEntry("v", 1);
        ModelFiles.save(second, dir, Map.of("v", 2), ModelFiles.Existing.REPLACE_MODEL);
        assertThat(ModelFiles.load(dir).network().shape()).isEqualTo("784-5-2-10");
        Files.writeString(dir.resolve("README"), "keep");
        assertThatThrownBy(() -> ModelFiles.save(second, dir, Map.of(), ModelFiles.Existing.REPLACE_MODEL)).hasMessageContaining("'README'");
        assertThat(Files.readString(dir.resolve("README"))).isEqualTo("keep");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(x -> x.getFileName().toString()).toList()).containsExactly("m");
        }
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        ModelFiles.save(second, empty, Map.of());
        assertThat(ModelFiles.load(empty).network().shape()).isEqualTo("784-5-2-10");
    }
}
