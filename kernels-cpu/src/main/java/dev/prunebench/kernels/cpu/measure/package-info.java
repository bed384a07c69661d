/**
 * How prunebench times a kernel: interleaved with its baseline in one run, verified first, summarised with a median
 * and a bootstrap interval, and recorded with the machine it ran on.
 *
 * <ul>
 *   <li>{@link dev.prunebench.measure.Verification}: C against a double-precision reference
 *       (relative Frobenius error &le; 1e-5·√K) before any timing counts; a failing kernel is reported, not timed.</li>
 *   <li>{@link dev.prunebench.measure.Interleaved}: A B A B … with warm-up and batching of short runs;
 *       per-pair ratios, so drift of a shared machine cancels in the ratio.</li>
 *   <li>{@link dev.prunebench.measure.Stats}: median and percentile-bootstrap 95 % interval (seeded,
 *       Commons Math {@code Percentile}).</li>
 *   <li>{@link dev.prunebench.kernels.cpu.measure.Environment}: CPU model and SIMD flags, nominal clock, cores,
 *       JDK, Vector API species, MKL and OpenBLAS versions.</li>
 *   <li>{@link dev.prunebench.measure.SpmmBench}: one matrix through every kernel and format
 *       ({@code prunebench spmm}).</li>
 * </ul>
 * Speed is only ever measured here and in the JMH benchmarks ({@code ..cpu.bench}), never in a timed unit test.
 */
package dev.prunebench.kernels.cpu.measure;
