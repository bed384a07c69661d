/**
 * SpMM / SpMV kernels on the Vector API ({@code jdk.incubator.vector}), backend {@code cpu-vector}:
 * {@code C = W · X}, W an M×K matrix in one of core's formats, X dense K×N row-major, fp32.
 *
 * <h2>Entry point</h2>
 * {@link dev.prunebench.kernels.cpu.vector.VectorKernels#all()} lists the kernels ({@code dense-vector},
 * {@code csr-vector}, {@code gcsr-vector}, {@code nm-vector}); {@link dev.prunebench.kernels.cpu.vector.VectorKernels#availability()}
 * says whether they can run here (module readable, C2 on, a float species of at least 4 lanes) and names the
 * species, e.g. "Float512 species, 16 lanes". Only after that check is any class that touches the Vector API
 * loaded; an unavailable backend refuses to prepare with its reason.
 *
 * <h2>Layouts made in prepare (set-up, timed apart from run)</h2>
 * <ul>
 *   <li>N ≥ 2: C gets a row stride {@code ldc} rounded up to a whole vector (L lanes, or 4 / 8 for small N). For csr,
 *       nm and gcsr:1 with C rows of four vectors or more ({@link dev.prunebench.kernels.cpu.vector.PanelRows}) X is copied at stride {@code ldc} into native
 *       memory aligned to 64 bytes (no load splits a cache line; padding columns zero) and W is re-laid out by column
 *       panels sized from the L2 ({@code /sys/devices/system/cpu/cpu0/cache}), 16-bit column indices within a panel.
 *       Otherwise X keeps its stride N with zero rows appended up to a whole number of groups and
 *       {@code ldc − N} zero floats at the end; lanes past N read the next row of X and land only in C's padding
 *       columns, which {@code result()} drops.</li>
 *   <li>N = 1: for gcsr the values are re-laid out at a group stride that is a whole vector of the species used
 *       (4, 8 or a multiple of L lanes; zero-padded) and x is zero-padded behind.</li>
 *   <li>nm: one int column per slot ({@code window·M + position}) unpacked from the packed metadata.</li>
 * </ul>
 * Because padding zeros are multiplied with X, X must be finite ({@code prepare} checks it).
 *
 * <h2>Kernels</h2>
 * <ul>
 *   <li>{@code csr-vector}, {@code nm-vector} ({@link dev.prunebench.kernels.cpu.vector.PanelRows},
 *       {@link dev.prunebench.kernels.cpu.vector.SparseRows}): SpMM panel by panel keeps one row of C in registers
 *       (blocks of 4, 2, 1 vectors) and, per stored (k, v), broadcasts v and FMAs row k of the panel of X; two entries
 *       per step into two accumulator sets. SpMV loads values as vectors and gathers x.</li>
 *   <li>{@code gcsr-vector} ({@link dev.prunebench.kernels.cpu.vector.GroupRows}): SpMM as above, but one group index
 *       gives g consecutive rows of X (one contiguous stretch). SpMV (Scalpel's SIMD-aware case): each group's g
 *       weights against g contiguous inputs as one vector FMA (g = 16 with 16 lanes), four groups in flight.
 *       g = 1 runs the CSR loops.</li>
 *   <li>{@code dense-vector} ({@link dev.prunebench.kernels.cpu.vector.DenseRows}): K-panelled GEMM with a 4-row × 4-vector
 *       register block; GEMV for N = 1. Node-pruned layers are a smaller Dense and run here.</li>
 * </ul>
 * Every kernel runs multithreaded on {@link dev.prunebench.kernels.cpu.rows.RowPool} when asked (rows split by stored
 * entries), and {@code run()} allocates nothing once compiled (checked by the developer timing tool, which prints
 * bytes per run).
 *
 * <p>Small batches: for 2 ≤ N ≤ 8 the sparse kernels switch to a 128-bit (N ≤ 4) or 256-bit (N ≤ 8) species, so a
 * C row is at most twice as wide as N; the dense kernel always uses whole preferred vectors.
 *
 * <p>{@link dev.prunebench.kernels.cpu.vector.VectorKernels#measurePeak} measures this core's fp32 FMA peak and L2
 * read bandwidth in the calling JVM (what {@code scripts/perf-cpu.sh} divides by); docs/cpu-kernels.md has the figures.
 *
 * <p>Not here: BlockCsr (core has no such format).
 */
package dev.prunebench.kernels.cpu.vector;
