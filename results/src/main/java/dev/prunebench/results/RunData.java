package dev.prunebench.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tech.tablesaw.api.Table;

/**
 * A finished run read back from its folder alone ({@code manifest.json}, and per experiment {@code experiment.json},
 * {@code metrics.csv}, {@code <table>.csv}): what the report, the scorecard and {@code compare} work from, so each can
 * be redone from the files without rerunning anything.
 *
 * @param dir         the run folder (a {@code latest} link is resolved)
 * @param manifest    {@code manifest.json} as a map (empty if the file is missing: a run folder written by hand)
 * @param experiments in the manifest's order, else by folder name
 */
public record RunData(Path dir, Map<String, Object> manifest, List<ExperimentData> experiments) {

    /** Experiment ids and table names, as {@code RunWriter} writes them (no path separators: nothing outside the run is read). */
    static final String ID = "[a-z0-9][a-z0-9_-]*";

    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /**
     * One experiment's folder.
     *
     * @param info    {@code experiment.json} as a map (id, paper, scale, seed, parameters, notes, skipped, tables, …)
     * @param plots   the plot specs from {@code experiment.json}
     * @param metrics {@code metrics.csv} (empty when the file is missing)
     */
    public record ExperimentData(String id, Path dir, Map<String, Object> info, List<PlotSpec> plots, List<Metric> metrics) {

        public String paper() { return String.valueOf(info.getOrDefault("paper", "")); }

        @SuppressWarnings("unchecked")
        public List<String> notes() { return (List<String>) info.getOrDefault("notes", List.of()); }

        @SuppressWarnings("unchecked")
        public List<Map<String, String>> skipped() { return (List<Map<String, String>>) info.getOrDefault("skipped", List.of()); }

        @SuppressWarnings("unchecked")
        public Map<String, Object> parameters() { return (Map<String, Object>) info.getOrDefault("parameters", Map.of()); }

