package dev.prunebench.results;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.Table;

/**
 * {@code index.html} of a run: one self-contained page (inline style, plots as PNG data URIs drawn at twice their
 * CSS size, no request to the network), drawn from the run folder's files alone so {@code prunebench report RUN_DIR} can redo it.
 *
 * <p>Order: the findings first — per experiment its key figure (its first plot), a verdict line counting its
 * published numbers by verdict and its scored numbers beside the paper's —, then the scorecard summary (each published
 * number, ours, verdict), then one section per experiment with its notes, skipped parts, the rest of its plots, and
 * its full metric list and tables folded away ({@code <details>}), then the environment.
 *
 * <p>A plot that can not be drawn (a column missing from its table, …) becomes a visible error box in its place and
 * is counted in {@link Result#plotErrors()}; it does not stop the rest of the report.
 */
public final class Report {

    /** Rows of a table shown inline; the CSV beside the page has them all. */
    static final int MAX_TABLE_ROWS = 200;

    /** What was written: plots drawn, plots that failed (with their messages), the scorecard. */
    public record Result(Path html, Path scorecardCsv, int plots, List<String> plotErrors, List<Scorecard.Entry> scorecard) {}

    private Report() {}

    /** Reads {@code runDir}, computes the scorecard and writes {@code index.html} and {@code scorecard.csv} into it. */
    public static Result write(Path runDir, List<Published.Row> published, Collection<String> knownExperiments) throws IOException {
        RunData run = RunData.read(runDir);
        List<Scorecard.Entry> card = Scorecard.compute(run, published, knownExperiments);
        Path csv = run.dir().resolve("scorecard.csv");
        Scorecard.writeCsv(csv, card);
        List<String> errors = new ArrayList<>();
        int[] plots = {0};
        String html = render(run, card, errors, plots);
        Path out = run.dir().resolve("index.html");
        AtomicFiles.writeString(out, html);
        return new Result(out, csv, plots[0], errors, card);
    }

