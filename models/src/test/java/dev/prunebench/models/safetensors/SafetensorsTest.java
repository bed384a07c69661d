package dev.prunebench.models.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.prune.Score;
import dev.prunebench.core.prune.Structure;
import dev.prunebench.models.onnx.OnnxPruning;
import dev.prunebench.models.onnx.WeightLayer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader, its layers, the pruned write-back and its errors, on files built here. */
class SafetensorsTest {
    @TempDir Path dir;

    /** Values exact in float16 and bfloat16 (multiples of 1/8 below 16), distinct magnitudes for pruning. */
    static float[] values(int n, int seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (((i * 37 + seed * 11) % 61) - 30) / 8f;
        return v;
    }

    static List<Safetensors.Item> model() {
        return List.of(
                new Safetensors.Item("fc1.weight", "F32", new long[] {6, 8}, values(48, 1)),
                new Safetensors.Item("fc1.bias", "F32", new long[] {6}, values(6, 2)),
                new Safetensors.Item("fc2.weight", "F16", new long[] {4, 6}, values(24, 3)),
                new Safetensors.Item("conv.weight", "BF16", new long[] {4, 2, 3, 3}, values(72, 4)));
    }

    Path write(String name, byte[] b) throws Exception {
        return Files.write(dir.resolve(name), b);
    }

    @Test void readsF32F16Bf16AndFindsTheLayersByShape() throws Exception {
        Path f = write("m.safetensors", Safetensors.encode(model(), Map.of("format", "pt")));
        Safetensors st = Safetensors.read(f);
        assertThat(st.metadata()).containsEntry("format", "pt");
        assertThat(st.tensors()).containsOnlyKeys("fc1.weight", "fc1.bias", "fc2.weight", "conv.weight");
        for (Safetensors.Item it : model()) assertThat(st.tensors().get(it.name()).tensor().floats()).containsExactly(it.values());
        List<String> notes = new ArrayList<>();
        List<WeightLayer> ls = SafetensorsLayers.layers(st, Map.of(), notes);
        assertThat(ls).extracting(WeightLayer::name).containsExactly("fc1.weight", "fc2.weight", "conv.weight");
        assertThat(ls.get(0).rows()).isEqualTo(6);
        assertThat(ls.get(0).cols()).isEqualTo(8);
        assertThat(ls.get(0).parameters()).isEqualTo(48 + 6); // its bias found by name
        assertThat(ls.get(2).rows()).isEqualTo(4);
        assertThat(ls.get(2).cols()).isEqualTo(18);
        assertThat(ls.get(2).macs()).isEqualTo(-1); // no input size: no MACs
    }

    @Test void aLayersFileTransposesSkipsAndGivesConvGeometry() throws Exception {
        Path f = write("m.safetensors", Safetensors.encode(model(), Map.of()));
        Path map = Files.writeString(dir.resolve("layers.txt"), """
                # tensor op options
                fc1.weight  fc transpose
                fc2.weight  skip
                conv.weight conv in=8x8 stride=2 pad=1 groups=2   # 4 out, 2 in per group
                """);
        List<WeightLayer> ls = SafetensorsLayers.layers(Safetensors.read(f), SafetensorsLayers.readMap(map), new ArrayList<>());
        assertThat(ls).extracting(WeightLayer::name).containsExactly("fc1.weight", "conv.weight");
        WeightLayer fc = ls.get(0);
        assertThat(fc.rows()).isEqualTo(8);
        assertThat(fc.cols()).isEqualTo(6);
        assertThat(fc.matrix()[1 * 6 + 2]).isEqualTo(values(48, 1)[2 * 8 + 1]); // matrix = tensor^T
        WeightLayer c = ls.get(1);
        assertThat(c.conv().inChannels()).isEqualTo(4);
        assertThat(c.conv().outH()).isEqualTo(4); // (8 + 2 - 3) / 2 + 1
        assertThat(c.macs()).isEqualTo(4L * 18 * 4 * 4);
        Path only = Files.writeString(dir.resolve("only.txt"), "fc2.weight fc\n* skip\n");
        assertThat(SafetensorsLayers.layers(Safetensors.read(f), SafetensorsLayers.readMap(only), new ArrayList<>()))
                .extracting(WeightLayer::name).containsExactly("fc2.weight");
    }

