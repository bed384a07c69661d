package dev.prunebench.kernels.cpu.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species the kernels use, chosen once at VM start: the widest the CPU supports ({@code SPECIES_PREFERRED},
 * 16 float lanes with AVX-512, 8 with AVX2), held in {@code static final} fields so C2 sees constants and
 * intrinsifies every vector operation. Loaded only after {@link VectorKernels} has checked the module is readable.
 */
final class Lanes {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private Lanes() {}

    static String describe() {
        return "Float" + S.vectorBitSize() + " species, " + L + " lanes";
    }

    static final VectorSpecies<Float> S128 = FloatVector.SPECIES_128;
    static final VectorSpecies<Float> S256 = FloatVector.SPECIES_256;

    /**
     * Width of a C row for the sparse SpMM loops: 1 for SpMV; for small N the narrowest species that holds it
     * (4 lanes for N ≤ 4, 8 for N ≤ 8, when the preferred species is wider), so batch 2–8 does not pay for 16
     * lanes; otherwise N rounded up to whole preferred vectors.
     */
    static int rowWidth(int n) {
        if (n == 1) return 1;
        if (n <= 4 && L > 4) return 4;
        if (n <= 8 && L > 8) return 8;
        return padded(n);
    }

    /** n rounded up to a whole number of vectors. */
    static int padded(int n) {
        return Math.addExact(n, L - 1) / L * L;
    }

    /**
     * X (rows × n, row-major, stride n kept) copied with zero rows below up to paddedRows, and {@code ld − n} zero
     * floats after the last row, so that a kernel may load ld floats (whole vectors) from the start of any row.
     * The stride stays n rather than ld because X is the working set that must stay in cache: at N = 50 a
     * 4096-row X is 800 KiB at stride 50 against 1 MiB at stride 64. Lanes past n of a row read the next row;
     * kernels keep those lanes only in C's padding columns.
     */
    static float[] pad(float[] x, int rows, int n, int paddedRows, int ld) {
        float[] p = new float[Math.addExact(Math.multiplyExact(paddedRows, n), ld - n)];
        System.arraycopy(x, 0, p, 0, Math.multiplyExact(rows, n));
        return p;
    }
}