    static String render(RunData run, List<Scorecard.Entry> card, List<String> errors, int[] plots) {
        Map<String, Object> mf = run.manifest();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>prunebench run ").append(esc(run.runId())).append("</title>\n<style>").append(CSS).append("</style>\n</head><body>\n");
        h.append("<header><h1>prunebench run <code>").append(esc(run.runId())).append("</code></h1>\n<p class=\"meta\">scale <b>")
                .append(esc(str(mf.get("scale")))).append("</b> · seed ").append(esc(str(mf.get("seed"))))
                .append(" · started ").append(esc(str(mf.get("started")))).append(" · finished ").append(esc(str(mf.get("finished"))))
                .append(" · git ").append(esc(str(run.environment().asMap().getOrDefault("git_commit", mf.get("git_commit")))))
                .append(dirty(run)).append("<br>hardware: ").append(esc(run.environment().fingerprint())).append("</p>\n");
        String busy = busyWarning(run);
        if (busy != null) h.append("<p class=\"plot-error\"><b>Warning:</b> ").append(esc(busy)).append(".</p>\n");
        if (mf.get("failed_experiments") instanceof List<?> failed && !failed.isEmpty())
            h.append("<p class=\"plot-error\"><b>Failed experiments:</b> ").append(esc(String.join(", ", failed.stream().map(String::valueOf).toList())))
                    .append(" — their sections say why; their numbers are incomplete.</p>\n");
        h.append("<nav>Contents: <a href=\"#findings\">findings</a> · <a href=\"#summary\">summary</a>");
        for (RunData.ExperimentData e : run.experiments()) h.append(" · <a href=\"#exp-").append(esc(e.id())).append("\">").append(esc(e.id())).append("</a>");
        h.append(" · <a href=\"#environment\">environment</a>");
        // written by run --history (prunebench history trends --out RUN/trends.html also): the history of these numbers
        if (java.nio.file.Files.isRegularFile(run.dir().resolve("trends.html")))
            h.append(" · <a href=\"trends.html\" id=\"trends-link\">trends over the history</a>");
        h.append("</nav></header>\n");

        findings(h, run, card, errors, plots);
        summary(h, card, run);
        overview(h, run);
        for (RunData.ExperimentData e : run.experiments()) experiment(h, e, card, errors, plots);
        across(h, run, errors, plots);
        environment(h, run);
        Path where = regenerateFolder(run.dir());
        h.append("<footer>Generated by prunebench from the files in this folder; regenerate with <code>")
                .append(esc(regenerateCommand(run.dir()))).append("</code>")
                .append(where == null ? "" : " (run from the folder that holds <code>" + esc(where.getFileName() + "/") + "</code>"
                        + (where.getFileName().toString().equals("results") ? ", the checkout for a run of its results folder" : "") + ")")
                .append("; the run is described in <a href=\"manifest.json\">manifest.json</a>. ")
                .append("Every number above was measured in this run; ")
                .append("published numbers come from <code>results/published/*.csv</code>.</footer>\n");
        // Marks plots the browser could not decode, for readers and for the headless-browser test.
        h.append("<script>window.addEventListener('load',function(){var ok=0,bad=0;")
                .append("document.querySelectorAll('img.plot').forEach(function(i){if(i.complete&&i.naturalWidth>0){ok++;}else{bad++;")
                .append("i.insertAdjacentHTML('afterend','<p class=\"plot-error\">this plot failed to render</p>');}});")
                .append("document.body.setAttribute('data-plots-ok',ok);document.body.setAttribute('data-plots-broken',bad);")
                // whether the findings start on the first screen (the headless-browser test reads it)
                .append("var f=document.getElementById('findings');")
                .append("document.body.setAttribute('data-findings-first-screen',String(!!f&&f.getBoundingClientRect().top<window.innerHeight));});</script>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, List<Scorecard.Entry> card, RunData run) {
        h.append("<section id=\"summary\"><h2>Summary: published claims and ours</h2>\n<p><b>")
                .append(esc(Scorecard.summary(card))).append(".</b> Only a <i>measurement</i> can be <i>reproduced</i> (ours in the row's band, on hardware the claim does not ")
                .append("depend on, or the paper's); measured on other hardware it is <i>consistent (other hardware)</i> or <i>differs (hardware)</i>; ")
                .append("<i>(quick scale)</i>: below the paper's budget. A <i>definition</i>, a by-construction <i>identity</i> or ")
                .append("<i>arithmetic</i> on published data is a check (<i>check passed</i> / <i>check failed</i>), counted apart. ")
                .append("<i>not run</i>: with the reason. All rows are in <code>scorecard.csv</code>.</p>\n");
        List<Scorecard.Entry> ran = card.stream().filter(e -> e.verdict() != Scorecard.Verdict.NOT_RUN).toList();
        List<Scorecard.Entry> notRun = card.stream().filter(e -> e.verdict() == Scorecard.Verdict.NOT_RUN).toList();
        if (ran.isEmpty()) h.append("<p>No published number was measured in this run.</p>\n");
        else {
            h.append("<div class=\"scroll-x\"><table class=\"score\"><thead><tr><th>experiment</th><th>claim</th><th>published</th><th>ours</th>")
                    .append("<th>unit</th><th>band</th><th>hardware: paper → ours</th><th>verdict</th><th>reason</th></tr></thead><tbody>\n");
            for (Scorecard.Entry e : ran) {
                Published.Row r = e.row();
                h.append("<tr class=\"v-").append(e.verdict().name().toLowerCase(Locale.ROOT)).append("\"><td>").append(esc(r.experiment()))
                        .append("</td><td>").append(claim(r)).append(" <small>(").append(esc(r.claim().id)).append(")</small></td><td class=\"n\">").append(esc(published(r)))
                        .append("</td><td class=\"n\">").append(esc(e.oursText())).append(e.modelled() ? " <small>(" + esc(e.hardware()) + ")</small>" : "")
                        .append(repeats(run, r)).append("</td><td>").append(esc(r.unit())).append("</td><td>").append(esc(r.band())).append("</td><td>")
                        .append(esc(r.hardware())).append(" → ").append(esc(e.hardware()))
                        .append("</td><td class=\"verdict\">").append(esc(e.label())).append("</td><td>").append(esc(e.reason()))
                        .append("</td></tr>\n");
            }
            h.append("</tbody></table></div>\n");
        }
        if (!notRun.isEmpty()) {
            h.append("<details class=\"notrun\"><summary>").append(notRun.size()).append(" published numbers not run here, with the reason</summary>\n")
                    .append("<div class=\"scroll-x\"><table class=\"score\"><thead><tr><th>experiment</th><th>claim</th><th>published</th>")
                    .append("<th>unit</th><th>hardware (paper)</th><th>verdict</th><th>reason</th></tr></thead><tbody>\n");
            for (Scorecard.Entry e : notRun) {
                Published.Row r = e.row();
                h.append("<tr class=\"v-not_run\"><td>").append(esc(r.experiment())).append("</td><td>").append(claim(r))
                        .append("</td><td class=\"n\">").append(esc(published(r))).append("</td><td>").append(esc(r.unit()))
                        .append("</td><td>").append(esc(r.hardware())).append("</td><td class=\"verdict\">not run</td><td>")
                        .append(esc(e.reason())).append("</td></tr>\n");
            }
            h.append("</tbody></table></div></details>\n");
        }
        h.append("</section>\n");
    }

    /** Scored rows shown per finding; the rest are in the scorecard below. */
    static final int FINDING_ROWS = 6;

    /**
     * Each experiment's answer first: a verdict line (its published numbers by verdict), its key figure (the first
     * plot; the others stay in its section) and its scored numbers beside the paper's.
     */
    private static void findings(StringBuilder h, RunData run, List<Scorecard.Entry> card, List<String> errors, int[] plots) {
        if (run.experiments().isEmpty()) return;
        List<?> failed = run.manifest().get("failed_experiments") instanceof List<?> l ? l : List.of();
        h.append("<section id=\"findings\"><h2>Findings</h2>\n<div class=\"findings\">\n");
        for (RunData.ExperimentData e : run.experiments()) {
            List<Scorecard.Entry> mine = card.stream().filter(c -> c.row().experiment().equals(e.id())).toList();
            List<Scorecard.Entry> scored = mine.stream().filter(c -> c.verdict() != Scorecard.Verdict.NOT_RUN).toList();
            h.append("<article class=\"finding\" id=\"finding-").append(esc(e.id())).append("\"><h3><a href=\"#exp-").append(esc(e.id())).append("\">")
                    .append(esc(e.id())).append("</a> <small>— ").append(esc(e.paper())).append(" · scale ").append(esc(str(e.info().get("scale"))))
                    .append("</small></h3>\n<p class=\"verdict-line\">");
            if (failed.contains(e.id())) h.append("<b class=\"dirty\">failed</b> — its section says why. ");
            h.append(esc(verdictLine(mine))).append("</p>\n");
            if (!e.plots().isEmpty()) {
                PlotSpec p = e.plots().get(0);
                try {
                    Table t = e.table(p.table());
                    List<Plots.Point> pub = publishedOnFigure(e.id(), p, card);
                    PlotSpec shown = p.logY() || !spansDecades(t, p) ? p : new PlotSpec(p.id(), p.title() + " (log scale)", p.table(), p.x(), p.y(),
                            p.series(), p.filter(), p.xLabel(), p.yLabel(), true, p.style(), p.refY());
                    h.append(figure(e.id(), shown, Plots.png(shown, t, 2, pub), "from <code>" + esc(p.table()) + ".csv</code>" + diamondsCaption(pub)));
                    plots[0]++;
                } catch (IOException | RuntimeException ex) {
                    String msg = e.id() + " / " + p.id() + ": " + ex.getMessage();
                    errors.add(msg);
                    h.append("<div class=\"plot-error\">plot could not be drawn: ").append(esc(msg)).append("</div>\n");
                }
            }
            if (!scored.isEmpty()) {
                h.append("<table class=\"key\"><thead><tr><th>claim</th><th>paper</th><th>ours</th><th>verdict</th></tr></thead><tbody>\n");
                for (Scorecard.Entry c : scored.subList(0, Math.min(FINDING_ROWS, scored.size())))
                    h.append("<tr class=\"v-").append(c.verdict().name().toLowerCase(Locale.ROOT)).append("\"><td>").append(esc(c.row().quantity()))
                            .append("</td><td class=\"n\">").append(esc(published(c.row()))).append(" ").append(esc(c.row().unit()))
                            .append("</td><td class=\"n\">").append(esc(c.oursText())).append(" ").append(esc(c.row().unit()))
                            .append("</td><td class=\"verdict\">").append(esc(c.label())).append("</td></tr>\n");
                h.append("</tbody></table>\n");
                if (scored.size() > FINDING_ROWS)
                    h.append("<p class=\"meta\">").append(scored.size() - FINDING_ROWS).append(" more in the <a href=\"#summary\">scorecard</a>.</p>\n");
            }
            h.append("</article>\n");
        }
        h.append("</div></section>\n");
    }

    /**
     * The published numbers that fall on a plot's axes: rows with a value whose metric is the plot's y column with the
     * plot's x column among its parameters ({@code speedup[…,g=8,rate=0.90,…]} on speedup vs rate), and whose other
     * parameters do not contradict the plot's filter; a break-even rate sits on the y = 1 line of a speedup plot.
     */
    static List<Plots.Point> publishedPoints(PlotSpec p, List<Scorecard.Entry> rows) {
        List<Plots.Point> out = new ArrayList<>();
        if (p.style() == PlotSpec.Style.BAR) return barPoints(p, rows, true);
        for (Scorecard.Entry c : rows) {
            Published.Row r = c.row();
            if (Double.isNaN(r.value())) continue;
            MetricName name = MetricName.tryParse(r.metric()).orElse(null);
            if (name == null || name.params().isEmpty()) continue;
            String base = name.base();
            Map<String, String> params = name.values();
            boolean contradicts = false;
            for (String f : p.filter()) {
                int eq = f.indexOf('=');
                String have = eq > 0 ? params.get(f.substring(0, eq)) : null;
                if (have != null && !sameValue(have, f.substring(eq + 1))) contradicts = true;
            }
            if (contradicts) continue;
            String series = p.series() == null || p.series().isBlank() ? null : params.get(p.series());
            String label = "paper" + (series == null ? "" : " " + p.series() + "=" + series);
            // a pruning rate on a rate axis: "pruned=0.92" is rate 0.92, the "dense" flag rate 0
            String x = params.containsKey(p.x()) ? params.get(p.x()) : p.x().equals("rate") && params.containsKey("pruned") ? params.get("pruned")
                    : p.x().equals("rate") && name.has("dense") ? "0" : null;
            try {
                if (base.equals(p.y()) && x != null)
                    out.add(new Plots.Point(Double.parseDouble(x), r.value(), label));
                else if (base.equals("break_even_rate") && p.y().equals("speedup") && p.x().equals("rate"))
                    out.add(new Plots.Point(r.value(), 1.0, label + " break-even"));
            } catch (NumberFormatException ex) {
                // a parameter that is not a number (a category) does not sit on a numeric axis
            }
        }
        return out;
    }

    /**
     * The published numbers on a figure of {@code experiment}: its own rows ({@link #publishedPoints}), and on a bar plot
     * also other experiments' rows whose every parameter is the plot's x, its series or agrees with its filter (the
     * Scalpel means plot shows scalpel-mcu's published MCU means).
     */
    static List<Plots.Point> publishedOnFigure(String experiment, PlotSpec p, List<Scorecard.Entry> card) {
        List<Plots.Point> out = new ArrayList<>(publishedPoints(p, card.stream().filter(c -> c.row().experiment().equals(experiment)).toList()));
        if (p.style() == PlotSpec.Style.BAR)
            for (Plots.Point q : barPoints(p, card.stream().filter(c -> !c.row().experiment().equals(experiment)).toList(), false))
                if (!out.contains(q)) out.add(q);
        return out;
    }

    /**
     * Published numbers on a bar plot, at the category their x parameter names: {@code mean_speedup[method=M,platform=P]}
     * on a plot of mean_speedup by platform sits at P, labelled "paper method=M"; a mean of the plot's y
     * ({@code mean_speedup} on a speedup plot) sits at its category labelled "paper mean"; on a plot of time relative to
     * dense whose categories are {@code time <platform>…}, a mean speedup sits at 1 / speedup. {@code own}: the rows are
     * the plot's experiment's, and may carry parameters the plot does not show; others' may not.
     */
    private static List<Plots.Point> barPoints(PlotSpec p, List<Scorecard.Entry> rows, boolean own) {
        List<Plots.Point> out = new ArrayList<>();
        for (Scorecard.Entry c : rows) {
            Published.Row r = c.row();
            if (Double.isNaN(r.value()) || r.value() == 0) continue;
            MetricName name = MetricName.tryParse(r.metric()).orElse(null);
            if (name == null) continue;
            Map<String, String> params = name.values();
            // Fig. 1 of Scalpel's retrospective is Deep Compression's: its published mean speedups as time relative to dense
            boolean relativeTime = p.y().equals("relative") && p.x().equals("quantity") && name.base().equals("mean_speedup") && params.containsKey("platform")
                    && "deepcompression".equals(params.get("method"));
            String xKey = relativeTime ? "platform" : p.x();
            if (!params.containsKey(xKey) || !(name.base().equals(p.y()) || name.base().equals("mean_" + p.y()) || relativeTime)) continue;
            boolean fits = true;
            for (MetricName.Param q : name.params()) {
                String want = filterValue(p, q.key());
                if (want != null ? q.value() == null || !sameValue(q.value(), want)
                        : !own && !q.key().equals(xKey) && !q.key().equals(p.series()) && !(relativeTime && q.key().equals("method"))) fits = false;
            }
            if (!fits) continue;
            String series = p.series() == null || p.series().isBlank() ? null : params.get(p.series());
            String label = relativeTime ? "paper " + params.getOrDefault("method", "") + " mean (1 / speedup)"
                    : "paper" + (name.base().equals(p.y()) ? "" : " mean") + (series == null ? "" : " " + p.series() + "=" + series);
            out.add(new Plots.Point(Double.NaN, relativeTime ? 1 / r.value() : r.value(), label, (relativeTime ? "time " : "") + params.get(xKey)));
        }
        return out;
    }

    /**
     * The word for a metric that is not measured: what its experiment recorded ({@code emulated} for QEMU's counts,
     * {@code modelled} for a model of the hardware), else "modelled".
     */
    static String provenanceWord(RunData.ExperimentData e, String metric) {
        return e.info().get("metric_provenance") instanceof Map<?, ?> m && m.get(metric) instanceof String w ? w : "modelled";
    }

    /**
     * The command that redraws this page: {@code scripts/prunebench report <results folder>/<run folder>}, the run's
     * own folder (a {@code latest} link resolved), named from the folder that holds the results folder.
     */
    static String regenerateCommand(Path runDir) {
        Path real = realPath(runDir);
        Path parent = real.getParent();
        return "scripts/prunebench report " + (parent == null || parent.getFileName() == null ? "" : parent.getFileName() + "/") + real.getFileName();
    }

    /** The results folder {@link #regenerateCommand} names, or null when the run folder has none above it. */
    static Path regenerateFolder(Path runDir) {
        Path parent = realPath(runDir).getParent();
        return parent == null || parent.getFileName() == null ? null : parent;
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static String diamondsCaption(List<Plots.Point> pub) {
        return pub.isEmpty() ? "" : "; ◆ the paper's numbers (" + pub.size() + ")";
    }

    /** The value a plot's filter asks of a key ({@code platform=gpu}), or null when it asks none. */
    private static String filterValue(PlotSpec p, String key) {
        for (String f : p.filter()) if (f.startsWith(key + "=")) return f.substring(key.length() + 1);
        return null;
    }

    private static boolean sameValue(String a, String b) {
        if (a.equals(b)) return true;
        try {
            return Double.parseDouble(a) == Double.parseDouble(b);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** True when the plotted y values are all positive and span at least a factor of 10 (then a log axis reads better). */
    static boolean spansDecades(Table t, PlotSpec p) {
        if (!t.columnNames().contains(p.y()) || !(t.column(p.y()) instanceof tech.tablesaw.api.NumericColumn<?> y)) return false;
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (int i = 0; i < t.rowCount(); i++) {
            double v = y.getDouble(i);
            if (Double.isNaN(v)) continue;
            if (v <= 0) return false;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return hi > 0 && hi / lo >= 10;
    }

    /** e.g. "5 published numbers: consistent (other hardware) 2, differs (hardware) 3 (5 measured at quick scale, …)". */
    static String verdictLine(List<Scorecard.Entry> mine) {
        if (mine.isEmpty()) return "No published number to compare with.";
        Map<String, Long> by = new java.util.LinkedHashMap<>();
        for (Scorecard.Verdict v : Scorecard.Verdict.values()) {
            long n = mine.stream().filter(c -> c.verdict() == v).count();
            if (n > 0) by.put(v.label, n);
        }
        long quick = mine.stream().filter(Scorecard.Entry::quickScale).count();
        List<String> parts = new ArrayList<>();
        by.forEach((k, n) -> parts.add(k + " " + n));
        return mine.size() + " published number" + (mine.size() == 1 ? "" : "s") + ": " + String.join(", ", parts)
                + (quick > 0 ? " (" + quick + " measured at quick scale, below the paper's budget)" : "") + ".";
    }

    /** The paper's number, or its band when it gave none (a one-sided claim, a range). */
    private static String published(Published.Row r) {
        return Double.isNaN(r.value()) ? r.band() : Plots.fmt(r.value());
    }

    /** One line per experiment: what ran, for how long, how much it measured and what it skipped. */
    private static void overview(StringBuilder h, RunData run) {
        if (run.experiments().isEmpty()) return;
        List<?> failed = run.manifest().get("failed_experiments") instanceof List<?> l ? l : List.of();
        h.append("<section id=\"overview\"><h3>Experiments in this run</h3><table><thead><tr><th>experiment</th><th>reproduces</th>")
                .append("<th>scale</th><th>time</th><th>metrics</th><th>plots</th><th>skipped</th><th>status</th></tr></thead><tbody>\n");
        for (RunData.ExperimentData e : run.experiments()) {
            String time = "—";
            try {
                time = String.format(Locale.ROOT, "%.1f s", java.time.Duration.between(java.time.Instant.parse(str(e.info().get("started"))),
                        java.time.Instant.parse(str(e.info().get("finished")))).toMillis() / 1000.0);
            } catch (RuntimeException ex) {
                // a hand-written experiment.json without times: leave the cell empty
            }
            h.append("<tr><td><a href=\"#exp-").append(esc(e.id())).append("\">").append(esc(e.id())).append("</a></td><td>")
                    .append(esc(e.paper())).append("</td><td>").append(esc(str(e.info().get("scale")))).append("</td><td class=\"n\">")
                    .append(time).append("</td><td class=\"n\">").append(e.metrics().size()).append("</td><td class=\"n\">")
                    .append(e.plots().size()).append("</td><td class=\"n\">").append(e.skipped().size()).append("</td><td>")
                    .append(failed.contains(e.id()) ? "<b class=\"dirty\">failed</b>" : "finished").append("</td></tr>\n");
        }
        h.append("</tbody></table></section>\n");
    }

    /** For a timing: how many repeats and their range, so a reader sees the spread behind the median. */
    private static String repeats(RunData run, Published.Row r) {
        RunData.ExperimentData e = run.experiment(r.experiment());
        Metric m = e == null ? null : e.metric(r.metric());
        if (m == null || m.samples().length < 2) return "";
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double d : m.samples()) { lo = Math.min(lo, d); hi = Math.max(hi, d); }
        return "<br><small>median of " + m.samples().length + ", range " + esc(Scorecard.num(lo)) + " … " + esc(Scorecard.num(hi))
                + (m.unit().equals(r.unit()) ? "" : " " + esc(m.unit())) + "</small>";
    }

    private static String claim(Published.Row r) {
        return esc(r.quantity()) + "<br><code>" + esc(r.metric()) + "</code><br><small>" + esc(r.source())
                + (r.note().isBlank() ? "" : "; " + esc(r.note())) + "</small>";
    }

    private static void experiment(StringBuilder h, RunData.ExperimentData e, List<Scorecard.Entry> card, List<String> errors, int[] plots) {
        h.append("<section class=\"experiment\" id=\"exp-").append(esc(e.id())).append("\"><h2>").append(esc(e.id()))
                .append(" <small>— ").append(esc(e.paper())).append("</small></h2>\n<p class=\"meta\">scale ")
                .append(esc(str(e.info().get("scale")))).append(" · seed ").append(esc(str(e.info().get("seed"))))
                .append(" · ").append(esc(str(e.info().get("started")))).append(" → ").append(esc(str(e.info().get("finished")))).append("</p>\n");
        for (String n : e.notes()) h.append("<p class=\"note\">").append(esc(n)).append("</p>\n");
        if (!e.skipped().isEmpty()) {
            h.append("<div class=\"skipped\"><b>Skipped:</b><ul>");
            for (Map<String, String> s : e.skipped())
                h.append("<li>").append(esc(s.get("what"))).append(": ").append(esc(s.get("reason"))).append("</li>");
            h.append("</ul></div>\n");
        }
        if (!e.plots().isEmpty()) h.append("<p class=\"meta\">Key figure: <a href=\"#finding-").append(esc(e.id())).append("\">in the findings</a>.</p>\n");
        if (e.plots().size() > 1) {
            h.append("<div class=\"plots\">\n");
            for (PlotSpec p : e.plots().subList(1, e.plots().size())) {
                try {
                    Table t = e.table(p.table());
                    List<Plots.Point> pub = publishedOnFigure(e.id(), p, card);
                    h.append(figure(e.id(), p, Plots.png(p, t, 2, pub), "from <code>" + esc(p.table()) + ".csv</code>" + diamondsCaption(pub)));
                    plots[0]++;
                } catch (IOException | RuntimeException ex) {
                    String msg = e.id() + " / " + p.id() + ": " + ex.getMessage();
                    errors.add(msg);
                    h.append("<div class=\"plot-error\">plot could not be drawn: ").append(esc(msg)).append("</div>\n");
                }
            }
            h.append("</div>\n");
        }
        if (!e.metrics().isEmpty()) {
            h.append("<details class=\"metrics\"><summary>All ").append(e.metrics().size()).append(" metrics</summary>\n<table><thead><tr><th>metric</th><th>kind</th><th>value</th><th>unit</th><th>repeats</th><th>range of repeats</th></tr></thead><tbody>\n");
            for (Metric m : e.metrics()) {
                double[] s = m.samples();
                String range = "";
                if (s.length > 0) {
                    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                    for (double d : s) { lo = Math.min(lo, d); hi = Math.max(hi, d); }
                    range = Scorecard.num(lo) + " … " + Scorecard.num(hi);
                }
                h.append("<tr><td><code>").append(esc(m.name())).append("</code>").append(m.modelled() ? " <small>(" + provenanceWord(e, m.name()) + ")</small>" : "")
                        .append("</td><td>").append(m.kind().name().toLowerCase(Locale.ROOT)).append("</td><td class=\"n\">")
                        .append(esc(Scorecard.num(m.value()))).append("</td><td>").append(esc(m.unit())).append("</td><td class=\"n\">")
                        .append(s.length).append("</td><td>").append(esc(range)).append("</td></tr>\n");
            }
            h.append("</tbody></table></details>\n");
        }
        try {
            for (String name : e.tables()) {
                Table t = e.table(name);
                h.append("<details class=\"table\"><summary>Table <code>").append(esc(name)).append("</code> <small><a href=\"").append(esc(e.id())).append("/")
                        .append(esc(name)).append(".csv\">").append(esc(name)).append(".csv</a>, ").append(t.rowCount()).append(" rows")
                        .append(t.rowCount() > MAX_TABLE_ROWS ? ", first " + MAX_TABLE_ROWS + " shown" : "").append("</small></summary>\n");
                h.append("<div class=\"scroll\"><table><thead><tr>");
                for (String c : t.columnNames()) h.append("<th>").append(esc(c)).append("</th>");
                h.append("</tr></thead><tbody>\n");
                for (int r = 0; r < Math.min(MAX_TABLE_ROWS, t.rowCount()); r++) {
                    h.append("<tr>");
                    for (int c = 0; c < t.columnCount(); c++) h.append("<td>").append(esc(t.column(c).getString(r))).append("</td>");
                    h.append("</tr>\n");
                }
                h.append("</tbody></table></div></details>\n");
            }
        } catch (IOException | RuntimeException ex) {
            h.append("<div class=\"plot-error\">table could not be read: ").append(esc(ex.getMessage())).append("</div>\n");
        }
        if (!e.parameters().isEmpty()) {
            h.append("<details><summary>Parameters (").append(e.parameters().size()).append(")</summary><table><tbody>\n");
            for (Map.Entry<String, Object> p : e.parameters().entrySet())
                h.append("<tr><th>").append(esc(p.getKey())).append("</th><td>").append(esc(str(p.getValue()))).append("</td></tr>\n");
            h.append("</tbody></table></details>\n");
        }
        h.append("</section>\n");
    }

    /** Plots joining two experiments' metrics ({@link CrossPlots}), when both ran. */
    private static void across(StringBuilder h, RunData run, List<String> errors, int[] plots) {
        List<String> figures = new ArrayList<>();
        for (CrossPlots.Join j : CrossPlots.ALL) {
            try {
                Map.Entry<PlotSpec, Table> built = CrossPlots.build(run, j);
                if (built == null) continue;
                figures.add(figure("across", built.getKey(), Plots.png(built.getKey(), built.getValue(), 2),
                        "joined from the metrics of " + esc(j.x().experiment()) + " and " + esc(j.y().experiment())));
                plots[0]++;
            } catch (IOException | RuntimeException ex) {
                errors.add("across / " + j.id() + ": " + ex.getMessage());
                figures.add("<div class=\"plot-error\">plot could not be drawn: " + esc(j.id() + ": " + ex.getMessage()) + "</div>\n");
            }
        }
        if (figures.isEmpty()) return;
        h.append("<section id=\"across\"><h2>Across experiments</h2>\n<div class=\"plots\">\n");
        figures.forEach(h::append);
        h.append("</div></section>\n");
    }

    static String figure(String exp, PlotSpec p, byte[] png, String source) {
        return "<figure><img class=\"plot\" id=\"plot-" + esc(exp) + "-" + esc(p.id()) + "\" width=\"" + Plots.WIDTH + "\" height=\""
                + Plots.HEIGHT + "\" alt=\"" + esc(p.title()) + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png)
                + "\"><figcaption>" + esc(p.title()) + " — " + source + "</figcaption></figure>\n";
    }

    /** The manifest's "the machine was busy" warning ({@code environment.load.warning}), or null. */
    public static String busyWarning(RunData run) {
        return run.environment().get("load") instanceof Map<?, ?> load && load.get("warning") != null ? String.valueOf(load.get("warning")) : null;
    }

    private static void environment(StringBuilder h, RunData run) {
        h.append("<section id=\"environment\"><h2>Environment</h2>\n<table><tbody>\n");
        Map<String, Object> env = run.environment().asMap();
        if (env.isEmpty()) h.append("<tr><td>not recorded in manifest.json</td></tr>\n");
        for (Map.Entry<String, Object> p : env.entrySet()) {
            String v = str(p.getValue());
            h.append("<tr><th>").append(esc(p.getKey())).append("</th><td>");
            if (v.length() > 200) h.append("<details><summary>").append(esc(v.substring(0, 80))).append(" …</summary>").append(esc(v)).append("</details>");
            else h.append(esc(v));
            h.append("</td></tr>\n");
        }
        h.append("</tbody></table></section>\n");
    }

    private static String dirty(RunData run) {
        Object d = run.environment().asMap().getOrDefault("git_dirty", run.manifest().get("git_dirty"));
        return "true".equals(String.valueOf(d)) ? " <b class=\"dirty\">(uncommitted changes)</b>" : "";
    }

    private static String str(Object o) { return o == null ? "—" : String.valueOf(o); }

    /** HTML-escapes text for the self-contained pages (the report, the trends page); null is the empty string. */
    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    // System fonts only: the page must look right with no network.
    static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:1.5em auto;max-width:1250px;padding:0 1em;color:#1d1d1f;line-height:1.4}
            h1{font-size:1.5em;margin:0 0 .2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}h2 small{font-weight:normal;color:#555}
            .meta{color:#555;font-size:.9em}nav{font-size:.9em;margin:.5em 0 1em}code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.92em}
            table{border-collapse:collapse;margin:.5em 0;font-size:.85em}th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
            thead th{background:#f3f3f5;position:sticky;top:0}td.n{text-align:right;font-variant-numeric:tabular-nums}
            tr.v-reproduced td.verdict{background:#d9f2dc;color:#13531e;font-weight:bold}tr.v-differs td.verdict{background:#fde9c8;color:#7a4500;font-weight:bold}
            tr.v-not_run td.verdict{background:#eee;color:#555}tr.v-consistent_other_hardware td.verdict{background:#e6efe0;color:#2d5019}
            tr.v-differs_hardware td.verdict{background:#fbf0dc;color:#6b4a10}tr.v-check_passed td.verdict{background:#e4ecf7;color:#1d3d66}
            tr.v-check_failed td.verdict{background:#f8d7d7;color:#7a1010;font-weight:bold}.plots{display:flex;flex-wrap:wrap;gap:1em}
            figure{margin:0;border:1px solid #e3e3e3;padding:.4em;background:#fff}figcaption{font-size:.8em;color:#555}
            img.plot{display:block;max-width:100%;height:auto}.plot-error{background:#fde2e2;color:#8a1010;padding:.5em;border:1px solid #e99}
            .skipped{background:#fff8e1;border-left:4px solid #e0b000;padding:.3em .8em;margin:.5em 0}.note{border-left:4px solid #9bb8e0;padding-left:.6em}
            .scroll{max-height:28em;overflow:auto}.scroll-x{overflow-x:auto}table.score td:nth-child(2){min-width:14em;max-width:28em}table.score code{word-break:break-all}table.score td:last-child{min-width:14em}table.score td:nth-child(4){min-width:7em}
            .findings{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:1em}.finding{border:1px solid #ddd;padding:.6em .8em;background:#fafafa}
            .finding h3{margin:.1em 0 .3em}.verdict-line{font-weight:bold}table.key td.verdict{white-space:nowrap}details.metrics,details.table{margin:.6em 0}
            details.metrics>summary,details.table>summary{cursor:pointer;font-weight:bold}
            details.notrun{margin:.8em 0}details.notrun>summary{cursor:pointer;font-weight:bold}.dirty{color:#a40000}footer{margin-top:3em;color:#666;font-size:.85em}
            """;
}
