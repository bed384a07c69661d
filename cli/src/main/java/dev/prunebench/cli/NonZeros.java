package dev.prunebench.cli;

import dev.prunebench.core.export.Encoding;
import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.core.storage.StorageCost;
import dev.prunebench.core.storage.StorageFormula;

/**
 * A matrix as its non-zeros (CSR, explicit zeros dropped), and what each format would hold of it, counted on that
 * sparse form: a 46340 × 46340 {@code .mtx} with one entry is a few hundred kilobytes here, where its dense form
 * would be 8.6 GB. The counts and bytes are those of encoding the dense matrix ({@code FormatSpec.encode}): the
 * same non-zeros, kept groups and N:M check, and {@link StorageFormula}'s bytes, which equal the encoded format's.
 */
record NonZeros(Csr csr) {

    /** Bytes of one float32 element, for the dense form. */
    static final long FLOAT_BYTES = 4;

    static NonZeros of(SparseFormat m) {
        return new NonZeros(switch (m) {
            case Dense d -> Csr.fromDense(d.data(), d.rows(), d.cols());
            case Csr c -> dropZeros(c);
            default -> dropZeros(Csr.fromDense(m.toDense(), m.rows(), m.cols()));
        });
    }

    private static Csr dropZeros(Csr c) {
        int n = 0;
        for (float v : c.values()) if (v != 0f) n++;
        if (n == c.values().length) return c;
        int[] ptr = new int[c.rows() + 1], col = new int[n];
        float[] val = new float[n];
        int k = 0;
        for (int r = 0; r < c.rows(); r++) {
            for (int p = c.rowPtr()[r]; p < c.rowPtr()[r + 1]; p++)
                if (c.values()[p] != 0f) { col[k] = c.colIndex()[p]; val[k++] = c.values()[p]; }
            ptr[r + 1] = k;
        }
        return new Csr(c.rows(), c.cols(), ptr, col, val);
    }

    int rows() { return csr.rows(); }

    int cols() { return csr.cols(); }

    long nnz() { return csr.values().length; }

    int rowLength(int r) { return csr.rowLength(r); }

    /** Groups of g adjacent columns (starting at multiples of g) holding at least one non-zero, over all rows. */
    long keptGroups(int g) {
        long kept = 0;
        int[] ptr = csr.rowPtr(), col = csr.colIndex();
        for (int r = 0; r < rows(); r++) {
            int last = -1;
            for (int p = ptr[r]; p < ptr[r + 1]; p++) {
                int j = col[p] / g;
                if (j != last) { kept++; last = j; }
            }
        }
        return kept;
    }

    /**
     * Null when the matrix satisfies N:M (at most N non-zeros in every window of M columns of a row), else the
     * message {@code NmSparse.fromDense} gives for the first window that violates it.
     */
    String nmViolation(FormatSpec f) {
        int n = f.n(), m = f.m();
        int[] ptr = csr.rowPtr(), col = csr.colIndex();
        for (int r = 0; r < rows(); r++) {
            int p = ptr[r];
            while (p < ptr[r + 1]) {
                int w = col[p] / m, cnt = 0;
                while (p < ptr[r + 1] && col[p] / m == w) { cnt++; p++; }
                if (cnt > n) {
                    int c0 = w * m, width = Math.min(m, cols() - c0);
                    return "matrix violates " + n + ":" + m + " at row " + r + ", group " + w
                            + " (columns " + c0 + "…" + (c0 + width - 1) + "): " + cnt + " non-zeros > " + n;
                }
            }
        }
        return null;
    }

    /** The units {@code f} keeps of this matrix (stored values, kept groups; any count for dense and N:M). */
    long kept(FormatSpec f) {
        return switch (f.kind()) {
            case COO, CSR -> nnz();
            case GCSR -> keptGroups(f.g());
            case DENSE, NM -> 0;
        };
    }

    /** Values {@code f} stores for this matrix, padding and explicit zeros included (as {@code storedValues()}). */
    long storedValues(FormatSpec f) {
        return switch (f.kind()) {
            case DENSE -> (long) rows() * cols();
            case COO, CSR -> nnz();
            case GCSR -> keptGroups(f.g()) * f.g();
            case NM -> StorageFormula.units(f, rows(), cols());
        };
    }

    /** Exact bytes of this matrix encoded in {@code f} (refuse N:M first with {@link #nmViolation}). */
    StorageCost storage(FormatSpec f, Precision p, IndexPolicy pol) {
        return StorageFormula.of(f, rows(), cols(), kept(f), p, pol);
    }

    /**
     * A format of a byte table: a {@link FormatSpec}, or {@code node} ({@link Encoding#NODE}, node-pruned dense: the
     * rows and columns holding a non-zero as a smaller dense matrix, and both index maps), which is no FormatSpec.
     */
    record Sized(String name, FormatSpec spec) {
        static Sized parse(String option, String text) {
            if (text.trim().equalsIgnoreCase(Encoding.NODE)) return new Sized(Encoding.NODE, null);
            FormatSpec f = ExportCommand.parse(option, () -> FormatSpec.parse(text));
            return new Sized(f.toString(), f);
        }

        boolean node() { return spec == null; }

        @Override public String toString() { return name; }
    }

    /** Why this matrix does not fit {@code f} (N:M only), or null. */
    String violation(Sized f) {
        return f.node() || f.spec().kind() != FormatSpec.Kind.NM ? null : nmViolation(f.spec());
    }

    /** Values {@code f} stores: for node, kept rows × kept columns. */
    long storedValues(Sized f) {
        if (!f.node()) return storedValues(f.spec());
        long[] k = nodeKept();
        return k[0] * k[1];
    }

    /**
     * Exact bytes of this matrix encoded in {@code f}; for node, what {@link Encoding#of} holds: kept rows × kept columns
     * of values, and the kept rows' and columns' indices at w(R) and w(C) bytes each.
     */
    StorageCost storage(Sized f, Precision p, IndexPolicy pol) {
        if (!f.node()) return storage(f.spec(), p, pol);
        long[] k = nodeKept();
        return new StorageCost(k[0] * k[1] * p.bytes(), k[0] * pol.width(rows()) + k[1] * pol.width(cols()), 0, 0);
    }

    /** The rows and the columns holding a non-zero: {kept rows, kept columns}. */
    long[] nodeKept() {
        boolean[] col = new boolean[cols()];
        long rowsKept = 0, colsKept = 0;
        for (int r = 0; r < rows(); r++) if (rowLength(r) > 0) rowsKept++;
        for (int c : csr.colIndex()) if (!col[c]) { col[c] = true; colsKept++; }
        return new long[] {rowsKept, colsKept};
    }

    /** Refuses, before it is allocated, a dense float32 form of this shape that the heap cannot hold. */
    static void checkDenseFits(String what, int rows, int cols) {
        Memory.check(what + ": a dense " + rows + "x" + cols + " float32 array", (long) rows * cols * FLOAT_BYTES, (long) rows * cols);
    }
}
