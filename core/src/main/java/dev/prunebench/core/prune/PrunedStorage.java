package dev.prunebench.core.prune;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact bytes of a pruned matrix in the formats that fit its structure, each encoded from the mask
 * ({@link Mask#encode}) and measured with {@link SparseFormat#storage}.
 */
public final class PrunedStorage {
    private PrunedStorage() {}

    /**
     * One format's size.
     *
     * @param format       format name ({@code dense}, {@code csr}, {@code gcsr:G}, {@code nm:N:M}, or
     *                     {@code dense-shrunk} for the node-pruned dense matrix with removed rows taken out)
     * @param storedValues value slots stored, explicit zeros included
     * @param minimal      total bytes with minimal index widths
     * @param fixed32      total bytes with 32-bit indices and pointers
     * @param skipped      null when measured; otherwise why the format cannot hold this mask (the sizes are then -1)
     */
    public record FormatBytes(String format, long storedValues, long minimal, long fixed32, String skipped) {
        static FormatBytes skipped(String format, String why) { return new FormatBytes(format, -1, -1, -1, why); }
    }

    /**
     * Sizes of {@code w} under mask {@code m}: dense, COO and CSR always; gcsr:G for group structures; nm:N:M for N:M;
     * dense-shrunk for node pruning. Formats in {@code extra} are added; an N:M format the mask violates is returned
     * as skipped, with the reason.
     */
    public static List<FormatBytes> of(float[] w, Mask m, Structure s, Precision p, List<FormatSpec> extra) {
        List<FormatSpec> specs = new ArrayList<>(List.of(FormatSpec.DENSE, FormatSpec.COO, FormatSpec.CSR));
        if (s instanceof Structure.Group g) specs.add(FormatSpec.grouped(g.g()));
        if (s instanceof Structure.Nm nm) specs.add(FormatSpec.nm(nm.n(), nm.m()));
        if (extra != null) for (FormatSpec e : extra) if (!specs.contains(e)) specs.add(e);
        List<FormatBytes> out = new ArrayList<>();
        for (FormatSpec spec : specs) {
            SparseFormat f;
            try {
                f = m.encode(w, spec);
            } catch (IllegalArgumentException e) {
                if (spec.kind() == FormatSpec.Kind.NM && !(s instanceof Structure.Nm)) {
                    out.add(FormatBytes.skipped(spec.toString(), e.getMessage()));
                    continue;
                }
                throw e;
            }
            out.add(new FormatBytes(spec.toString(), f.storedValues(), f.storage(p, IndexPolicy.MINIMAL).total(),
                    f.storage(p, IndexPolicy.FIXED32).total(), null));
        }
        if (s instanceof Structure.Node) {
            int keptRows = 0;
            for (int r = 0; r < m.rows(); r++) if (m.rowAllOrNone(r, "matrix")) keptRows++;
            long vals = (long) keptRows * m.cols();
            // a shrunk matrix has no indices: both policies cost the same
            long bytes = keptRows == 0 ? 0 : Dense.zeros(keptRows, m.cols()).storage(p, IndexPolicy.MINIMAL).total();
            out.add(new FormatBytes("dense-shrunk", vals, bytes, bytes, null));
        }
        return out;
    }
}
