package dev.prunebench.experiments.spdy;

import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.spdy.ErrorTable;
import dev.prunebench.core.spdy.LatencyTable;
import dev.prunebench.core.spdy.Spdy;
import dev.prunebench.core.spdy.SpdyFiles;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.measure.Budget;
import dev.prunebench.measure.Stats;
import dev.prunebench.models.data.Mnist;
import dev.prunebench.models.data.MnistFetch;
import dev.prunebench.models.infer.KernelNetwork;
import dev.prunebench.models.infer.NetworkLatency;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.nn.Param;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricName;
import dev.prunebench.results.PlotSpec;
import dev.prunebench.results.Scale;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * SPDY's latency and error databases measured on this machine, solved by SPDY's DP, and the DP's predicted speedup
 * checked against the end-to-end speedup of the pruned network run through the kernels.
 *
 * <p>Per network and batch: {@link LatencyDatabase} (every layer × format × level, interleaved with the dense layer,
 * written in SPDY's text format with a format word per line), {@link ErrorDatabase} (reconstruction error on
 * calibration inputs), then per target the DP in two settings, SPDY's (one structure: csr or dense per layer) and ours
 * (the DP also picks the format: csr, gcsr:g, nm:N:M or dense), each profile applied to the network (magnitude
 * pruning per layer as picked), planned with the picked kernel and format per layer and timed end to end against the
 * dense plan on the fastest dense kernel ({@link NetworkLatency}), in one interleaved run.
 */
public final class SpdyLatency implements Experiment {

    @Override public String id() { return "spdy-latency"; }
    @Override public String paper() { return "Frantar & Alistarh, SPDY, ICML 2022 (latency database measured here)"; }
    @Override public String description() {
        return "SPDY's latency table measured here through the kernels (per layer x format x level, interleaved with dense), its DP with and "
                + "without format choice, predicted vs measured end-to-end speedup";
    }

    /** @param refit least-squares re-fit of the kept weights in the error database (fully connected layers; costly, full scale only) */
    public record Setup(List<String> networks, int[] batches, double[] levels, List<String> formats, double[] targets, int calibration, Budget budget,
                        boolean refit) {}

    public static Setup forScale(Scale s) {
        return switch (s) {
            case QUICK -> new Setup(List.of("lenet5"), new int[] {1}, new double[] {0.5, 0.75, 0.9, 0.95},
                    List.of("csr", "gcsr:4", "nm:2:4", LatencyDatabase.NODE), new double[] {1.5, 2, 3}, 64,
                    new Budget(2, 7, 2_000_000L, 1000, 1L, 100_000_000L), false);
            case STANDARD -> new Setup(List.of("lenet5", "mlp"), new int[] {1, 64}, everyOther(LatencyDatabase.spdyLevels()),
                    List.of("csr", "gcsr:4", "gcsr:8", "nm:2:4", LatencyDatabase.NODE), new double[] {1.5, 2, 3}, 256, Budget.quick(), false);
            case FULL -> new Setup(List.of("lenet5", "mlp"), new int[] {1, 64}, nonZero(LatencyDatabase.spdyLevels()),
                    List.of("csr", "gcsr:4", "gcsr:8", "gcsr:16", "nm:2:4", LatencyDatabase.NODE), new double[] {1.5, 2, 3}, 512, Budget.standard(), true);
        };
    }

    private static double[] nonZero(double[] l) { return Arrays.stream(l).filter(x -> x > 0).toArray(); }

    private static double[] everyOther(double[] l) {
        double[] nz = nonZero(l);
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < nz.length; i += 2) out.add(nz[i]);
        if (out.get(out.size() - 1) != nz[nz.length - 1]) out.add(nz[nz.length - 1]);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The kernel per format kind: MKL's sparse CSR when MKL is there, else ours; ours for grouped and N:M. */
    public static Map<String, String> kernels(KernelRegistry reg) {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("csr", reg.kernel("mkl-sparse-csr").isPresent() ? "mkl-sparse-csr" : "csr-vector");
        k.put("gcsr", "gcsr-vector");
        k.put("nm", "nm-vector");
        return k;
    }

