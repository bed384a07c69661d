package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class PlotsTest {

    static Table table() {
        return Table.create("t", IntColumn.create("g", 1, 1, 8, 8), DoubleColumn.create("rate", 0.9, 0.8, 0.8, 0.9),
                DoubleColumn.create("speedup", 0.4, 0.3, 0.9, 1.4), StringColumn.create("name", "a", "b", "c", "d"),
                BooleanColumn.create("modelled", false, false, true, true));
    }

    @Test void lineSeriesPerGroupWithReferenceAndModelledLabel() throws Exception {
        PlotSpec p = new PlotSpec("s", "Speedup", "t", "rate", "speedup", "g", List.of(), "rate", "speedup (x)", false, PlotSpec.Style.LINE, 1);
        var chart = (org.knowm.xchart.XYChart) Plots.chart(p, table());
        assertThat(chart.getSeriesMap().keySet()).containsExactly("g=1", "g=8 (modelled)", "reference y = 1");
        // points sorted by x for a line
        assertThat(chart.getSeriesMap().get("g=1").getXData()).containsExactly(0.8, 0.9);
        String svg = Plots.svg(p, table());
        assertThat(svg).startsWith("<svg").contains("</svg>").doesNotContain("<!DOCTYPE");
        byte[] png = Plots.png(p, table(), 2);
        var img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
        assertThat(img.getWidth()).isEqualTo(2 * Plots.WIDTH);
    }

    @Test void filterAndBar() throws Exception {
        PlotSpec p = new PlotSpec("b", "Bar", "t", "g", "speedup", null, List.of("rate=0.90"), null, null, false, PlotSpec.Style.BAR, Double.NaN);
        var chart = (org.knowm.xchart.CategoryChart) Plots.chart(p, table());
        assertThat(ys(chart, "speedup")).containsExactly(0.4, null);
        assertThat(ys(chart, "speedup (modelled)")).containsExactly(null, 1.4);
        assertThat(chart.getStyler().isLegendVisible()).isTrue();
        Plots.svg(p, table());
    }

    private static java.util.List<Double> ys(org.knowm.xchart.CategoryChart c, String series) {
        java.util.List<Double> out = new java.util.ArrayList<>();
        for (Number n : c.getSeriesMap().get(series).getYData()) out.add(n == null ? null : n.doubleValue());
        return out;
    }

    @Test void unusableSpecsAreNamed() {
        PlotSpec missing = PlotSpec.line("m", "M", "t", "rate", "nope", null, "x", "y");
        assertThatThrownBy(() -> Plots.chart(missing, table())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plot m (table t): y column 'nope' not in table");
        PlotSpec text = PlotSpec.line("x", "X", "t", "name", "speedup", null, "x", "y");
        assertThatThrownBy(() -> Plots.chart(text, table())).hasMessageContaining("x column 'name' is not numeric");
        PlotSpec empty = new PlotSpec("e", "E", "t", "rate", "speedup", null, List.of("g=3"), null, null, false, null, Double.NaN);
        assertThatThrownBy(() -> Plots.chart(empty, table())).hasMessageContaining("no rows to plot after filter [g=3]");
    }

    static Table withIntervals() {
        return table().addColumns(DoubleColumn.create("speedup_ci_low", 0.35, 0.25, 0.8, 1.3),
                DoubleColumn.create("speedup_ci_high", 0.5, 0.32, 1.0, 1.6));
    }

    @Test void intervalColumnsDrawErrorBarsOnPointsAndBars() throws Exception {
        PlotSpec line = new PlotSpec("s", "Speedup", "t", "rate", "speedup", "g", List.of(), null, null, false, PlotSpec.Style.LINE, 1);
        var xy = (org.knowm.xchart.XYChart) Plots.chart(line, withIntervals());
        // sorted by rate: g=1 has (0.8, 0.3 in [0.25, 0.32]) then (0.9, 0.4 in [0.35, 0.5]); the wider side is drawn
        // points get exact whiskers (a skewed interval stays skewed), out of the legend: g=1's rows are 0.4 in
        // [0.35, 0.5] at rate 0.9 and 0.3 in [0.25, 0.32] at rate 0.8
        assertThat(xy.getSeriesMap().get("g=1 y-interval 0").getYData()).containsExactly(0.35, 0.5);
        assertThat(xy.getSeriesMap().get("g=1 y-interval 1").getXData()).containsExactly(0.8, 0.8);
        assertThat(xy.getSeriesMap().get("g=1 y-interval 1").getYData()).containsExactly(0.25, 0.32);
        assertThat(xy.getSeriesMap().get("g=1 y-interval 0").isShowInLegend()).isFalse();
        assertThat(xy.getSeriesMap()).hasSize(3 + 4);
        assertThat(xy.getSeriesMap().get("g=1 y-interval 0").getLineColor()).isEqualTo(xy.getSeriesMap().get("g=1").getLineColor());
        assertThat(xy.getSeriesMap().get("g=8 (modelled)").getLineColor()).isNotEqualTo(xy.getSeriesMap().get("g=1").getLineColor());
        assertThat(Plots.svg(line, withIntervals())).isNotEqualTo(Plots.svg(line, table()));

        // one series per g; the modelled rows (g=8) are a series of their own with gaps at g=1's categories
        PlotSpec bar = new PlotSpec("b", "Bar", "t", "name", "speedup", null, List.of("g=1"), null, null, false, PlotSpec.Style.BAR, Double.NaN);
        var cat = (org.knowm.xchart.CategoryChart) Plots.chart(bar, withIntervals());
        PlotSpec gaps = new PlotSpec("b", "Bar", "t", "name", "speedup", null, List.of(), null, null, false, PlotSpec.Style.BAR, Double.NaN);
        var gapped = (org.knowm.xchart.CategoryChart) Plots.chart(gaps, withIntervals());
        // XChart cannot draw error bars on a gapped series: on a linear axis from zero a gap becomes an empty bar
        // (height 0, interval 0), so the series keeps its error bars
        assertThat(gapped.getSeriesMap().get("speedup").getExtraValues()).isNotNull();
        assertThat(ys(gapped, "speedup")).contains(0.0);
        Plots.svg(gaps, withIntervals());
        assertThat(cat.getSeriesMap().get("speedup").getExtraValues()).isNotNull();
        assertThat(Plots.png(bar, withIntervals(), 1)).isNotEqualTo(Plots.png(bar, table(), 1));
        // without interval columns the same specs still draw, with no error bars
        var plain = (org.knowm.xchart.CategoryChart) Plots.chart(bar, table());
        assertThat(plain.getSeriesMap().get("speedup").getExtraValues()).isNull();
        assertThat(((org.knowm.xchart.XYChart) Plots.chart(line, table())).getSeriesMap()).hasSize(3);
    }

    @Test void intervalNamingRule() {
        Table t = Table.create("t", DoubleColumn.create("median_ms", 1.0), DoubleColumn.create("ci_low", 0.9), DoubleColumn.create("ci_high", 1.2),
                DoubleColumn.create("speedup", 2.0), DoubleColumn.create("speedup_low", 1.8), DoubleColumn.create("speedup_high", 2.1),
                DoubleColumn.create("measured_speedup", 2.0), DoubleColumn.create("measured_low", 1.9), DoubleColumn.create("measured_high", 2.2),
                DoubleColumn.create("gflops", 3.0));
        assertThat(Plots.intervalColumns(t, "median_ms")).containsExactly("ci_low", "ci_high");
        assertThat(Plots.intervalColumns(t, "speedup")).containsExactly("speedup_low", "speedup_high");
        assertThat(Plots.intervalColumns(t, "measured_speedup")).containsExactly("measured_low", "measured_high");
        assertThat(Plots.intervalColumns(t, "gflops")).isNull();
        assertThat(Plots.halfWidth(1.0, Double.NaN, Double.NaN)).isZero();
        // a skewed interval's symmetric bar would cross zero: the axis of non-negative values stops at zero
        Table skew = Table.create("t", StringColumn.create("layer", "a", "b"), DoubleColumn.create("speedup", 1.0, 2.0),
                DoubleColumn.create("speedup_low", 0.9, 1.9), DoubleColumn.create("speedup_high", 4.0, 2.1));
        PlotSpec bar = new PlotSpec("k", "K", "t", "layer", "speedup", null, List.of(), null, null, false, PlotSpec.Style.BAR, Double.NaN);
        assertThat(((org.knowm.xchart.CategoryChart) Plots.chart(bar, skew)).getStyler().getYAxisMin()).isEqualTo(0.0);
    }

    @Test void manyCategoriesTurnTheTickLabels() {
        int n = 20;
        String[] layers = new String[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) { layers[i] = "features." + i + ".conv"; v[i] = 1 + i * 0.1; }
        Table t = Table.create("t", StringColumn.create("layer", layers), DoubleColumn.create("speedup", v));
        PlotSpec bar = new PlotSpec("l", "Layers", "t", "layer", "speedup", null, List.of(), null, null, false, PlotSpec.Style.BAR, Double.NaN);
        assertThat(((org.knowm.xchart.CategoryChart) Plots.chart(bar, t)).getStyler().getXAxisLabelRotation()).isEqualTo(60);
        PlotSpec few = new PlotSpec("f", "Few", "t", "name", "speedup", null, List.of(), null, null, false, PlotSpec.Style.BAR, Double.NaN);
        assertThat(((org.knowm.xchart.CategoryChart) Plots.chart(few, table())).getStyler().getXAxisLabelRotation()).isZero();
    }

    @Test void anIntervalOnTheXAxisIsAHorizontalWhiskerOutOfTheLegend() throws Exception {
        Table t = Table.create("t", DoubleColumn.create("x", 1.5, 2.0), DoubleColumn.create("x_ci_low", 1.4, Double.NaN),
                DoubleColumn.create("x_ci_high", 1.7, Double.NaN), DoubleColumn.create("y", 90, 91));
        PlotSpec p = new PlotSpec("c", "C", "t", "x", "y", null, List.of(), null, null, false, PlotSpec.Style.SCATTER, Double.NaN);
        var chart = (org.knowm.xchart.XYChart) Plots.chart(p, t);
        assertThat(chart.getSeriesMap()).hasSize(2); // the point series and one whisker (the second row has no interval)
        var whisker = chart.getSeriesMap().get("y x-interval 0");
        assertThat(whisker.getXData()).containsExactly(1.4, 1.7);
        assertThat(whisker.isShowInLegend()).isFalse();
        assertThat(chart.getStyler().isLegendVisible()).isFalse();
        Plots.svg(p, t);
    }
}
