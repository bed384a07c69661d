package dev.prunebench.kernels.cpu;

/**
 * The int8 quantisation the int8 kernels share, so that each computes the same integers: W symmetric per row (scale
 * = the row's largest |w| / 127, values rounded half away from zero and clamped to [−127, 127]), X symmetric per
 * tensor (the same rule over all of X); products accumulate exactly in int32, and the fp32 output is
 * {@code acc · wScale[row] · xScale}. No requantisation to int8 is done (the next layer's choice).
 */
public final class Int8Quant {
    private Int8Quant() {}

    /** Scale of values whose largest magnitude is {@code maxAbs}: maxAbs / 127, or 1 for an all-zero set. */
    public static float scale(float maxAbs) { return maxAbs > 0 ? maxAbs / 127f : 1f; }

    public static byte quantize(float v, float scale) {
        long q = Math.round(Math.abs(v) / scale);
        int c = (int) Math.min(127, q);
        return (byte) (v < 0 ? -c : c);
    }

    /** Per-row scales of a CSR matrix (rows without entries get 1). */
    public static float[] rowScales(int[] rowPtr, float[] values) {
        float[] s = new float[rowPtr.length - 1];
        for (int r = 0; r < s.length; r++) {
            float m = 0;
            for (int p = rowPtr[r]; p < rowPtr[r + 1]; p++) m = Math.max(m, Math.abs(values[p]));
            s[r] = scale(m);
        }
        return s;
    }

    /** The values of a CSR matrix quantised with their row's scale. */
    public static byte[] quantizeRows(int[] rowPtr, float[] values, float[] rowScales) {
        byte[] q = new byte[values.length];
        for (int r = 0; r < rowScales.length; r++)
            for (int p = rowPtr[r]; p < rowPtr[r + 1]; p++) q[p] = quantize(values[p], rowScales[r]);
        return q;
    }

    /** The per-tensor scale of X. */
    public static float tensorScale(float[] x) {
        float m = 0;
        for (float v : x) m = Math.max(m, Math.abs(v));
        return scale(m);
    }

    public static byte[] quantize(float[] x, float scale) {
        byte[] q = new byte[x.length];
        for (int i = 0; i < x.length; i++) q[i] = quantize(x[i], scale);
        return q;
    }

    /** The integer reference: acc[r·n + j] = Σ_p qw[p] · qx[col[p]·n + j], in Java, from the quantised operands. */
    public static int[] reference(int[] rowPtr, int[] col, byte[] qw, byte[] qx, int n) {
        int m = rowPtr.length - 1;
        int[] acc = new int[Math.multiplyExact(m, n)];
        for (int r = 0; r < m; r++)
            for (int p = rowPtr[r]; p < rowPtr[r + 1]; p++)
                for (int j = 0; j < n; j++) acc[r * n + j] += qw[p] * qx[col[p] * n + j];
        return acc;
    }

    /** fp32 outputs from the int32 accumulators: acc · wScale[row] · xScale. */
    public static float[] dequantize(int[] acc, int n, float[] rowScales, float xScale) {
        float[] out = new float[acc.length];
        for (int i = 0; i < acc.length; i++) out[i] = acc[i] * (rowScales[i / n] * xScale);
        return out;
    }
}
