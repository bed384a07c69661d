package dev.prunebench.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Plots that join two experiments' metrics, e.g. Hartenstein et al.'s Fig. 5 (accuracy of the MLP at a group size and
 * rate, against the SpMM speedup at the same group size and rate): neither experiment can draw it alone, and the report
 * can, from the two {@code metrics.csv} files.
 *
 * <p>A metric name {@code base[k1=v1,k2=v2]} is read as a base and key/value pairs. Two metrics join when their
 * {@link Join#on()} keys have equal values; the fixed keys select which metrics take part.
 */
public final class CrossPlots {

    /**
     * @param id     file-name-safe id
     * @param x      the metric on the x axis: experiment, base name and fixed keys
     * @param y      the metric on the y axis
     * @param on     keys whose values must agree (e.g. g, rate)
     * @param series key whose value names a series (e.g. g)
     */
    public record Join(String id, String title, Side x, Side y, List<String> on, String series) {}

    /** One side of a join: metrics of {@code experiment} named {@code base[...]} whose keys include {@code fixed}. */
    public record Side(String experiment, String base, Map<String, String> fixed, String label) {}

    /** The joins the report draws when both experiments ran. */
    public static final List<Join> ALL = List.of(
            new Join("hartenstein-fig5", "Accuracy vs SpMM speedup per group size (Hartenstein et al., Fig. 5)",
                    new Side("hartenstein-spmm-cpu", "speedup", Map.of("kernel", "gcsr-vector", "over", "fastest-dense", "n", "50"), "speedup over the fastest dense kernel (x)"),
                    new Side("hartenstein-accuracy", "accuracy", Map.of("net", "mlp"), "test accuracy (%)"),
                    List.of("g", "rate"), "g"));

    private CrossPlots() {}

    /** The name of a metric that takes part in a join on this side, or null when it does not. */
    private static MetricName joinable(Metric m, Side side, List<String> on) {
        MetricName n = MetricName.tryParse(m.name()).orElse(null);
        if (n == null || !n.base().equals(side.base()) || !n.values().keySet().containsAll(on)) return null;
        for (var f : side.fixed().entrySet()) if (!f.getValue().equals(n.get(f.getKey()))) return null;
        return n;
    }

    /**
     * The joined points as a table ({@code series, x, y, modelled} and the intervals {@code x_ci_low, x_ci_high, y_ci_low, y_ci_high}) with its plot spec, or null when the run lacks one
     * of the experiments or no pair of metrics joins.
     */
    public static Map.Entry<PlotSpec, Table> build(RunData run, Join j) {
        RunData.ExperimentData xe = run.experiment(j.x().experiment()), ye = run.experiment(j.y().experiment());
        if (xe == null || ye == null) return null;
        Map<String, Metric> ys = new TreeMap<>();
        for (Metric m : ye.metrics()) {
            MetricName n = joinable(m, j.y(), j.on());
            if (n == null) continue;
            ys.put(joinKey(n, j.on()), m);
        }
        StringColumn series = StringColumn.create(j.series());
        DoubleColumn x = DoubleColumn.create("x"), y = DoubleColumn.create("y");
        StringColumn modelled = StringColumn.create("modelled");
        // each side's 95 % interval from its samples (NaN for exact metrics): whiskers on the plot
        DoubleColumn xlo = DoubleColumn.create("x_ci_low"), xhi = DoubleColumn.create("x_ci_high");
        DoubleColumn ylo = DoubleColumn.create("y_ci_low"), yhi = DoubleColumn.create("y_ci_high");
        List<String> seen = new ArrayList<>();
        for (Metric m : xe.metrics()) {
            MetricName n = joinable(m, j.x(), j.on());
            if (n == null) continue;
            String key = joinKey(n, j.on());
            Metric ym = ys.get(key);
            if (ym == null || Double.isNaN(m.value()) || Double.isNaN(ym.value()) || seen.contains(key)) continue;
            seen.add(key);
            series.append(n.get(j.series()));
            x.append(m.value());
            y.append(ym.value());
            modelled.append(String.valueOf(m.modelled() || ym.modelled()));
            double[] xi = Scorecard.interval(m), yi = Scorecard.interval(ym);
            xlo.append(xi[0]);
            xhi.append(xi[1]);
            ylo.append(yi[0]);
            yhi.append(yi[1]);
        }
        if (x.isEmpty()) return null;
        Table t = Table.create(j.id(), series, x, y, modelled, xlo, xhi, ylo, yhi);
        PlotSpec spec = new PlotSpec(j.id(), j.title(), j.id(), "x", "y", j.series(), List.of(), j.x().label(), j.y().label(),
                false, PlotSpec.Style.SCATTER, Double.NaN);
        return Map.entry(spec, t);
    }

    private static String joinKey(MetricName n, List<String> on) {
        StringBuilder s = new StringBuilder();
        for (String k : on) {
            String v = n.get(k);
            // 0.9 and 0.90 are the same rate
            try {
                v = Double.toString(Double.parseDouble(v));
            } catch (NumberFormatException e) {
                // not a number: compare as text
            }
            s.append(k).append('=').append(v).append(';');
        }
        return s.toString();
    }
}
