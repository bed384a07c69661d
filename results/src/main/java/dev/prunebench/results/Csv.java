package dev.prunebench.results;

import dev.prunebench.core.io.AtomicWrite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * The one CSV writer and reader of prunebench (RFC 4180): every file the project writes ({@code metrics.csv}, the
 * experiments' tables, {@code scorecard.csv}, {@code compare.csv}) and every one it reads as text
 * ({@code metrics.csv}, {@code results/published/*.csv}, another experiment's tables) goes through here.
 *
 * <ul>
 *   <li>Writing: fields joined by {@code ,}, each record ending in {@code \n} (also the last); a field holding a comma, a
 *       double quote, CR or LF is enclosed in double quotes with its quotes doubled; other fields are written as they
 *       are. A Tablesaw table is written the same way from its unformatted cell values, which is byte for byte what
 *       Tablesaw's own CSV writer produced for the project's tables (a test checks it on the baseline run).</li>
 *   <li>Reading: the inverse, and lenient where RFC 4180 allows: CRLF, CR or LF end a record; a quoted field may hold
 *       line breaks; a blank line is skipped. Each record keeps the line it starts on, for error messages.</li>
 *   <li>Typed tables (numbers as numbers, for plots and reports) are read by {@link #readTable}, the one place that
 *       asks Tablesaw to infer column types.</li>
 * </ul>
 */
public final class Csv {
    private Csv() {}

    /** One record: its fields and the (1-based) line it starts on. */
    public record Record(int line, List<String> fields) {
        public Record {
            fields = Collections.unmodifiableList(new ArrayList<>(fields));
        }

        public int size() { return fields.size(); }

        public String get(int i) { return fields.get(i); }
    }

    // ------------------------------------------------------------------------------------------------ writing

    /** A field as written: quoted when it holds a comma, a double quote or a line break; null is empty. */
    public static String field(String f) {
        if (f == null) return "";
        if (f.indexOf(',') < 0 && f.indexOf('"') < 0 && f.indexOf('\n') < 0 && f.indexOf('\r') < 0) return f;
        return '"' + f.replace("\"", "\"\"") + '"';
    }

    /** Appends one record, ending in {@code \n} (a lone blank field is quoted, so that it is not read as a blank line). */
    public static StringBuilder appendRecord(StringBuilder s, List<String> fields) {
        if (fields.size() == 1 && (fields.get(0) == null || fields.get(0).isBlank()))
            return s.append('"').append(fields.get(0) == null ? "" : fields.get(0)).append("\"\n");
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) s.append(',');
            s.append(field(fields.get(i)));
        }
        return s.append('\n');
    }

    /** The text of a CSV file: the header, then the rows. */
    public static String format(List<String> header, List<? extends List<String>> rows) {
        StringBuilder s = new StringBuilder();
        appendRecord(s, header);
        for (List<String> r : rows) appendRecord(s, r);
        return s.toString();
    }

    /** A Tablesaw table as CSV text: its column names, then each row's unformatted cell values; nothing without columns. */
    public static String format(Table t) {
        if (t.columnCount() == 0) return "";
        List<String> header = new ArrayList<>(t.columnCount());
        for (int c = 0; c < t.columnCount(); c++) header.add(t.column(c).name());
        List<List<String>> rows = new ArrayList<>(t.rowCount());
        for (int r = 0; r < t.rowCount(); r++) {
            List<String> row = new ArrayList<>(t.columnCount());
            for (int c = 0; c < t.columnCount(); c++) row.add(t.getUnformatted(r, c));
            rows.add(row);
        }
        return format(header, rows);
    }

    /** Writes a CSV file whole (through a temporary sibling and a move: a reader never sees half a file). */
    public static void write(Path file, List<String> header, List<? extends List<String>> rows) throws IOException {
        AtomicWrite.write(file, format(header, rows).getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a Tablesaw table whole, as {@link #format(Table)}. */
    public static void write(Path file, Table t) throws IOException {
        AtomicWrite.write(file, format(t).getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------------------------------------ reading

    /**
     * The records of a CSV text, header included; blank lines are skipped. An unterminated quote is an IOException
     * naming {@code file} and the line the record starts on.
     */
    public static List<Record> parse(String text, String file) throws IOException {
        List<Record> out = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false, sawQuote = false;
        int line = 1, start = 1;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < n && text.charAt(i + 1) == '"') { cur.append('"'); i++; }
                else if (c == '"') quoted = false;
                else {
                    if (c == '\n' || (c == '\r' && (i + 1 >= n || text.charAt(i + 1) != '\n'))) line++;
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                sawQuote = true;
            } else if (c == ',') {
                fields.add(cur.toString());
                cur.setLength(0);
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') i++;
                end(out, fields, cur, sawQuote, start);
                sawQuote = false;
                line++;
                start = line;
            } else cur.append(c);
        }
        if (quoted) throw new IOException(file + ": line " + start + ": unterminated quote");
        end(out, fields, cur, sawQuote, start);
        return out;
    }

    private static void end(List<Record> out, List<String> fields, StringBuilder cur, boolean sawQuote, int start) {
        fields.add(cur.toString());
        cur.setLength(0);
        boolean blank = fields.size() == 1 && !sawQuote && fields.get(0).isBlank();
        if (!blank) out.add(new Record(start, fields));
        fields.clear();
    }

    /** The records of a CSV file, header included. */
    public static List<Record> read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * The rows of a CSV file with a header, each a map from column name to field (in column order); a row with a
     * different number of fields than the header is an IOException naming the line; an empty file has no rows.
     */
    public static List<Map<String, String>> readMaps(Path file) throws IOException {
        List<Record> rs = read(file);
        if (rs.isEmpty()) return List.of();
        List<String> header = rs.get(0).fields();
        List<Map<String, String>> out = new ArrayList<>();
        for (Record r : rs.subList(1, rs.size())) {
            if (r.size() != header.size())
                throw new IOException(file + ": line " + r.line() + ": expected " + header.size() + " fields, got " + r.size());
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) m.put(header.get(i), r.get(i));
            out.add(m);
        }
        return out;
    }

    /** A CSV file as a typed Tablesaw table named {@code name} (column types inferred by Tablesaw). */
    public static Table readTable(Path file, String name) throws IOException {
        try {
            return Table.read().csv(CsvReadOptions.builder(file.toFile()).tableName(name).build());
        } catch (RuntimeException e) {
            throw new IOException(file + ": unreadable CSV: " + e.getMessage(), e);
        }
    }
}
