package dev.prunebench.results;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The published numbers the scorecard compares with: {@code results/published/*.csv}, transcribed from
 * {@code ANCHORS.md}, one row per number. Columns (header required, in this order):
 *
 * <pre>experiment,quantity,metric,claim,published_value,unit,tolerance_low,tolerance_high,source,hardware,note,if_absent</pre>
 *
 * <ul>
 *   <li>{@code metric}: the name of the {@link Metric} of {@code experiment} this row is compared with.</li>
 *   <li>{@code claim}: what kind of claim the row is ({@link Claim}): only a {@code measurement} can be reproduced;
 *       a {@code definition}, a by-construction {@code identity} or {@code arithmetic} on published data is a check.</li>
 *   <li>{@code published_value}: the paper's number; empty when the paper gave none (a one-sided claim such as
 *       "slower than dense" is a bound, a range such as "2 to 3×" is a band, neither has a single value).</li>
 *   <li>{@code tolerance_low}/{@code tolerance_high}: the inclusive band of our values that agree with the
 *       claim, in {@code unit}; an empty bound is open (a published "more than 2× slower" is {@code ,0.5}); at least
 *       one bound is required, and a published value must lie in its own band.</li>
 *   <li>{@code hardware}: where the paper measured; a measurement outside the band on other hardware "differs
 *       (hardware …)".</li>
 *   <li>{@code if_absent}: why the row can not be run when its experiment does not exist yet.</li>
 * </ul>
 *
 * The CSVs are packaged into the jar under {@value #RESOURCE_DIR}, so a scorecard needs no checkout.
 */
public final class Published {

    static final String HEADER = "experiment,quantity,metric,claim,published_value,unit,tolerance_low,tolerance_high,source,hardware,note,if_absent";
    static final String RESOURCE_DIR = "dev/prunebench/results/published/";
    /** The files packaged in the jar (kept in step with results/published/ by PublishedTest). */
    static final List<String> BUNDLED = List.of("scalpel.csv", "hartenstein.csv", "deepcompression.csv", "spdy.csv",
            "sparsert.csv", "formats.csv", "sputnik.csv");

    /** What kind of claim a row is; only measurements can be reproduced, the others are checks. */
    public enum Claim {
        /** A number the paper measured (time, accuracy, a pruning result): can be reproduced. */
        MEASUREMENT("measurement"),
        /** True by definition (2:4 is 50 % sparse; the lecture's byte formula). */
        DEFINITION("definition"),
        /** True by construction of our code (an exact-rate pruner removes exactly the rate). */
        IDENTITY("identity"),
        /** Arithmetic on published data (a maximum read from the paper's own timing files). */
        ARITHMETIC("arithmetic");
        public final String id;
        Claim(String id) { this.id = id; }

        public boolean isMeasurement() { return this == MEASUREMENT; }

        static Claim parse(String s) {
            for (Claim c : values()) if (c.id.equals(s.strip())) return c;
            return null;
        }
    }

    /** One published number. {@code value} is NaN when the paper gave none; {@code low}/{@code high} are NaN when open. */
    public record Row(String file, int line, String experiment, String quantity, String metric, Claim claim, double value, String unit,
                      double low, double high, String source, String hardware, String note, String ifAbsent) {

        public boolean inBand(double v) {
            return (Double.isNaN(low) || v >= low) && (Double.isNaN(high) || v <= high);
        }

        /** The band as text, e.g. {@code [0.91, 0.97]} or {@code ≤ 0.5}. */
        public String band() {
            if (Double.isNaN(low) && Double.isNaN(high)) return "any";
            if (Double.isNaN(low)) return "≤ " + Plots.fmt(high);
            if (Double.isNaN(high)) return "≥ " + Plots.fmt(low);
            if (low == high) return "= " + Plots.fmt(low);
            return "[" + Plots.fmt(low) + ", " + Plots.fmt(high) + "]";
        }
    }

    private Published() {}

    /** The rows packaged with prunebench. */
    public static List<Row> bundled() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String f : BUNDLED) {
            try (InputStream in = Published.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + f)) {
                if (in == null) throw new IOException("published table " + f + " missing from the classpath (" + RESOURCE_DIR + ")");
                rows.addAll(parse(f, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        checkUnique(rows);
        return rows;
    }

    /** Every {@code *.csv} of a folder (e.g. an edited {@code results/published}). */
    public static List<Row> read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + ": published folder not found");
        List<Row> rows = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList())
                rows.addAll(parse(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
        }
        checkUnique(rows);
        return rows;
    }

    static List<Row> parse(String file, String text) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<Csv.Record> records = Csv.parse(text, file);
        if (records.isEmpty() || records.get(0).line() != 1 || !String.join(",", records.get(0).fields()).strip().equals(HEADER))
            throw new IOException(file + ": line 1: expected header '" + HEADER + "'");
        for (Csv.Record rec : records.subList(1, records.size())) {
            int n = rec.line();
            List<String> f = rec.fields();
            if (f.size() != 12) throw new IOException(file + ": line " + n + ": expected 12 fields, got " + f.size());
            for (int i : new int[] {0, 1, 2, 3, 5, 8}) if (f.get(i).isBlank())
                throw new IOException(file + ": line " + n + ": field " + HEADER.split(",")[i] + " must not be empty");
            Claim claim = Claim.parse(f.get(3));
            if (claim == null) throw new IOException(file + ": line " + n + ": claim must be one of measurement, definition, identity, arithmetic: '" + f.get(3) + "'");
            double value = number(f.get(4), file, n, "published_value", true);
            double low = number(f.get(6), file, n, "tolerance_low", true);
            double high = number(f.get(7), file, n, "tolerance_high", true);
            if (!Double.isNaN(low) && !Double.isNaN(high) && low > high)
                throw new IOException(file + ": line " + n + ": tolerance_low " + low + " > tolerance_high " + high);
            if (Double.isNaN(low) && Double.isNaN(high))
                throw new IOException(file + ": line " + n + ": tolerance_low and tolerance_high are both empty (a row needs a band)");
            if (!Double.isNaN(value) && !(new Row(file, n, "", "", "", claim, value, "", low, high, "", "", "", "").inBand(value)))
                throw new IOException(file + ": line " + n + ": published_value " + value + " lies outside its own band");
            rows.add(new Row(file, n, f.get(0), f.get(1), f.get(2), claim, value, f.get(5), low, high, f.get(8), f.get(9), f.get(10), f.get(11)));
        }
        return rows;
    }

    private static double number(String s, String file, int line, String field, boolean optional) throws IOException {
        if (s.isBlank()) {
            if (optional) return Double.NaN;
            throw new IOException(file + ": line " + line + ": " + field + " must not be empty");
        }
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw new IOException(file + ": line " + line + ": " + field + " is not a number: '" + s + "'");
        }
    }

    private static void checkUnique(List<Row> rows) throws IOException {
        Set<String> seen = new HashSet<>();
        for (Row r : rows)
            if (!seen.add(r.experiment() + "/" + r.metric()))
                throw new IOException(r.file() + ": line " + r.line() + ": metric " + r.metric() + " of " + r.experiment() + " listed twice");
    }
}
