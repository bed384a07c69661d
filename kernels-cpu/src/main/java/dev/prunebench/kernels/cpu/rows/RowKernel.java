package dev.prunebench.kernels.cpu.rows;

import dev.prunebench.core.kernel.MatMul;

/**
 * The common frame of the row-parallel CPU kernels: C is owned here (M rows of stride {@code ldc} ≥ N, the padding
 * columns being scratch), rows are split into balanced chunks once, and {@link #run()} computes every chunk,
 * on a {@link RowPool} when more than one thread was asked for.
 *
 * <p>Subclasses implement {@link #rows(int, int)}: compute C rows [from, to) completely (overwrite, never
 * accumulate into what a previous run left), touching no C row outside that range, allocating nothing.
 */
public abstract class RowKernel implements MatMul.Prepared {
    protected final int m;
    protected final int n;
    protected final int ldc;
    protected final float[] c;
    private final int[] bounds;
    private final String name;
    private RowPool pool;
    private boolean ran;
    private boolean closed;
    private String variant = "";

    /**
     * @param bounds chunk boundaries (see {@link RowSplit}); its length − 1 is the thread count
     */
    protected RowKernel(int m, int n, int ldc, int[] bounds, String name) {
        this.m = m;
        this.n = n;
        this.ldc = ldc;
        this.c = new float[Math.multiplyExact(m, ldc)];
        this.bounds = bounds;
        this.name = name;
    }

    /**
     * Starts the worker threads when more than one thread was asked for. Called by {@link CpuMatMul#prepare} once the
     * subclass is fully built, so a failure while building (out of memory on a copy) leaves no thread behind.
     */
    final RowKernel start() {
        int chunks = bounds.length - 1;
        if (chunks > 1 && pool == null) pool = new RowPool(chunks, i -> rows(bounds[i], bounds[i + 1]), name);
        return this;
    }

    /** Names the code path this prepared kernel runs, for tables ({@link MatMul.Prepared#variant()}). */
    public final RowKernel variant(String v) {
        this.variant = v;
        return this;
    }

    @Override public final String variant() { return variant; }

    /** Computes C rows [from, to). */
    protected abstract void rows(int from, int to);

    @Override public final void run() {
        if (closed) throw new IllegalStateException("run(): this prepared kernel is closed");
        if (pool == null) rows(0, m);
        else pool.runAll();
        ran = true;
    }

    @Override public final float[] result() {
        if (!ran) throw new IllegalStateException("result(): run() has not been called");
        if (ldc == n) return c.clone();
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) System.arraycopy(c, i * ldc, out, i * n, n);
        return out;
    }

    @Override public void close() {
        if (pool != null) pool.close();
        closed = true;
    }
}
