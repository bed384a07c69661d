package dev.prunebench.history;

import dev.prunebench.results.Metric;
import dev.prunebench.results.Report;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * {@code trends.html}: the history as one self-contained page (inline style and SVG, no script or image from
 * anywhere else). Per machine and scale: the most recent changes first (change points of the timing series, changes
 * of exact metrics, each with its values before and after), then one plot per tracked series over the runs in order —
 * each run's value with its interval, the band of each segment between change points (its mean ± the prediction
 * half-width of {@link Check}), and the change points as dashed lines labelled with the commit where the new
 * segment starts.
 *
 * <p>Tracked: every kernel family ({@link Series}), every exact metric whose value changed in the history, and the
 * single metrics whose name matches {@code include}.
 */
public final class Trends {
    private Trends() {}

    /** One change for the table: where (run index and run), what, before → after. */
    record Change(String machine, String scale, Series.Key key, History.Run at, double before, double after, String how) {}

    /** What was written: the page, the plots drawn, the changes listed. */
    public record Result(Path file, int plots, int changes) {}

    public static Result write(History h, Path out, Check.Options o, String machine, Pattern include) throws IOException {
        List<History.Run> runs = h.runs();
        StringBuilder body = new StringBuilder();
        List<Change> changes = new ArrayList<>();
        int plots = 0;
        Map<String, List<History.Run>> groups = new TreeMap<>();
        for (History.Run r : runs) if (machine == null || r.fingerprint().equals(machine)) groups.computeIfAbsent(r.fingerprint() + "\u0000" + r.scale(), k -> new ArrayList<>()).add(r);
        int section = 0;
        Map<String, Map<Series.Key, List<Line>>> byScale = new TreeMap<>(); // scale → series → one line per machine class
        for (var g : groups.entrySet()) {
            String[] fs = g.getKey().split("\u0000", 2);
            plots += section(h, body, changes, byScale, fs[0], fs[1], g.getValue(), ++section, o, include);
        }
        for (var e : byScale.entrySet()) plots += sideBySide(body, e.getKey(), e.getValue(), runs);
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append(TITLE).append("\n<style>").append(CSS).append("</style>\n</head><body>\n")
                .append("<header><h1>prunebench trends</h1><p class=\"meta\">history <code>").append(esc(h.file() != null ? h.file().getFileName().toString() : h.name()))
                .append("</code> · ").append(runs.size()).append(" runs · ").append(groups.size()).append(" machine/scale groups · ")
                .append(changes.size()).append(" changes. Band: each segment's mean ± the prediction half-width from the run-to-run spread ")
                .append("pooled over the segments; change points by E-Divisive means (Matteson &amp; James 2014) with a permutation test; both at ")
                .append("alpha ").append(num(o.alpha())).append(" over the gated families together (as history check tests them) and at alpha ")
                .append("over the other series of a machine together (Bonferroni). Regenerate with <code>prunebench history trends</code>.</p></header>\n");
        if (runs.isEmpty()) html.append("<p>The history holds no run yet.</p>\n");
        html.append(body);
        html.append("<script>window.addEventListener('load',function(){var ok=0,bad=0;document.querySelectorAll('svg.plot').forEach(function(s){")
                .append("var b=s.getBoundingClientRect();if(b.width>0&&b.height>0&&s.querySelectorAll('circle').length>0){ok++;}else{bad++;}});")
                .append("document.body.setAttribute('data-plots-ok',ok);document.body.setAttribute('data-plots-broken',bad);")
                .append("document.body.setAttribute('data-changes',document.querySelectorAll('table.changes tbody tr').length);});</script>\n");
        html.append("</body></html>\n");
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try {
            if (out.toAbsolutePath().getParent() != null) Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException e) { // name the page asked for, not the temporary file beside it
            try { Files.deleteIfExists(tmp); } catch (IOException ignored) { /* reporting the first error */ }
            String why = e.getReason() != null ? e.getReason() : e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof AccessDeniedException ? "permission denied" : "file system error";
            throw new FileSystemException(out.toString(), null, "cannot write the trends page: " + why);
        }
        return new Result(out, plots, changes.size());
    }

