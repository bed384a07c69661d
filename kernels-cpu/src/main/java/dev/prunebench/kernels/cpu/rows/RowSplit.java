package dev.prunebench.kernels.cpu.rows;

/**
 * Splits the rows of W into contiguous chunks of about equal work for {@link RowPool}: the work of a row is its
 * number of stored entries plus one (the per-row cost of loading and storing its accumulators, so that runs of
 * empty rows are spread too).
 */
public final class RowSplit {
    private RowSplit() {}

    /**
     * Chunk boundaries over rows by a prefix of per-row stored entries.
     *
     * @param prefix non-decreasing, length rows + 1, {@code prefix[r+1] - prefix[r]} = stored entries of row r
     *               (a CSR row-pointer array is one)
     * @param chunks number of chunks, ≥ 1
     * @return {@code bounds} of length chunks + 1, bounds[0] = 0, bounds[chunks] = rows, non-decreasing;
     *         chunk i covers rows [bounds[i], bounds[i+1]) (possibly empty when there are fewer rows than chunks)
     */
    public static int[] balanced(int[] prefix, int chunks) {
        if (chunks < 1) throw new IllegalArgumentException("threads: must be >= 1, got " + chunks);
        int rows = prefix.length - 1;
        long total = (long) prefix[rows] - prefix[0] + rows;
        int[] bounds = new int[chunks + 1];
        bounds[chunks] = rows;
        for (int t = 1; t < chunks; t++) {
            long target = total * t / chunks;
            // smallest r with work(0..r) >= target; work is monotone in r, so binary search
            int lo = bounds[t - 1], hi = rows;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if ((long) prefix[mid] - prefix[0] + mid >= target) hi = mid;
                else lo = mid + 1;
            }
            bounds[t] = lo;
        }
        return bounds;
    }

    /** Chunk boundaries for rows of equal work (dense and N:M rows). */
    public static int[] even(int rows, int chunks) {
        if (chunks < 1) throw new IllegalArgumentException("threads: must be >= 1, got " + chunks);
        int[] bounds = new int[chunks + 1];
        for (int t = 0; t <= chunks; t++) bounds[t] = (int) ((long) rows * t / chunks);
        return bounds;
    }
}
