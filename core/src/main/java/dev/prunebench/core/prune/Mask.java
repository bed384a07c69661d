package dev.prunebench.core.prune;

import dev.prunebench.core.format.Coo;
import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.NmSparse;
import dev.prunebench.core.format.SparseFormat;
import java.util.Arrays;
import java.util.Locale;

/**
 * An immutable keep/remove mask over a rows × cols row-major weight matrix: {@code keep(r, c)} is true where the
 * weight survives.
 *
 * <p>Invariants: rows, cols &gt; 0 and rows × cols &le; {@link Integer#MAX_VALUE}; one bit per weight, bit
 * {@code r * cols + c} of {@code bits} (little-endian within each long), set = kept; bits past rows × cols are 0
 * (so equality is array equality).
 *
 * <p>Use: {@link #apply} gives masked weights; {@link #zeroMasked} zeroes removed positions in place, which a
 * training loop calls on gradients, on updates and on weights after each step so that removed weights stay exactly
 * 0; {@link #and}/{@link #or}/{@link #not} combine masks; {@link #encode} builds each sparse format holding exactly
 * the kept positions; {@link MaskFile} saves and loads.
 */
public final class Mask {
    private final int rows, cols;
    private final long[] bits;
    private final long kept;

    private Mask(int rows, int cols, long[] bits) {
        this.rows = rows;
        this.cols = cols;
        this.bits = bits;
        long k = 0;
        for (long b : bits) k += Long.bitCount(b);
        this.kept = k;
    }

    static void checkDims(int rows, int cols) {
        if (rows <= 0) throw new IllegalArgumentException("mask: rows must be > 0, got " + rows);
        if (cols <= 0) throw new IllegalArgumentException("mask: cols must be > 0, got " + cols);
        if ((long) rows * cols > Integer.MAX_VALUE)
            throw new IllegalArgumentException("mask: " + rows + "x" + cols + " exceeds " + Integer.MAX_VALUE + " elements");
    }

    private static long[] newBits(int rows, int cols) {
        checkDims(rows, cols);
        return new long[(int) (((long) rows * cols + 63) >>> 6)];
    }

    /** Takes ownership of {@code bits}; clears bits past the end. */
    static Mask wrap(int rows, int cols, long[] bits) {
        checkDims(rows, cols);
        int n = rows * cols;
        if (bits.length != (n + 63) >>> 6) throw new IllegalArgumentException("mask: bit array length " + bits.length + " for " + rows + "x" + cols);
        if ((n & 63) != 0) bits[bits.length - 1] &= (1L << (n & 63)) - 1;
        return new Mask(rows, cols, bits);
    }

    /** Keeps everything. */
    public static Mask all(int rows, int cols) {
        long[] b = newBits(rows, cols);
        Arrays.fill(b, -1L);
        return wrap(rows, cols, b);
    }

    /** Removes everything. */
    public static Mask none(int rows, int cols) { return wrap(rows, cols, newBits(rows, cols)); }

    /** Keeps exactly the non-zero weights (e.g. of a matrix pruned elsewhere). */
    public static Mask ofNonZeros(float[] w, int rows, int cols) {
        long[] b = newBits(rows, cols);
        checkLength("weights", w, rows, cols);
        for (int i = 0; i < w.length; i++) if (w[i] != 0f) b[i >>> 6] |= 1L << i;
        return wrap(rows, cols, b);
    }

    /** From one boolean per weight, row-major, true = kept. */
    public static Mask of(boolean[] keep, int rows, int cols) {
        long[] b = newBits(rows, cols);
        if (keep == null || keep.length != (long) rows * cols)
            throw new IllegalArgumentException("mask: keep array length " + (keep == null ? "null" : keep.length) + ", expected " + (long) rows * cols);
        for (int i = 0; i < keep.length; i++) if (keep[i]) b[i >>> 6] |= 1L << i;
        return wrap(rows, cols, b);
    }

    static void checkLength(String field, float[] a, int rows, int cols) {
        if (a == null) throw new IllegalArgumentException(field + ": must not be null");
        if (a.length != (long) rows * cols)
            throw new IllegalArgumentException(field + ": length " + a.length + ", expected " + rows + "x" + cols + " = " + (long) rows * cols);
    }

    public int rows() { return rows; }

    public int cols() { return cols; }

