package dev.prunebench.results;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Draws a {@link PlotSpec} from its table as an SVG (XChart's vector encoder), so the report embeds plots that need
 * nothing from the network and stay sharp when zoomed.
 *
 * <p>Conventions read from the table: a boolean-ish column {@code modelled} marks rows that are not measured on the
 * hardware; a series of such rows is labelled with the word of its {@code provenance} column — "(emulated)" for counts
 * under an emulator (QEMU), "(modelled)" for a model of the hardware (the GPU model), never one for the other — or
 * "(modelled)" without one, and so is the title when every plotted row is.
 */
public final class Plots {

    public static final int WIDTH = 760;
    public static final int HEIGHT = 440;

    private Plots() {}

    /** The SVG document for one plot (without XML prolog or DOCTYPE). */
    public static String svg(PlotSpec spec, Table table) throws IOException {
        Chart<?, ?> chart = chart(spec, table);
        fitTitle(chart);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        String s = out.toString(StandardCharsets.UTF_8);
        // The encoder writes a DOCTYPE naming the W3C DTD by URL; a self-contained page carries no such reference.
        int start = s.indexOf("<svg");
        if (start < 0) throw new IOException("plot " + spec.id() + ": the SVG encoder produced no <svg> element");
        return s.substring(start);
    }

    /**
     * The plot as a PNG drawn at {@code scale} times its CSS size (2 gives sharp lines on high-density screens).
     * XChart draws every glyph as an outline, which makes its SVGs ten times larger than this.
     */
    public static byte[] png(PlotSpec spec, Table table, int scale) throws IOException {
        return png(spec, table, scale, List.of());
    }

    /**
     * A published number drawn on a plot's axes (x in the plot's x column, y in its y column); on a bar plot, at the
     * bars whose category is {@code category} or starts with it and a space ({@code cpu} sits on {@code cpu b1} and
     * {@code cpu b64}), x unused.
     */
    public record Point(double x, double y, String label, String category) {
        public Point(double x, double y, String label) { this(x, y, label, null); }

        /** Whether a bar plot's category is this point's. */
        boolean on(String c) { return category != null && (c.equals(category) || c.startsWith(category + " ")); }
    }

    /** As {@link #png(PlotSpec, Table, int)}, with published points drawn as diamonds (on bar plots: at their categories). */
    public static byte[] png(PlotSpec spec, Table table, int scale, List<Point> published) throws IOException {
        if (scale < 1 || scale > 4) throw new IllegalArgumentException("plot scale: must be 1..4, got " + scale);
        Chart<?, ?> chart = chart(spec, table);
        if (chart instanceof CategoryChart cc && !published.isEmpty()) diamonds(cc, published);
        fitTitle(chart);
        if (chart instanceof XYChart xy && !published.isEmpty()) {
            Map<String, List<Point>> byLabel = new LinkedHashMap<>();
            for (Point p : published) byLabel.computeIfAbsent(p.label(), k -> new ArrayList<>()).add(p);
            int i = 0;
            for (Map.Entry<String, List<Point>> e : byLabel.entrySet()) {
                double[] x = e.getValue().stream().mapToDouble(Point::x).toArray(), y = e.getValue().stream().mapToDouble(Point::y).toArray();
                XYSeries ps = xy.addSeries(e.getKey(), x, y);
                ps.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                ps.setMarker(SeriesMarkers.DIAMOND);
                ps.setMarkerColor(SHADES[i++ % SHADES.length]);
            }
        }
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(WIDTH * scale, HEIGHT * scale, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        try {
            g.scale(scale, scale);
            g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            chart.paint(g, WIDTH, HEIGHT);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!javax.imageio.ImageIO.write(img, "png", out)) throw new IOException("plot " + spec.id() + ": no PNG writer in this JVM");
        return out.toByteArray();
    }

    /**
     * Shrinks the title's font until the title fits: XChart centres it over the plot area (left of an outside legend) and
     * cuts what runs past the image's left edge. The room is the image's width less the legend's (its longest entry in
     * the legend font, and the marker and padding).
     */
    static void fitTitle(Chart<?, ?> chart) {
        Styler st = chart.getStyler();
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        try {
            int legend = 0;
            if (st.isLegendVisible())
                for (String name : chart.getSeriesMap().keySet()) legend = Math.max(legend, g.getFontMetrics(st.getLegendFont()).stringWidth(name) + 60);
            int room = WIDTH - legend - 24;
            java.awt.Font f = st.getChartTitleFont();
            while (f.getSize2D() > 9 && g.getFontMetrics(f).stringWidth(chart.getTitle()) > room) f = f.deriveFont(f.getSize2D() - 0.5f);
            st.setChartTitleFont(f);
        } finally {
            g.dispose();
        }
    }

    /** The colours of published points, one per label: black, then dark red, green and blue. */
    private static final java.awt.Color[] SHADES = {java.awt.Color.BLACK, new java.awt.Color(0x80, 0x20, 0x20), new java.awt.Color(0x20, 0x50, 0x20),
            new java.awt.Color(0x30, 0x30, 0x80)};

    /** Published points on a bar plot: one scatter series of diamonds per label, at the categories each point sits on. */
    private static void diamonds(CategoryChart c, List<Point> published) {
        if (c.getSeriesMap().isEmpty()) return;
        List<String> cats = c.getSeriesMap().values().iterator().next().getXData().stream().map(String::valueOf).toList();
        Map<String, List<Point>> byLabel = new LinkedHashMap<>();
        for (Point p : published) if (p.category() != null) byLabel.computeIfAbsent(p.label(), k -> new ArrayList<>()).add(p);
        int i = 0;
        for (Map.Entry<String, List<Point>> e : byLabel.entrySet()) {
            List<Double> y = new ArrayList<>();
            for (String k : cats) y.add(e.getValue().stream().filter(p -> p.on(k)).map(Point::y).findFirst().orElse(null));
            if (y.stream().allMatch(java.util.Objects::isNull)) continue;
            org.knowm.xchart.CategorySeries ps = c.addSeries(e.getKey(), cats, y);
            ps.setChartCategorySeriesRenderStyle(org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Scatter);
            ps.setMarker(SeriesMarkers.DIAMOND);
            ps.setMarkerColor(SHADES[i++ % SHADES.length]);
        }
        c.getStyler().setLegendVisible(true);
    }

    /** Points of one series, in table order. */
    record Series(String name, List<Double> x, List<Double> y, List<Double> err, List<double[]> yInterval, List<double[]> xInterval, List<String> categories, boolean modelled) {}

    /**
     * The interval columns of {@code y} in {@code table}, low then high, or null when it has none. The rule, first match
     * wins: {@code <y>_ci_low}/{@code <y>_ci_high}; {@code <y>_low}/{@code <y>_high}; the two columns right after
     * {@code y} when they are named {@code ci_low*}/{@code ci_high*} (e.g. {@code median_ms,ci_low,ci_high});
     * {@code <p>_low}/{@code <p>_high} where {@code y} is {@code <p>_<rest>} (e.g. {@code measured_speedup} with
     * {@code measured_low}). Both columns must be numeric.
     */
    static String[] intervalColumns(Table table, String y) {
        List<String> names = table.columnNames();
        List<String[]> candidates = new ArrayList<>();
        candidates.add(new String[] {y + "_ci_low", y + "_ci_high"});
        candidates.add(new String[] {y + "_low", y + "_high"});
        int i = names.indexOf(y);
        if (i >= 0 && i + 2 < names.size() && names.get(i + 1).startsWith("ci_low") && names.get(i + 2).startsWith("ci_high"))
            candidates.add(new String[] {names.get(i + 1), names.get(i + 2)});
        int us = y.indexOf('_');
        if (us > 0) candidates.add(new String[] {y.substring(0, us) + "_low", y.substring(0, us) + "_high"});
        for (String[] c : candidates)
            if (names.contains(c[0]) && names.contains(c[1]) && table.column(c[0]) instanceof NumericColumn<?>
                    && table.column(c[1]) instanceof NumericColumn<?>) return c;
        return null;
    }

    /**
     * Half-width of the error bar drawn for a value: XChart draws symmetric bars, so the wider side of the interval
     * (never narrower than the interval); 0 when the row has no interval.
     */
    static double halfWidth(double y, double lo, double hi) {
        double e = 0;
        if (!Double.isNaN(lo)) e = Math.max(e, y - lo);
        if (!Double.isNaN(hi)) e = Math.max(e, hi - y);
        return Double.isFinite(e) ? e : 0;
    }

    /** Builds the XChart chart; throws IllegalArgumentException naming the plot, table and column when data is unusable. */
    static Chart<?, ?> chart(PlotSpec spec, Table table) {
        String where = "plot " + spec.id() + " (table " + spec.table() + ")";
        Column<?> xc = column(table, spec.x(), where, "x");
        Column<?> yc = column(table, spec.y(), where, "y");
        if (!(yc instanceof NumericColumn<?>))
            throw new IllegalArgumentException(where + ": y column '" + spec.y() + "' is not numeric (" + yc.type().name() + ")");
        Column<?> sc = spec.series() == null || spec.series().isBlank() ? null : column(table, spec.series(), where, "series");
        Column<?> mc = table.columnNames().contains("modelled") ? table.column("modelled") : null;
        Column<?> pc = table.columnNames().contains("provenance") ? table.column("provenance") : null;
        String[] ci = intervalColumns(table, spec.y());
        NumericColumn<?> loc = ci == null ? null : (NumericColumn<?>) table.column(ci[0]);
        NumericColumn<?> hic = ci == null ? null : (NumericColumn<?>) table.column(ci[1]);
        // An x column's interval (e.g. a speedup on the x axis) is drawn as a horizontal whisker on XY plots.
        String[] xci = spec.style() == PlotSpec.Style.BAR ? null : intervalColumns(table, spec.x());
        List<String[]> conds = new ArrayList<>();
        for (String f : spec.filter()) {
            int eq = f.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException(where + ": filter '" + f + "' is not column=value");
            column(table, f.substring(0, eq), where, "filter");
            conds.add(new String[] {f.substring(0, eq), f.substring(eq + 1)});
        }
        boolean bar = spec.style() == PlotSpec.Style.BAR;
        if (!bar && !(xc instanceof NumericColumn<?>))
            throw new IllegalArgumentException(where + ": x column '" + spec.x() + "' is not numeric (" + xc.type().name()
                    + "); use style BAR for categories");

        Map<String, Series> series = new LinkedHashMap<>();
        int points = 0;
        boolean allModelled = true;
        java.util.Set<String> words = new java.util.TreeSet<>();
        for (int r = 0; r < table.rowCount(); r++) {
            if (!matches(table, r, conds)) continue;
            double y = ((NumericColumn<?>) yc).getDouble(r);
            if (Double.isNaN(y)) continue;
            String key = sc == null ? spec.y() : spec.series() + "=" + sc.getString(r);
            boolean modelled = mc != null && isTrue(mc.getString(r));
            allModelled &= modelled;
            if (modelled) {
                String word = pc != null && List.of("emulated", "modelled").contains(pc.getString(r)) ? pc.getString(r) : "modelled";
                words.add(word);
                key = key + " (" + word + ")";
            }
            Series s = series.computeIfAbsent(key, k -> new Series(k, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), modelled));
            if (bar) s.categories().add(xc.getString(r));
            else {
                double x = ((NumericColumn<?>) xc).getDouble(r);
                if (Double.isNaN(x)) continue;
                s.x().add(x);
                if (xci != null) s.xInterval().add(new double[] {((NumericColumn<?>) table.column(xci[0])).getDouble(r),
                        ((NumericColumn<?>) table.column(xci[1])).getDouble(r)});
            }
            s.y().add(y);
            if (ci != null) {
                s.err().add(halfWidth(y, loc.getDouble(r), hic.getDouble(r)));
                s.yInterval().add(new double[] {loc.getDouble(r), hic.getDouble(r)});
            }
            points++;
        }
        if (points == 0) throw new IllegalArgumentException(where + ": no rows to plot" + (conds.isEmpty() ? "" : " after filter " + spec.filter()));
        String title = spec.title() + (allModelled && mc != null && !spec.title().toLowerCase(java.util.Locale.ROOT).contains(String.join("/", words)) ? " (" + String.join("/", words) + ")" : "");
        Chart<?, ?> chart = bar ? barChart(spec, title, series, ci != null) : xyChart(spec, title, series, ci != null);
        if (ci != null && bar && !spec.logY()) {
            // A symmetric bar drawn to the wider side of a skewed interval can reach below zero where no value can (a
            // speedup, a time): when no value or interval end is negative, the axis stops at zero.
            boolean nonNegative = true, belowZero = false;
            for (int r = 0; r < table.rowCount(); r++) {
                if (!matches(table, r, conds)) continue;
                double y = ((NumericColumn<?>) yc).getDouble(r), lo = loc.getDouble(r);
                if (y < 0 || lo < 0) nonNegative = false;
                if (y - halfWidth(y, lo, hic.getDouble(r)) < 0) belowZero = true;
            }
            if (nonNegative && belowZero) {
                if (chart instanceof XYChart xy) xy.getStyler().setYAxisMin(0.0);
                else if (chart instanceof CategoryChart cc) cc.getStyler().setYAxisMin(0.0);
            }
        }
        return chart;
    }

    private static XYChart xyChart(PlotSpec spec, String title, Map<String, Series> series, boolean intervals) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(label(spec.xLabel(), spec.x())).yAxisTitle(label(spec.yLabel(), spec.y())).build();
        style(c.getStyler(), series.size() + (Double.isNaN(spec.refY()) ? 0 : 1));
        c.getStyler().setYAxisLogarithmic(spec.logY());
        c.getStyler().setDefaultSeriesRenderStyle(spec.style() == PlotSpec.Style.SCATTER
                ? XYSeries.XYSeriesRenderStyle.Scatter : XYSeries.XYSeriesRenderStyle.Line);
        double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY;
        int k = -1;
        for (Series s : series.values()) {
            k++;
            int n = s.x().size();
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            if (spec.style() == PlotSpec.Style.LINE) java.util.Arrays.sort(order, (a, b) -> Double.compare(s.x().get(a), s.x().get(b)));
            double[] x = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = s.x().get(order[i]);
                y[i] = s.y().get(order[i]);
                xmin = Math.min(xmin, x[i]);
                xmax = Math.max(xmax, x[i]);
            }
            XYSeries xs = c.addSeries(s.name(), x, y);
            if (intervals || !s.xInterval().isEmpty()) {
                // Whisker series would take the next colours and markers of the theme's cycle: fix the point
                // series' own from its place among the point series, and give its whiskers the same colour.
                Styler st = c.getStyler();
                java.awt.Color color = st.getSeriesColors()[k % st.getSeriesColors().length];
                xs.setLineColor(color);
                xs.setMarkerColor(color);
                xs.setMarker(st.getSeriesMarkers()[k % st.getSeriesMarkers().length]);
                xs.setLineStyle(SeriesLines.SOLID);
            }
            if (s.modelled()) xs.setLineStyle(SeriesLines.DOT_DOT);
            if (intervals || !s.xInterval().isEmpty()) {
                java.awt.Color color = xs.getLineColor();
                // Whiskers are exact (a skewed interval stays skewed): one segment per point, out of the legend.
                for (int i = 0; intervals && i < n; i++) {
                    double[] yi = s.yInterval().get(i);
                    double yv = s.y().get(i), lo = Double.isNaN(yi[0]) ? yv : yi[0], hi = Double.isNaN(yi[1]) ? yv : yi[1];
                    if (spec.logY() && lo <= 0) lo = yv;
                    if (lo == hi) continue;
                    XYSeries whisker = c.addSeries(s.name() + " y-interval " + i, new double[] {s.x().get(i), s.x().get(i)}, new double[] {lo, hi});
                    whisker.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                    whisker.setMarker(SeriesMarkers.NONE);
                    whisker.setLineColor(color);
                    whisker.setLineStyle(SeriesLines.SOLID);
                    whisker.setShowInLegend(false);
                }
                int w = 0;
                for (int i = 0; i < s.xInterval().size(); i++) {
                    double[] xi = s.xInterval().get(i);
                    if (Double.isNaN(xi[0]) || Double.isNaN(xi[1])) continue;
                    XYSeries whisker = c.addSeries(s.name() + " x-interval " + w++, new double[] {xi[0], xi[1]}, new double[] {s.y().get(i), s.y().get(i)});
                    whisker.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                    whisker.setMarker(SeriesMarkers.NONE);
                    whisker.setLineColor(color);
                    whisker.setLineStyle(SeriesLines.SOLID);
                    whisker.setShowInLegend(false);
                    xmin = Math.min(xmin, xi[0]);
                    xmax = Math.max(xmax, xi[1]);
                }
            }
        }
        if (!Double.isNaN(spec.refY())) {
            XYSeries ref = c.addSeries("reference y = " + fmt(spec.refY()), new double[] {xmin, xmax}, new double[] {spec.refY(), spec.refY()});
            ref.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            ref.setMarker(SeriesMarkers.NONE);
            ref.setLineStyle(SeriesLines.DASH_DASH);
            ref.setLineColor(java.awt.Color.GRAY);
        }
        return c;
    }

    private static CategoryChart barChart(PlotSpec spec, String title, Map<String, Series> series, boolean intervals) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(label(spec.xLabel(), spec.x())).yAxisTitle(label(spec.yLabel(), spec.y())).build();
        style(c.getStyler(), series.size());
        c.getStyler().setYAxisLogarithmic(spec.logY());
        // Category charts need every series on the same categories: take the union, in first-seen order.
        List<String> cats = new ArrayList<>();
        for (Series s : series.values()) for (String k : s.categories()) if (!cats.contains(k)) cats.add(k);
        // Many categories (per-layer plots): turn the tick labels so they do not run into each other.
        int longest = cats.stream().mapToInt(String::length).max().orElse(0);
        if (cats.size() > 8 || cats.size() * Math.max(longest, 1) > 60) c.getStyler().setXAxisLabelRotation(60);
        // XChart 3.8 cannot put error bars on a series with gaps (its axis range reads a null bar). On a linear axis
        // that starts at zero a gap is filled with an empty bar (height 0, no interval), which draws nothing, so every
        // series keeps its error bars; on a log axis (no zero) or with negative values a gapped series has none.
        boolean fill = intervals && !spec.logY() && series.values().stream().allMatch(s -> s.y().stream().allMatch(v -> !(v < 0)));
        for (Series s : series.values()) {
            List<Double> y = new ArrayList<>(), e = new ArrayList<>();
            for (String k : cats) {
                int i = s.categories().indexOf(k);
                y.add(i >= 0 ? s.y().get(i) : fill ? 0.0 : null); // a gap: null, or an empty bar where error bars need one
                if (i >= 0 && intervals) e.add(logClamp(spec, s.y().get(i), s.err().get(i)));
                else if (fill) e.add(0.0);
            }
            if (intervals && e.size() == y.size()) c.addSeries(s.name(), cats, y, e);
            else c.addSeries(s.name(), cats, y);
        }
        return c;
    }

    /** On a log axis a bar reaching zero or below cannot be drawn: keep its lower end above zero. */
    private static double logClamp(PlotSpec spec, double y, double e) {
        return spec.logY() && e >= y ? Math.max(0, y * 0.99) : e;
    }

    private static void style(Styler st, int seriesCount) {
        st.setLegendVisible(seriesCount > 1);
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setChartBackgroundColor(java.awt.Color.WHITE);
        st.setPlotBackgroundColor(java.awt.Color.WHITE);
        st.setAntiAlias(true);
    }

    private static Column<?> column(Table t, String name, String where, String role) {
        if (name == null || !t.columnNames().contains(name))
            throw new IllegalArgumentException(where + ": " + role + " column '" + name + "' not in table (columns: " + t.columnNames() + ")");
        return t.column(name);
    }

    private static boolean matches(Table t, int r, List<String[]> conds) {
        for (String[] c : conds) {
            String v = t.column(c[0]).getString(r);
            if (v.equals(c[1])) continue;
            try {
                if (Double.parseDouble(v) == Double.parseDouble(c[1])) continue;
            } catch (NumberFormatException e) {
                // not both numbers: the string comparison above decided
            }
            return false;
        }
        return true;
    }

    private static boolean isTrue(String s) { return s.equalsIgnoreCase("true") || s.equals("1") || s.equalsIgnoreCase("yes"); }

    private static String label(String given, String column) { return given == null || given.isBlank() ? column : given; }

    static String fmt(double d) { return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d); }
}
