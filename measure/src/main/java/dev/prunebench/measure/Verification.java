package dev.prunebench.measure;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul.Prepared;
import dev.prunebench.core.kernel.MatMul;
import java.util.Arrays;

/**
 * A kernel's result against the reference, checked before any of its timings or counts count. By precision:
 * fp32 kernels against the double-precision dense reference within a relative-norm tolerance; fixed-point kernels
 * (q15, q7, int8: {@link dev.prunebench.core.kernel.MatMul.FixedPoint}) bit-exactly against the integer reference
 * in Java.
 *
 * @param relError  fp32: relative Frobenius error {@code ||C − C_ref|| / ||C_ref||} (absolute when the reference is
 *                  0); fixed point: the fraction of outputs that differ
 * @param tolerance fp32: {@code 1e-5 · sqrt(K)} (rounding of a K-term dot product grows like sqrt(K)); fixed point: 0
 * @param passed    within the tolerance and every value finite
 * @param rule      {@code fp32 relative norm} or {@code bit-exact}, and for a failed bit-exact check the first
 *                  differing output
 */
public record Verification(double relError, double tolerance, boolean passed, String rule) {

    public Verification(double relError, double tolerance, boolean passed) { this(relError, tolerance, passed, "fp32 relative norm"); }

    /**
     * Checks a prepared kernel by its precision: a {@link dev.prunebench.core.kernel.MatMul.FixedPoint} one
     * bit-exactly against its integer reference, any other within the fp32 tolerance against {@code reference}.
     */
    public static Verification verify(Prepared p, float[] reference, int k) {
        if (p instanceof MatMul.FixedPoint fp) {
            p.run();
            return bitExact(fp.rawResult(), fp.integerReference());
        }
        return check(p, reference, k);
    }

    /** Integer outputs against the integer reference: passes only when every value is equal. */
    public static Verification bitExact(int[] got, int[] expected) {
        if (got.length != expected.length)
            return new Verification(1, 0, false, "bit-exact: " + got.length + " outputs, expected " + expected.length);
        int bad = 0, first = -1;
        for (int i = 0; i < got.length; i++)
            if (got[i] != expected[i]) {
                if (bad++ == 0) first = i;
            }
        return new Verification(got.length == 0 ? 0 : (double) bad / got.length, 0, bad == 0,
                bad == 0 ? "bit-exact" : "bit-exact: " + bad + " of " + got.length + " outputs differ, first at " + first + " ("
                        + got[first] + " vs " + expected[first] + ")");
    }

    public static double tolerance(int k) { return 1e-5 * Math.sqrt(Math.max(1, k)); }

    /** Runs {@code p} once and compares its result with {@code reference} (M×N). */
    public static Verification check(Prepared p, float[] reference, int k) {
        p.run();
        return compare(p.result(), reference, k);
    }

    public static Verification compare(float[] got, float[] reference, int k) {
        if (got.length != reference.length)
            return new Verification(Double.POSITIVE_INFINITY, tolerance(k), false);
        double num = 0, den = 0;
        for (int i = 0; i < got.length; i++) {
            double d = (double) got[i] - reference[i];
            num += d * d;
            den += (double) reference[i] * reference[i];
        }
        double err = den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
        boolean ok = Double.isFinite(err) && err <= tolerance(k);
        return new Verification(err, tolerance(k), ok);
    }

    /**
     * The dense reference C = W · X (M×N row-major), accumulated in double from W's non-zeros, so its cost is
     * nnz × N rather than M × K × N and its own rounding is far below the tolerance.
     */
    public static float[] reference(SparseFormat w, float[] x, int n) {
        if (x.length != (long) w.cols() * n)
            throw new IllegalArgumentException("reference: X has " + x.length + " values, expected " + w.cols() + "×" + n);
        Csr csr = w instanceof Csr c ? c : Csr.fromDense(w.toDense(), w.rows(), w.cols());
        int m = w.rows();
        float[] out = new float[Math.multiplyExact(m, n)];
        double[] acc = new double[n];
        int[] ptr = csr.rowPtr(), ci = csr.colIndex();
        float[] v = csr.values();
        for (int r = 0; r < m; r++) {
            Arrays.fill(acc, 0);
            for (int p = ptr[r]; p < ptr[r + 1]; p++) {
                double a = v[p];
                int xb = ci[p] * n;
                for (int j = 0; j < n; j++) acc[j] += a * x[xb + j];
            }
            for (int j = 0; j < n; j++) out[r * n + j] = (float) acc[j];
        }
        return out;
    }
}