    /** rows × cols. */
    public long size() { return (long) rows * cols; }

    public boolean keep(int r, int c) {
        if (r < 0 || r >= rows) throw new IndexOutOfBoundsException("mask row " + r + " out of [0, " + rows + ")");
        if (c < 0 || c >= cols) throw new IndexOutOfBoundsException("mask column " + c + " out of [0, " + cols + ")");
        return keepAt(r * cols + c);
    }

    /** Kept at flat row-major index i. */
    public boolean keepAt(int i) { return (bits[i >>> 6] >>> i & 1L) != 0; }

    /** Number of kept weights. */
    public long kept() { return kept; }

    /** Number of removed weights. */
    public long removed() { return size() - kept; }

    /** Weight sparsity of the mask: removed / (rows × cols), in [0, 1]. */
    public double rate() { return (double) removed() / size(); }

    /** Kept weights in row r. */
    public int keptInRow(int r) {
        int n = 0;
        for (int i = r * cols, e = i + cols; i < e; i++) if (keepAt(i)) n++;
        return n;
    }

    /** True when every weight of row r is kept; false when every one is removed; throws otherwise. */
    boolean rowAllOrNone(int r, String layer) {
        int k = keptInRow(r);
        if (k != 0 && k != cols)
            throw new IllegalArgumentException("layer " + layer + ": mask row " + r + " is partly kept (" + k + " of " + cols
                    + "); node pruning needs whole rows kept or removed");
        return k == cols;
    }

    /** A new array: {@code w} with removed positions set to 0. */
    public float[] apply(float[] w) {
        checkLength("weights", w, rows, cols);
        float[] out = w.clone();
        zeroMasked(out);
        return out;
    }

    /**
     * Sets every removed position of {@code a} (weights, gradients, optimiser updates or state) to 0 in place. A
     * training step that calls this on the gradient or update and on the weights keeps removed weights at exactly 0.
     */
    public void zeroMasked(float[] a) {
        checkLength("array", a, rows, cols);
        int n = a.length;
        for (int wi = 0; wi < bits.length; wi++) {
            long removed = ~bits[wi];
            int base = wi << 6;
            while (removed != 0) {
                int i = base + Long.numberOfTrailingZeros(removed);
                if (i >= n) break;
                a[i] = 0f;
                removed &= removed - 1;
            }
        }
    }

    /** True when every removed position of {@code a} is exactly 0 (±0). */
    public boolean isRespectedBy(float[] a) {
        checkLength("array", a, rows, cols);
        for (int i = 0; i < a.length; i++) if (a[i] != 0f && !keepAt(i)) return false;
        return true;
    }

    private void sameShape(Mask o) {
        if (o == null) throw new IllegalArgumentException("mask: other mask must not be null");
        if (o.rows != rows || o.cols != cols)
            throw new IllegalArgumentException("mask: shapes disagree, " + rows + "x" + cols + " vs " + o.rows + "x" + o.cols);
    }

    /** Kept where both keep. */
    public Mask and(Mask o) {
        sameShape(o);
        long[] b = bits.clone();
        for (int i = 0; i < b.length; i++) b[i] &= o.bits[i];
        return wrap(rows, cols, b);
    }

    /** Kept where either keeps. */
    public Mask or(Mask o) {
        sameShape(o);
        long[] b = bits.clone();
        for (int i = 0; i < b.length; i++) b[i] |= o.bits[i];
        return wrap(rows, cols, b);
    }

    /** Kept where this one removes. */
    public Mask not() {
        long[] b = bits.clone();
        for (int i = 0; i < b.length; i++) b[i] = ~b[i];
        return wrap(rows, cols, b);
    }

    /** One boolean per weight, row-major, true = kept. */
    public boolean[] toBooleans() {
        boolean[] k = new boolean[rows * cols];
        for (int i = 0; i < k.length; i++) k[i] = keepAt(i);
        return k;
    }

    long[] bits() { return bits; }

