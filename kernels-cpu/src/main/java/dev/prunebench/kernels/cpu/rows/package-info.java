/**
 * The frame shared by the CPU kernels: argument checks done once ({@link dev.prunebench.kernels.cpu.rows.CpuMatMul}),
 * C owned and copied out ({@link dev.prunebench.kernels.cpu.rows.RowKernel}), rows split into chunks of equal work
 * ({@link dev.prunebench.kernels.cpu.rows.RowSplit}) and run on a fixed, allocation-free pool
 * ({@link dev.prunebench.kernels.cpu.rows.RowPool}) created in prepare and stopped in close.
 */
package dev.prunebench.kernels.cpu.rows;
