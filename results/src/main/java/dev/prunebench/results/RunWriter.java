package dev.prunebench.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.env.Load;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tech.tablesaw.api.Table;

/**
 * Writes one run: {@code <root>/.tmp-<runId>/} while it runs, moved to {@code <root>/<runId>/} when it finishes, and
 * {@code <root>/latest} pointed at it. A run that fails or is interrupted (SIGINT, SIGTERM) removes its {@code .tmp-}
 * folder, and never leaves one that looks complete.
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
    private volatile boolean finished;
    /** The final folder once the run has moved there (set before {@code latest} is pointed at it). */
    private volatile Path moved;
    /** Removes the temporary folder if the JVM ends (SIGINT, SIGTERM, System.exit) before the run finished. */
    private final Thread cleanup;
    private Environment environment;
    /** The machine's load when the run started (the manifest records it against the load at the end). */
    private final Load.Snapshot loadAtStart = Load.snapshot();

    public RunWriter(Path root, String commit, Scale scale, long seed, PrintStream log, boolean interactive) {
        this.root = root;
        this.runId = RUN_ID.format(started) + (commit == null || commit.isBlank() ? "" : "-" + commit);
        this.tmp = root.resolve(".tmp-" + runId);
        this.scale = scale;
        this.seed = seed;
        this.log = log;
        this.interactive = interactive;
        try {
            checkLatest(root);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot create run folder " + tmp + ": " + e.getMessage(), e));
        }
        this.cleanup = new Thread(this::removeUnfinished, "prunebench-run-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * Refuses a results root whose {@code latest} is not the symbolic link a run points at the newest run (a real
     * folder or file there would make the run fail at its very end).
     */
    public static void checkLatest(Path root) throws IOException {
        Path link = root.resolve("latest");
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(link))
            throw new IOException(link + ": is a real " + (Files.isDirectory(link, LinkOption.NOFOLLOW_LINKS) ? "folder" : "file")
                    + ", not the link to the newest run that prunebench maintains; move it away or choose another results folder");
    }

    /** Deletes this run's temporary folder, and only it (links inside are removed, never followed). */
    private synchronized void removeUnfinished() {
        if (finished || moved != null || !Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) return;
        for (int attempt = 0; attempt < 3 && Files.exists(tmp, LinkOption.NOFOLLOW_LINKS); attempt++) {
            try {
                deleteTree(tmp);
            } catch (IOException | UncheckedIOException e) {
                // an experiment may still be writing into it: try again
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.deleteIfExists(f);
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    public String runId() { return runId; }

    /** The machine's load from the start of the run until now: busy or not, and the warning to print when it was. */
    public Load.Report loadReport() { return Load.since(loadAtStart); }

    public Path tmpDir() { return tmp; }

    public Scale scale() { return scale; }

    /** The run's environment, captured on first use; experiments add to it through {@link ExperimentContext#environment}. */
    public synchronized Environment environment() {
        if (environment == null) environment = Environment.capture();
        return environment;
    }

    /** Starts one experiment's folder; close the returned context when the experiment ends. */
    private KernelRegistry kernels;

    /**
     * The kernel registry every experiment of this run gets ({@link ExperimentContext#kernels()}); its backends'
     * answers are recorded in the environment under {@code backends}.
     */
    public RunWriter kernels(KernelRegistry registry) {
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

    private final Set<String> completed = Collections.synchronizedSet(new LinkedHashSet<>());

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
        environment.put("load", loadReport().asMap());
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
        synchronized (this) {
            try {
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dest);
            }
            moved = dest;
        }
        pointLatest(root, dest);
        finished = true;
        return dest;
    }

    /** Points {@code root/latest} at {@code dest} (a relative symbolic link, replaced atomically). */
    public static void pointLatest(Path root, Path dest) throws IOException {
        checkLatest(root);
        Path link = root.resolve("latest");
        Path tmpLink = root.resolve(".latest-" + System.nanoTime());
        Files.createSymbolicLink(tmpLink, root.relativize(dest));
        try {
            Files.move(tmpLink, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmpLink);
            throw e;
        }
    }

    /** An unfinished run's temporary folder is removed; a run that moved into place but could not update latest says so. */
    @Override public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        if (finished) return;
        if (moved != null) {
            log.println("run " + runId + " is complete in " + moved + ", but " + root.resolve("latest") + " was not pointed at it");
            return;
        }
        removeUnfinished();
        log.println("run " + runId + " did not finish; its temporary folder " + tmp
                + (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS) ? " could not be removed" : " was removed"));
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
        private final Map<String, String> provenance = new java.util.TreeMap<>();

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

        @Override public Optional<Path> input(String experimentId) {
            if (experimentId.equals(id)) throw new IllegalArgumentException("input: an experiment cannot read its own output as an input");
            return completed.contains(experimentId) ? Optional.of(tmp.resolve(experimentId)) : Optional.empty();
        }

        @Override public KernelRegistry kernels() {
            if (kernels == null) throw new IllegalStateException("this run was given no kernel registry (RunWriter.kernels)");
            return kernels;
        }

        @Override public void table(String name, Table table) {
            if (!name.matches("[a-z0-9][a-z0-9_-]*")) throw new IllegalArgumentException("table name: must match [a-z0-9][a-z0-9_-]*, got '" + name + "'");
            if (name.equals("metrics")) throw new IllegalArgumentException("table name: 'metrics' is reserved");
            Path f = dir.resolve(name + ".csv");
            try {
                Csv.write(f, table);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
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

        @Override public void provenance(String metricName, String word) { provenance.put(metricName, word); }

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
            if (!provenance.isEmpty()) info.put("metric_provenance", provenance);
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
