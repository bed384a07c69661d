package dev.prunebench.kernels.cpu.vector;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.Int8Quant;
import dev.prunebench.kernels.cpu.rows.RowPool;
import dev.prunebench.kernels.cpu.rows.RowSplit;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code csr-int8-vector}: SpMM with int8 weights (per-row scales) and int8 activations (one scale), int32
 * accumulation ({@link Int8Quant}); W and X are quantised in prepare. One row of C is built in int32 registers: for
 * each stored (k, v), 16 bytes of X row k are loaded and sign-extended to 16 int lanes ({@code vpmovsxbd}), multiplied
 * by the broadcast v ({@code vpmulld}) and added — the Vector API has no int8 dot-product (VNNI {@code vpdpbusd})
 * operation, so this is what the JVM reaches. X as bytes is a quarter of fp32's working set (200 KB at 4096 × 50).
 *
 * <p>Not in the kernel registry: the registry's kernels are compared with the fp32 dense kernels, and an int8 kernel's
 * baseline is an int8 dense GEMM ({@code mkl-gemm-s8u8s32}); {@code prunebench breakeven --dtype int8} pairs them.
 * Verified bit-exactly ({@link MatMul.FixedPoint}) against {@link Int8Quant#reference}.
 */
public final class CsrInt8Vector implements MatMul {
    public static final String ID = "csr-int8-vector";

    @Override public String id() { return ID; }

    @Override public String backendId() { return VectorKernels.BACKEND_ID; }

    @Override public boolean supports(FormatSpec spec) { return spec != null && spec.kind() == FormatSpec.Kind.CSR; }

    @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
        MatMul.checkArguments(this, w, x, n, threads);
        VectorKernels.requireAvailable(ID);
        return new Bound((Csr) w, x, n, threads);
    }

    /** Species: as many int lanes as the preferred float species has, and bytes to fill them. */
    static final class I8 {
        static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;
        static final int LI = SI.length();
        static final VectorSpecies<Byte> SB = VectorSpecies.of(byte.class, VectorShape.forBitSize(LI * 8));

        private I8() {}

        static IntVector load(byte[] x, int at) {
            return (IntVector) ByteVector.fromArray(SB, x, at).convertShape(VectorOperators.B2I, SI, 0);
        }
    }

    private static final class Bound implements MatMul.FixedPoint {
        private final int m, n, ld;
        private final int[] ptr, col, acc, bounds;
        private final byte[] qw, qx, xp;
        private final float[] rowScale;
        private final float xScale;
        private final RowPool pool;
        private boolean ran, closed;

        Bound(Csr w, float[] x, int n, int threads) {
            this.m = w.rows();
            this.n = n;
            this.ld = Math.addExact(n, I8.LI - 1) / I8.LI * I8.LI;
            this.ptr = w.rowPtr().clone();
            this.col = w.colIndex().clone();
            this.rowScale = Int8Quant.rowScales(ptr, w.values());
            this.qw = Int8Quant.quantizeRows(ptr, w.values(), rowScale);
            this.xScale = Int8Quant.tensorScale(x);
            this.qx = Int8Quant.quantize(x, xScale);
            this.xp = new byte[Math.addExact(qx.length, ld)]; // stride n kept; ld − n spare bytes after the last row
            System.arraycopy(qx, 0, xp, 0, qx.length);
            this.acc = new int[Math.multiplyExact(m, ld)];
            this.bounds = RowSplit.balanced(ptr, threads);
            this.pool = threads > 1 ? new RowPool(threads, t -> rows(bounds[t], bounds[t + 1]), ID) : null;
        }

        private void rows(int from, int to) {
            for (int r = from; r < to; r++) {
                int j = 0;
                for (; j + 4 * I8.LI <= ld; j += 4 * I8.LI) block4(ptr[r], ptr[r + 1], j, r * ld + j);
                for (; j < ld; j += I8.LI) block1(ptr[r], ptr[r + 1], j, r * ld + j);
            }
        }

        private void block4(int p0, int p1, int j, int o) {
            int L = I8.LI;
            IntVector a0 = IntVector.zero(I8.SI), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            int p = p0;
            for (; p + 1 < p1; p += 2) {
                int x0 = col[p] * n + j, x1 = col[p + 1] * n + j;
                IntVector v0 = IntVector.broadcast(I8.SI, qw[p]), v1 = IntVector.broadcast(I8.SI, qw[p + 1]);
                a0 = I8.load(xp, x0).mul(v0).add(a0);
                a1 = I8.load(xp, x0 + L).mul(v0).add(a1);
                a2 = I8.load(xp, x0 + 2 * L).mul(v0).add(a2);
                a3 = I8.load(xp, x0 + 3 * L).mul(v0).add(a3);
                b0 = I8.load(xp, x1).mul(v1).add(b0);
                b1 = I8.load(xp, x1 + L).mul(v1).add(b1);
                b2 = I8.load(xp, x1 + 2 * L).mul(v1).add(b2);
                b3 = I8.load(xp, x1 + 3 * L).mul(v1).add(b3);
            }
            if (p < p1) {
                int x0 = col[p] * n + j;
                IntVector v0 = IntVector.broadcast(I8.SI, qw[p]);
                a0 = I8.load(xp, x0).mul(v0).add(a0);
                a1 = I8.load(xp, x0 + L).mul(v0).add(a1);
                a2 = I8.load(xp, x0 + 2 * L).mul(v0).add(a2);
                a3 = I8.load(xp, x0 + 3 * L).mul(v0).add(a3);
            }
            a0.add(b0).intoArray(acc, o);
            a1.add(b1).intoArray(acc, o + L);
            a2.add(b2).intoArray(acc, o + 2 * L);
            a3.add(b3).intoArray(acc, o + 3 * L);
        }

        private void block1(int p0, int p1, int j, int o) {
            IntVector a = IntVector.zero(I8.SI), b = a;
            int p = p0;
            for (; p + 1 < p1; p += 2) {
                a = I8.load(xp, col[p] * n + j).mul(IntVector.broadcast(I8.SI, qw[p])).add(a);
                b = I8.load(xp, col[p + 1] * n + j).mul(IntVector.broadcast(I8.SI, qw[p + 1])).add(b);
            }
            if (p < p1) a = I8.load(xp, col[p] * n + j).mul(IntVector.broadcast(I8.SI, qw[p])).add(a);
            a.add(b).intoArray(acc, o);
        }

        @Override public void run() {
            if (closed) throw new IllegalStateException("run(): this prepared kernel is closed");
            if (pool == null) rows(0, m);
            else pool.runAll();
            ran = true;
        }

        @Override public int[] rawResult() {
            if (!ran) throw new IllegalStateException("rawResult(): run() has not been called");
            int[] out = new int[m * n];
            for (int r = 0; r < m; r++) System.arraycopy(acc, r * ld, out, r * n, n);
            return out;
        }

        @Override public int[] integerReference() { return Int8Quant.reference(ptr, col, qw, qx, n); }

        @Override public float[] result() { return Int8Quant.dequantize(rawResult(), n, rowScale, xScale); }

        @Override public String variant() { return "int8 W (per-row scales) × int8 X, int32 accumulators, " + I8.LI + " int lanes"; }

        @Override public void close() {
            if (pool != null) pool.close();
            closed = true;
        }
    }
}
