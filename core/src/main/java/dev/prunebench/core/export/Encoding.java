package dev.prunebench.core.export;

import dev.prunebench.core.format.Coo;
import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.NmSparse;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.io.Npz.Array;
import dev.prunebench.core.io.Npz.Dtype;
import dev.prunebench.core.io.Npz;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.core.storage.StorageCost;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A matrix encoded in one format as the arrays the kernels consume, at a value precision and index policy: what
 * {@code prunebench export} writes. Array by array:
 * <ul>
 *   <li>{@code dense}: {@code values} (R·C, row-major).</li>
 *   <li>{@code coo}: {@code values}, {@code row_index} (width w(R)), {@code col_index} (w(C)).</li>
 *   <li>{@code csr}: {@code values}, {@code col_index} (w(C)), {@code row_ptr} (R + 1, w(K + 1)).</li>
 *   <li>{@code gcsr:G}: {@code values} (K·G, a short last group zero-padded), {@code group_index} (the group's number
 *       in its row, w(⌈C/G⌉)), {@code row_ptr} (R + 1, w(K + 1)).</li>
 *   <li>{@code nm:N:M}: {@code values} (R·⌈C/M⌉·N slots), {@code meta} (positions, ⌈log2 M⌉ bits each, packed LSB
 *       first).</li>
 *   <li>{@code node} (node-pruned dense): {@code values} (kept rows × kept columns, row-major), {@code kept_rows}
 *       (w(R)), {@code kept_cols} (w(C)): the rows and columns holding a non-zero.</li>
 * </ul>
 * Widths w(n) are {@link IndexPolicy#width}: the same the storage accounting counts, so the bytes of
 * {@code values}, index, pointer and metadata arrays are {@link SparseFormat#storage} exactly. Values: fp32
 * {@code <f4}; fp16 {@code <f2} (IEEE half, round to nearest even); bf16 {@code <u2} (the upper half of the fp32
 * bits, round to nearest even: {@code float32 = bits << 16}); int8 {@code |i1} with one {@code <f4} {@code scale}
 * (symmetric per tensor, {@code scale = max|w| / 127}, {@code w ≈ q · scale}, round half away from zero). The scale
 * is 4 bytes beside the counted ones (the accounting counts values, indices, pointers and metadata).
 */
public record Encoding(String format, int rows, int cols, Precision precision, IndexPolicy policy, Map<String, Array> arrays,
                       Map<String, String> roles, StorageCost cost, SparseFormat matrix) {

    /** Name of the node-pruned dense format (not a {@link FormatSpec}: it is a smaller dense matrix and two index maps). */
    public static final String NODE = "node";

    /** Encodes {@code m} (any format; it is re-encoded as needed) in {@code format} ({@link FormatSpec} name or {@link #NODE}). */
    public static Encoding of(SparseFormat m, String format, Precision p, IndexPolicy pol) {
        Map<String, Array> a = new LinkedHashMap<>();
        Map<String, String> roles = new LinkedHashMap<>();
        int r = m.rows(), c = m.cols();
        if (format.trim().equalsIgnoreCase(NODE)) {
            float[] d = m instanceof Dense dn ? dn.data() : m.toDense();
            boolean[] keepR = new boolean[r], keepC = new boolean[c];
            for (int i = 0; i < r; i++)
                for (int j = 0; j < c; j++) if (d[i * c + j] != 0f) { keepR[i] = true; keepC[j] = true; }
            int[] kr = indices(keepR), kc = indices(keepC);
            float[] v = new float[kr.length * kc.length];
            for (int i = 0; i < kr.length; i++)
                for (int j = 0; j < kc.length; j++) v[i * kc.length + j] = d[kr[i] * c + kc[j]];
            values(a, roles, v, p);
            int wr = pol.width(r), wc = pol.width(c);
            a.put("kept_rows", Array.ofInts(Dtype.unsigned(wr), kr));
            roles.put("kept_rows", "indices");
            a.put("kept_cols", Array.ofInts(Dtype.unsigned(wc), kc));
            roles.put("kept_cols", "indices");
            StorageCost cost = new StorageCost((long) v.length * p.bytes(), (long) kr.length * wr + (long) kc.length * wc, 0, 0);
            return new Encoding(NODE, r, c, p, pol, a, roles, cost, m);
        }
        FormatSpec f = FormatSpec.parse(format);
        SparseFormat e = m.spec().equals(f) ? m : f.encode(m instanceof Dense dn ? dn.data() : m.toDense(), r, c);
        switch (e) {
            case Dense d -> values(a, roles, d.data(), p);
            case Coo x -> {
                values(a, roles, x.values(), p);
                put(a, roles, "row_index", "indices", pol.width(r), x.rowIndex());
                put(a, roles, "col_index", "indices", pol.width(c), x.colIndex());
            }
            case Csr x -> {
                values(a, roles, x.values(), p);
                put(a, roles, "col_index", "indices", pol.width(c), x.colIndex());
                put(a, roles, "row_ptr", "pointers", pol.width(x.values().length + 1L), x.rowPtr());
            }
            case GroupedCsr x -> {
                values(a, roles, x.values(), p);
                put(a, roles, "group_index", "indices", pol.width(x.groupsPerRow()), x.groupIndex());
                put(a, roles, "row_ptr", "pointers", pol.width(x.keptGroups() + 1L), x.groupPtr());
            }
            case NmSparse x -> {
                values(a, roles, x.values(), p);
                a.put("meta", new Array(Dtype.U1, x.meta().clone()));
                roles.put("meta", "metadata");
            }
        }
        return new Encoding(f.toString(), r, c, p, pol, a, roles, e.storage(p, pol), e);
    }

    private static int[] indices(boolean[] keep) {
        int n = 0;
        for (boolean k : keep) if (k) n++;
        int[] out = new int[n];
        for (int i = 0, k = 0; i < keep.length; i++) if (keep[i]) out[k++] = i;
        return out;
    }

    private static void put(Map<String, Array> a, Map<String, String> roles, String name, String role, int width, int[] v) {
        a.put(name, Array.ofInts(Dtype.unsigned(width), v));
        roles.put(name, role);
    }

    private static void values(Map<String, Array> a, Map<String, String> roles, float[] v, Precision p) {
        switch (p) {
            case FP32 -> a.put("values", Array.ofFloats(v));
            case FP16 -> {
                int[] h = new int[v.length];
                for (int i = 0; i < v.length; i++) h[i] = Float.floatToFloat16(v[i]);
                a.put("values", Array.ofInts(Dtype.F2, h));
            }
            case BF16 -> {
                int[] h = new int[v.length];
                for (int i = 0; i < v.length; i++) h[i] = bf16(v[i]);
                a.put("values", Array.ofInts(Dtype.U2, h));
            }
            case INT8 -> {
                float scale = int8Scale(v);
                int[] q = new int[v.length];
                for (int i = 0; i < v.length; i++) q[i] = scale == 0f ? 0 : (int) Math.max(-127, Math.min(127, Math.round(Math.abs(v[i]) / scale) * Math.signum(v[i])));
                a.put("values", Array.ofInts(Dtype.I1, q));
                a.put("scale", Array.ofFloats(new float[] {scale}));
                roles.put("scale", "scale (not counted)");
            }
        }
        roles.put("values", "values");
    }

    /** The int8 scale of a tensor: {@code max|v| / 127} (0 for an all-zero tensor). */
    public static float int8Scale(float[] v) {
        float max = 0;
        for (float x : v) max = Math.max(max, Math.abs(x));
        return max / 127f;
    }

    /** bf16 bits of a float, round to nearest even (values are finite). */
    public static int bf16(float f) {
        int b = Float.floatToRawIntBits(f);
        return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
    }

    /** The stored values as floats, as a reader of the arrays gets them. */
    public static float[] values(Map<String, Array> a, Precision p) {
        Array v = a.get("values");
        float[] out = new float[v.length()];
        float scale = p == Precision.INT8 ? a.get("scale").floats()[0] : 0f;
        for (int i = 0; i < out.length; i++)
            out[i] = switch (p) {
                case FP32 -> Float.intBitsToFloat((int) v.get(i));
                case FP16 -> Float.float16ToFloat((short) v.get(i));
                case BF16 -> Float.intBitsToFloat((int) v.get(i) << 16);
                case INT8 -> (float) (v.get(i) * (double) scale);
            };
        return out;
    }

    /** Bytes of the arrays by role (values, indices, pointers, metadata): equal to {@link #cost}'s parts. */
    public long bytes(String role) {
        long b = 0;
        for (var e : arrays.entrySet()) if (roles.get(e.getKey()).equals(role)) b += e.getValue().data().length;
        return b;
    }

    /** The matrix the arrays hold, decoded (values as {@link #values(Map, Precision)} gives them), dense row-major. */
    public static float[] decode(String format, int rows, int cols, Precision p, Map<String, Array> a) {
        float[] v = values(a, p);
        float[] d = new float[Math.multiplyExact(rows, cols)];
        if (format.equals(NODE)) {
            int[] kr = a.get("kept_rows").ints(), kc = a.get("kept_cols").ints();
            for (int i = 0; i < kr.length; i++)
                for (int j = 0; j < kc.length; j++) d[kr[i] * cols + kc[j]] = v[i * kc.length + j];
            return d;
        }
        FormatSpec f = FormatSpec.parse(format);
        SparseFormat m = switch (f.kind()) {
            case DENSE -> new Dense(rows, cols, v);
            case COO -> new Coo(rows, cols, a.get("row_index").ints(), a.get("col_index").ints(), v);
            case CSR -> new Csr(rows, cols, a.get("row_ptr").ints(), a.get("col_index").ints(), v);
            case GCSR -> new GroupedCsr(rows, cols, f.g(), a.get("row_ptr").ints(), a.get("group_index").ints(), v);
            case NM -> new NmSparse(rows, cols, f.n(), f.m(), v, a.get("meta").data().clone());
        };
        return m.toDense();
    }

    /** The npz bytes of the arrays. */
    public byte[] npz() throws IOException { return Npz.bytes(arrays); }
}
