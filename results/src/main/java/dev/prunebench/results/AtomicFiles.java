package dev.prunebench.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Writes whole files through a temporary sibling and a move, so a reader never sees half a file. */
final class AtomicFiles {
    private AtomicFiles() {}

    static void writeString(Path file, String text) throws IOException {
        dev.prunebench.core.io.AtomicWrite.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A CSV (RFC 4180 quoting where a field needs it). */
    static void writeCsv(Path file, List<String> header, List<List<String>> rows) throws IOException {
        StringBuilder s = new StringBuilder();
        line(s, header);
        for (List<String> r : rows) line(s, r);
        writeString(file, s.toString());
    }

    private static void line(StringBuilder s, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) s.append(',');
            String f = fields.get(i) == null ? "" : fields.get(i);
            if (f.contains(",") || f.contains("\"") || f.contains("\n")) s.append('"').append(f.replace("\"", "\"\"")).append('"');
            else s.append(f);
        }
        s.append('\n');
    }
}