    /** The timings of {@code t} whose format is in {@code keep}, dense always kept. */
    public static LatencyTable only(LatencyTable t, Set<String> keep) {
        List<LatencyTable.Layer> ls = new ArrayList<>();
        for (LatencyTable.Layer l : t.layers())
            ls.add(new LatencyTable.Layer(l.name(), l.timings().stream().filter(x -> x.format().equals("dense") || keep.contains(x.format())).toList()));
        return new LatencyTable(t.base(), t.prunable(), ls, t.notes());
    }

    public static String name(String quantity, String... kv) { return SpdyTimings.name(quantity, kv); }

    @Override public void run(ExperimentContext ctx) throws Exception {
        Setup s = forScale(ctx.scale());
        KernelRegistry reg = ctx.kernels();
        Map<String, String> kernels = kernels(reg);
        long seed = ctx.seed() ^ 0x5BD1L;
        parameters(ctx, s, kernels, seed);
        for (String k : kernels.values())
            if (reg.kernel(k).isEmpty()) {
                ctx.skipped("everything", "kernel " + k + " missing: " + reg.whyMissing(k));
                return;
            }

        float[] calibration;
        String calibrationSource;
        Map<String, float[]> calib = new LinkedHashMap<>();
        Mnist mnist = MnistFetch.present(MnistFetch.defaultMnistDir()) ? Mnist.load(MnistFetch.defaultMnistDir()) : null;

        Entries entries = new Entries();
        Profiles profiles = new Profiles();

        for (String netId : s.networks()) {
            Network net = Networks.build(netId, seed);
            if (mnist != null) {
                calibration = Arrays.copyOf(mnist.train().x(), s.calibration() * net.inSize());
                calibrationSource = "the first " + s.calibration() + " MNIST training images";
            } else {
                calibration = KernelNetwork.randomInput(net, s.calibration(), seed);
                calibrationSource = s.calibration() + " seeded uniform [0, 1) inputs (MNIST not found in " + MnistFetch.defaultMnistDir() + ")";
            }
            calib.put(netId, calibration);
            for (int batch : s.batches()) {
                String tag = netId + "-b" + batch;
                LatencyDatabase.Config cfg = new LatencyDatabase.Config(netId, batch, 1, s.levels(), s.formats(), kernels, s.budget());
                ctx.log().printf(Locale.ROOT, "   latency table %s, batch %d: %d layers x (%d levels x %d formats) ...%n", netId, batch,
                        net.weights().size(), s.levels().length, s.formats().size());
                LatencyDatabase.Measured m = LatencyDatabase.measure(net, reg, cfg, ctx.log());
                LatencyTable t = m.table();
                ctx.parameter(MetricName.format("dense_kernel", tag), m.denseKernel());
                var cpu = reg.backendOf(reg.require(m.denseKernel()));
                Files.writeString(ctx.dir().resolve("timings-" + tag + ".txt"), SpdyFiles.formatTimings(t));
                ErrorTable err = ErrorDatabase.measure(Networks.build(netId, seed), t, calibration, s.calibration(), s.refit());
                Files.writeString(ctx.dir().resolve("errors-" + tag + ".txt"), SpdyFiles.formatErrors(err));
                for (String row : m.rows()) entries.add(netId, batch, row, err);
                ctx.metric(Metric.timing(name("base_seconds", "net=" + netId, "batch=" + batch), t.base(), "s", null), cpu);
                ctx.metric(Metric.timing(name("prunable_seconds", "net=" + netId, "batch=" + batch), t.prunable(), "s", null), cpu);

                for (String flag : m.flags()) ctx.note(netId + " batch " + batch + ": measured table flagged (unphysical or its A/A control failed, even re-measured): " + flag);
                ctx.parameter("unphysical[" + tag + "]", m.flags());
                if (!m.solvable()) {
                    ctx.skipped("SPDY's DP on " + tag, "the measured table's prunable time exceeds its base time even re-measured: no target or prediction "
                            + "is drawn from it (the machine was too busy for this table)");
                    continue;
                }
                profiles(ctx, s, reg, kernels, seed, netId, batch, m, err, profiles);
            }
            ctx.note(netId + ": errors on " + calibrationSource + ", weights of the network's seeded initialisation (seed " + seed
                    + ", untrained): they rank levels and formats by how much of each layer's output they lose, not by accuracy.");
        }
        // info: which targets a measured table reaches, and how its profiles time, follow this run's timings
        ctx.metric(Metric.info("profiles_outside_10pct", profiles.outside(), "count"));
        ctx.metric(Metric.info("profiles", profiles.count(), "count"));
        ctx.table("entries", entries.table());
        ctx.table("profiles", profiles.table());
        ctx.plot(new PlotSpec("measured-vs-predicted", "Measured end-to-end speedup against the DP's predicted speedup (1 = as predicted)",
                "profiles", "predicted_speedup", "measured_over_predicted", "series", List.of(), "predicted speedup (x over dense)",
                "measured / predicted", false, PlotSpec.Style.SCATTER, 1.0));
        notes(ctx, kernels);
    }

