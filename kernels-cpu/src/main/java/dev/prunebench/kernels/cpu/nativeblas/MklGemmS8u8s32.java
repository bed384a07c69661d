package dev.prunebench.kernels.cpu.nativeblas;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.Int8Quant;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.mkl.global.mkl_rt;

/**
 * {@code mkl-gemm-s8u8s32}: the dense int8 baseline a user runs, MKL's {@code cblas_gemm_s8u8s32}, on the operands
 * of {@link Int8Quant} (W int8 per-row scales, X int8 one scale, int32 accumulation). MKL's first operand is the
 * unsigned one (measured: A = 200 as a byte times B = 3 gives 600, A = 3 times B = 200 gives −168), so the call
 * computes Cᵀ (N×M) = (Xᵀ + 128 − 128) · Wᵀ: A = Xᵀ stored as X + 128 (uint8) with offset −128, B = W (int8,
 * transposed in the call). Verified bit-exactly ({@link MatMul.FixedPoint}) against {@link Int8Quant#reference}.
 *
 * <p>Not in the kernel registry (its dense baselines are fp32); {@code prunebench breakeven --dtype int8} uses it as
 * the int8 dense baseline.
 */
public final class MklGemmS8u8s32 implements MatMul {
    public static final String ID = "mkl-gemm-s8u8s32";

    @Override public String id() { return ID; }

    @Override public String backendId() { return MklBackend.ID; }

    @Override public boolean supports(FormatSpec spec) { return spec != null && spec.kind() == FormatSpec.Kind.DENSE; }

    @Override public String refuses(FormatSpec spec, int n) { return supports(spec) ? null : "takes W as dense only, not " + spec; }

    @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
        MatMul.checkArguments(this, w, x, n, threads);
        if (!(w instanceof Dense d)) throw new IllegalArgumentException(ID + ": takes W as dense, got " + w.spec());
        int m = d.rows(), k = d.cols();
        Csr c = Csr.fromDense(d.data(), m, k);
        float[] rowScale = Int8Quant.rowScales(c.rowPtr(), c.values());
        byte[] qv = Int8Quant.quantizeRows(c.rowPtr(), c.values(), rowScale);
        byte[] wq = new byte[Math.multiplyExact(m, k)];
        for (int r = 0; r < m; r++)
            for (int p = c.rowPtr()[r]; p < c.rowPtr()[r + 1]; p++) wq[r * k + c.colIndex()[p]] = qv[p];
        float xScale = Int8Quant.tensorScale(x);
        byte[] qx = Int8Quant.quantize(x, xScale);
        byte[] xt = new byte[qx.length]; // Xᵀ (N×K) + 128, as uint8
        for (int i = 0; i < k; i++)
            for (int j = 0; j < n; j++) xt[j * k + i] = (byte) (qx[i * n + j] + 128);
        BytePointer a = null, b = null;
        IntPointer cc = null, co = null;
        try {
            a = new BytePointer(xt);
            b = new BytePointer(wq);
            cc = new IntPointer(Math.max(1L, (long) m * n));
            co = new IntPointer(1L);
            co.put(0, 0);
            return new Run(m, k, n, threads, a, b, cc, co, Int8Quant.reference(c.rowPtr(), c.colIndex(), qv, qx, n), rowScale, xScale);
        } catch (RuntimeException | Error e) {
            Native.free(a, b, cc, co);
            throw e;
        }
    }

    private static final class Run implements MatMul.FixedPoint {
        private final int m, k, n, threads;
        private final BytePointer a, b;
        private final IntPointer c, co;
        private final int[] reference;
        private final float[] rowScale;
        private final float xScale;
        private boolean closed;

        Run(int m, int k, int n, int threads, BytePointer a, BytePointer b, IntPointer c, IntPointer co, int[] reference, float[] rowScale, float xScale) {
            this.m = m; this.k = k; this.n = n; this.threads = threads; this.a = a; this.b = b; this.c = c; this.co = co;
            this.reference = reference; this.rowScale = rowScale; this.xScale = xScale;
        }

        @Override public void run() {
            mkl_rt.MKL_Set_Num_Threads_Local(threads);
            mkl_rt.cblas_gemm_s8u8s32(mkl_rt.CblasRowMajor, mkl_rt.CblasNoTrans, mkl_rt.CblasTrans, mkl_rt.CblasFixOffset, n, m, k, 1f, a, k,
                    (byte) -128, b, k, (byte) 0, 0f, c, m, co);
        }

        @Override public int[] rawResult() {
            int[] t = new int[m * n];
            c.position(0).get(t, 0, t.length);
            int[] out = new int[m * n];
            for (int j = 0; j < n; j++)
                for (int r = 0; r < m; r++) out[r * n + j] = t[j * m + r];
            return out;
        }

        @Override public int[] integerReference() { return reference.clone(); }

        @Override public float[] result() { return Int8Quant.dequantize(rawResult(), n, rowScale, xScale); }

        @Override public String variant() { return "cblas_gemm_s8u8s32: uint8 Xᵀ (offset −128) × int8 Wᵀ, int32"; }

        @Override public void close() {
            if (closed) return;
            closed = true;
            Native.free(a, b, c, co);
        }
    }
}
