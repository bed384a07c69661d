package dev.prunebench.kernels.cpu.generated;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species the generated code uses, held in a {@code static final} field that the generated classes read with
 * {@code getstatic}: C2 sees a constant and intrinsifies every vector operation. Loaded only once the probe has
 * checked that {@code jdk.incubator.vector} is readable.
 */
public final class GenLanes {
    public static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    public static final int L = S.length();

    private GenLanes() {}

    /** n rounded up to a whole number of vectors. */
    static int padded(int n) { return Math.addExact(n, L - 1) / L * L; }
}