    /**
     * SPDY's DP on one measured table ({@code m}, errors {@code err}), per mode and target: the profile it picks, its
     * predicted speedup, and the pruned network's measured one end to end, as metrics and rows of {@code profiles}.
     */
    private static void profiles(ExperimentContext ctx, Setup s, KernelRegistry reg, Map<String, String> kernels, long seed, String netId, int batch,
                                 LatencyDatabase.Measured m, ErrorTable err, Profiles profiles) throws IOException {
        String tag = netId + "-b" + batch;
        LatencyTable t = m.table();
        var cpu = reg.backendOf(reg.require(m.denseKernel()));
        Set<String> sparseFormats = new LinkedHashSet<>(s.formats());
        sparseFormats.remove(LatencyDatabase.NODE); // node-shrunk rows change the next layer's input: not planned end to end here
        Map<String, LatencyTable> modes = new LinkedHashMap<>();
        modes.put("spdy-csr", only(t, Set.of("csr")));
        modes.put("spdy-formats", only(t, sparseFormats));
        for (var mode : modes.entrySet()) {
            Spdy spdy = new Spdy(mode.getValue(), Set.of(), Spdy.Accounting.CORRECT);
            double max = spdy.maxTarget();
            ctx.metric(Metric.timing(name("max_speedup", "net=" + netId, "batch=" + batch, "mode=" + mode.getKey()), max, "x", null), cpu);
            for (double target : s.targets()) {
                if (target > max) {
                    ctx.note(String.format(Locale.ROOT, "%s batch %d, %s: target %.2fx beyond the largest reachable %.3fx on this machine's table",
                            netId, batch, mode.getKey(), target, max));
                    continue;
                }
                Spdy.Profile p;
                try {
                    p = spdy.solve(target, err, null, Spdy.DEFAULT_BUCKETS);
                } catch (Spdy.UnreachableTarget e) {
                    ctx.note(netId + " batch " + batch + ", " + mode.getKey() + ": " + e.getMessage());
                    continue;
                }
                String profileFile = "profile-" + tag + "-" + mode.getKey() + "-" + target + "x.txt";
                Files.writeString(ctx.dir().resolve(profileFile), SpdyFiles.formatProfile(p.picks()));
                NetworkLatency.Result r = endToEnd(netId, seed, p, kernels, m.denseKernel(), reg, batch, s.budget());
                double meas = r.speedup().median(), pred = p.trueSpeedup();
                boolean within = Math.abs(meas / pred - 1) <= 0.10;
                String key = "target=" + target;
                ctx.metric(Metric.timing(name("predicted_speedup", "net=" + netId, "batch=" + batch, "mode=" + mode.getKey(), key), pred, "x", null), cpu);
                ctx.metric(Metric.timing(name("measured_speedup", "net=" + netId, "batch=" + batch, "mode=" + mode.getKey(), key, "over=" + m.denseKernel()),
                        meas, "x", null), cpu);
                profiles.add(netId, batch, mode.getKey(), target, p, r.speedup(), within);
                ctx.log().printf(Locale.ROOT, "   %s b%d %-12s target %.2fx: predicted %.3fx, measured %.3fx [%.3f, %.3f] %s%n", netId, batch, mode.getKey(),
                        target, pred, meas, r.speedup().low(), r.speedup().high(), within ? "" : "(outside 10 %)");
            }
        }
    }

