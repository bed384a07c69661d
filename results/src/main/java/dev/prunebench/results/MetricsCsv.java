package dev.prunebench.results;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code metrics.csv}: {@code name,kind,value,unit,modelled,samples} with samples space-separated; a name holding
 * commas is double-quoted (RFC 4180, through {@link Csv}).
 * Written and read here only, so the format has one definition.
 */
public final class MetricsCsv {
    static final String HEADER = "name,kind,value,unit,modelled,samples";

    private MetricsCsv() {}

    public static void write(Path file, Collection<Metric> metrics) throws IOException {
        List<List<String>> rows = new ArrayList<>(metrics.size());
        for (Metric m : metrics) {
            StringBuilder s = new StringBuilder();
            for (double d : m.samples()) s.append(s.isEmpty() ? "" : " ").append(fmt(d));
            rows.add(List.of(m.name(), m.kind().name().toLowerCase(Locale.ROOT), fmt(m.value()), m.unit().replace(",", ";"),
                    String.valueOf(m.modelled()), s.toString()));
        }
        Csv.write(file, List.of(HEADER.split(",")), rows);
    }

    /**
     * Reads {@code metrics.csv}. A bad field is an IOException naming the file, the line, the column and the value; a
     * metric given twice (the writer never does) is refused naming both lines, so {@code compare} never picks one.
     */
    public static List<Metric> read(Path file) throws IOException {
        List<Csv.Record> records = Csv.read(file);
        if (records.isEmpty() || records.get(0).line() != 1 || !String.join(",", records.get(0).fields()).equals(HEADER))
            throw new IOException(file + ": line 1: expected header '" + HEADER + "'");
        List<Metric> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Csv.Record r : records.subList(1, records.size())) {
            int n = r.line();
            String[] f = r.fields().toArray(String[]::new);
            if (f.length != 6) throw new IOException(file + ": line " + n + ": expected 6 fields, got " + f.length);
            Metric.Kind kind = kind(file, n, f[1]);
            double value = number(file, n, 3, "value", f[2]);
            String[] xs = f[5].isBlank() ? new String[0] : f[5].trim().split(" +");
            double[] samples = new double[xs.length];
            for (int k = 0; k < xs.length; k++) samples[k] = number(file, n, 6, "samples", xs[k]);
            String modelled = f[4].trim().toLowerCase(Locale.ROOT);
            if (!modelled.equals("true") && !modelled.equals("false"))
                throw new IOException(file + ": line " + n + ", column 5 (modelled): expected true or false, got '" + f[4] + "'");
            Metric m;
            try {
                m = new Metric(f[0], kind, value, f[3], samples, modelled.equals("true"));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": line " + n + ", column 1 (name): " + e.getMessage(), e);
            }
            Integer first = seen.putIfAbsent(m.name(), n);
            if (first != null) {
                Metric other = out.get(indexOf(out, m.name()));
                throw new IOException(file + ": line " + n + ": metric '" + m.name() + "' is given again (first on line " + first + ")"
                        + (other.equals(m) ? "" : " with a different row") + "; each metric must appear once");
            }
            out.add(m);
        }
        return out;
    }

    private static int indexOf(List<Metric> ms, String name) {
        for (int i = 0; i < ms.size(); i++) if (ms.get(i).name().equals(name)) return i;
        return -1;
    }

    private static Metric.Kind kind(Path file, int line, String s) throws IOException {
        for (Metric.Kind k : Metric.Kind.values()) if (k.name().equalsIgnoreCase(s.trim())) return k;
        throw new IOException(file + ": line " + line + ", column 2 (kind): unknown kind '" + s + "' (expected exact, timing or info)");
    }

    private static double number(Path file, int line, int column, String field, String s) throws IOException {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IOException(file + ": line " + line + ", column " + column + " (" + field + "): '" + s + "' is not a number");
        }
    }

    static String fmt(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return Double.toString(d);
    }
}
