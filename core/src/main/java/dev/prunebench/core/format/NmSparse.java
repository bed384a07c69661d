package dev.prunebench.core.format;

import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.core.storage.StorageCost;
import java.util.Arrays;

/**
 * N:M structured sparsity: in every window of M consecutive weights of a row (windows start at column multiples of
 * M) at most N are non-zero. 2:4 is the common case; 1:4 and 4:8 work the same way.
 *
 * <p>Layout: each row has {@code windows = ceil(cols / M)} windows and each window exactly N value slots, so
 * {@code values.length == rows * windows * N}, slot i of window w of row r at {@code ((r * windows) + w) * N + i}.
 * Each slot has a position within its window, stored as {@code ceil(log2 M)} bits, packed least-significant-bit
 * first into {@code meta} (slot number × bits gives the bit offset). A window with fewer than N non-zeros fills the
 * spare slots with value 0 at positions not otherwise used, so the positions of a window are strictly increasing.
 * When {@code cols % M != 0} the last window is {@code cols % M} wide; if that is less than N, its slots past the
 * width hold value 0 and position 0.
 *
 * <p>Storage: values rows × windows × N × precision (explicit zeros included); metadata
 * {@code ceil(rows × windows × N × ceil(log2 M) / 8)} bytes; no indices or pointers.
 */
public record NmSparse(int rows, int cols, int n, int m, float[] values, byte[] meta) implements SparseFormat {

    public NmSparse {
        Checks.dims(rows, cols);
        checkNM(n, m);
        int windows = (cols + m - 1) / m;
        long slots = (long) rows * windows * n;
        Checks.length("values", values, slots);
        Checks.length("meta", meta, metaBytes(slots, bits(m)));
        Checks.finite("values", values);
        int b = bits(m);
        for (int r = 0; r < rows; r++)
            for (int w = 0; w < windows; w++) {
                int width = Math.min(m, cols - w * m), base = (r * windows + w) * n, prev = -1;
                for (int s = 0; s < n; s++) {
                    int p = readBits(meta, (long) (base + s) * b, b);
                    if (s >= width) {
                        if (p != 0 || values[base + s] != 0f)
                            throw new IllegalArgumentException("meta/values slot " + (base + s) + " (row " + r + ", group " + w
                                    + "): slot " + s + " is past the window width " + width + " and must hold position 0, value 0");
                        continue;
                    }
                    if (p >= width || p <= prev)
                        throw new IllegalArgumentException("meta slot " + (base + s) + " (row " + r + ", group " + w + "): position " + p
                                + (p >= width ? " out of range [0, " + width + ")" : " not increasing (previous " + prev + ")"));
                    prev = p;
                }
            }
    }

    static void checkNM(int n, int m) {
        if (m < 1) throw new IllegalArgumentException("M: must be >= 1, got " + m);
        if (n < 1) throw new IllegalArgumentException("N: must be >= 1, got " + n);
        if (n > m) throw new IllegalArgumentException("N: " + n + " > M = " + m + " (N:M needs N <= M)");
        if (m > 256) throw new IllegalArgumentException("M: " + m + " too large (at most 256)");
    }

    /** Bits per stored position: ceil(log2 M), 0 when M = 1. */
    public static int bits(int m) { return m <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(m - 1); }

    static int metaBytes(long slots, int bits) { return Math.toIntExact((slots * bits + 7) / 8); }

