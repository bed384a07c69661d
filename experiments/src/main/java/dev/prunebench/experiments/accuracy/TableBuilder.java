package dev.prunebench.experiments.accuracy;

import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** Builds a Tablesaw table row by row; column types come from the first row (Integer, Double or String). */
final class TableBuilder {
    private final String name;
    private final String[] cols;
    private final List<Object[]> rows = new ArrayList<>();

    TableBuilder(String name, String... cols) {
        this.name = name;
        this.cols = cols;
    }

    TableBuilder row(Object... values) {
        if (values.length != cols.length) throw new IllegalArgumentException(name + ": row has " + values.length + " values for " + cols.length + " columns");
        rows.add(values);
        return this;
    }

    int size() { return rows.size(); }

    Table build() {
        Table t = Table.create(name);
        for (int c = 0; c < cols.length; c++) {
            Object first = rows.isEmpty() ? "" : rows.get(0)[c];
            Column<?> col;
            if (first instanceof Integer) {
                int[] v = new int[rows.size()];
                for (int r = 0; r < v.length; r++) v[r] = (Integer) rows.get(r)[c];
                col = IntColumn.create(cols[c], v);
            } else if (first instanceof Number) {
                double[] v = new double[rows.size()];
                for (int r = 0; r < v.length; r++) v[r] = ((Number) rows.get(r)[c]).doubleValue();
                col = DoubleColumn.create(cols[c], v);
            } else {
                String[] v = new String[rows.size()];
                for (int r = 0; r < v.length; r++) v[r] = String.valueOf(rows.get(r)[c]);
                col = StringColumn.create(cols[c], v);
            }
            t.addColumns(col);
        }
        return t;
    }
}