    /**
     * One machine class's section at one scale: its changes, newest first, then its plots; its timing series go into
     * {@code byScale} for the side-by-side section. Returns the plots drawn.
     */
    private static int section(History h, StringBuilder body, List<Change> changes, Map<String, Map<Series.Key, List<Line>>> byScale, String fp,
                               String scale, List<History.Run> rs, int section, Check.Options o, Pattern include) throws IOException {
        List<History.Value> values = h.values(fp, scale, null, null);
        if (include != null) {
            // the single metrics asked for, besides the families
            values = values.stream().filter(v -> v.metric().kind() != Metric.Kind.TIMING || include.matcher(v.metric().name()).find()
                    || Series.family(v.metric().name()) != null).toList();
        }
        Map<Series.Key, List<Series.Point>> all = Series.of(values, include != null);
        Map<Long, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < rs.size(); i++) index.put(rs.get(i).id(), i);
        // Bonferroni over the page's timing series of this group: the gated ones at the check's level, each of
        // the others at alpha over all of them, so an honest history shows a false change point rarely
        Check.Options gatedO = o.perTest((int) all.keySet().stream().filter(Series::gated).count());
        int timingSeries = (int) all.keySet().stream().filter(k -> k.aggregate() || (include != null && include.matcher(k.name()).find())).count();
        Check.Options otherO = o.perTest(timingSeries);
        EDivisive gatedEd = gatedO.eDivisive(), otherEd = otherO.eDivisive();
        StringBuilder sec = new StringBuilder();
        int secPlots = 0;
        // the gated families first (what history check decides on), then the rest in name order
        List<Map.Entry<Series.Key, List<Series.Point>>> ordered = new ArrayList<>(all.entrySet());
        ordered.sort(Comparator.comparing((Map.Entry<Series.Key, List<Series.Point>> x) -> !Series.gated(x.getKey())).thenComparing(Map.Entry::getKey));
        for (var e : ordered) {
            Series.Key k = e.getKey();
            List<Series.Point> pts = e.getValue().stream().filter(p -> Double.isFinite(p.value())).toList();
            if (pts.isEmpty()) continue;
            boolean exact = !k.aggregate() && values.stream().anyMatch(v -> v.metric().kind() == Metric.Kind.EXACT && v.metric().name().equals(k.name())
                    && v.experiment().equals(k.experiment()));
            List<Seg> segs;
            if (exact) {
                segs = exactSegments(pts);
                if (segs.size() < 2) continue; // an exact metric that never changed is not plotted
                for (int s = 1; s < segs.size(); s++)
                    changes.add(new Change(fp, scale, k, pts.get(segs.get(s).a).run(), pts.get(segs.get(s - 1).a).value(), pts.get(segs.get(s).a).value(), "exact value changed"));
            } else {
                if (!k.aggregate() && (include == null || !include.matcher(k.name()).find())) continue;
                segs = timingSegments(pts, Series.gated(k) ? gatedO : otherO, Series.gated(k) ? gatedEd : otherEd);
                for (int s = 1; s < segs.size(); s++)
                    changes.add(new Change(fp, scale, k, pts.get(segs.get(s).a).run(), segs.get(s - 1).center, segs.get(s).center,
                            String.format(Locale.ROOT, "change point (E-Divisive, p = %.3f)", segs.get(s).p)));
                byScale.computeIfAbsent(scale, x -> new TreeMap<>()).computeIfAbsent(k, x -> new ArrayList<>()).add(new Line(fp, pts, segs));
            }
            sec.append(plot(k, pts, segs, index, rs.size(), exact));
            secPlots++;
        }
        body.append("<section class=\"machine\" id=\"machine-").append(section).append("\"><h2>").append(esc(fp)).append(" <small>· scale ")
                .append(esc(scale)).append(" · ").append(rs.size()).append(" runs, ").append(esc(rs.get(0).shortCommit())).append(" … ")
                .append(esc(rs.get(rs.size() - 1).shortCommit())).append("</small></h2>\n");
        List<Change> mine = changes.stream().filter(c -> c.machine.equals(fp) && c.scale.equals(scale)).toList();
        body.append(changeTable(mine));
        body.append(sec);
        body.append("</section>\n");
        return secPlots;
    }

    /** The title every trends page carries: how an existing file is known to be one (history trends replaces only those). */
    static final String TITLE = "<title>prunebench trends</title>";

    /** True when {@code file} is a trends page prunebench wrote (its title in the first few kilobytes). */
    public static boolean isTrendsPage(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return false;
        try (InputStream in = Files.newInputStream(file)) {
            String head = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            return head.startsWith("<!DOCTYPE html>") && head.contains(TITLE);
        }
    }

    /** A segment [a, b) of a series' points with its centre, band and the p-value of the change point starting it. */
    record Seg(int a, int b, double center, double lo, double hi, double p) {}

    static List<Seg> timingSegments(List<Series.Point> pts, Check.Options o, EDivisive ed) {
        double[] v = pts.stream().mapToDouble(Series.Point::value).toArray();
        boolean log = Arrays.stream(v).allMatch(d -> d > 0);
        double[] z = log ? Check.logs(v) : v;
        List<EDivisive.ChangePoint> cps = z.length >= 4 ? ed.changePoints(z) : List.of();
        List<int[]> cuts = new ArrayList<>();
        List<Double> ps = new ArrayList<>();
        int prev = 0;
        ps.add(Double.NaN);
        for (EDivisive.ChangePoint c : cps) {
            cuts.add(new int[] {prev, c.index()});
            ps.add(c.p());
            prev = c.index();
        }
        cuts.add(new int[] {prev, z.length});
        double ss = 0;
        int df = 0;
        for (int[] c : cuts) {
            double m = Check.mean(z, c[0], c[1]);
            for (int i = c[0]; i < c[1]; i++) ss += (z[i] - m) * (z[i] - m);
            df += c[1] - c[0] - 1;
        }
        double sd = df > 0 ? Math.sqrt(ss / df) : Double.NaN;
        double t = df > 0 ? new TDistribution(df).inverseCumulativeProbability(1 - o.alpha() / 2) : Double.NaN;
        List<Seg> out = new ArrayList<>();
        for (int i = 0; i < cuts.size(); i++) {
            int[] c = cuts.get(i);
            double m = Check.mean(z, c[0], c[1]);
            double half = t * sd * Math.sqrt(1 + 1.0 / (c[1] - c[0]));
            out.add(log ? new Seg(c[0], c[1], Math.exp(m), Math.exp(m - half), Math.exp(m + half), ps.get(i))
                    : new Seg(c[0], c[1], m, m - half, m + half, ps.get(i)));
        }
        return out;
    }

    static List<Seg> exactSegments(List<Series.Point> pts) {
        List<Seg> out = new ArrayList<>();
        int a = 0;
        for (int i = 1; i <= pts.size(); i++)
            if (i == pts.size() || Double.compare(pts.get(i).value(), pts.get(a).value()) != 0) {
                double v = pts.get(a).value();
                out.add(new Seg(a, i, v, Double.NaN, Double.NaN, Double.NaN));
                a = i;
            }
        return out;
    }

    private static String changeTable(List<Change> changes) {
        List<Change> c = new ArrayList<>(changes);
        c.sort(Comparator.comparing((Change x) -> x.at.started()).thenComparing(x -> x.at.id()).reversed());
        StringBuilder h = new StringBuilder("<h3>Most recent changes first</h3>\n");
        if (c.isEmpty()) return h.append("<p class=\"meta\">No change point and no exact change in this history.</p>\n").toString();
        h.append("<div class=\"scroll-x\"><table class=\"changes\"><thead><tr><th>from run</th><th>commit</th><th>experiment</th><th>series</th>")
                .append("<th>before</th><th>after</th><th>change</th><th>how found</th></tr></thead><tbody>\n");
        for (Change x : c) {
            double rel = x.before == 0 ? Double.NaN : x.after / x.before - 1;
            h.append("<tr><td>").append(esc(x.at.runId())).append("</td><td><code>").append(esc(x.at.shortCommit())).append("</code></td><td>")
                    .append(esc(x.key.experiment())).append("</td><td><code>").append(esc(x.key.name())).append("</code></td><td class=\"n\">")
                    .append(num(x.before)).append("</td><td class=\"n\">").append(num(x.after)).append("</td><td class=\"n\">")
                    .append(Double.isFinite(rel) ? String.format(Locale.ROOT, "%+.1f%%", 100 * rel) : "").append("</td><td>").append(esc(x.how)).append("</td></tr>\n");
        }
        return h.append("</tbody></table></div>\n").toString();
    }

    static final int W = 720, H = 230, L = 64, R = 12, T = 14, B = 44;

    /** The plot area's scales: runs 0 … nRuns − 1 across, values y0 … y1 up. */
    record Axes(double y0, double y1, int nRuns) {
        static final int PW = W - L - R, PH = H - T - B;

        /** Axes over every point's interval and every band, padded by 6 %. */
        static Axes over(List<List<Series.Point>> series, List<List<Seg>> segments, int nRuns) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (List<Series.Point> pts : series)
                for (Series.Point p : pts) {
                    lo = Math.min(lo, finiteOr(p.lo(), p.value()));
                    hi = Math.max(hi, finiteOr(p.hi(), p.value()));
                }
            for (List<Seg> segs : segments)
                for (Seg s : segs) {
                    if (Double.isFinite(s.lo)) lo = Math.min(lo, s.lo);
                    if (Double.isFinite(s.hi)) hi = Math.max(hi, s.hi);
                }
            if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) { lo -= 0.5 * Math.max(1e-9, Math.abs(lo) * 0.01); hi += 0.5 * Math.max(1e-9, Math.abs(hi) * 0.01); }
            double pad = (hi - lo) * 0.06;
            return new Axes(lo - pad, hi + pad, nRuns);
        }

        double x(int i) { return L + (nRuns == 1 ? PW / 2.0 : PW * (double) i / (nRuns - 1)); }

        double y(double v) { return T + PH * (1 - (v - y0) / (y1 - y0)); }

        /** The svg element, its frame, grid lines and value ticks; {@code extra} pixels below for a legend. */
        void open(StringBuilder s, int extra) {
            s.append("<svg class=\"plot\" width=\"").append(W).append("\" height=\"").append(H + extra)
                    .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H + extra).append("\" role=\"img\">");
            s.append("<rect x=\"").append(L).append("\" y=\"").append(T).append("\" width=\"").append(PW).append("\" height=\"").append(PH).append("\" class=\"frame\"/>");
            for (int t = 0; t <= 4; t++) {
                double v = y0 + (y1 - y0) * t / 4;
                s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%d\" y=\"%.1f\" class=\"ytick\">%s</text>",
                        L, L + PW, y(v), y(v), L - 4, y(v) + 4, esc(num(v))));
            }
        }

        /** The commits under the runs (thinned to about 12) and the axis label. */
        void xTicks(StringBuilder s, List<History.Run> runs, Map<Long, Integer> index) {
            int step = Math.max(1, (int) Math.ceil(nRuns / 12.0));
            for (History.Run r : runs) {
                int i = index.get(r.id());
                if (i % step != 0 && i != nRuns - 1) continue;
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"xtick\">%s</text>", x(i), T + PH + 14, esc(r.shortCommit())));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"xlabel\">runs in order (commit)</text>", L + PW / 2, H - 6));
        }

        /**
         * One series: its segments' bands and means, a line through its values, each value's interval and point;
         * in the page's colours when {@code colour} is null, else in that colour (a machine class's line).
         */
        void series(StringBuilder s, List<Series.Point> pts, List<Seg> segs, Map<Long, Integer> index, String colour) {
            String fill = colour == null ? "" : " style=\"fill:" + colour + "\"", stroke = colour == null ? "" : " style=\"stroke:" + colour + "\"";
            for (Seg g : segs) {
                double xa = x(index.get(pts.get(g.a).run().id())), xb = x(index.get(pts.get(g.b - 1).run().id()));
                if (Double.isFinite(g.lo) && Double.isFinite(g.hi))
                    s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"band\"%s><title>band %s … %s, mean %s</title></rect>",
                            xa - 4, y(Math.min(g.hi, y1)), xb - xa + 8, y(Math.max(g.lo, y0)) - y(Math.min(g.hi, y1)), fill, esc(num(g.lo)), esc(num(g.hi)), esc(num(g.center))));
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"mean\"%s/>", xa - 4, xb + 4, y(g.center), y(g.center), stroke));
            }
            StringBuilder path = new StringBuilder();
            for (Series.Point p : pts)
                path.append(path.isEmpty() ? "M" : "L").append(String.format(Locale.ROOT, "%.1f %.1f", x(index.get(p.run().id())), y(p.value())));
            s.append("<path d=\"").append(path).append("\" class=\"line\"").append(stroke).append("/>");
            for (Series.Point p : pts) {
                double x = x(index.get(p.run().id()));
                if (Double.isFinite(p.lo()) && Double.isFinite(p.hi()))
                    s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"ci\"%s/>", x, x, y(p.lo()), y(p.hi()), stroke));
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"%s><title>%s %s: %s%s</title></circle>", x, y(p.value()), fill,
                        esc(p.run().runId()), esc(p.run().shortCommit()), esc(num(p.value())),
                        Double.isFinite(p.lo()) ? esc(" (" + num(p.lo()) + " … " + num(p.hi()) + ")") : ""));
            }
        }
    }

    private static String caption(Series.Key k, String unit, boolean exact, String more) {
        return "<figcaption><b>" + esc(k.experiment()) + "</b> <code>" + esc(k.name()) + "</code>" + (unit.isBlank() ? "" : " (" + esc(unit) + ")")
                + (Series.gated(k) ? " <small>— gated by history check</small>" : "") + (exact ? " <small>— exact</small>" : "") + more + "</figcaption>\n";
    }

    private static String plot(Series.Key k, List<Series.Point> pts, List<Seg> segs, Map<Long, Integer> index, int nRuns, boolean exact) {
        Axes ax = Axes.over(List.of(pts), List.of(segs), nRuns);
        StringBuilder s = new StringBuilder("<figure class=\"trend\">").append(caption(k, pts.get(0).unit(), exact, ""));
        ax.open(s, 0);
        // change points
        for (int i = 1; i < segs.size(); i++) {
            Series.Point p = pts.get(segs.get(i).a);
            double x = (ax.x(index.get(pts.get(segs.get(i).a - 1).run().id())) + ax.x(index.get(p.run().id()))) / 2;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" class=\"cp\"/><text x=\"%.1f\" y=\"%d\" class=\"cplabel\">%s</text>",
                    x, x, T, T + Axes.PH, x + 3, T + 11, esc(p.run().shortCommit())));
        }
        ax.series(s, pts, segs, index, null);
        ax.xTicks(s, pts.stream().map(Series.Point::run).toList(), index);
        s.append("</svg></figure>\n");
        return s.toString();
    }

    /** One machine class's series in a side-by-side plot: its points and the segments (bands) learned from them alone. */
    record Line(String machine, List<Series.Point> pts, List<Seg> segs) {}

    /** Colours of the machine classes, in the order of their fingerprints. */
    static final String[] COLOURS = {"#1f77b4", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#525252"};

    /**
     * The section of one scale where machine classes stand side by side: every series that two or more classes have,
     * one plot each with one line per class, each with its own band, and a legend naming the classes. Returns the plots.
     */
    static int sideBySide(StringBuilder body, String scale, Map<Series.Key, List<Line>> series, List<History.Run> runs) {
        List<Map.Entry<Series.Key, List<Line>>> shared = series.entrySet().stream().filter(e -> e.getValue().size() >= 2)
                .sorted(Comparator.comparing((Map.Entry<Series.Key, List<Line>> x) -> !Series.gated(x.getKey())).thenComparing(Map.Entry::getKey)).toList();
        if (shared.isEmpty()) return 0;
        List<String> machines = shared.stream().flatMap(e -> e.getValue().stream().map(Line::machine)).distinct().sorted().toList();
        List<History.Run> rs = runs.stream().filter(r -> r.scale().equals(scale) && machines.contains(r.fingerprint())).toList();
        Map<Long, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < rs.size(); i++) index.put(rs.get(i).id(), i);
        body.append("<section class=\"machines\" id=\"machines-").append(esc(scale)).append("\"><h2>Machine classes side by side <small>· scale ")
                .append(esc(scale)).append(" · ").append(machines.size()).append(" classes</small></h2>\n<p class=\"meta\">One line per machine class ")
                .append("(hardware fingerprint) over the runs of these classes in the order they were added. Each class's band is learned from its ")
                .append("own runs only (its segments' means ± the prediction half-width, as in its own section above), so one class's noise never ")
                .append("widens another's.</p>\n");
        for (var e : shared) {
            List<Line> lines = e.getValue();
            Axes ax = Axes.over(lines.stream().map(Line::pts).toList(), lines.stream().map(Line::segs).toList(), rs.size());
            StringBuilder s = new StringBuilder("<figure class=\"trend machines\">")
                    .append(caption(e.getKey(), lines.get(0).pts().get(0).unit(), false, " <small>— " + lines.size() + " machine classes</small>"));
            ax.open(s, 16 * lines.size());
            for (Line l : lines) {
                s.append("<g class=\"machine\" data-machine=\"").append(esc(l.machine())).append("\">");
                ax.series(s, l.pts(), l.segs(), index, COLOURS[machines.indexOf(l.machine()) % COLOURS.length]);
                s.append("</g>");
            }
            ax.xTicks(s, rs, index);
            s.append("<g class=\"legend\">");
            for (int i = 0; i < lines.size(); i++) {
                Line l = lines.get(i);
                int y = H + 16 * i + 4;
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"10\" style=\"fill:%s\"/><text x=\"%d\" y=\"%d\" class=\"legend\">%s (%d runs)</text>",
                        L, y, COLOURS[machines.indexOf(l.machine()) % COLOURS.length], L + 18, y + 9, esc(l.machine()), l.pts().size()));
            }
            s.append("</g></svg></figure>\n");
            body.append(s);
        }
        body.append("</section>\n");
        return shared.size();
    }

    private static double finiteOr(double v, double d) { return Double.isFinite(v) ? v : d; }

    static String num(double v) { return Check.num(v); }

    static String esc(String s) { return Report.esc(s); }

    static final String CSS = "body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 16px;color:#222}"
            + "h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:28px}h3{font-size:15px}"
            + ".meta{color:#555}small{color:#666}code{font-size:12px}table{border-collapse:collapse;font-size:13px}"
            + "th,td{border:1px solid #ddd;padding:3px 6px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}"
            + ".scroll-x{overflow-x:auto}figure.trend{margin:14px 0}figcaption{font-size:13px;margin-bottom:2px}"
            + "svg.plot{background:#fff;max-width:100%;height:auto}svg .frame{fill:none;stroke:#bbb}svg .grid{stroke:#eee}"
            + "svg .band{fill:#4c78a8;fill-opacity:.15}svg .mean{stroke:#4c78a8;stroke-width:1.5}svg .line{fill:none;stroke:#888;stroke-width:1}"
            + "svg .ci{stroke:#333;stroke-width:1}svg circle{fill:#222}svg .cp{stroke:#d62728;stroke-width:1.5;stroke-dasharray:5 3}"
            + "svg .cplabel{fill:#d62728;font-size:11px}svg text{font-size:10px;fill:#444}svg .ytick{text-anchor:end}"
            + "svg .xtick{text-anchor:middle}svg .xlabel{text-anchor:middle;font-size:11px}svg text.legend{font-size:11px;fill:#222}"
            + "svg g.machine .band{fill-opacity:.12}svg g.machine .line{stroke-width:1.5}";
}
