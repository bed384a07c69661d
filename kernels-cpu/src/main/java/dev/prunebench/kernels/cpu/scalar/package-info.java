/**
 * Plain-Java reference kernels, backend {@code cpu-scalar}: {@code dense-scalar}, {@code csr-scalar},
 * {@code gcsr-scalar}, {@code nm-scalar}, listed by {@link dev.prunebench.kernels.cpu.scalar.ScalarKernels#all()}.
 * Each is the textbook loop over its format (what a reader checks the vector kernels against), row-parallel like
 * the vector kernels. Always available.
 */
package dev.prunebench.kernels.cpu.scalar;