    private static void parameters(ExperimentContext ctx, Setup s, Map<String, String> kernels, long seed) {
        ctx.parameter("networks", s.networks());
        ctx.parameter("batches", s.batches());
        ctx.parameter("levels", s.levels());
        ctx.parameter("formats", s.formats());
        ctx.parameter("kernels", kernels);
        ctx.parameter("targets", s.targets());
        ctx.parameter("calibration_inputs", s.calibration());
        ctx.parameter("least_squares_refit", s.refit());
        ctx.parameter("seed", seed);
        ctx.parameter("budget", s.budget().toString());
        ctx.parameter("threads", 1);
    }

    /** How the table's entries and the predicted and measured speedups are made. */
    private static void notes(ExperimentContext ctx, Map<String, String> kernels) {
        ctx.note("Every table entry is the dense layer's median time divided by the median per-round speedup over it, measured in one interleaved "
                + "group per layer (the dense kernel and every format x level of that layer); base is the dense plan's forward pass, prunable the sum "
                + "of the dense layers' times. Kernels: " + kernels + "; node-shrunk dense on the dense kernel.");
        ctx.note("spdy-csr: the DP picks a csr level or dense per layer (SPDY's setting, one structure); spdy-formats: it also picks the format "
                + "(csr, gcsr:g, nm:N:M, dense). Node-shrunk rows are in the table but not in the DP's choices here: removing a layer's rows "
                + "also removes the next layer's columns, which a per-layer table does not hold.");
        ctx.note("Predicted speedup: base / (base - prunable + sum of the picked entries). Measured: the pruned network planned with the picked kernel "
                + "and format per layer against the dense plan, interleaved, median of per-round ratios. Gaps come from what a per-layer table "
                + "cannot see: the layers' interplay in caches, and the glue (bias, ReLU, pooling, im2col) whose time is fixed in the table.");
    }

    /** Table entries: one row per network, batch, layer, format and level of the measured latency tables, with its error. */
    private static final class Entries {
        final StringColumn net = StringColumn.create("network"), layer = StringColumn.create("layer"), format = StringColumn.create("format");
        final IntColumn batch = IntColumn.create("batch");
        final DoubleColumn level = DoubleColumn.create("level"), seconds = DoubleColumn.create("seconds"), speedup = DoubleColumn.create("speedup_over_dense"),
                low = DoubleColumn.create("speedup_low"), high = DoubleColumn.create("speedup_high"), error = DoubleColumn.create("error");

        /** A row of {@link LatencyDatabase.Measured#rows()}: layer, format, level, seconds, speedup, low, high. */
        void add(String netId, int b, String row, ErrorTable err) {
            String[] f = row.split(",");
            net.append(netId);
            batch.append(b);
            layer.append(f[0]);
            format.append(f[1]);
            level.append(Double.parseDouble(f[2]));
            seconds.append(Double.parseDouble(f[3]));
            speedup.append(Double.parseDouble(f[4]));
            low.append(Double.parseDouble(f[5]));
            high.append(Double.parseDouble(f[6]));
            error.append(err.error(f[0], f[1], Double.parseDouble(f[2])));
        }

