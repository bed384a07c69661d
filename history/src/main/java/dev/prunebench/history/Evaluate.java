package dev.prunebench.history;

import dev.prunebench.results.Compare;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * How well the history check separates a planted slowdown from honest noise, measured on real runs.
 *
 * <p>Input: N runs of one commit on one machine and scale (honest reruns of unchanged code). Each trial holds one run
 * out, draws a history of h of the others (a random subset in random order), and checks the held-out run against it
 * with {@link Check} as {@code prunebench history check} does:
 * <ul>
 *   <li>false-alarm trial: the held-out run as measured — any gated series flagged is a false alarm;</li>
 *   <li>detection trial, per kernel: the held-out run with that kernel made slower by {@code slowdown} — a planted
 *       scaling of its measured repeats (every speedup sample of the kernel divided by 1 + slowdown; the speedup's
 *       median, and so its family's geometric mean, divide by the same factor); detected when that kernel's gated
 *       family is flagged as a regression.</li>
 * </ul>
 * Rates are reported per history size h with a Wilson 95 % interval. The trials of one size are not independent (they
 * reuse the same N runs), so the interval is a guide, not a guarantee; the runs are what limits the estimate.
 */
public final class Evaluate {
    private Evaluate() {}

    /** One history size's outcome. */
    public record Rate(int historyRuns, int faTrials, int falseAlarms, int detTrials, int detected, int kernelTrials, int kernelDetected) {
        public double falseAlarmRate() { return faTrials == 0 ? Double.NaN : (double) falseAlarms / faTrials; }
        /** One family slowed (one kernel at one N), detected when that family is flagged. */
        public double detectionRate() { return detTrials == 0 ? Double.NaN : (double) detected / detTrials; }
        /** One kernel slowed at every N it was measured at (all its speedup families at once), detected when any of them is flagged. */
        public double kernelDetectionRate() { return kernelTrials == 0 ? Double.NaN : (double) kernelDetected / kernelTrials; }
    }

    /** The measured run-to-run spread of a gated family over all N runs (sd of the log values ≈ relative sd). */
    public record Spread(Series.Key key, int runs, double mean, double sd) {}

    /**
     * @param perKernel at the largest history size: per kernel ({@code experiment kernel}), detected and trials of
     *                  that kernel slowed at every N
     */
    public record Result(int runs, double slowdown, List<Rate> rates, List<Spread> spreads, List<String> kernels, Map<String, int[]> perKernel) {}

    /**
     * @param runs     per run, each gated family's value (the geometric mean of the run's measured medians), oldest first
     * @param sizes    history sizes to try (each at most runs − 1, at least {@link Check.Options#minRuns()})
     * @param subsets  histories drawn per held-out run and size
     */
    public static Result evaluate(List<Map<Series.Key, Double>> runs, double slowdown, int[] sizes, int subsets, Check.Options o, long seed) {
        int n = runs.size();
        List<Series.Key> keys = new ArrayList<>();
        for (Series.Key k : runs.get(0).keySet()) if (Series.gated(k) && runs.stream().allMatch(r -> r.containsKey(k))) keys.add(k);
        keys.sort(null);
        // as history check does: each of the m gated families at alpha / m
        Check.Options per = o.perTest(keys.size());
        EDivisive ed = per.eDivisive();
        // a slowdown is planted where it is a scaling of the measured samples: the speedup families (a break-even rate
        // moves, but not by a factor)
        List<Series.Key> speedups = keys.stream().filter(k -> k.name().startsWith(Series.GEOMEAN + "speedup[")).toList();
        // one family at a time: a kernel at one N
        List<Series.Key> planted = speedups.stream().filter(k -> Series.params(k.name()).containsKey("n")).toList();
        // a slower kernel is slower at every N: all its speedup families (each N and over every N), grouped per experiment and kernel
        Map<String, List<Series.Key>> byKernel = new TreeMap<>();
        for (Series.Key k : speedups) byKernel.computeIfAbsent(k.experiment() + " " + Series.params(k.name()).get("kernel"), x -> new ArrayList<>()).add(k);
        Random rnd = new Random(seed);
        List<Rate> rates = new ArrayList<>();
        Map<String, int[]> perKernel = new TreeMap<>();
        int largest = lastSize(sizes, o, n); // the history size perKernel reports
        for (int h : sizes) {
            if (h < o.minRuns() || h > n - 1) continue;
            int fa = 0, faN = 0, det = 0, detN = 0, kDet = 0, kN = 0;
            for (int j = 0; j < n; j++) {
                List<Integer> others = new ArrayList<>();
                for (int i = 0; i < n; i++) if (i != j) others.add(i);
                for (int s = 0; s < subsets; s++) {
                    Collections.shuffle(others, rnd);
                    List<Integer> hist = others.subList(0, h);
                    // false alarm: any gated family flagged
                    boolean alarm = false;
                    for (Series.Key k : keys) if (flagged(k, runs, hist, runs.get(j).get(k), per, ed)) { alarm = true; break; }
                    faN++;
                    if (alarm) fa++;
                    // detection: each family slowed in turn
                    Map<Series.Key, Boolean> hit = new HashMap<>();
                    for (Series.Key k : speedups) {
                        boolean f = flagged(k, runs, hist, plant(k, runs.get(j).get(k), slowdown), per, ed);
                        hit.put(k, f);
                    }
                    for (Series.Key k : planted) {
                        detN++;
                        if (hit.get(k)) det++;
                    }
                    // detection of a kernel slowed at every N: any of its families flagged
                    for (var e : byKernel.entrySet()) {
                        boolean caught = e.getValue().stream().anyMatch(hit::get);
                        kN++;
                        if (caught) kDet++;
                        int[] c = perKernel.computeIfAbsent(e.getKey(), x -> new int[2]);
                        if (h == largest) { c[0] += caught ? 1 : 0; c[1]++; }
                    }
                }
            }
            rates.add(new Rate(h, faN, fa, detN, det, kN, kDet));
        }
        List<Spread> spreads = new ArrayList<>();
        for (Series.Key k : keys) {
            double[] z = runs.stream().mapToDouble(r -> Math.log(r.get(k))).toArray();
            double m = Check.mean(z, 0, z.length), ss = 0;
            for (double x : z) ss += (x - m) * (x - m);
            spreads.add(new Spread(k, n, Math.exp(m), Math.sqrt(ss / (n - 1))));
        }
        perKernel.values().removeIf(c -> c[1] == 0);
        return new Result(n, slowdown, rates, spreads, planted.stream().map(Series.Key::name).toList(), perKernel);
    }

    /** The largest history size of {@code sizes} that is tried with n runs. */
    private static int lastSize(int[] sizes, Check.Options o, int n) {
        int last = -1;
        for (int h : sizes) if (h >= o.minRuns() && h <= n - 1) last = Math.max(last, h);
        return last;
    }

    /** The family's value with its kernel slowed by {@code slowdown}: a speedup divides, a time (or lower-is-better quantity) multiplies. */
    static double plant(Series.Key k, double value, double slowdown) {
        String base = k.name().substring(Series.GEOMEAN.length());
        return Compare.lowerIsBetter(base, "x") ? value * (1 + slowdown) : value / (1 + slowdown);
    }

    private static boolean flagged(Series.Key k, List<Map<Series.Key, Double>> runs, List<Integer> hist, double now, Check.Options o, EDivisive ed) {
        List<Series.Point> past = new ArrayList<>();
        for (int i : hist) past.add(new Series.Point(null, runs.get(i).get(k), Double.NaN, Double.NaN, 0, "x"));
        Check.Row r = Check.timingRow(k, new Series.Point(null, now, Double.NaN, Double.NaN, 0, "x"), past, o, ed);
        return r.verdict() == Check.Verdict.REGRESSION;
    }

    /** Each run's gated family values from history values (one machine and scale; each family over the points all runs measured), runs oldest first. */
    public static List<Map<Series.Key, Double>> families(List<History.Value> values) {
        Map<Long, Map<Series.Key, Double>> byRun = new LinkedHashMap<>();
        for (History.Value v : values) byRun.computeIfAbsent(v.run().id(), x -> new TreeMap<>());
        for (var e : Series.of(values, false).entrySet())
            if (e.getKey().aggregate() && Series.gated(e.getKey()))
                for (Series.Point p : e.getValue()) byRun.get(p.run().id()).put(e.getKey(), p.value());
        return new ArrayList<>(byRun.values());
    }

    public static void print(Result r, Check.Options o, PrintWriter out) {
        out.printf(Locale.ROOT, "planted slowdown %.0f %% of one kernel at a time (a planted scaling of measured samples), over %d honest runs;"
                + " gate: alpha %.3g per run (Bonferroni over %d gated families), min effect %.0f %%, E-Divisive change points;"
                + " planted in turn in %s%n", 100 * r.slowdown(), r.runs(), o.alpha(), r.spreads().size(), 100 * o.minEffect(), String.join(", ", r.kernels()));
        out.println("run-to-run spread of the gated series over all runs (sd of log values, about the relative sd):");
        for (Spread s : r.spreads())
            out.printf(Locale.ROOT, "  %-22s %-62s mean %8.4g  sd %5.1f %%%n", s.key().experiment(), s.key().name(), s.mean(), 100 * s.sd());
        out.printf(Locale.ROOT, "%8s %30s %32s %32s%n", "history", "false alarms", "detected: one kernel, every N", "detected: one family (kernel, N)");
        for (Rate x : r.rates()) {
            double[] fa = wilson(x.falseAlarms(), x.faTrials()), d = wilson(x.detected(), x.detTrials()), kd = wilson(x.kernelDetected(), x.kernelTrials());
            out.printf(Locale.ROOT, "%8d %6.1f %% [%4.1f, %4.1f] %5d/%-5d %6.1f %% [%4.1f, %5.1f] %5d/%-5d %6.1f %% [%4.1f, %5.1f] %5d/%-5d%n", x.historyRuns(),
                    100 * x.falseAlarmRate(), 100 * fa[0], 100 * fa[1], x.falseAlarms(), x.faTrials(),
                    100 * x.kernelDetectionRate(), 100 * kd[0], 100 * kd[1], x.kernelDetected(), x.kernelTrials(),
                    100 * x.detectionRate(), 100 * d[0], 100 * d[1], x.detected(), x.detTrials());
        }
        if (!r.perKernel().isEmpty()) {
            int h = r.rates().get(r.rates().size() - 1).historyRuns();
            StringBuilder b = new StringBuilder("one kernel slowed at every N, per kernel with " + h + " history runs:");
            for (var e : r.perKernel().entrySet())
                b.append(String.format(Locale.ROOT, "  %s %.1f %% (%d/%d)", e.getKey(), 100.0 * e.getValue()[0] / e.getValue()[1], e.getValue()[0], e.getValue()[1]));
            out.println(b);
        }
        out.println("(rates per trial; [..] Wilson 95 % intervals, a guide only: the trials reuse the same runs; a kernel slowed at every N"
                + " is what a slower kernel is, and it is detected when any of its families is flagged)");
        out.flush();
    }

    /** Wilson score interval for k successes of n at 95 %. */
    static double[] wilson(int k, int n) {
        if (n == 0) return new double[] {Double.NaN, Double.NaN};
        double z = 1.959964, p = (double) k / n, d = 1 + z * z / n;
        double c = (p + z * z / (2 * n)) / d, h = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d;
        return new double[] {Math.max(0, c - h), Math.min(1, c + h)};
    }
}
