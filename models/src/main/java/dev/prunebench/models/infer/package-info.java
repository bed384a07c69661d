/**
 * Networks through kernels: a trained or pruned {@link dev.prunebench.models.nn.Network} run end to end with every
 * fully connected and convolution layer computed by a {@link dev.prunebench.core.kernel.MatMul} of a
 * {@link dev.prunebench.core.backend.KernelRegistry} ({@link dev.prunebench.models.infer.KernelNetwork}), and its
 * end-to-end and per-layer latency against a dense plan of the same network
 * ({@link dev.prunebench.models.infer.NetworkLatency}).
 */
package dev.prunebench.models.infer;