        /** Table names: those recorded in experiment.json, else every CSV in the folder but metrics.csv. */
        @SuppressWarnings("unchecked")
        public List<String> tables() throws IOException {
            Object t = info.get("tables");
            if (t instanceof List<?> l && !l.isEmpty()) return (List<String>) l;
            List<String> out = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".csv") && !n.equals("metrics.csv"))
                        .sorted().forEach(n -> out.add(n.substring(0, n.length() - 4)));
            }
            return out;
        }

        /** Reads {@code <name>.csv} as a typed table ({@link Csv#readTable}). */
        public Table table(String name) throws IOException {
            Path f = dir.resolve(name + ".csv");
            if (!Files.isRegularFile(f)) throw new NoSuchFileException(f.toString(), null, "table '" + name + "' of experiment " + id + " not found");
            return Csv.readTable(f, name);
        }

        public Metric metric(String name) {
            for (Metric m : metrics) if (m.name().equals(name)) return m;
            return null;
        }
    }

    /** Reads a run folder. Throws an IOException naming the file when something required is missing or malformed. */
    public static RunData read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "not a run folder");
        Path real = dir.toRealPath();
        Map<String, Object> manifest = new LinkedHashMap<>();
        Path mf = real.resolve("manifest.json");
        if (Files.isRegularFile(mf)) manifest.putAll(readJson(mf));
        expect(mf, manifest, "experiments", List.class, "a list of experiment ids");
        expect(mf, manifest, "failed_experiments", List.class, "a list of experiment ids");
        expect(mf, manifest, "environment", Map.class, "an object");
        expect(mf, manifest, "experiment_details", Map.class, "an object");
        expectElements(mf, manifest, "experiments", String.class, "an experiment id (string)");
        expectElements(mf, manifest, "failed_experiments", String.class, "an experiment id (string)");
        List<String> ids = new ArrayList<>();
        if (manifest.get("experiments") instanceof List<?> l) {
            int i = 0;
            for (Object o : l) {
                String id = (String) o;
                if (!id.matches(ID))
                    throw new IOException(mf + ": field 'experiments'[" + i + "]: '" + id + "' is not an experiment id (" + ID + ")");
                ids.add(id);
                i++;
            }
        }
        if (ids.isEmpty()) {
            try (Stream<Path> s = Files.list(real)) {
                s.filter(p -> Files.isRegularFile(p.resolve("experiment.json"))).map(p -> p.getFileName().toString()).sorted().forEach(ids::add);
            }
        }
        if (ids.isEmpty() && manifest.isEmpty())
            throw new IOException(dir + ": not a run folder (no manifest.json and no <experiment>/experiment.json)"
                    + (Files.exists(real.resolve("latest")) ? "; did you mean " + dir.resolve("latest") + "?" : ""));
        List<ExperimentData> exps = new ArrayList<>();
        for (String id : ids) exps.add(readExperiment(real.resolve(id), id));
        return new RunData(real, manifest, exps);
    }

    private static ExperimentData readExperiment(Path dir, String id) throws IOException {
        Path ej = dir.resolve("experiment.json");
        if (!Files.isRegularFile(ej)) throw new NoSuchFileException(ej.toString(), null, "experiment " + id + " is listed in the manifest but has no experiment.json");
        Map<String, Object> info = readJson(ej);
        // a field of the wrong type is an error naming it, never silently dropped (the report would lose its plots)
        expect(ej, info, "plots", List.class, "a list of plot specs");
        expect(ej, info, "notes", List.class, "a list of strings");
        expect(ej, info, "skipped", List.class, "a list of {what, reason} objects");
        expect(ej, info, "tables", List.class, "a list of table names");
        expect(ej, info, "parameters", Map.class, "an object");
        expectElements(ej, info, "notes", String.class, "a string");
        expectElements(ej, info, "tables", String.class, "a table name (string)");
        expectElements(ej, info, "skipped", Map.class, "a {what, reason} object");
        if (info.get("skipped") instanceof List<?> l)
            for (int i = 0; i < l.size(); i++)
                for (var e : ((Map<?, ?>) l.get(i)).entrySet())
                    if (!(e.getValue() instanceof String))
                        throw new IOException(ej + ": field 'skipped'[" + i + "]." + e.getKey() + ": expected a string, got " + describe(e.getValue()));
        if (info.get("tables") instanceof List<?> l)
            for (int i = 0; i < l.size(); i++)
                if (!((String) l.get(i)).matches(ID))
                    throw new IOException(ej + ": field 'tables'[" + i + "]: '" + l.get(i) + "' is not a table name (" + ID + ")");
        List<PlotSpec> plots = new ArrayList<>();
        if (info.get("plots") instanceof List<?> l) {
            int i = 0;
            for (Object o : l) {
                if (!(o instanceof Map<?, ?>)) throw new IOException(ej + ": plots[" + i + "]: expected a plot spec (an object), got " + describe(o));
                try {
                    plots.add(JSON.convertValue(o, PlotSpec.class));
                } catch (IllegalArgumentException e) {
                    throw new IOException(ej + ": plots[" + i + "]: not a valid plot spec: " + jsonReason(e), e);
                }
                i++;
            }
        }
        Path mc = dir.resolve("metrics.csv");
        List<Metric> metrics = Files.isRegularFile(mc) ? MetricsCsv.read(mc) : List.of();
        return new ExperimentData(id, dir, info, plots, metrics);
    }

    static Map<String, Object> readJson(Path f) throws IOException {
        try {
            return JSON.readValue(f.toFile(), MAP);
        } catch (MismatchedInputException e) {
            throw new IOException(f + ": " + where(e) + "expected a JSON object" + (e.getLocation() != null && e.getLocation().getLineNr() <= 1
                    && e.getLocation().getColumnNr() <= 2 && e.getMessage() != null && e.getMessage().contains("end-of-input") ? ", the file is empty" : ""), e);
        } catch (JsonProcessingException e) {
            throw new IOException(f + ": malformed JSON: " + where(e) + jsonReason(e), e);
        }
    }

    /** "line L, column C: " of a parse error, or nothing when the parser does not know. */
    private static String where(JsonProcessingException e) {
        var l = e.getLocation();
        return l == null || l.getLineNr() < 1 ? "" : "line " + l.getLineNr() + ", column " + l.getColumnNr() + ": ";
    }

    /** What a Jackson error says was wrong, without the parser's source excerpt, reference chain or Java type names. */
    static String jsonReason(Throwable e) {
        Throwable t = e;
        while (!(t instanceof JsonProcessingException) && t.getCause() != null) t = t.getCause();
        String m = t instanceof JsonProcessingException j ? j.getOriginalMessage() : t.getMessage();
        if (m == null) return "unreadable";
        m = m.strip().split("\\R", 2)[0];
        m = m.replaceAll("`[^`]*`", "value").replaceAll("\\(code \\d+\\)", "").replaceAll("\\s+", " ");
        return m.isBlank() ? "unreadable" : m;
    }

    private static void expect(Path f, Map<String, Object> info, String field, Class<?> type, String what) throws IOException {
        Object v = info.get(field);
        if (v != null && !type.isInstance(v)) throw new IOException(f + ": field '" + field + "': expected " + what + ", got " + describe(v));
    }

    private static void expectElements(Path f, Map<String, Object> info, String field, Class<?> type, String what) throws IOException {
        if (!(info.get(field) instanceof List<?> l)) return;
        for (int i = 0; i < l.size(); i++)
            if (!type.isInstance(l.get(i))) throw new IOException(f + ": field '" + field + "'[" + i + "]: expected " + what + ", got " + describe(l.get(i)));
    }

    private static String describe(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
        if (v instanceof Number n) return "the number " + n;
        if (v instanceof Boolean b) return "the boolean " + b;
        if (v instanceof List<?>) return "a list";
        if (v instanceof Map<?, ?>) return "an object";
        return "a value";
    }

    public String runId() { return String.valueOf(manifest.getOrDefault("run_id", dir.getFileName().toString())); }

    /** The environment recorded in the manifest (empty when there is none). */
    @SuppressWarnings("unchecked")
    public Environment environment() {
        return Environment.of(manifest.get("environment") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
    }

    public ExperimentData experiment(String id) {
        for (ExperimentData e : experiments) if (e.id().equals(id)) return e;
        return null;
    }
}
