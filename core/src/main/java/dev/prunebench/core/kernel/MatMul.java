package dev.prunebench.core.kernel;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One way to compute {@code C = W · X}: W an M×K matrix in some {@link SparseFormat}, X a dense K×N row-major
 * fp32 matrix, C dense M×N row-major. N = 1 is the SpMV (batch-1 inference) case.
 *
 * <p>The life of a measurement: {@link #prepare} once (format conversion, native copies, library "optimize"
 * calls: timed separately as set-up), then {@link Prepared#run()} many times (the timed part, touching only
 * memory the Prepared owns), then {@link Prepared#result()} once to check against the dense reference,
 * then {@link Prepared#close()} (frees native memory).
 *
 * <p>Implementations live in the kernel modules (cpu-vector, cpu-scalar, mkl, openblas, cuda, mcu-qemu); each
 * names its {@link #backendId() backend}, whose probe must have answered available before the kernel is used.
 */
public interface MatMul {

    /** Stable id used in tables, e.g. {@code csr-vector}, {@code mkl-sparse-csr}, {@code mkl-sgemm}. */
    String id();

    /** The backend that actually runs it, e.g. {@code cpu-vector}, {@code mkl}. */
    String backendId();

    /** Whether this kernel takes W in the given format. */
    boolean supports(FormatSpec spec);

    /**
     * Why this kernel does not apply to W in {@code spec} times an X with {@code n} columns, or null when it does.
     * Callers leave a kernel that does not apply out of a selection with this reason instead of failing on it
     * ({@code mkl-sgemv} refuses N &gt; 1).
     */
    default String refuses(FormatSpec spec, int n) {
        return supports(spec) ? null : "does not take W in format " + spec;
    }

    /**
     * The argument checks every kernel's {@link #prepare} shares (the netlib habit: check once at the front, never in
     * the kernel): W and X given, N and threads in range, X of K×N values, C not larger than one array, X finite.
     *
     * @throws IllegalArgumentException naming the kernel, the argument and its value
     */
    static void checkArguments(MatMul k, SparseFormat w, float[] x, int n, int threads) {
        String id = k.id();
        if (w == null) throw new IllegalArgumentException(id + ": w must not be null");
        if (n < 1) throw new IllegalArgumentException(id + ": n (columns of X) must be >= 1, got " + n);
        String why = k.refuses(w.spec(), n);
        if (why != null) throw new IllegalArgumentException(id + ": " + why);
        if (threads < 1 || threads > MAX_THREADS)
            throw new IllegalArgumentException(id + ": threads must be in [1, " + MAX_THREADS + "], got " + threads);
        if (x == null) throw new IllegalArgumentException(id + ": x must not be null");
        long want = (long) w.cols() * n;
        if (x.length != want)
            throw new IllegalArgumentException(id + ": x has length " + x.length + " but W is " + w.rows() + "×" + w.cols()
                    + " and n = " + n + ", so X must be " + w.cols() + "×" + n + " = " + want + " values");
        if ((long) w.rows() * n > Integer.MAX_VALUE - 64)
            throw new IllegalArgumentException(id + ": C would be " + w.rows() + "×" + n + ", too large for one array");
        for (int i = 0; i < x.length; i++)
            if (!Float.isFinite(x[i]))
                throw new IllegalArgumentException(id + ": x[" + i + "] (row " + i / n + ", column " + i % n + ") is " + x[i]
                        + "; X must be finite (kernels multiply padding zeros with X)");
    }

    /** Upper bound on threads: far above any core count we run on, low enough to catch a unit mix-up. */
    int MAX_THREADS = 1024;

    /**
     * Binds W and X (copying what it needs) for repeated runs with the given number of threads.
     *
     * @param w       the matrix, in a format this kernel {@link #supports}
     * @param x       dense K×N row-major, K == w.cols()
     * @param n       number of columns of X (≥ 1)
     * @param threads worker threads (1 for the tables)
     * @throws IllegalArgumentException on a format it does not support or shapes that disagree (naming both)
     */
    Prepared prepare(SparseFormat w, float[] x, int n, int threads);

    /** W and X bound; {@link #run()} computes C into memory the Prepared owns. */
    interface Prepared extends AutoCloseable {
        /** Computes C = W · X. The timed call: no allocation, no argument checks. */
        void run();

        /** C, M×N row-major, a copy (call after {@link #run()}). */
        float[] result();

        /** Frees native memory; idempotent. */
        @Override void close();

        /**
         * Which code path runs, when a kernel has more than one for its format (e.g. {@code csr path} for
         * {@code gcsr-vector} at g = 1): tables print it beside the kernel id; empty for the kernel's only path.
         */
        default String variant() { return ""; }
    }

    /**
     * A prepared kernel that brings its own clock: a GPU kernel timed with device events over a batch of back-to-back
     * launches. The interleaved harness asks it for its time instead of reading the host clock around {@code run()}.
     */
    interface SelfTimed extends Prepared {
        /** Runs the kernel {@code runs} times back to back and returns nanoseconds per run by its own clock. */
        double nanosPerRun(int runs);

        /** What the clock is, for the table's notes, e.g. "CUDA events around 20 launches". */
        String clock();
    }

    /**
     * A prepared kernel on an emulator or a hardware model: one run gives exact counts (executed instructions, bytes
     * moved, memory sectors) instead of a time. Counts are exact metrics, flagged emulated or modelled from the
     * backend's {@link dev.prunebench.core.backend.Backend#provenance() provenance}.
     */
    interface Counted extends Prepared {
        /** Runs once (if not yet run) and returns the counts of one run. */
        Counts counts();
    }

    /**
     * A prepared fixed-point kernel (q15, q7, int8 weights and activations, 32-bit accumulation, a stated
     * requantisation): verified bit-exactly against an integer reference computed in Java from the same quantised
     * operands, not within a floating-point tolerance.
     */
    interface FixedPoint extends Prepared {
        /** The integer outputs of the last run, M×N row-major. */
        int[] rawResult();

        /** The same outputs computed in Java from the quantised operands (the kernel's integer reference). */
        int[] integerReference();
    }

    /**
     * Exact counts of one run, by name (e.g. {@code instructions}, {@code cycles_estimated}, {@code dram_bytes}), in a
     * fixed order; {@code cost} names the count that stands for time when two kernels are compared.
     */
    record Counts(Map<String, Long> values, String cost) {
        public Counts {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
            if (!values.containsKey(cost)) throw new IllegalArgumentException("counts: cost '" + cost + "' is not among " + values.keySet());
            for (var e : values.entrySet())
                if (e.getValue() == null || e.getValue() < 0) throw new IllegalArgumentException("counts: " + e.getKey() + " = " + e.getValue() + " (must be >= 0)");
        }

        public long costValue() { return values.get(cost); }
    }
}
