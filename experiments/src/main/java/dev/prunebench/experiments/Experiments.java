package dev.prunebench.experiments;

import dev.prunebench.experiments.accuracy.DeepCompressionLenet;
import dev.prunebench.experiments.accuracy.HartensteinAccuracy;
import dev.prunebench.experiments.accuracy.ScalpelAccuracy;
import dev.prunebench.experiments.accuracy.SpdyMnist;
import dev.prunebench.experiments.formats.FormatsStorage;
import dev.prunebench.experiments.gate.SpmmGate;
import dev.prunebench.experiments.gpu.HartensteinSpmmGpu;
import dev.prunebench.experiments.hartenstein.HartensteinSpmmCpu;
import dev.prunebench.experiments.mcu.ScalpelMcu;
import dev.prunebench.experiments.scalpel.Scalpel;
import dev.prunebench.experiments.sparsert.SparseRtConv;
import dev.prunebench.experiments.spdy.SpdyLatency;
import dev.prunebench.experiments.spdy.SpdyTimings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of experiments, in the order {@code run all} runs them. Add one line per new experiment. */
public final class Experiments {
    private Experiments() {}

    public static final List<Experiment> ALL = List.of(
            new FormatsStorage(),
            new HartensteinSpmmCpu(),
            new HartensteinSpmmGpu(),
            new HartensteinAccuracy(),
            new DeepCompressionLenet(),
            new ScalpelAccuracy(),
            new ScalpelMcu(),
            new SpdyTimings(),
            new SpdyLatency(),
            new SpdyMnist(),
            new Scalpel(),
            new SparseRtConv(),
            new SpmmGate()
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