        Table table() { return Table.create("entries", net, batch, layer, format, level, seconds, speedup, low, high, error); }
    }

    /** Table profiles: one row per network, batch, mode and target the DP solved, predicted against measured. */
    private static final class Profiles {
        final StringColumn net = StringColumn.create("network"), mode = StringColumn.create("mode"), series = StringColumn.create("series"),
                profile = StringColumn.create("profile");
        final IntColumn batch = IntColumn.create("batch");
        final DoubleColumn target = DoubleColumn.create("target"), predicted = DoubleColumn.create("predicted_speedup"),
                measured = DoubleColumn.create("measured_speedup"), low = DoubleColumn.create("measured_low"), high = DoubleColumn.create("measured_high"),
                ratio = DoubleColumn.create("measured_over_predicted"), error = DoubleColumn.create("summed_error");
        final BooleanColumn within = BooleanColumn.create("within_10pct");
        int outside;

        void add(String netId, int b, String m, double t, Spdy.Profile p, Stats.Interval speedup, boolean in) {
            double meas = speedup.median(), pred = p.trueSpeedup();
            if (!in) outside++;
            net.append(netId);
            batch.append(b);
            mode.append(m);
            series.append(netId + " b" + b + " " + m);
            target.append(t);
            predicted.append(pred);
            measured.append(meas);
            low.append(speedup.low());
            high.append(speedup.high());
            ratio.append(meas / pred);
            error.append(p.objective());
            within.append(in);
            profile.append(describe(p));
        }

        int count() { return net.size(); }

        int outside() { return outside; }

        Table table() { return Table.create("profiles", net, batch, mode, series, target, predicted, measured, low, high, ratio, within, error, profile); }
    }

    static String describe(Spdy.Profile p) {
        StringBuilder b = new StringBuilder();
        for (Spdy.Pick k : p.picks()) {
            if (b.length() > 0) b.append(' ');
            b.append(k.layer()).append('=').append(k.level() == 0 ? "dense" : k.format() + "@" + String.format(Locale.ROOT, "%.3f", k.level()));
        }
        return b.toString();
    }

    /** The network pruned as the profile says, planned with the picked kernels, against the dense plan. */
    static NetworkLatency.Result endToEnd(String netId, long seed, Spdy.Profile p, Map<String, String> kernels, String dense, KernelRegistry reg,
                                          int batch, Budget budget) {
        Network net = Networks.build(netId, seed);
        return NetworkLatency.measure(net, reg, applied(net, p, kernels, dense)::get, dense, batch, 1, budget);
    }

    /**
     * Masks {@code net}'s weights as the profile picks (magnitude pruning of each layer in the picked format's structure at
     * the picked level) and returns the kernel and format per layer (dense picks on {@code dense}).
     */
    public static Map<String, KernelNetwork.Choice> applied(Network net, Spdy.Profile p, Map<String, String> kernels, String dense) {
        Map<String, KernelNetwork.Choice> choice = new LinkedHashMap<>();
        for (Spdy.Pick k : p.picks()) {
            Param w = ErrorDatabase.weight(net.layers().stream().filter(l -> l.name().equals(k.layer())).findFirst().orElseThrow());
            if (k.level() == 0) {
                choice.put(k.layer(), new KernelNetwork.Choice(dense, FormatSpec.DENSE));
                continue;
            }
            float[] pruned = LatencyDatabase.pruned(w.values(), w.rows(), w.cols(), k.format(), k.level());
            boolean[] keep = new boolean[pruned.length];
            for (int i = 0; i < keep.length; i++) keep[i] = pruned[i] != 0;
            w.setMask(keep);
            choice.put(k.layer(), new KernelNetwork.Choice(LatencyDatabase.kernelFor(k.format(), kernels, dense), FormatSpec.parse(k.format())));
        }
        return choice;
    }
}
