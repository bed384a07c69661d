package dev.prunebench.experiments;

import dev.prunebench.results.ExperimentContext;
import java.util.List;

/**
 * One reproduced table or figure. Implementations are registered in {@link Experiments#ALL}.
 * An experiment measures everything it reports in the run that reports it; published numbers live in
 * {@code results/published/*.csv}, never here.
 */
public interface Experiment {

    /** The folder, inside an experiment's output, holding the networks it kept for later experiments of the run. */
    String KEPT_MODELS = "models";

    /** Stable id, e.g. {@code formats-storage}; names the output folder. */
    String id();

    /** The paper (or notes) this reproduces, short form, e.g. "Hartenstein et al., Fig. 3". */
    String paper();

    /** One line on what it measures. */
    String description();

    /** Runs at {@code ctx.scale()}, writing tables, metrics and plots through {@code ctx}. */
    void run(ExperimentContext ctx) throws Exception;

    /**
     * Experiments whose output this one needs (their kept models, latency tables): {@code run} adds them to the run
     * when they were not chosen and runs them first, and says so; this one reads them with {@code ctx.input(id)}.
     */
    default List<String> needs() { return List.of(); }

    /**
     * Experiments whose output this one uses when they are in the same run (a joined figure): {@code run} orders them
     * first but does not add them; {@code ctx.input(id)} is empty when they did not run.
     */
    default List<String> uses() { return List.of(); }

    /**
     * Whether {@link #run(ExperimentContext, Shard)} measures a slice of the points ({@code run --shard I/N}); an
     * experiment that cannot be sharded is refused with {@code --shard}, before anything runs.
     */
    default boolean shardable() { return false; }

    /** Runs the points of one shard; only shardable experiments override this ({@link Shard#WHOLE} runs everything). */
    default void run(ExperimentContext ctx, Shard shard) throws Exception {
        if (!shard.whole()) throw new IllegalArgumentException(id() + " cannot be sharded (--shard " + shard + ")");
        run(ctx);
    }
}
