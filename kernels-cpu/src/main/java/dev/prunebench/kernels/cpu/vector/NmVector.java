package dev.prunebench.kernels.cpu.vector;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.NmSparse;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.kernels.cpu.rows.CpuMatMul;

/**
 * {@code nm-vector}: N:M SpMM/SpMV. What run() reads: the N:M values as stored (windows × N slots per row, no row
 * pointers: every row has the same length) and one int column per slot, {@code window·M + position}, unpacked
 * from the packed ⌈log2 M⌉-bit metadata once in prepare (decoding bits in the inner loop costs more than the
 * 4 bytes per slot it saves at these sizes). Slots past a short last window hold value 0 at position 0: they are
 * multiplied like the others (0 · finite X adds nothing). The loops are {@link SparseRows}'.
 */
final class NmVector extends CpuMatMul {
    NmVector() { super("nm-vector", VectorKernels.BACKEND_ID, FormatSpec.Kind.NM); }

    @Override protected Prepared bind(SparseFormat w, float[] x, int n, int threads) {
        VectorKernels.requireAvailable(id());
        NmSparse s = (NmSparse) w;
        return ListRows.of(s.rows(), s.cols(), null, columns(s), s.values().clone(), s.windows() * s.n(), x, n, threads, id());
    }

    /** Absolute column of every slot. */
    static int[] columns(NmSparse s) {
        int[] pos = s.positions();
        int per = s.n(), windows = s.windows();
        for (int slot = 0; slot < pos.length; slot++) pos[slot] += (slot / per % windows) * s.m();
        return pos;
    }
}
