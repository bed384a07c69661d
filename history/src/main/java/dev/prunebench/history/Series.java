package dev.prunebench.history;

import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricName;
import dev.prunebench.results.RunData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.math3.stat.StatUtils;

/**
 * Series over runs: one point per run for a metric (its headline value with a distribution-free interval of the
 * median from its repeats), and per kernel the geometric mean of a timing family over every point the run measured.
 *
 * <p>A kernel's family is every timing metric {@code prefix[kernel=K,over=O,…,n=N]} with the same prefix, kernel,
 * baseline ({@code over}) and {@code n} (the other parameters — group size, pruning rate — are the points averaged
 * over): {@code geomean:speedup[kernel=gcsr-vector,over=fastest-dense,n=50]}. A slowdown of one kernel moves every
 * point of its family, so the family's mean carries it with less noise than any one point; these aggregates over the
 * fastest dense kernel (or over nothing) are what the history check gates on.
 */
public final class Series {
    private Series() {}

    /** Name prefix of an aggregate series. */
    public static final String GEOMEAN = "geomean:";

    /** A series' identity: the experiment and the metric (or aggregate) name. */
    public record Key(String experiment, String name) implements Comparable<Key> {
        public boolean aggregate() { return name.startsWith(GEOMEAN); }

        @Override public int compareTo(Key o) {
            int c = experiment.compareTo(o.experiment);
            return c != 0 ? c : name.compareTo(o.name);
        }

        @Override public String toString() { return experiment + " " + name; }
    }

    /**
     * One run's point: {@code value} the metric's headline value (the median of its repeats for a timing; for an
     * aggregate the geometric mean of its family's values), {@code lo}/{@code hi} an interval of the median from the
     * repeats by order statistics (at least 95 % coverage; NaN when there are too few repeats or for an aggregate),
     * {@code count} the repeats (or, for an aggregate, the points averaged).
     */
    public record Point(History.Run run, double value, double lo, double hi, int count, String unit) {}

    /**
     * Every timing series (per metric and per kernel family) and every exact series, in key order, each oldest first.
     * A family's mean is over the points measured by every run in {@code values} that has the family.
     */
    public static Map<Key, List<Point>> of(List<History.Value> values, boolean perMetric) {
        Map<Key, List<Point>> out = new TreeMap<>();
        // run → family → metric name → value
        Map<Long, Map<Key, Map<String, Double>>> fam = new LinkedHashMap<>();
        Map<Long, History.Run> runs = new LinkedHashMap<>();
        Map<Key, String> units = new LinkedHashMap<>();
        for (History.Value v : values) {
            Metric m = v.metric();
            runs.put(v.run().id(), v.run());
            if (m.kind() == Metric.Kind.INFO) continue;
            if (m.kind() == Metric.Kind.EXACT || perMetric) {
                double[] ci = m.kind() == Metric.Kind.TIMING ? medianInterval(m.samples()) : new double[] {Double.NaN, Double.NaN};
                out.computeIfAbsent(new Key(v.experiment(), m.name()), k -> new ArrayList<>())
                        .add(new Point(v.run(), m.value(), ci[0], ci[1], m.samples().length, m.unit()));
            }
            if (m.kind() == Metric.Kind.TIMING) {
                String f = family(m.name());
                if (f == null || !(m.value() > 0) || !Double.isFinite(m.value())) continue;
                // each point counts in its kernel's family at its N and in the kernel's family over every N
                String all = allN(f);
                for (String fk : all == null ? List.of(f) : List.of(f, all)) {
                    Key k = new Key(v.experiment(), fk);
                    units.putIfAbsent(k, m.unit());
                    fam.computeIfAbsent(v.run().id(), x -> new LinkedHashMap<>()).computeIfAbsent(k, x -> new LinkedHashMap<>()).put(m.name(), m.value());
                }
            }
        }
        // a family's mean is taken over the points every run that has the family measured (a sweep that adapts its
        // points to the machine would otherwise move the mean by what it chose to measure, not by how fast it ran)
        Map<Key, Set<String>> common = new LinkedHashMap<>();
        for (var e : fam.values())
            for (var f : e.entrySet()) {
                Set<String> c = common.get(f.getKey());
                if (c == null) common.put(f.getKey(), new TreeSet<>(f.getValue().keySet()));
                else c.retainAll(f.getValue().keySet());
            }
        for (var e : fam.entrySet())
            for (var f : e.getValue().entrySet()) {
                Set<String> names = common.get(f.getKey());
                if (names.isEmpty()) continue;
                // a family over every N is only a family of its own when its points have more than one N
                if (!params(f.getKey().name()).containsKey("n") && names.stream().map(x -> params(x).get("n")).distinct().count() < 2) continue;
                double geomean = StatUtils.geometricMean(names.stream().mapToDouble(f.getValue()::get).toArray());
                out.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(new Point(runs.get(e.getKey()),
                        geomean, Double.NaN, Double.NaN, names.size(), units.get(f.getKey())));
            }
        return out;
    }

