package dev.prunebench.experiments;

import dev.prunebench.results.ExperimentContext;

/**
 * One reproduced table or figure. Implementations are registered in {@link Experiments#ALL}.
 * An experiment measures everything it reports in the run that reports it; published numbers live in
 * {@code results/published/*.csv}, never here.
 */
public interface Experiment {

    /** Stable id, e.g. {@code formats-storage}; names the output folder. */
    String id();

    /** The paper (or notes) this reproduces, short form, e.g. "Hartenstein et al., Fig. 3". */
    String paper();

    /** One line on what it measures. */
    String description();

    /** Runs at {@code ctx.scale()}, writing tables, metrics and plots through {@code ctx}. */
    void run(ExperimentContext ctx) throws Exception;
}
