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
}
