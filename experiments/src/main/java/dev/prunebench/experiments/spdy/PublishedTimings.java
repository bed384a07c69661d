package dev.prunebench.experiments.spdy;

import dev.prunebench.core.spdy.LatencyTable;
import dev.prunebench.core.spdy.SpdyFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * SPDY's six published latency tables (Frantar &amp; Alistarh, SPDY, ICML 2022; repository IST-DASLab/spdy, folder
 * {@code timings/}), kept unchanged as resources under {@code spdy-timings/} (see SOURCE.md there).
 */
public final class PublishedTimings {
    private PublishedTimings() {}

    /**
     * One file: our model id, its file name, and the layers SPDY leaves out of the DP (first conv, last FC). The
     * ResNet-50 4-block file holds neither conv1 nor fc (their time is already outside {@code prunable}), so it keeps none.
     */
    public record File(String model, String name, List<String> keptDense) {
        public LatencyTable read() {
            String res = "/spdy-timings/" + name;
            try (InputStream in = PublishedTimings.class.getResourceAsStream(res)) {
                if (in == null) throw new IllegalStateException("resource " + res + " missing from the build");
                return SpdyFiles.parseTimings(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList(), "spdy-timings/" + name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The kept layers as names of the table ('first'/'last' resolved). */
        public Set<String> kept(LatencyTable t) {
            Set<String> k = new LinkedHashSet<>();
            List<String> n = t.names();
            for (String s : keptDense) k.add(s.equals("first") ? n.get(0) : s.equals("last") ? n.get(n.size() - 1) : s);
            return k;
        }
    }

    public static final List<File> ALL = List.of(
            new File("resnet18", "rn18_unstr.txt", List.of("conv1", "fc")),
            new File("resnet34", "rn34_unstr.txt", List.of("conv1", "fc")),
            new File("resnet50", "rn50_unstr.txt", List.of("conv1", "fc")),
            new File("resnet101", "rn101_unstr.txt", List.of("conv1", "fc")),
            new File("resnet50-4block", "rn50_4block.txt", List.of()),
            new File("yolov5s", "yolov5s_unstr.txt", List.of("first", "last")));
}
