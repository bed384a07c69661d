/**
 * Pruning: which weights go, removed together in which structure, to exactly which rate.
 *
 * <p>{@link dev.prunebench.core.prune.Pruner} turns weights ({@link dev.prunebench.core.prune.Layer}), a
 * {@link dev.prunebench.core.prune.Structure} (unstructured, group:G, nm:N:M, node) and a
 * {@link dev.prunebench.core.prune.Score} (magnitude with an {@link dev.prunebench.core.prune.Aggregate}, random,
 * SNIP, OBD, mean activation) into a {@link dev.prunebench.core.prune.Mask} that removes exactly
 * round(rate × units) units, ties to the lower unit index; per layer, with one global threshold, or from a per-layer
 * profile. Masks apply to weights, zero gradients in training, combine, encode into every sparse format and are saved
 * as {@code .pbmask} ({@link dev.prunebench.core.prune.MaskFile}). {@link dev.prunebench.core.prune.NodePruning}
 * shrinks a chain of layers. See {@code docs/pruning.md}.
 */
package dev.prunebench.core.prune;