    /**
     * Encodes the masked weights in {@code spec}, storing exactly the kept positions:
     * <ul>
     *   <li>{@code dense}: the masked weights;</li>
     *   <li>{@code coo}, {@code csr}: one entry per kept weight; a kept weight that is exactly 0 is stored as an
     *       explicit zero (counted in storedValues and bytes, not in nnz), so storage follows the mask, not accidental
     *       zeros;</li>
     *   <li>{@code gcsr:G}: every group of G with at least one kept weight, whole (removed positions inside a kept
     *       group are stored zeros). For a mask pruned with {@code group:G} this is exactly the mask's kept groups,
     *       including groups whose kept weights are all 0;</li>
     *   <li>{@code nm:N:M}: requires at most N kept in every window (otherwise an IllegalArgumentException names the
     *       row and window); the format's N slots per window are always stored, so storage does not depend on which
     *       kept weights are 0.</li>
     * </ul>
     */
    public SparseFormat encode(float[] w, FormatSpec spec) {
        checkLength("weights", w, rows, cols);
        if (spec == null) throw new IllegalArgumentException("format: must not be null");
        for (int i = 0; i < w.length; i++)
            if (!Float.isFinite(w[i])) throw new IllegalArgumentException("weights[" + i + "]: not finite (" + w[i] + ")");
        return switch (spec.kind()) {
            case DENSE -> new Dense(rows, cols, apply(w));
            case COO -> toCoo(w);
            case CSR -> toCsr(w);
            case GCSR -> toGroupedCsr(w, spec.g());
            case NM -> toNm(w, spec.n(), spec.m());
        };
    }

    private Csr toCsr(float[] w) {
        int k = Math.toIntExact(kept);
        int[] ptr = new int[rows + 1], ci = new int[k];
        float[] vs = new float[k];
        int p = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0, i = r * cols; c < cols; c++, i++)
                if (keepAt(i)) { ci[p] = c; vs[p++] = w[i]; }
            ptr[r + 1] = p;
        }
        return new Csr(rows, cols, ptr, ci, vs);
    }

    private Coo toCoo(float[] w) {
        int k = Math.toIntExact(kept);
        int[] ri = new int[k], ci = new int[k];
        float[] vs = new float[k];
        int p = 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0, i = r * cols; c < cols; c++, i++)
                if (keepAt(i)) { ri[p] = r; ci[p] = c; vs[p++] = w[i]; }
        return new Coo(rows, cols, ri, ci, vs);
    }

    private GroupedCsr toGroupedCsr(float[] w, int g) {
        int gpr = (cols + g - 1) / g;
        int n = 0;
        for (int r = 0; r < rows; r++) for (int j = 0; j < gpr; j++) if (groupAny(r, j, g)) n++;
        int[] ptr = new int[rows + 1], gi = new int[n];
        float[] vs = new float[Math.multiplyExact(n, g)];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < gpr; j++) {
                if (!groupAny(r, j, g)) continue;
                gi[k] = j;
                int c0 = j * g, end = Math.min(cols, c0 + g);
                for (int c = c0; c < end; c++) {
                    int i = r * cols + c;
                    vs[k * g + c - c0] = keepAt(i) ? w[i] : 0f;
                }
                k++;
            }
            ptr[r + 1] = k;
        }
        return new GroupedCsr(rows, cols, g, ptr, gi, vs);
    }

    private boolean groupAny(int r, int j, int g) {
        int c0 = j * g, end = Math.min(cols, c0 + g);
        for (int c = c0; c < end; c++) if (keepAt(r * cols + c)) return true;
        return false;
    }

    private NmSparse toNm(float[] w, int n, int m) {
        int windows = (cols + m - 1) / m;
        for (int r = 0; r < rows; r++)
            for (int win = 0; win < windows; win++) {
                int c0 = win * m, end = Math.min(cols, c0 + m), cnt = 0;
                for (int c = c0; c < end; c++) if (keepAt(r * cols + c)) cnt++;
                if (cnt > n)
                    throw new IllegalArgumentException("mask violates " + n + ":" + m + " at row " + r + ", window " + win
                            + " (columns " + c0 + "…" + (end - 1) + "): " + cnt + " kept > " + n);
            }
        return NmSparse.fromDense(apply(w), rows, cols, n, m);
    }

    @Override public boolean equals(Object o) {
        return o instanceof Mask x && x.rows == rows && x.cols == cols && Arrays.equals(x.bits, bits);
    }

    @Override public int hashCode() { return 31 * (31 * rows + cols) + Arrays.hashCode(bits); }

    @Override public String toString() {
        return "Mask[" + rows + "x" + cols + ", kept=" + kept + ", rate=" + String.format(Locale.ROOT, "%.4f", rate()) + "]";
    }
}
