package dev.prunebench.results;

import java.util.List;

/**
 * A plot described by data, not pixels: the report draws it from the experiment's CSV, so
 * {@code prunebench report RUN_DIR} can redraw every plot from the files alone.
 *
 * @param id      file-name-safe id, unique within the experiment
 * @param title   shown above the plot
 * @param table   name of the experiment's CSV (without .csv) holding the data
 * @param x       column for the x axis
 * @param y       column for the y axis
 * @param series  column whose distinct values make one line each (null: a single series)
 * @param filter  optional {@code column=value} conditions on rows (all must hold)
 * @param xLabel  axis label
 * @param yLabel  axis label
 * @param logY    logarithmic y axis
 * @param style   LINE, SCATTER or BAR
 * @param refY    optional horizontal reference line (e.g. speedup 1 = break-even); NaN for none
 */
public record PlotSpec(String id, String title, String table, String x, String y, String series,
                       List<String> filter, String xLabel, String yLabel, boolean logY, Style style, double refY) {

    public enum Style { LINE, SCATTER, BAR }

    public PlotSpec {
        if (id == null || !id.matches("[A-Za-z0-9_.-]+")) throw new IllegalArgumentException("plot id: must match [A-Za-z0-9_.-]+, got '" + id + "'");
        filter = filter == null ? List.of() : List.copyOf(filter);
        style = style == null ? Style.LINE : style;
    }

    public static PlotSpec line(String id, String title, String table, String x, String y, String series, String xLabel, String yLabel) {
        return new PlotSpec(id, title, table, x, y, series, List.of(), xLabel, yLabel, false, Style.LINE, Double.NaN);
    }
}