    /** Builds N:M from a dense matrix; fails naming the row and group of the first window with more than N non-zeros. */
    public static NmSparse fromDense(float[] dense, int rows, int cols, int n, int m) {
        Checks.dims(rows, cols);
        checkNM(n, m);
        Checks.length("dense", dense, (long) rows * cols);
        Checks.finite("dense", dense);
        int windows = (cols + m - 1) / m, b = bits(m);
        long slotCount = (long) rows * windows * n;
        if (slotCount > Integer.MAX_VALUE)
            throw new IllegalArgumentException("values: " + rows + " rows x " + windows + " windows x N = " + n + " exceed " + Integer.MAX_VALUE + " slots");
        int slots = (int) slotCount;
        float[] vs = new float[slots];
        byte[] meta = new byte[metaBytes(slots, b)];
        int[] pos = new int[m];
        for (int r = 0; r < rows; r++)
            for (int w = 0; w < windows; w++) {
                int c0 = w * m, width = Math.min(m, cols - c0), base = (r * windows + w) * n, cnt = 0;
                for (int p = 0; p < width; p++) if (dense[r * cols + c0 + p] != 0f) cnt++;
                if (cnt > n)
                    throw new IllegalArgumentException("matrix violates " + n + ":" + m + " at row " + r + ", group " + w
                            + " (columns " + c0 + "…" + (c0 + width - 1) + "): " + cnt + " non-zeros > " + n);
                // positions: the non-zeros, then spare zero positions, all sorted
                int used = Math.min(n, width), k = 0, spare = used - cnt;
                for (int p = 0; p < width && k < used; p++) {
                    boolean nz = dense[r * cols + c0 + p] != 0f;
                    if (nz || spare > 0) {
                        if (!nz) spare--;
                        pos[k++] = p;
                    }
                }
                for (int s = 0; s < used; s++) {
                    vs[base + s] = dense[r * cols + c0 + pos[s]];
                    writeBits(meta, (long) (base + s) * b, b, pos[s]);
                }
            }
        return new NmSparse(rows, cols, n, m, vs, meta);
    }

    static int readBits(byte[] a, long bitOffset, int bits) {
        int v = 0;
        for (int i = 0; i < bits; i++) {
            long bit = bitOffset + i;
            if ((a[(int) (bit >>> 3)] >>> (bit & 7) & 1) != 0) v |= 1 << i;
        }
        return v;
    }

    static void writeBits(byte[] a, long bitOffset, int bits, int value) {
        for (int i = 0; i < bits; i++) {
            long bit = bitOffset + i;
            int idx = (int) (bit >>> 3);
            if ((value >>> i & 1) != 0) a[idx] |= (byte) (1 << (bit & 7));
            else a[idx] &= (byte) ~(1 << (bit & 7));
        }
    }

    public int windows() { return (cols + m - 1) / m; }

    /** Position within its window of value slot {@code slot}. */
    public int position(int slot) { return readBits(meta, (long) slot * bits(m), bits(m)); }

    /** All slot positions unpacked (for kernels that want plain ints). */
    public int[] positions() {
        int[] p = new int[values.length];
        int b = bits(m);
        for (int i = 0; i < p.length; i++) p[i] = readBits(meta, (long) i * b, b);
        return p;
    }

    @Override public long nnz() { return Checks.nonZeros(values); }

    @Override public long storedValues() { return values.length; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        int windows = windows(), b = bits(m);
        for (int r = 0; r < rows; r++)
            for (int w = 0; w < windows; w++) {
                int base = (r * windows + w) * n, width = Math.min(m, cols - w * m);
                for (int s = 0; s < Math.min(n, width); s++) {
                    int p = readBits(meta, (long) (base + s) * b, b);
                    d[r * cols + w * m + p] = values[base + s];
                }
            }
        return d;
    }

    @Override public StorageCost storage(Precision precision, IndexPolicy policy) {
        long slots = values.length;
        return new StorageCost(slots * precision.bytes(), 0, 0, (slots * bits(m) + 7) / 8);
    }

    @Override public FormatSpec spec() { return FormatSpec.nm(n, m); }

    @Override public boolean equals(Object o) {
        return o instanceof NmSparse x && x.rows == rows && x.cols == cols && x.n == n && x.m == m
                && Arrays.equals(x.values, values) && Arrays.equals(x.meta, meta);
    }

    @Override public int hashCode() { return Arrays.hashCode(values) * 31 + rows * 17 + cols * 7 + n * 3 + m; }

    @Override public String toString() { return "NmSparse[" + rows + "x" + cols + ", " + n + ":" + m + "]"; }
}
