package dev.prunebench.experiments.spdy;

import dev.prunebench.core.spdy.ErrorTable;
import dev.prunebench.core.spdy.LatencyTable;
import dev.prunebench.core.spdy.Spdy;
import dev.prunebench.core.spdy.SpdyFiles;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricName;
import dev.prunebench.results.PlotSpec;
import dev.prunebench.results.Scale;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * SPDY's DP on each of SPDY's published latency tables: the largest reachable target under both accountings of the
 * layers kept dense (and with none kept), the 2x profile of each and its true predicted speedup, and the true speedup
 * against the requested target over a range of targets. Pure arithmetic on published data: nothing is timed here, so
 * every number is exact and machine-independent; errors are SPDY's own script's placeholder (rank/(n-1))^2.
 */
public final class SpdyTimings implements Experiment {

    @Override public String id() { return "spdy-timings"; }
    @Override public String paper() { return "Frantar & Alistarh, SPDY, ICML 2022 (published timings/*.txt)"; }
    @Override public String description() {
        return "SPDY's DP on its six published latency tables: largest reachable target under SPDY's script's accounting and the correct one, "
                + "2x profiles and their true predicted speedups";
    }

    /** Requested targets of the target sweep, per scale (those beyond a file's largest target are skipped). */
    static double[] targets(Scale s) {
        return switch (s) {
            case QUICK -> new double[] {1.5, 2, 3, 4};
            default -> new double[] {1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8};
        };
    }

    /** {@code quantity[k=v,…]}; each of {@code kv} is {@code key=value}, a flag, or several joined by commas. */
    public static String name(String quantity, String... kv) {
        return MetricName.format(quantity, kv);
    }

    @Override public void run(ExperimentContext ctx) throws Exception {
        int buckets = Spdy.DEFAULT_BUCKETS;
        double[] targets = targets(ctx.scale());
        ctx.parameter("buckets", buckets);
        ctx.parameter("targets", targets);
        ctx.parameter("errors", "placeholder (rank/(n-1))^2, as SPDY's public script");
        ctx.parameter("files", PublishedTimings.ALL.stream().map(f -> f.model() + "=" + f.name()).toList());
        ctx.metric(Metric.exact(name("dp_buckets", "default"), buckets, "buckets"));

        Tables tables = new Tables();

        int minLevels = Integer.MAX_VALUE, maxLevels = 0;
        for (PublishedTimings.File f : PublishedTimings.ALL) {
            LatencyTable t = f.read();
            for (String n : t.notes()) ctx.note(n);
            Set<String> kept = f.kept(t);
            ErrorTable err = ErrorTable.rankPlaceholder(t);
            int fileMin = Integer.MAX_VALUE, slower = 0;
            for (LatencyTable.Layer l : t.layers()) {
                Set<Double> levels = new TreeSet<>();
                for (LatencyTable.Timing x : l.timings()) {
                    levels.add(x.level());
                    if (x.level() == 0.4 && x.seconds() > l.denseSeconds()) slower++;
                }
                fileMin = Math.min(fileMin, levels.size());
                maxLevels = Math.max(maxLevels, levels.size());
            }
            minLevels = Math.min(minLevels, fileMin);
            ctx.metric(Metric.exact(name("timing_levels", "model=" + f.model()), fileMin, "levels"));
            ctx.metric(Metric.exact(name("layers", "model=" + f.model()), t.layers().size(), "layers"));
            ctx.metric(Metric.exact(name("layers_slower_at_40pct_than_dense", "model=" + f.model()), slower, "layers"));
            ctx.metric(Metric.exact(name("dense_sum_minus_prunable", "model=" + f.model()), t.denseSum() - t.prunable(), "s"));

            List<Case> cases = List.of(
                    new Case("correct", new Spdy(t, kept, Spdy.Accounting.CORRECT)),
                    new Case("spdy", new Spdy(t, kept, Spdy.Accounting.SPDY)),
                    new Case("none-kept", new Spdy(t, Set.of(), Spdy.Accounting.CORRECT)));
            for (Case c : cases) oneCase(ctx, f, t, kept, err, fileMin, c, targets, buckets, tables);
            ctx.log().printf(Locale.ROOT, "   %-16s %3d layers: max target %.2fx correct, %.2fx as SPDY's script, %.2fx with no layer kept dense%n",
                    f.model(), t.layers().size(), cases.get(0).spdy().maxTarget(), cases.get(1).spdy().maxTarget(), cases.get(2).spdy().maxTarget());
        }
        ctx.metric(Metric.exact(name("timing_levels", "per_layer"), minLevels, "levels"));
        if (minLevels != maxLevels) ctx.note("distinct levels per layer range from " + minLevels + " to " + maxLevels + "; timing_levels[per_layer] is the least");

        tables.write(ctx);
        ctx.plot(new PlotSpec("true-vs-target", "True speedup vs requested target: SPDY's accounting vs correct",
                "target_sweep", "target", "true_speedup", "series", List.of(), "requested target (x over the file's base time)",
                "true predicted speedup (x)", false, PlotSpec.Style.LINE, Double.NaN));
        notes(ctx);
    }

    /** One accounting of one file: its largest target, its 2x profile, and the targets of the sweep it reaches. */
    private record Case(String id, Spdy spdy) {}

