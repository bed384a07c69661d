package dev.prunebench.results;

import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.backend.KernelRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import tech.tablesaw.api.Table;

/**
 * What an experiment writes into, handed to it by the run. Everything it produces goes through here, so the
 * run can write it atomically (temp folder, then move), describe it in the manifest and draw it in the report.
 */
public interface ExperimentContext {

    Scale scale();

    /** Base seed of the run; experiments derive their seeds from it and record them with {@link #parameter}. */
    long seed();

    /** This experiment's output folder (inside the run's temporary folder until the run completes). */
    Path dir();

    /** Writes {@code name.csv} (Tablesaw) into {@link #dir()}. Names: [a-z0-9_-]+. */
    void table(String name, Table table);

    /** Records one metric (written to {@code metrics.csv}). */
    void metric(Metric metric);

    /**
     * Records a metric measured on a backend: flagged modelled when the backend's numbers are emulated or modelled,
     * so no experiment has to remember it. Every measurement taken through a kernel is recorded this way.
     */
    default void metric(Metric metric, Backend ranOn) {
        metric(ranOn.modelled() && !metric.modelled() ? metric.asModelled() : metric);
        if (ranOn.modelled()) provenance(metric.name(), ranOn.provenance().label());
    }

    /**
     * The word for a metric not measured on the hardware: {@code emulated} (counted under an emulator) or {@code modelled}
     * (a model of the hardware); kept in experiment.json ({@code metric_provenance}) so the report says which.
     */
    default void provenance(String metricName, String word) {}

    /**
     * The output folder of another experiment that finished earlier in this run (declared by the caller as needed or
     * used), read-only by convention; empty when it did not run. Experiments get each other's outputs only this way,
     * never by a path to a sibling folder.
     */
    default Optional<Path> input(String experimentId) { return Optional.empty(); }

    /** The run's kernels: every backend probed once, with the kernels of those available. */
    KernelRegistry kernels();

    /** Adds a plot drawn from one of this experiment's tables. */
    void plot(PlotSpec plot);

    /** A parameter of this run, recorded in the manifest (sizes, rates, seeds, backends used). */
    void parameter(String key, Object value);

    /** A sentence shown in the report under this experiment (e.g. "values of .smtx drawn from a seeded normal"). */
    void note(String text);

    /** Marks a part of the experiment skipped (backend unavailable, …), with the reason shown in the report. */
    void skipped(String what, String reason);

    /** Where progress and log lines go (stderr, or a sink with --quiet). */
    PrintStream log();

    /** Whether progress bars may be drawn (a terminal, and not --quiet). */
    boolean interactive();

    /**
     * Records a fact about the machine or its libraries in the run's environment (manifest.json) and as a parameter
     * of this experiment, e.g. {@code environment("mkl_version", "2025.0")} or {@code environment("emulator",
     * "qemu-system-arm 7.2")}. Contexts that keep no run-level environment record it as a parameter only.
     */
    default void environment(String key, Object value) { parameter(key, value); }
}
