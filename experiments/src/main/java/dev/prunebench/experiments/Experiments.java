package dev.prunebench.experiments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of experiments, in the order {@code run all} runs them. Add one line per new experiment. */
public final class Experiments {
    private Experiments() {}

    public static final List<Experiment> ALL = List.of(
            new dev.prunebench.experiments.formats.FormatsStorage(),
            new dev.prunebench.experiments.hartenstein.HartensteinSpmmCpu(),
            new dev.prunebench.experiments.gpu.HartensteinSpmmGpu(),
            new dev.prunebench.experiments.accuracy.HartensteinAccuracy(),
            new dev.prunebench.experiments.accuracy.DeepCompressionLenet(),
            new dev.prunebench.experiments.accuracy.ScalpelAccuracy(),
            new dev.prunebench.experiments.mcu.ScalpelMcu(),
            new dev.prunebench.experiments.spdy.SpdyTimings(),
            new dev.prunebench.experiments.spdy.SpdyLatency(),
            new dev.prunebench.experiments.accuracy.SpdyMnist(),
            new dev.prunebench.experiments.scalpel.Scalpel(),
            new dev.prunebench.experiments.sparsert.SparseRtConv(),
            new dev.prunebench.experiments.gate.SpmmGate()
    );

    public static Map<String, Experiment> byId() {
        Map<String, Experiment> m = new LinkedHashMap<>();
        for (Experiment e : ALL) m.put(e.id(), e);
        return m;
    }

    public static Experiment get(String id) {
        Experiment e = byId().get(id);
        if (e == null) throw new IllegalArgumentException("experiment: unknown id '" + id + "' (known: " + String.join(", ", byId().keySet()) + ")");
        return e;
    }
}
