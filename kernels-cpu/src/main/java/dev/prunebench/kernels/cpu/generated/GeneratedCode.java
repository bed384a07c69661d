package dev.prunebench.kernels.cpu.generated;

/**
 * What a generated class implements: {@code C = W · X} for the one W it was generated for. The code is split into
 * {@code parts} (each a static method calling a run of generated methods); part i computes a fixed set of row
 * segments of C for the column blocks {@code j ∈ [j0, j1)} (stepping one block of columns). An empty range
 * ({@code j0 == j1}) runs nothing: the warm-up uses it to make HotSpot compile the methods without running them.
 */
public interface GeneratedCode {
    /**
     * Runs part {@code part} (0 ≤ part &lt; parts) over column blocks starting at j0, j0 + step, … &lt; j1.
     *
     * @param x X (K rows at stride N, padded after the last row, see {@link SpmmGenerator})
     * @param c C (M rows at stride ld)
     */
    void run(int part, float[] x, float[] c, int j0, int j1);
}