    @Test void prunedWriteChangesOnlyThePrunedWeightsBytes() throws Exception {
        byte[] orig = Safetensors.encode(model(), Map.of());
        Path f = write("m.safetensors", orig);
        Safetensors st = Safetensors.read(f);
        assertThat(st.rewrite(Map.of())).isEqualTo(orig);
        List<WeightLayer> ls = SafetensorsLayers.layers(st, Map.of(), new ArrayList<>());
        List<OnnxPruning.Pruned> p = OnnxPruning.prune(ls, Structure.UNSTRUCTURED, Score.MAGNITUDE, 0.5, null, Map.of(), Set.of());
        Path out = dir.resolve("p.safetensors");
        st.write(OnnxPruning.replacements(p), out);
        byte[] now = Files.readAllBytes(out);
        assertThat(now).hasSameSizeAs(orig);
        Safetensors again = Safetensors.read(out);
        List<WeightLayer> pl = SafetensorsLayers.layers(again, Map.of(), new ArrayList<>());
        for (WeightLayer l : pl) assertThat(l.zerosInFile()).as(l.name()).isEqualTo((long) l.rows() * l.cols() / 2);
        // every byte that changed lies inside a pruned weight's element, and that element is now zero
        for (int i = 0; i < orig.length; i++) {
            if (orig[i] == now[i]) continue;
            int at = i;
            var e = again.tensors().values().stream().filter(x -> x.begin() <= at && at < x.end()).findFirst().orElseThrow();
            assertThat(e.tensor().name()).endsWith(".weight");
            int width = Safetensors.DTYPES.get(e.dtype());
            assertThat(e.tensor().floats()[(int) ((i - e.begin()) / width)]).isZero();
        }
        assertThat(again.tensors().get("fc1.bias").tensor().floats()).containsExactly(values(6, 2));
    }

    static byte[] raw(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
    }

    @Test void badFilesAreOneLineNamingFileAndTensor() throws Exception {
        byte[] good = Safetensors.encode(model(), Map.of());
        assertThatThrownBy(() -> Safetensors.read(write("short.safetensors", new byte[] {1, 2, 3})))
                .hasMessageContaining("short.safetensors: truncated: 3 bytes");
        assertThatThrownBy(() -> Safetensors.read(write("cut.safetensors", java.util.Arrays.copyOf(good, 40))))
                .hasMessageContaining("cut.safetensors: header length").hasMessageContaining("runs past the end");
        assertThatThrownBy(() -> Safetensors.read(write("end.safetensors", java.util.Arrays.copyOf(good, good.length - 4))))
                .hasMessageContaining("end.safetensors: tensor 'conv.weight': data_offsets").hasMessageContaining("out of range");
        assertThatThrownBy(() -> Safetensors.read(write("dt.safetensors", raw("{\"w\":{\"dtype\":\"F12\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4))))
                .hasMessageContaining("dt.safetensors: tensor 'w': unknown dtype 'F12'");
        assertThatThrownBy(() -> Safetensors.read(write("ov.safetensors", raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12))))
                .hasMessageContaining("ov.safetensors: tensor 'b': data_offsets [4, 12] overlap tensor 'a' [0, 8]");
        assertThatThrownBy(() -> Safetensors.read(write("sh.safetensors", raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8))))
                .hasMessageContaining("sh.safetensors: tensor 'a': data_offsets [0, 8] hold 8 bytes, shape [3] of F32 needs 12");
        assertThatThrownBy(() -> Safetensors.read(write("js.safetensors", raw("{not json", 0))))
                .hasMessageContaining("js.safetensors: header is not JSON");
        // an integer 2-D tensor is not a layer by shape (noted), and an error once a --layers line names it
        Path q = write("q.safetensors", raw("{\"q\":{\"dtype\":\"I8\",\"shape\":[2,2],\"data_offsets\":[0,4]}}", 4));
        List<String> notes = new ArrayList<>();
        assertThat(SafetensorsLayers.layers(Safetensors.read(q), Map.of(), notes)).isEmpty();
        assertThat(notes).singleElement().asString().contains("q: I8 [2, 2] is not read");
        Path map = Files.writeString(dir.resolve("l.txt"), "q fc\n");
        assertThatThrownBy(() -> SafetensorsLayers.layers(Safetensors.read(q), SafetensorsLayers.readMap(map), new ArrayList<>()))
                .hasMessageContaining("q.safetensors: tensor 'q': dtype I8 is not read");
        Path bad = Files.writeString(dir.resolve("b.txt"), "fc1.weight conv in=8\n");
        assertThatThrownBy(() -> SafetensorsLayers.layers(Safetensors.read(write("m.safetensors", good)), SafetensorsLayers.readMap(bad), new ArrayList<>()))
                .hasMessageContaining("tensor 'fc1.weight': conv needs a 4-D");
        assertThatThrownBy(() -> SafetensorsLayers.readMap(Files.writeString(dir.resolve("c.txt"), "a conv stride=0\n")))
                .hasMessageContaining("c.txt: line 1: option 'stride=0'");
    }
}