    /**
     * The family a timing metric belongs to ({@code geomean:prefix[kernel=…,over=…,n=…]}), or null when its name
     * names no kernel.
     */
    public static String family(String name) {
        MetricName n = MetricName.tryParse(name).orElse(null);
        if (n == null || n.get("kernel") == null) return null;
        MetricName f = MetricName.of(GEOMEAN + n.base()).with("kernel", n.get("kernel"));
        for (String k : new String[] {"over", "n"}) if (n.get(k) != null) f = f.with(k, n.get(k));
        return f.toString();
    }

    /**
     * The family over every N of a per-N family ({@code geomean:speedup[kernel=K,over=O,n=50]} →
     * {@code geomean:speedup[kernel=K,over=O]}): the kernel's geometric mean over all its points, whatever N; null
     * when the family names no N.
     */
    public static String allN(String family) {
        MetricName f = family == null ? null : MetricName.tryParse(family).orElse(null);
        if (f == null || f.get("n") == null) return null;
        return new MetricName(f.base(), f.params().stream().filter(p -> !p.key().equals("n")).toList()).toString();
    }

    /** The {@code key=value} parameters inside a metric name's brackets (none when it does not parse). */
    public static Map<String, String> params(String name) {
        return MetricName.tryParse(name).map(MetricName::values).orElse(Map.of());
    }

    /**
     * True for the series the check gates on: kernel families over the platform's fastest dense kernel, the baseline a
     * user would otherwise run (families over one named dense kernel repeat them, and families over nothing, such as
     * a thread scaling, say nothing about the kernel's speed against the alternative).
     */
    public static boolean gated(Key k) {
        return k.aggregate() && "fastest-dense".equals(params(k.name()).get("over"));
    }

    /**
     * A distribution-free interval of the median from {@code n} repeats: order statistics x(j) … x(n+1−j) with the
     * largest j for which the binomial tail P(B ≤ j−1) ≤ 2.5 %, B ~ Bin(n, ½), so it covers the median with probability
     * ≥ 95 %. NaN, NaN below 6 repeats (no such j exists).
     */
    public static double[] medianInterval(double[] samples) {
        double[] x = Arrays.stream(samples).filter(Double::isFinite).sorted().toArray();
        int n = x.length;
        int j = 0;
        double tail = 0, term = Math.pow(0.5, n); // P(B = 0)
        for (int i = 0; i < n; i++) {
            tail += term;
            if (tail > 0.025) break;
            j = i + 1;
            term = term * (n - i) / (i + 1);
        }
        if (j == 0) return new double[] {Double.NaN, Double.NaN};
        return new double[] {x[j - 1], x[n - j]};
    }

    /** A run folder's metrics as history values of a run not (yet) in the history ({@code id} −1). */
    public static List<History.Value> valuesOf(RunData run) {
        Map<String, Object> env = run.environment().asMap();
        History.Run r = new History.Run(-1, run.runId(), String.valueOf(env.getOrDefault("git_commit", "unknown")),
                String.valueOf(env.getOrDefault("git_dirty", "unknown")), String.valueOf(run.manifest().getOrDefault("scale", "unknown")),
                run.environment().fingerprint(), String.valueOf(run.manifest().getOrDefault("started", "")),
                String.valueOf(run.manifest().getOrDefault("finished", "")), 0, "", run.dir().toString(), 0);
        List<History.Value> out = new ArrayList<>();
        for (RunData.ExperimentData e : run.experiments()) for (Metric m : e.metrics()) out.add(new History.Value(r, e.id(), m));
        return out;
    }
}