    private static void oneCase(ExperimentContext ctx, PublishedTimings.File f, LatencyTable t, Set<String> kept, ErrorTable err, int fileMin, Case c,
                                double[] targets, int buckets, Tables tables) throws IOException {
        double max = c.spdy().maxTarget();
        String metric = c.id().equals("none-kept") ? name("max_speedup", "model=" + f.model(), "kept=none")
                : name("max_speedup", "model=" + f.model(), "accounting=" + c.id());
        ctx.metric(Metric.exact(metric, max, "x"));
        tables.maxTarget(f.model(), c.id(), c.id().equals("none-kept") || kept.isEmpty() ? "none" : String.join(" ", kept), t.layers().size(), fileMin, max);
        if (c.id().equals("none-kept") && kept.isEmpty()) return; // the same DP as "correct"
        // the 2x profile
        if (max >= 2) {
            Spdy.Profile p = c.spdy().solve(2, err, null, buckets);
            String tag = c.id().equals("none-kept") ? "kept=none" : "accounting=" + c.id();
            ctx.metric(Metric.exact(name("claimed_speedup", "model=" + f.model(), "target=2", tag), p.claimedSpeedup(), "x"));
            ctx.metric(Metric.exact(name("true_speedup", "model=" + f.model(), "target=2", tag), p.trueSpeedup(), "x"));
            for (Spdy.Pick k : p.picks()) tables.pick(f.model(), c.id(), k);
            Files.writeString(ctx.dir().resolve("profile-" + f.model() + "-2x-" + c.id() + ".txt"), SpdyFiles.formatProfile(p.picks()));
        } else {
            ctx.note(String.format(Locale.ROOT, "%s, %s: 2x is beyond the largest reachable target %.4fx; no 2x profile", f.model(), c.id(), max));
        }
        for (double target : targets) {
            if (target > max) continue;
            Spdy.Profile p;
            try {
                p = c.spdy().solve(target, err, null, buckets);
            } catch (Spdy.UnreachableTarget e) {
                ctx.note(f.model() + ", " + c.id() + ", target " + target + ": " + e.getMessage());
                continue;
            }
            tables.sweep(f.model(), c.id(), target, p);
        }
    }

    private static void notes(ExperimentContext ctx) {
        ctx.note("Accountings. SPDY leaves the first conv and the last FC out of its DP: they stay dense. correct: their dense time is fixed, "
                + "budget = base/target - (base - prunable + their dense time). spdy: as SPDY's public script, budget = base/target - (base - prunable), "
                + "so their time is counted as free: its targets are not met (true_speedup below claimed_speedup) and its largest target is too high. "
                + "kept=none: every layer of the file in the DP, first and last included (the largest speedup the file allows at all).");
        ctx.note("Errors are SPDY's script's placeholder (k/(n-1))^2 for the k-th level: the profiles show the DP's arithmetic, not an accuracy-aware choice.");
        ctx.note("ResNet-50 4-block holds neither conv1 nor fc (their time is outside prunable already), so no layer is kept dense and the accountings agree; "
                + "YOLOv5s keeps its first (model.0.conv) and last (model.24.m.0) layer dense.");
    }

    /** Tables max_targets, profiles_2x and target_sweep. */
    private static final class Tables {
        final StringColumn mModel = StringColumn.create("model"), mAcc = StringColumn.create("accounting"), mKept = StringColumn.create("kept_dense");
        final IntColumn mLayers = IntColumn.create("layers"), mLevels = IntColumn.create("levels_per_layer");
        final DoubleColumn mMax = DoubleColumn.create("max_target");
        final StringColumn pModel = StringColumn.create("model"), pAcc = StringColumn.create("accounting"), pLayer = StringColumn.create("layer");
        final DoubleColumn pLevel = DoubleColumn.create("level"), pSec = DoubleColumn.create("seconds");
        final BooleanColumn pKept = BooleanColumn.create("kept_dense");
        final StringColumn sModel = StringColumn.create("model"), sAcc = StringColumn.create("accounting"), sSeries = StringColumn.create("series");
        final DoubleColumn sTarget = DoubleColumn.create("target"), sClaimed = DoubleColumn.create("claimed_speedup"), sTrue = DoubleColumn.create("true_speedup");

        void maxTarget(String model, String accounting, String keptDense, int layers, int levels, double max) {
            mModel.append(model);
            mAcc.append(accounting);
            mKept.append(keptDense);
            mLayers.append(layers);
            mLevels.append(levels);
            mMax.append(max);
        }

        void pick(String model, String accounting, Spdy.Pick k) {
            pModel.append(model);
            pAcc.append(accounting);
            pLayer.append(k.layer());
            pLevel.append(k.level());
            pSec.append(k.seconds());
            pKept.append(k.keptDense());
        }

        void sweep(String model, String accounting, double target, Spdy.Profile p) {
            sModel.append(model);
            sAcc.append(accounting);
            sSeries.append(model + " " + accounting);
            sTarget.append(target);
            sClaimed.append(p.claimedSpeedup());
            sTrue.append(p.trueSpeedup());
        }

        void write(ExperimentContext ctx) {
            ctx.table("max_targets", Table.create("max_targets", mModel, mAcc, mKept, mLayers, mLevels, mMax));
            ctx.table("profiles_2x", Table.create("profiles_2x", pModel, pAcc, pLayer, pLevel, pSec, pKept));
            ctx.table("target_sweep", Table.create("target_sweep", sModel, sAcc, sSeries, sTarget, sClaimed, sTrue));
        }
    }

}
