package dev.prunebench.experiments.accuracy;

import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.prune.NodePruning;
import dev.prunebench.results.Scale;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The metric names the accuracy experiments emit at a scale, derived from their configuration per scale (group sizes,
 * aggregates, schedules, layers). {@code AccuracyExperimentsTest} holds this derivation to what the experiments really
 * emit at quick scale, so the standard-scale lists are what the code emits there.
 */
public final class AccuracyNames {
    private AccuracyNames() {}

    public static Set<String> emits(String experiment, Scale s) {
        Set<String> out = new LinkedHashSet<>();
        switch (experiment) {
            case "hartenstein-accuracy" -> {
                out.add("accuracy[net=mlp,dense]");
                boolean g1 = false;
                for (int g : HartensteinAccuracy.groupSizes(s)) {
                    g1 |= g == 1;
                    for (String base : List.of("accuracy", "accuracy_delta", "pruned_weights", "loss")) out.add(base + "[net=mlp,g=" + g + ",rate=0.90]");
                    if (g1) out.add("accuracy_delta_vs_g1[net=mlp,g=" + g + ",rate=0.90]");
                }
                for (String a : HartensteinAccuracy.aggregates(s)) {
                    if (!a.equals("rms")) out.add("accuracy[net=mlp,g=8,rate=0.90,agg=" + a + "]");
                    out.add("accuracy[net=mlp,g=8,rate=0.90,agg=" + a + ",procedure=one-shot]");
                    out.add("logit_std_after_pruning[net=mlp,g=8,rate=0.90,agg=" + a + ",procedure=one-shot]");
                }
                out.add("accuracy_spread_aggregates[net=mlp,g=8,rate=0.90]");
            }
            case "deepcompression-lenet" -> {
                List<Double> sched = DeepCompressionLenet.schedule(s);
                String target = "pruned=" + String.format(java.util.Locale.ROOT, "%.2f", sched.get(sched.size() - 1));
                for (String net : List.of("lenet300", "lenet5")) {
                    out.add("error[net=" + net + ",dense]");
                    for (String base : List.of("error", "error_delta", "weights_reduction", "pruned_weights", "loss"))
                        out.add(base + "[net=" + net + "," + target + "]");
                }
            }
            case "scalpel-accuracy" -> {
                for (String net : List.of("lenet300", "lenet5")) {
                    out.add("accuracy[net=" + net + ",dense]");
                    for (int g : ScalpelAccuracy.groupSizes(s)) out.add("pruned_fraction[net=" + net + ",g=" + g + "]");
                    for (String layer : NodePruning.prunableLayers(Networks.build(net, 0))) out.add("kept_nodes[net=" + net + ",layer=" + layer + "]");
                    for (String base : List.of("accuracy", "accuracy_delta", "loss", "removed_weights")) out.add(base + "[net=" + net + ",node]");
                    for (double t : ScalpelStaged.thresholds(net))
                        for (String base : List.of("pruned_fraction", "accuracy"))
                            out.add(base + "[net=" + net + ",g=" + ScalpelStaged.WIDTH + ",threshold=" + String.format(java.util.Locale.ROOT, "%.3f", t) + ",staged]");
                    out.add("accuracy_delta[net=" + net + ",g=" + ScalpelStaged.WIDTH + ",staged]");
                }
            }
            default -> throw new IllegalArgumentException("not an accuracy experiment: " + experiment);
        }
        return out;
    }

    /** The pruned fractions Scalpel's SIMD-aware search can report at a scale: 0 (nothing accepted) or a grid rate. */
    public static List<Double> searchablePrunedFractions(Scale s) {
        List<Double> out = new java.util.ArrayList<>(List.of(0.0));
        out.addAll(ScalpelAccuracy.grid(s));
        return out;
    }
}
