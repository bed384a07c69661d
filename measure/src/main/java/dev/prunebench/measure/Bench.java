package dev.prunebench.measure;

import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * One measurement point, backend-neutral: candidate kernels against every dense baseline of their platform, all
 * verified first, then timed in the same interleaved rounds ({@link Interleaved#group}) or, on an emulator or a
 * hardware model, counted ({@link MatMul.Counted}). Each candidate gets its speedup over the fastest dense kernel of
 * its platform (the baseline a user would otherwise run) and over each dense kernel, named.
 *
 * <p>Platforms are never mixed: a GPU kernel is compared with GPU dense kernels, a Cortex-M4 kernel with the
 * Cortex-M4 dense kernel. Counted and timed kernels are never compared with each other.
 */
public final class Bench {
    private Bench() {}

    /** A kernel bound for one measurement: the kernel, the backend that runs it, and W in a format it takes. */
    public record Entry(MatMul kernel, Backend backend, SparseFormat w) {
        public Entry {
            if (!kernel.backendId().equals(backend.id()))
                throw new IllegalArgumentException("entry: kernel " + kernel.id() + " runs on " + kernel.backendId() + ", not " + backend.id());
            if (!kernel.supports(w.spec())) throw new IllegalArgumentException("entry: kernel " + kernel.id() + " does not take " + w.spec());
        }

        public String format() { return w.spec().toString(); }
    }

    /**
     * What one kernel gave at the point.
     *
     * @param entry        the kernel, backend and W
     * @param dense        whether it is one of the dense baselines
     * @param status       {@code ok}, {@code failed: …} (verification), {@code error: …} (refused the input) or
     *                     {@code no baseline: …}
     * @param setupMs      its {@code prepare} (wall clock), NaN when it was refused
     * @param verification the check against the reference, null when it never ran
     * @param time         median and interval of its time in ns (timed kernels; null when counted or not ok)
     * @param counts       exact counts of one run (counted kernels; null otherwise)
     * @param clock        {@code host} or the kernel's own clock, or {@code counted}
     * @param fastestDense id of the fastest dense kernel of its platform at this point (null when there was none)
     * @param speedup      over the fastest dense kernel (median and interval; an exact ratio for counts)
     * @param speedupSamples per-round speedups over the fastest (empty for counts)
     * @param speedupOver  over each dense kernel of its platform, by id, with the per-round samples
     * @param variant      the code path the kernel ran ({@link MatMul.Prepared#variant()}), empty for its only one
     * @param control      the A/A control of the rounds it was timed in (null when counted or not timed)
     * @param timeRatio    median time of the fastest dense kernel / its own median time, with the range the two time
     *                     intervals allow: agrees with {@code speedup} when that range meets the speedup's interval
     *                     ({@link #coherent()}); null without a baseline
     */
    public record Outcome(Entry entry, boolean dense, String status, double setupMs, Verification verification, Stats.Interval time,
                          double[] timeSamples, MatMul.Counts counts, String clock, String fastestDense, Stats.Interval speedup,
                          double[] speedupSamples, Map<String, Speedup> speedupOver, String variant, Control control, Stats.Interval timeRatio) {
        public boolean ok() { return "ok".equals(status); }

        /**
         * Whether its speedups may decide anything (a verdict, a selection, a break-even): ok, and timed in rounds whose
         * A/A control came out 1 within its interval (counted kernels have no noise and are always usable).
         */
        public boolean usable() { return ok() && speedup != null && (control == null || control.stable()); }

        /** The point's A/A control failed: its speedups are shown, flagged, and never used. */
        public boolean unstable() { return control != null && !control.stable(); }

        /**
         * Whether the time column and the speedup column agree: the ratio of the times, within what their intervals
         * allow, meets the interval of the median per-round ratio.
         */
        public boolean coherent() {
            return speedup == null || timeRatio == null || (timeRatio.low() <= speedup.high() && speedup.low() <= timeRatio.high());
        }

        public String kernelId() { return entry.kernel().id(); }

        /** {@code measured}, {@code emulated} or {@code modelled}, from the backend. */
        public String provenance() { return entry.backend().provenance().label(); }
    }

    /**
     * The A/A control of one group of interleaved rounds: a dense baseline prepared twice (two instances, the same
     * code and input) and timed as two kernels in the same rounds. Its per-round ratio must come out 1 within its
     * interval; when it does not, the machine (or the harness) moved more than the interval admits and every speedup of
     * the group is flagged unstable.
     *
     * @param kernel  the kernel measured twice
     * @param ratio   median and interval of its per-round ratios (twin / original)
     * @param samples the per-round ratios
     */
    public record Control(String kernel, Stats.Interval ratio, double[] samples) {
        /**
         * How far from 1 an A/A interval may end and still count as holding: 2 %. A 95 % interval misses the true value
         * one time in twenty by construction (a planted-clock A/A with ±5 % noise gave 0.994 [0.986, 0.997]), and two
         * instances of one kernel may differ by a percent (data placement); what the control must catch is a harness or
         * machine that moves the ratio by more than that.
         */
        public static final double TOLERANCE = 0.02;

        /** The interval reaches [1 − {@link #TOLERANCE}, 1 + {@link #TOLERANCE}]. */
        public boolean stable() { return ratio.low() <= 1 + TOLERANCE && ratio.high() >= 1 - TOLERANCE; }

        /** The farthest from 1 its interval reaches: 0.05 means A/A within ±5 %. */
        public double spread() { return Math.max(Math.abs(ratio.high() - 1), Math.abs(1 - ratio.low())); }

        public String describe() {
            return String.format(Locale.ROOT, "A/A %s vs itself %.3f [%.3f, %.3f]%s", kernel, ratio.median(), ratio.low(), ratio.high(),
                    stable() ? "" : " (UNSTABLE: 1 ± 2 % outside the interval)");
        }
    }

    /** A speedup over one named baseline with its per-round samples. */
    public record Speedup(Stats.Interval interval, double[] samples) {}

    /**
     * Measures one point.
     *
     * @param candidates sparse (or any) kernels with W in their format
     * @param dense      dense baselines with W as dense; those on a candidate's platform are its baselines
     * @param x          K×N row-major, shared by every kernel
     * @param reference  the double-precision dense reference C (M×N) for fp32 verification
     * @param k          K (for the fp32 tolerance)
     */
    public static List<Outcome> run(List<Entry> candidates, List<Entry> dense, float[] x, int n, int threads, Budget budget,
                                    float[] reference, int k, PrintStream log) {
        return run(candidates, dense, x, n, threads, budget, reference, k, log, new Interleaved());
    }

    /**
     * As {@link #run(List, List, float[], int, int, Budget, float[], int, PrintStream)} with the timer given (tests plant a
     * clock; {@code scripts/perf-cpu.sh --clock cpu} times with the thread's CPU time on a loaded machine).
     */
    public static List<Outcome> run(List<Entry> candidates, List<Entry> dense, float[] x, int n, int threads, Budget budget,
                             float[] reference, int k, PrintStream log, Interleaved timer) {
        List<Outcome> out = new ArrayList<>();
        Map<String, List<Entry>> candByPlatform = new LinkedHashMap<>(), denseByPlatform = new LinkedHashMap<>();
        for (Entry e : candidates) candByPlatform.computeIfAbsent(e.backend().platform(), p -> new ArrayList<>()).add(e);
        for (Entry e : dense) denseByPlatform.computeIfAbsent(e.backend().platform(), p -> new ArrayList<>()).add(e);
        for (String platform : candByPlatform.keySet()) denseByPlatform.putIfAbsent(platform, List.of());
        for (var pe : denseByPlatform.entrySet())
            out.addAll(platform(pe.getKey(), candByPlatform.getOrDefault(pe.getKey(), List.of()), pe.getValue(), x, n, threads, budget, reference, k, log, timer));
        return out;
    }

    /** A prepared, verified kernel waiting to be timed or counted; {@code control} for the A/A twin. */
    private record Ready(Entry entry, boolean dense, MatMul.Prepared prepared, double setupMs, Verification v, boolean control) {
        Ready(Entry entry, boolean dense, MatMul.Prepared prepared, double setupMs, Verification v) { this(entry, dense, prepared, setupMs, v, false); }
    }

    private static List<Outcome> platform(String platform, List<Entry> candidates, List<Entry> dense, float[] x, int n, int threads, Budget budget,
                                          float[] reference, int k, PrintStream log, Interleaved timer) {
        List<Outcome> out = new ArrayList<>();
        List<Ready> ready = new ArrayList<>();
        try {
            for (Entry e : dense) prepare(e, true, x, n, threads, reference, k, ready, out);
            for (Entry e : candidates) prepare(e, false, x, n, threads, reference, k, ready, out);
            List<Ready> counted = ready.stream().filter(r -> r.prepared() instanceof MatMul.Counted).toList();
            List<Ready> timed = new ArrayList<>(ready.stream().filter(r -> !(r.prepared() instanceof MatMul.Counted)).toList());
            // the A/A control: the first timed dense kernel prepared once more, timed beside its twin
            Ready base = timed.stream().filter(Ready::dense).findFirst().orElse(null);
            if (base != null && timed.size() > 1) {
                MatMul.Prepared twin = null;
                try {
                    twin = PlantedSlowdown.wrap(base.entry().kernel().id(), base.entry().kernel().prepare(base.entry().w(), x, n, threads));
                } catch (IllegalArgumentException | IllegalStateException ex) {
                    if (log != null) log.println("    no A/A control: a second " + base.entry().kernel().id() + " could not be prepared: " + ex.getMessage());
                }
                if (twin != null) {
                    ready.add(new Ready(base.entry(), true, twin, Double.NaN, base.v(), true));
                    timed.add(ready.get(ready.size() - 1));
                }
            }
            out.addAll(counted(platform, counted));
            out.addAll(timed(platform, timed, budget, log, timer));
        } finally {
            for (Ready r : ready) r.prepared().close();
        }
        return out;
    }

    private static void prepare(Entry e, boolean dense, float[] x, int n, int threads, float[] reference, int k, List<Ready> ready, List<Outcome> out) {
        String why = e.kernel().refuses(e.w().spec(), n);
        if (why != null) {
            out.add(failed(e, dense, "error: " + why, Double.NaN, null));
            return;
        }
        long t0 = System.nanoTime();
        MatMul.Prepared p;
        try {
            p = PlantedSlowdown.wrap(e.kernel().id(), e.kernel().prepare(e.w(), x, n, threads)); // off unless -Dprunebench.plant.slowdown
        } catch (IllegalArgumentException | IllegalStateException ex) {
            // refused input, or a device that failed (out of memory, a failed launch): this kernel's row says so,
            // the others are still measured
            out.add(failed(e, dense, "error: " + ex.getMessage(), Double.NaN, null));
            return;
        }
        double setup = (System.nanoTime() - t0) / 1e6;
        Verification v;
        try {
            v = Verification.verify(p, reference, k);
        } catch (RuntimeException ex) {
            p.close();
            throw ex;
        }
        if (!v.passed()) {
            p.close();
            out.add(failed(e, dense, v.rule().startsWith("bit-exact") ? "failed: " + v.rule()
                    : String.format(Locale.ROOT, "failed: rel error %.3g > tolerance %.3g", v.relError(), v.tolerance()), setup, v));
            return;
        }
        ready.add(new Ready(e, dense, p, setup, v));
    }

    private static Outcome failed(Entry e, boolean dense, String status, double setup, Verification v) {
        return new Outcome(e, dense, status, setup, v, null, new double[0], null, "-", null, null, new double[0], Map.of(), "", null, null);
    }

    private static List<Outcome> counted(String platform, List<Ready> rs) {
        List<Outcome> out = new ArrayList<>();
        if (rs.isEmpty()) return out;
        Map<Ready, MatMul.Counts> counts = new LinkedHashMap<>();
        for (Ready r : rs) counts.put(r, ((MatMul.Counted) r.prepared()).counts());
        Ready fastest = null;
        for (Ready r : rs) if (r.dense() && (fastest == null || counts.get(r).costValue() < counts.get(fastest).costValue())) fastest = r;
        for (Ready r : rs) {
            MatMul.Counts c = counts.get(r);
            if (fastest == null) {
                out.add(new Outcome(r.entry(), r.dense(), "no baseline: no counted dense kernel on platform " + platform, r.setupMs(), r.v(), null,
                        new double[0], c, "counted", null, null, new double[0], Map.of(), r.prepared().variant(), null, null));
                continue;
            }
            Map<String, Speedup> over = new LinkedHashMap<>();
            for (Ready d : rs)
                if (d.dense()) {
                    double ratio = (double) counts.get(d).costValue() / Math.max(1, c.costValue());
                    over.put(d.entry().kernel().id(), new Speedup(new Stats.Interval(ratio, ratio, ratio, 1.0), new double[0]));
                }
            out.add(new Outcome(r.entry(), r.dense(), "ok", r.setupMs(), r.v(), null, new double[0], c, "counted", fastest.entry().kernel().id(),
                    over.get(fastest.entry().kernel().id()).interval(), new double[0], over, r.prepared().variant(), null, null));
        }
        return out;
    }

    private static List<Outcome> timed(String platform, List<Ready> all, Budget budget, PrintStream log, Interleaved timer) {
        List<Outcome> out = new ArrayList<>();
        if (all.isEmpty()) return out;
        Interleaved.Group g = timer.group(all.stream().map(Ready::prepared).toList(), budget);
        int twin = -1;
        for (int i = 0; i < all.size(); i++) if (all.get(i).control()) twin = i;
        List<Ready> rs = twin < 0 ? all : all.subList(0, twin);
        Control control = null;
        if (twin >= 0) {
            int orig = all.indexOf(all.stream().filter(r -> r.dense() && !r.control()).findFirst().orElseThrow());
            Comparison c = g.compare(twin, orig);
            control = new Control(all.get(orig).entry().kernel().id(), c.speedup(), c.speedups());
            if (log != null) log.printf(Locale.ROOT, "    %s%n", control.describe());
        }
        int[] denseIdx = IntStream.range(0, rs.size()).filter(i -> rs.get(i).dense()).toArray();
        int fastest = denseIdx.length == 0 ? -1 : g.fastest(denseIdx);
        for (int i = 0; i < rs.size(); i++) {
            Ready r = rs.get(i);
            String clock = r.prepared() instanceof MatMul.SelfTimed st ? st.clock() : "host";
            if (fastest < 0) {
                out.add(new Outcome(r.entry(), r.dense(), "no baseline: no dense kernel available on platform " + platform, r.setupMs(), r.v(),
                        g.time(i), g.nanos()[i], null, clock, null, null, new double[0], Map.of(), r.prepared().variant(), control, null));
                continue;
            }
            Map<String, Speedup> over = new LinkedHashMap<>();
            for (int j : denseIdx) {
                Comparison c = g.compare(i, j);
                over.put(rs.get(j).entry().kernel().id(), new Speedup(c.speedup(), c.speedups()));
            }
            Speedup best = over.get(rs.get(fastest).entry().kernel().id());
            Stats.Interval tb = g.time(fastest), tc = g.time(i);
            Stats.Interval timeRatio = new Stats.Interval(tb.median() / tc.median(), tb.low() / tc.high(), tb.high() / tc.low(), tb.level());
            Outcome o = new Outcome(r.entry(), r.dense(), "ok", r.setupMs(), r.v(), g.time(i), g.nanos()[i], null, clock,
                    rs.get(fastest).entry().kernel().id(), best.interval(), best.samples(), over, r.prepared().variant(), control, timeRatio);
            out.add(o);
            if (log != null && !r.dense())
                log.printf(Locale.ROOT, "    %-16s %-8s %9.4f ms  %.2f× [%.2f, %.2f] over %s%n", o.kernelId(), o.entry().format(),
                        o.time().median() / 1e6, o.speedup().median(), o.speedup().low(), o.speedup().high(),
                        baselineWords(rs.get(fastest).entry(), g.time(fastest).median() / 1e6) + (o.unstable() ? "  UNSTABLE (A/A control failed)" : ""));
        }
        return out;
    }

    /**
     * How the log names the baseline a speedup is over: "mkl-sgemm (fastest dense, 22.6 ms)" for a dense kernel, "the
     * baseline mkl-sparse-csr (9.1 ms)" for a sparse one named as a baseline (it is no dense kernel).
     */
    static String baselineWords(Entry baseline, double ms) {
        boolean dense = baseline.w().spec().kind() == dev.prunebench.core.format.FormatSpec.Kind.DENSE;
        return String.format(Locale.ROOT, dense ? "%s (fastest dense, %.4f ms)" : "the baseline %s (%.4f ms)", baseline.kernel().id(), ms);
    }
}
