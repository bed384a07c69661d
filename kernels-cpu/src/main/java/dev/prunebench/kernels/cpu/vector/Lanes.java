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

    /** n rounded up to a whole number of vectors. */
    static int padded(int n) {
        return Math.addExact(n, L - 1) / L * L;
    }

    /**
     * X (rows × n, row-major) copied into rows' × ld with zero padding on the right (ld ≥ n) and below
     * (rows' ≥ rows), so that kernels load whole vectors and whole groups without tails or clamps.
     */
    static float[] pad(float[] x, int rows, int n, int paddedRows, int ld) {
        float[] p = new float[Math.multiplyExact(paddedRows, ld)];
        for (int r = 0; r < rows; r++) System.arraycopy(x, r * n, p, r * ld, n);
        return p;
    }
}
