package dev.prunebench.core.spdy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * SPDY's text files.
 *
 * <p><b>Timings</b> ({@code timings/*.txt} of SPDY's repository): the line {@code base}, the model's dense seconds,
 * {@code prunable}, the dense seconds of the layers in the table, then per layer its name on a line of its own
 * followed by {@code seconds level} lines. This reader takes the published files unchanged: names at the end of the
 * file with no timing lines (the ResNet-50 4-block file) are noted and ignored, a level given twice in a layer (a
 * YOLOv5s layer) is noted and both lines kept, and nothing requires times to fall with the level. An optional third
 * word names the format of a line ({@code seconds level format}, e.g. {@code 0.0012 0.9 csr}); lines without one have
 * format {@link LatencyTable#UNNAMED}. Anything else is refused with the file and line number.
 *
 * <p><b>Errors</b>: {@code layer level error} lines, optionally {@code layer level error format}; blank lines and
 * lines starting with {@code #} are skipped.
 *
 * <p><b>Profiles</b> (SPDY's output): {@code level layer} lines, with {@code format} appended when the table names
 * formats.
 */
public final class SpdyFiles {
    private SpdyFiles() {}

    /** Timing and error files are a few hundred kilobytes; a larger file is not one of them. */
    public static final long MAX_BYTES = 64L << 20;

    public static LatencyTable readTimings(Path file) throws IOException {
        return parseTimings(lines(file, "timings"), file.toString());
    }

    /** The file's lines, once it is known to be a readable regular file of sensible size in UTF-8. */
    static List<String> lines(Path file, String what) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such file");
        if (Files.isDirectory(file)) throw new IOException(file + ": is a directory, expected a " + what + " file");
        // a FIFO would block the read forever, a device (a link to /dev/zero) never ends: only regular files, links resolved
        if (!Files.isRegularFile(file)) throw new IOException(file + ": not a regular file (a FIFO, device or socket), expected a " + what + " file");
        if (!Files.isReadable(file)) throw new AccessDeniedException(file.toString(), null, "not readable");
        long size = Files.size(file);
        if (size > MAX_BYTES) throw new IOException(file + ": " + size + " bytes, more than the " + MAX_BYTES + " a " + what + " file can hold here");
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text, expected a " + what + " file");
        }
    }

    /**
     * Ends the layer read so far: a layer with timing lines joins {@code layers}; a name without any joins {@code bare}
     * (allowed only at the end of the file). Returns the line of the first bare name.
     */
    private static int endLayer(String source, String name, int nameLine, List<LatencyTable.Timing> timings, List<LatencyTable.Layer> layers,
                                List<String> bare, int firstBareLine) throws IOException {
        if (!timings.isEmpty()) {
            layers.add(layer(source, nameLine, name, timings));
            return firstBareLine;
        }
        bare.add(name);
        return bare.size() == 1 ? nameLine : firstBareLine;
    }

    /** Parses timing lines; {@code source} names them in errors ({@code source: line N: …}). */
    public static LatencyTable parseTimings(List<String> lines, String source) throws IOException {
        int n = 0;
        double base = Double.NaN, prunable = Double.NaN;
        int expect = 0; // 0: 'base', 1: its seconds, 2: 'prunable', 3: its seconds, 4: layers
        List<LatencyTable.Layer> layers = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String name = null;
        int nameLine = 0;
        List<LatencyTable.Timing> timings = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<ErrorTable.Key> seenHere = new HashSet<>(); // (format, level) of this layer; no text built per line
        List<String> bare = new ArrayList<>(); // names without timing lines
        int firstBareLine = 0;
        Map<String, Repeat> repeated = new LinkedHashMap<>(); // per layer, the first level given again and how many lines do
        for (String raw : lines) {
            n++;
            String line = (n == 1 ? withoutBom(raw) : raw).strip();
            if (line.isEmpty()) continue;
            String[] w = WHITESPACE.split(line);
            switch (expect) {
                case 0, 2 -> {
                    String want = expect == 0 ? "base" : "prunable";
                    if (w.length != 1 || !w[0].equals(want)) throw atLine(source, n, "expected '" + want + "', got '" + clip(line) + "'");
                    expect++;
                    continue;
                }
                case 1, 3 -> {
                    String what = expect == 1 ? "base" : "prunable";
                    if (w.length != 1) throw atLine(source, n, "expected the " + what + " seconds (one number), got '" + clip(line) + "'");
                    double v = number(source, n, what + " seconds", w[0]);
                    if (v < 0) throw atLine(source, n, what + " seconds: must be >= 0, got " + w[0]);
                    if (expect == 1) base = v; else prunable = v;
                    expect++;
                    continue;
                }
                default -> { }
            }
            if (w.length == 1) {
                if (isNumber(w[0])) throw atLine(source, n, "a lone number '" + clip(w[0]) + "': expected a layer name or a 'seconds level' line");
                if (name != null) firstBareLine = endLayer(source, name, nameLine, timings, layers, bare, firstBareLine);
                if (!names.add(w[0])) throw atLine(source, n, "layer '" + clip(w[0]) + "' given twice");
                name = w[0];
                nameLine = n;
                timings = new ArrayList<>();
                seenHere.clear();
                continue;
            }
            if (!isNumber(w[0])) // SPDY's own reader takes a line holding a space for a 'seconds level' line: a name has none
                throw atLine(source, n, "'" + clip(line) + "': a layer name with a space, or a timing line whose seconds '" + clip(w[0])
                        + "' is not a number (in SPDY's format a layer name is one word on its own line)");
            if (w.length > 3) throw atLine(source, n, "expected 'seconds level' or 'seconds level format', got " + w.length + " words");
            if (name == null) throw atLine(source, n, "a timing line before any layer name");
            if (!bare.isEmpty())
                throw atLine(source, n, "layer '" + name + "' has timing lines after layer '" + bare.get(0) + "' (line " + firstBareLine + ") had none");
            double seconds = number(source, n, "seconds", w[0]);
            double level = number(source, n, "level", w[1]);
            if (seconds < 0) throw atLine(source, n, "seconds: must be >= 0, got " + w[0]);
            if (!(level >= 0 && level <= 1)) throw atLine(source, n, "level: must be in [0, 1], got " + w[1]);
            String format = w.length == 3 ? w[2] : LatencyTable.UNNAMED;
            if (!seenHere.add(new ErrorTable.Key("", format, level))) { // one note per layer, however many lines repeat a level
                final int at = n;
                repeated.computeIfAbsent(name, k -> new Repeat(at, w[1] + (w.length == 3 ? " " + format : ""), new int[1])).count()[0]++;
            }
            timings.add(new LatencyTable.Timing(format, level, seconds));
        }
        notes.addAll(repeatNotes(source, repeated));
        if (expect < 4) throw atLine(source, n + 1, "file ends before " + (expect <= 1 ? "'base' and its seconds" : "'prunable' and its seconds"));
        if (name != null) firstBareLine = endLayer(source, name, nameLine, timings, layers, bare, firstBareLine);
        if (layers.isEmpty()) throw atLine(source, n + 1, "no layer with timing lines");
        if (!bare.isEmpty())
            notes.add(source + ": lines " + firstBareLine + "-" + n + ": " + bare.size() + " layer name(s) at the end without timing lines ("
                    + bare.get(0) + (bare.size() > 1 ? " … " + bare.get(bare.size() - 1) : "") + "), ignored");
        for (LatencyTable.Layer l : layers)
            if (Double.isNaN(l.denseSeconds())) notes.add(source + ": layer " + l.name() + " has no level-0 (dense) line");
        return new LatencyTable(base, prunable, layers, notes);
    }

    /** One note per layer that gives a level again: where first, and how many more lines of it do. */
    private static List<String> repeatNotes(String source, Map<String, Repeat> repeated) {
        List<String> notes = new ArrayList<>();
        for (var e : repeated.entrySet()) {
            Repeat r = e.getValue();
            notes.add(source + ": line " + r.line() + ": layer " + e.getKey() + " gives level " + r.level() + " again"
                    + (r.count()[0] > 1 ? " (and " + (r.count()[0] - 1) + " more lines repeat a level of this layer)" : "")
                    + " (all kept as choices; its first level-0 line is its dense time)");
        }
        return notes;
    }

    private static LatencyTable.Layer layer(String source, int line, String name, List<LatencyTable.Timing> timings) throws IOException {
        try {
            return new LatencyTable.Layer(name, timings);
        } catch (IllegalArgumentException e) {
            throw atLine(source, line, e.getMessage());
        }
    }

    /** SPDY's text: plain decimals, so the published files and ours read alike. */
    public static String formatTimings(LatencyTable t) {
        boolean named = !t.formats().equals(List.of(LatencyTable.UNNAMED));
        StringBuilder b = new StringBuilder();
        b.append("base\n").append(num(t.base())).append('\n').append("prunable\n").append(num(t.prunable())).append('\n');
        for (LatencyTable.Layer l : t.layers()) {
            b.append(l.name()).append('\n');
            for (LatencyTable.Timing x : l.timings()) {
                b.append(num(x.seconds())).append(' ').append(String.format(Locale.ROOT, "%.4f", x.level()));
                if (named) b.append(' ').append(x.format());
                b.append('\n');
            }
        }
        return b.toString();
    }

    public static ErrorTable readErrors(Path file) throws IOException {
        return parseErrors(lines(file, "errors"), file.toString());
    }

    public static ErrorTable parseErrors(List<String> lines, String source) throws IOException {
        Map<ErrorTable.Key, Double> m = new LinkedHashMap<>();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = (n == 1 ? withoutBom(raw) : raw).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] w = WHITESPACE.split(line);
            if (w.length < 3 || w.length > 4) throw atLine(source, n, "expected 'layer level error' or 'layer level error format', got " + w.length + " word(s)");
            double level = number(source, n, "level", w[1]);
            double error = number(source, n, "error", w[2]);
            if (!(level >= 0 && level <= 1)) throw atLine(source, n, "level: must be in [0, 1], got " + w[1]);
            if (error < 0) throw atLine(source, n, "error: must be >= 0, got " + w[2]);
            ErrorTable.Key k = new ErrorTable.Key(w[0], w.length == 4 ? w[3] : LatencyTable.UNNAMED, level);
            if (m.put(k, error) != null) throw atLine(source, n, "layer " + w[0] + " level " + w[1] + (w.length == 4 ? " " + w[3] : "") + " given twice");
        }
        if (m.isEmpty()) throw atLine(source, n + 1, "no 'layer level error' lines");
        return new ErrorTable(m, source);
    }

    public static String formatErrors(ErrorTable e) {
        StringBuilder b = new StringBuilder();
        for (var x : e.entries().entrySet()) {
            b.append(x.getKey().layer()).append(' ').append(String.format(Locale.ROOT, "%.4f", x.getKey().level())).append(' ').append(num(x.getValue()));
            if (!x.getKey().format().equals(LatencyTable.UNNAMED)) b.append(' ').append(x.getKey().format());
            b.append('\n');
        }
        return b.toString();
    }

    /** SPDY's profile: {@code level layer} per layer, {@code format} appended when formats are named. */
    public static String formatProfile(List<Spdy.Pick> picks) {
        boolean named = picks.stream().anyMatch(p -> !p.format().equals(LatencyTable.UNNAMED));
        StringBuilder b = new StringBuilder();
        for (Spdy.Pick p : picks) {
            b.append(String.format(Locale.ROOT, "%.4f", p.level())).append(' ').append(p.layer());
            if (named) b.append(' ').append(p.format());
            b.append('\n');
        }
        return b.toString();
    }

    static String num(double v) {
        String s = Double.toString(v);
        if (s.contains("E")) s = BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        return s;
    }

    private record Repeat(int line, String level, int[] count) {}

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** A file saved by an editor that marks UTF-8 with a byte order mark: the mark is not part of the text. */
    private static String withoutBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static double number(String source, int line, String what, String s) throws IOException {
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw atLine(source, line, what + ": not a number: '" + clip(s) + "'");
        }
        if (!Double.isFinite(v)) throw atLine(source, line, what + ": must be finite, got '" + clip(s) + "'");
        return v;
    }

    private static IOException atLine(String source, int line, String what) {
        return new IOException(source + ": line " + line + ": " + what);
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
