package dev.prunebench.results;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * {@code metrics.csv}: {@code name,kind,value,unit,modelled,samples} with samples space-separated; a name holding
 * commas is double-quoted (RFC 4180).
 * Written and read here only, so the format has one definition.
 */
public final class MetricsCsv {
    static final String HEADER = "name,kind,value,unit,modelled,samples";

    private MetricsCsv() {}

    public static void write(Path file, Collection<Metric> metrics) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(HEADER);
            w.newLine();
            for (Metric m : metrics) {
                StringBuilder s = new StringBuilder();
                for (double d : m.samples()) s.append(s.isEmpty() ? "" : " ").append(fmt(d));
                String name = m.name().contains(",") ? "\"" + m.name() + "\"" : m.name();
                w.write(name + "," + m.kind().name().toLowerCase(Locale.ROOT) + "," + fmt(m.value()) + ","
                        + m.unit().replace(",", ";") + "," + m.modelled() + "," + s);
                w.newLine();
            }
        }
    }

    public static List<Metric> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER))
            throw new IOException(file + ": line 1: expected header '" + HEADER + "'");
        List<Metric> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            String[] f = Published.splitCsv(line, file.toString(), i + 1).toArray(String[]::new);
            if (f.length != 6) throw new IOException(file + ": line " + (i + 1) + ": expected 6 fields, got " + f.length);
            try {
                Metric.Kind kind = Metric.Kind.valueOf(f[1].toUpperCase(Locale.ROOT));
                double[] samples = f[5].isBlank() ? new double[0]
                        : java.util.Arrays.stream(f[5].trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
                out.add(new Metric(f[0], kind, Double.parseDouble(f[2]), f[3], samples, Boolean.parseBoolean(f[4])));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    static String fmt(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return Double.toString(d);
    }
}
