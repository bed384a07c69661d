package dev.prunebench.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.Table;

/**
 * Writes one run: {@code <root>/.tmp-<runId>/} while it runs, moved to {@code <root>/<runId>/} when it finishes, and
 * {@code <root>/latest} pointed at it. An interrupted run leaves only a {@code .tmp-} folder, never one that looks
 * complete.
 *
 * <p>Per experiment: {@code <id>/*.csv} (tables), {@code metrics.csv}, {@code experiment.json} (id, paper, scale,
 * parameters, notes, skipped parts, plots, start/end).
 */
public final class RunWriter implements AutoCloseable {

    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final String runId;
    private final Path tmp;
    private final Scale scale;
    private final long seed;
    private final PrintStream log;
    private final boolean interactive;
    private final Instant started = Instant.now();
    private final List<String> experiments = new ArrayList<>();
    /** Each closed experiment's experiment.json content, repeated in the manifest so one file describes the run. */
    private final Map<String, Map<String, Object>> details = new LinkedHashMap<>();
    private boolean finished;
    private Environment environment;

    public RunWriter(Path root, String commit, Scale scale, long seed, PrintStream log, boolean interactive) {
        this.root = root;
        this.runId = RUN_ID.format(started) + (commit == null || commit.isBlank() ? "" : "-" + commit);
        this.tmp = root.resolve(".tmp-" + runId);
        this.scale = scale;
        this.seed = seed;
        this.log = log;
        this.interactive = interactive;
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run folder " + tmp + ": " + e.getMessage(), e);
        }
    }

    public String runId() { return runId; }

    public Path tmpDir() { return tmp; }

    public Scale scale() { return scale; }

    /** The run's environment, captured on first use; experiments add to it through {@link ExperimentContext#environment}. */
    public synchronized Environment environment() {
        if (environment == null) environment = Environment.capture();
        return environment;
    }

    /** Starts one experiment's folder; close the returned context when the experiment ends. */
    private dev.prunebench.core.backend.KernelRegistry kernels;

    /**
     * The kernel registry every experiment of this run gets ({@link ExperimentContext#kernels()}); its backends'
     * answers are recorded in the environment under {@code backends}.
     */
    public RunWriter kernels(dev.prunebench.core.backend.KernelRegistry registry) {
        this.kernels = registry;
        Map<String, String> answers = new LinkedHashMap<>();
        List<String> gpus = new ArrayList<>(), gpuDown = new ArrayList<>();
        for (var e : registry.entries()) {
            answers.put(e.backend().id(), e.status());
            if (e.backend().platform().equals("gpu")) (e.availability().available() ? gpus : gpuDown).add(e.backend().id() + ": " + e.status());
        }
        environment().put("backends", answers);
        // one GPU probe: the GPU backends' own answer, not a second look at the driver
        environment().put("gpu", !gpus.isEmpty() ? String.join("; ", gpus) : "none" + (gpuDown.isEmpty() ? "" : " (" + String.join("; ", gpuDown) + ")"));
        return this;
    }

    private final java.util.Set<String> completed = java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());

    public Context experiment(String id, String paper) {
        if (!id.matches("[a-z0-9][a-z0-9_-]*")) throw new IllegalArgumentException("experiment id: must match [a-z0-9][a-z0-9_-]*, got '" + id + "'");
        experiments.add(id);
        return new Context(id, paper);
    }

    /** Moves the finished run into place and points {@code latest} at it; returns the final folder. */
    public Path finish(Map<String, Object> runManifest) throws IOException {
        return finish(runManifest, dir -> {});
    }

    /** Work done on the complete run folder before it moves into place (the report, the scorecard). */
    @FunctionalInterface
    public interface BeforeMove {
        void accept(Path tmpRunDir) throws IOException;
    }

    /**
     * As {@link #finish(Map)}, with {@code environment} recorded in the manifest and {@code beforeMove} run on the
     * temporary folder once the manifest is written, so that the report is part of the folder when it appears.
     * If {@code beforeMove} throws, the run stays in its {@code .tmp-} folder.
     */
    public Path finish(Map<String, Object> runManifest, Environment environment, BeforeMove beforeMove) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>(runManifest);
        m.put("environment", environment.asMap());
        return finish(m, beforeMove);
    }

    private Path finish(Map<String, Object> runManifest, BeforeMove beforeMove) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>(runManifest);
        m.put("run_id", runId);
        m.put("scale", scale.id());
        m.put("seed", seed);
        m.put("started", started.toString());
        m.put("finished", Instant.now().toString());
        m.put("experiments", experiments);
        Map<String, Object> d = new LinkedHashMap<>();
        details.forEach((id, info) -> {
            Map<String, Object> x = new LinkedHashMap<>(info);
            x.remove("plots");
            x.remove("tables");
            d.put(id, x);
        });
        m.put("experiment_details", d);
        JSON.writeValue(tmp.resolve("manifest.json").toFile(), m);
        beforeMove.accept(tmp);
        Path dest = root.resolve(runId);
        try {
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dest);
        }
        pointLatest(root, dest);
        finished = true;
        return dest;
    }

    /** Points {@code root/latest} at {@code dest} (a relative symbolic link, replaced atomically). */
    public static void pointLatest(Path root, Path dest) throws IOException {
        Path link = root.resolve("latest");
        Path tmpLink = root.resolve(".latest-" + System.nanoTime());
        Files.createSymbolicLink(tmpLink, root.relativize(dest));
        Files.move(tmpLink, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override public void close() {
        if (!finished) log.println("run " + runId + " did not finish; partial output left in " + tmp);
    }

    /** The context of one experiment inside this run. */
    public final class Context implements ExperimentContext, AutoCloseable {
        private final String id;
        private final Path dir;
        private final Map<String, Object> info = new LinkedHashMap<>();
        private final Map<String, Object> params = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();
        private final List<Map<String, String>> skipped = new ArrayList<>();
        private final List<PlotSpec> plots = new ArrayList<>();
        private final Map<String, Metric> metrics = new LinkedHashMap<>();
        private final List<String> tables = new ArrayList<>();

        private Context(String id, String paper) {
            this.id = id;
            this.dir = tmp.resolve(id);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            info.put("id", id);
            info.put("paper", paper);
            info.put("scale", scale.id());
            info.put("seed", seed);
            info.put("started", Instant.now().toString());
        }

        @Override public Scale scale() { return scale; }
        @Override public long seed() { return seed; }
        @Override public Path dir() { return dir; }
        @Override public PrintStream log() { return log; }
        @Override public boolean interactive() { return interactive; }

        @Override public java.util.Optional<Path> input(String experimentId) {
            if (experimentId.equals(id)) throw new IllegalArgumentException("input: an experiment cannot read its own output as an input");
            return completed.contains(experimentId) ? java.util.Optional.of(tmp.resolve(experimentId)) : java.util.Optional.empty();
        }

        @Override public dev.prunebench.core.backend.KernelRegistry kernels() {
            if (kernels == null) throw new IllegalStateException("this run was given no kernel registry (RunWriter.kernels)");
            return kernels;
        }

        @Override public void table(String name, Table table) {
            if (!name.matches("[a-z0-9][a-z0-9_-]*")) throw new IllegalArgumentException("table name: must match [a-z0-9][a-z0-9_-]*, got '" + name + "'");
            if (name.equals("metrics")) throw new IllegalArgumentException("table name: 'metrics' is reserved");
            Path f = dir.resolve(name + ".csv");
            table.write().csv(f.toFile());
            if (!tables.contains(name)) tables.add(name);
        }

        @Override public void metric(Metric metric) {
            if (metrics.putIfAbsent(metric.name(), metric) != null)
                throw new IllegalArgumentException("metric " + metric.name() + ": recorded twice in experiment " + id);
        }

        @Override public void plot(PlotSpec plot) {
            if (plots.stream().anyMatch(p -> p.id().equals(plot.id()))) throw new IllegalArgumentException("plot id " + plot.id() + ": used twice in experiment " + id);
            plots.add(plot);
        }

        @Override public void parameter(String key, Object value) { params.put(key, value); }

        @Override public void environment(String key, Object value) {
            RunWriter.this.environment().put(key, value);
            params.put(key, value);
        }
        @Override public void note(String text) { notes.add(text); }

        @Override public void skipped(String what, String reason) {
            skipped.add(Map.of("what", what, "reason", reason));
            log.println("  skipped " + what + ": " + reason);
        }

        public List<PlotSpec> plots() { return plots; }

        @Override public void close() throws IOException {
            MetricsCsv.write(dir.resolve("metrics.csv"), metrics.values());
            info.put("finished", Instant.now().toString());
            info.put("parameters", params);
            info.put("notes", notes);
            info.put("skipped", skipped);
            info.put("tables", tables);
            info.put("plots", plots);
            JSON.writeValue(dir.resolve("experiment.json").toFile(), info);
            details.put(id, new LinkedHashMap<>(info));
            completed.add(id);
        }
    }

    /** A PrintStream that drops everything (for --quiet). */
    public static PrintStream nullStream() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
