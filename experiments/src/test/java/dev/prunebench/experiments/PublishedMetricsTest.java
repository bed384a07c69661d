package dev.prunebench.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.experiments.accuracy.AccuracyNames;
import dev.prunebench.experiments.formats.FormatsNames;
import dev.prunebench.experiments.hartenstein.HartensteinSpmmCpu;
import dev.prunebench.experiments.sweep.SpmmSweep;
import dev.prunebench.results.Published;
import dev.prunebench.results.Scale;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every published row is reachable by the experiment that scores it: at standard scale each built experiment emits
 * every metric its rows name, and a band on a searched quantity contains a value the search can report.
 */
class PublishedMetricsTest {

    /** What a built experiment emits at a scale, from its own configuration and naming code. */
    static Set<String> emits(String experiment, Scale s) {
        return switch (experiment) {
            case "hartenstein-spmm-cpu" -> {
                SpmmSweep.Config c = HartensteinSpmmCpu.forScale(s);
                Set<String> out = new LinkedHashSet<>();
                for (String k : c.kernels())
                    for (int g : c.groups())
                        for (int n : c.ns()) {
                            out.add(SpmmSweep.name("break_even_rate", "kernel", k, "over", SpmmSweep.FASTEST, "g", g, "n", n));
                            for (double r : c.rates()) out.add(SpmmSweep.name("speedup", "kernel", k, "over", SpmmSweep.FASTEST, "g", g, "rate", r, "n", n));
                        }
                yield out;
            }
            case "hartenstein-spmm-gpu" -> {
                // the model's kernels are always there; a GPU adds measured ones under their own ids
                SpmmSweep.Config c = dev.prunebench.experiments.gpu.HartensteinSpmmGpu.forScale(s, List.of("model-csr-vector", "model-gcsr"));
                Set<String> out = new LinkedHashSet<>();
                for (String k : c.kernels())
                    for (int g : c.groups())
                        for (int n : c.ns()) {
                            out.add(SpmmSweep.name("break_even_rate", "kernel", k, "over", SpmmSweep.FASTEST, "g", g, "n", n));
                            for (double r : c.rates()) {
                                out.add(SpmmSweep.name("speedup", "kernel", k, "over", SpmmSweep.FASTEST, "g", g, "rate", r, "n", n));
                                out.add(SpmmSweep.name("count", "kernel", k, "count", "gld_efficiency_bp", "g", g, "rate", r, "n", n));
                            }
                        }
                yield out;
            }
            case "sparsert-conv" -> dev.prunebench.experiments.sparsert.SparseRtConv.metricNames(s);
            case "scalpel-mcu" -> {
                Set<String> out = new LinkedHashSet<>();
                for (String m : List.of("deepcompression", "simd", "node", "scalpel")) {
                    out.add("mean_speedup[method=" + m + ",platform=mcu]");
                    out.add("size_reduction[method=" + m + ",platform=mcu]");
                }
                yield out;
            }
            case "scalpel" -> dev.prunebench.experiments.scalpel.Scalpel.emits(s);
            case "formats-storage" -> FormatsNames.emits(s);
            case "spdy-timings" -> {
                // every file, whatever the scale: the three largest targets; the DP's defaults and the files' level count
                Set<String> out = new LinkedHashSet<>(List.of("dp_buckets[default]", "timing_levels[per_layer]"));
                for (var f : dev.prunebench.experiments.spdy.PublishedTimings.ALL)
                    for (String tag : List.of("accounting=correct", "accounting=spdy", "kept=none"))
                        out.add(dev.prunebench.experiments.spdy.SpdyTimings.name("max_speedup", "model=" + f.model(), tag));
                yield out;
            }
            case "hartenstein-accuracy", "deepcompression-lenet", "scalpel-accuracy" -> AccuracyNames.emits(experiment, s);
            default -> throw new AssertionError("built experiment " + experiment + " has published rows but no derivation of its metric names here");
        };
    }

    @Test void everyRowOfABuiltExperimentNamesAMetricItEmitsAtStandardScale() throws Exception {
        Set<String> built = Experiments.byId().keySet();
        List<Published.Row> rows = Published.bundled().stream().filter(r -> built.contains(r.experiment())).toList();
        assertThat(rows).hasSizeGreaterThan(20);
        for (Published.Row r : rows)
            assertThat(emits(r.experiment(), Scale.STANDARD)).as("%s (%s:%d) at standard scale", r.metric(), r.file(), r.line()).contains(r.metric());
    }

    @Test void searchedPrunedFractionsHaveReachableBands() throws Exception {
        List<Double> reachable = AccuracyNames.searchablePrunedFractions(Scale.STANDARD);
        for (Published.Row r : Published.bundled())
            // the grid search's rows; the staged absolute-threshold method reaches any fraction, so its bands need no check
            if (r.experiment().equals("scalpel-accuracy") && r.metric().startsWith("pruned_fraction[") && !r.metric().endsWith(",staged]"))
                assertThat(reachable).as("%s: band %s against the search grid %s", r.metric(), r.band(), reachable).anyMatch(r::inBand);
    }

    @Test void theHartensteinSweepReachesThePublishedBreakEvenBands() throws Exception {
        double[] rates = HartensteinSpmmCpu.forScale(Scale.STANDARD).rates();
        for (Published.Row r : Published.bundled())
            if (r.experiment().equals("hartenstein-spmm-cpu") && r.metric().startsWith("break_even_rate["))
                assertThat(java.util.Arrays.stream(rates).boxed().toList()).as(r.metric()).anyMatch(r::inBand);
    }
}
