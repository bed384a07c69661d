/**
 * The baselines a user would otherwise pick, as probed backends: Intel MKL ({@code mkl-sgemm}, {@code mkl-sgemv},
 * {@code mkl-sparse-csr}) and OpenBLAS ({@code openblas-sgemm}) through bytedeco. Every native buffer and handle is
 * owned by the kernel's {@code Prepared} and freed in {@code close()}, also when {@code prepare} fails half-way.
 * Both libraries load into one JVM and give correct answers side by side ({@code NativeKernelsTest}); note that
 * bytedeco's OpenBLAS {@code blas_set_num_threads} also sets MKL's thread count when MKL is loaded, which is why the
 * MKL kernels pin theirs on every call.
 */
package dev.prunebench.kernels.cpu.nativeblas;
