package dev.prunebench.models.nn;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A trainable tensor with its gradient, its momentum buffer and an optional keep-mask.
 *
 * <p>Layout: a weight matrix is {@code rows × cols} row-major with one row per output unit (neuron or output channel)
 * and one column per input: fully connected {@code out × in}, convolution {@code outC × (inC·kh·kw)} with the
 * flattened input axis ordered channel, kernel row, kernel column. Pruning groups therefore run along the input axis.
 * A bias is {@code 1 × n}.
 *
 * <p>Invariant while a mask is set: {@code value[i] == 0 && velocity[i] == 0} for every {@code i} with
 * {@code !keep[i]}, after every call of {@link #setMask} and after every optimiser step.
 */
public final class Param {
    private final String name;
    private final int rows;
    private final int cols;
    private final boolean prunable;
    final float[] value;
    final float[] grad;
    final float[] velocity;
    private boolean[] keep;

    public Param(String name, int rows, int cols, boolean prunable) {
        if (rows <= 0 || cols <= 0) throw new IllegalArgumentException(name + ": shape must be positive, got " + rows + "×" + cols);
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.prunable = prunable;
        this.value = new float[rows * cols];
        this.grad = new float[rows * cols];
        this.velocity = new float[rows * cols];
    }

    public String name() { return name; }
    public int rows() { return rows; }
    public int cols() { return cols; }
    public int size() { return value.length; }
    /** Weights are prunable, biases are not. */
    public boolean prunable() { return prunable; }

    /** The live values (row-major); callers that write must keep the mask invariant (use {@link #set}). */
    public float[] values() { return value; }

    public float[] gradient() { return grad; }

    /** Replaces the values (length must match) and re-applies the mask. */
    public void set(float[] v) {
        if (v.length != value.length) throw new IllegalArgumentException(name + ": " + v.length + " values, expected " + value.length + " (" + rows + "×" + cols + ")");
        System.arraycopy(v, 0, value, 0, v.length);
        enforceMask();
    }

    /** The keep-mask (true = kept), or null when none is set. A copy. */
    public boolean[] mask() { return keep == null ? null : keep.clone(); }

    /**
     * Sets (or with null, clears) the keep-mask, zeroing masked values and their momentum at once. From now on every
     * optimiser step keeps them zero.
     */
    public void setMask(boolean[] keepMask) {
        if (keepMask != null && keepMask.length != value.length)
            throw new IllegalArgumentException(name + ": mask has " + keepMask.length + " entries, expected " + value.length);
        if (keepMask != null && !prunable) throw new IllegalArgumentException(name + ": not prunable (a bias)");
        keep = keepMask == null ? null : keepMask.clone();
        enforceMask();
    }

    /** Number of entries kept by the mask (all when there is none). */
    public int kept() {
        if (keep == null) return value.length;
        int k = 0;
        for (boolean b : keep) if (b) k++;
        return k;
    }

    /** Number of exactly-zero values (masked or not). */
    public int zeros() {
        int z = 0;
        for (float f : value) if (f == 0f) z++;
        return z;
    }

    /** He-normal values, std √(2 / fanIn) from {@code rng}'s Gaussians in order, then the mask enforced. */
    void heNormal(RandomGenerator rng, int fanIn) {
        double std = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < value.length; i++) value[i] = (float) (rng.nextGaussian() * std);
        enforceMask();
    }

    void enforceMask() {
        if (keep == null) return;
        for (int i = 0; i < value.length; i++)
            if (!keep[i]) {
                value[i] = 0f;
                velocity[i] = 0f;
                grad[i] = 0f;
            }
    }

    void maskGradient() {
        if (keep == null) return;
        for (int i = 0; i < grad.length; i++) if (!keep[i]) grad[i] = 0f;
    }

    void clearVelocity() { Arrays.fill(velocity, 0f); }

    @Override public String toString() { return name + "[" + rows + "×" + cols + (keep == null ? "" : ", kept " + kept()) + "]"; }
}
