/**
 * Sparsity patterns for the sweeps at exact rates: uniform random, whole random groups, magnitude and group-RMS masks
 * from the project's pruner, and DLMC-like power-law row lengths, so kernels are judged on skewed rows too.
 */
package dev.prunebench.kernels.cpu.patterns;
