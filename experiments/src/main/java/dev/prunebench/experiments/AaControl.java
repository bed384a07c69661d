package dev.prunebench.experiments;

import dev.prunebench.measure.AaSummary;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;

/** How every timed experiment records its A/A control: one place, so the sweep and sparsert-conv write the same. */
public final class AaControl {
    private AaControl() {}

    /** The A/A summary as a parameter, one log line, and (when any group was timed) its spread and unstable count as info metrics. */
    public static void record(ExperimentContext ctx, AaSummary aa) {
        ctx.parameter("aa_control", aa.asMap());
        ctx.log().println("  " + aa.describe());
        if (aa.groups() == 0) return;
        ctx.metric(Metric.info("aa_spread_max", aa.maxSpread(), "fraction"));
        ctx.metric(Metric.info("aa_spread_median", aa.medianSpread(), "fraction"));
        ctx.metric(Metric.info("aa_unstable_points", aa.unstable(), "count"));
    }
}
