package dev.prunebench.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.env.BuildInfo;
import dev.prunebench.core.env.Load;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.experiments.Backends;
import dev.prunebench.measure.SpmmBench;
import dev.prunebench.results.Csv;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code spmm}'s output for scripts ({@code --json}, {@code --csv}) and the part of its {@code --help} that lists the
 * backends and kernels it takes. Timed rows carry times and intervals; counted rows (emulated, modelled) carry their
 * counts and no time: a missing value is JSON {@code null} or an empty CSV field, never NaN.
 */
final class SpmmOutput {
    private SpmmOutput() {}

    /** The fixed CSV columns; every count any row has follows them, as {@code count:NAME}. */
    static final List<String> COLUMNS = List.of("format", "kernel", "backend", "provenance", "role", "baseline", "time_ms", "time_low_ms",
            "time_high_ms", "speedup", "speedup_low", "speedup_high", "gflops", "setup_ms", "nnz", "rel_error", "status", "unstable", "coherent",
            "variant");

    static String csv(List<SpmmBench.Result> rs) {
        Set<String> counts = countNames(rs);
        List<String> header = new ArrayList<>(COLUMNS);
        for (String c : counts) header.add("count:" + c);
        List<List<String>> rows = new ArrayList<>();
        for (SpmmBench.Result r : rs) {
            List<String> row = new ArrayList<>();
            for (Object v : fields(r).values()) row.add(v == null ? "" : v.toString());
            for (String c : counts) row.add(r.count(c) < 0 ? "" : Long.toString(r.count(c)));
            rows.add(row);
        }
        return Csv.format(header, rows);
    }

    static String json(String what, SparseFormat w, int n, int threads, Map<String, Object> env, String isolate, List<SpmmBench.Result> rs,
                       Load.Report load) throws JsonProcessingException {
        Map<String, Object> j = new LinkedHashMap<>();
        Map<String, Object> wm = new LinkedHashMap<>();
        wm.put("source", what);
        wm.put("rows", w.rows());
        wm.put("cols", w.cols());
        wm.put("nnz", w.nnz());
        wm.put("sparsity", w.sparsity());
        j.put("w", wm);
        j.put("n", n);
        j.put("threads", threads);
        j.put("cpu_model", env.get("cpu_model"));
        j.put("vector_species", env.get("vector_species"));
        j.put("isolate", isolate);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SpmmBench.Result r : rs) {
            Map<String, Object> m = fields(r);
            Map<String, Double> over = new LinkedHashMap<>();
            for (var e : r.over().entrySet()) over.put(e.getKey(), e.getValue());
            m.put("speedup_over", over);
            m.put("counts", r.counted() ? r.counts().values() : null);
            m.put("cost", r.counted() ? r.counts().cost() : null);
            m.put("control", r.control() == null ? null : Map.of("kernel", r.control().kernel(), "ratio", r.control().ratio().median(),
                    "low", r.control().ratio().low(), "high", r.control().ratio().high(), "stable", r.control().stable()));
            rows.add(m);
        }
        j.put("results", rows);
        j.put("load", load.asMap());
        BuildInfo bi = BuildInfo.current();
        j.put("prunebench", Map.of("version", bi.version(), "commit", bi.commit(), "dirty", bi.dirty(), "commit_from", bi.source()));
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(j);
    }

    /** One result's scalar fields, in {@link #COLUMNS}' order; NaN becomes null. */
    private static Map<String, Object> fields(SpmmBench.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", r.format());
        m.put("kernel", r.kernel());
        m.put("backend", r.backend());
        m.put("provenance", r.provenance());
        m.put("role", r.isBaseline() ? "baseline" : "candidate");
        m.put("baseline", r.baseline());
        m.put("time_ms", num(r.medianMs()));
        m.put("time_low_ms", num(r.lowMs()));
        m.put("time_high_ms", num(r.highMs()));
        m.put("speedup", num(r.speedup()));
        m.put("speedup_low", num(r.speedupLow()));
        m.put("speedup_high", num(r.speedupHigh()));
        m.put("gflops", num(r.gflops()));
        m.put("setup_ms", num(r.setupMs()));
        m.put("nnz", r.nnz());
        m.put("rel_error", num(r.relError()));
        m.put("status", r.status());
        m.put("unstable", r.unstable());
        m.put("coherent", r.coherent());
        m.put("variant", r.variant());
        return m;
    }

    private static Double num(double v) { return Double.isNaN(v) || Double.isInfinite(v) ? null : v; }

    private static Set<String> countNames(List<SpmmBench.Result> rs) {
        Set<String> names = new LinkedHashSet<>();
        for (SpmmBench.Result r : rs) if (r.counted()) names.addAll(r.counts().values().keySet());
        return names;
    }

    /**
     * The backends {@code spmm} takes, probed on this machine: per backend its platform, whether its numbers are
     * measured, emulated or modelled, and its kernels (or why it is unavailable). Drawn only when {@code --help} is asked.
     */
    static String backendsHelp() {
        KernelRegistry reg = Backends.registry();
        StringBuilder s = new StringBuilder("Backends and kernels (--backends, --kernels; probed on this machine):\n");
        for (var e : reg.entries()) {
            var b = e.backend();
            s.append(String.format(Locale.ROOT, "  %-13s %s, %s%s: ", b.id(), b.platform(), b.provenance().label(),
                    b.onRequest() ? ", only when named" : b.referenceOnly() ? ", reference" : ""));
            if (!e.usable()) s.append(e.status());
            else s.append(String.join(", ", e.kernels().stream().map(MatMul::id).toList()));
            s.append("\n");
        }
        s.append("Timed (measured) rows show times with 95% intervals; counted rows show counts instead: 'emulated' (QEMU: instructions,\n"
                + "estimated cycles, flash bytes) or 'modelled' (GPU memory-access model: DRAM bytes, modelled time). Without --backends/--kernels,\n"
                + "spmm runs every available CPU backend that is not 'only when named'.\n");
        return s.toString();
    }
}
