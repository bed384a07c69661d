package dev.prunebench.models.prune;

import dev.prunebench.core.prune.Layer;
import dev.prunebench.core.prune.Mask;
import dev.prunebench.core.prune.PruneResult;
import dev.prunebench.core.prune.Pruner;
import dev.prunebench.core.prune.Score;
import dev.prunebench.core.prune.Structure;
import java.util.ArrayList;
import java.util.List;

/**
 * The bridge from a network's weight matrices to the pruning library ({@link Pruner}): groups of {@code g} adjacent
 * weights of a row ({@code g = 1}: unstructured), a {@link Score}, an exact rate (exactly {@code round(rate × groups)}
 * groups removed, ties by index — the library's rules), returned as keep-masks in the layout of
 * {@link dev.prunebench.models.nn.Param}.
 */
public final class GroupPruning {
    private GroupPruning() {}

    /** One weight matrix, rows × cols row-major. */
    public record Matrix(String name, float[] w, int rows, int cols) {
        public Matrix {
            if (w.length != rows * cols) throw new IllegalArgumentException(name + ": " + w.length + " values for " + rows + "×" + cols);
        }
    }

    static Structure structure(int g) {
        if (g < 1) throw new IllegalArgumentException("group size: must be >= 1, got " + g);
        return g == 1 ? Structure.UNSTRUCTURED : Structure.group(g);
    }

    /** Keep-mask of one matrix pruned on its own. */
    public static boolean[] mask(Matrix m, int g, Score score, double rate) {
        PruneResult r = Pruner.prune(new Layer(m.name(), m.w(), m.rows(), m.cols(), score), structure(g), rate);
        return r.mask().toBooleans();
    }

    /** Keep-masks of several matrices pruned together: one threshold, {@code round(rate × all groups)} removed. */
    public static List<boolean[]> masks(List<Matrix> ms, int g, Score score, double rate) {
        List<Layer> layers = new ArrayList<>();
        for (Matrix m : ms) layers.add(new Layer(m.name(), m.w(), m.rows(), m.cols(), score));
        List<boolean[]> out = new ArrayList<>();
        for (PruneResult r : Pruner.global(layers, structure(g), rate)) out.add(r.mask().toBooleans());
        return out;
    }

    /** Fraction of entries not kept, over all masks. */
    public static double prunedFraction(List<boolean[]> masks) {
        long n = 0, off = 0;
        for (boolean[] m : masks) {
            n += m.length;
            for (boolean b : m) if (!b) off++;
        }
        return n == 0 ? 0 : (double) off / n;
    }

    /** As a library {@link Mask} (for storage accounting and encoding). */
    public static Mask toMask(boolean[] keep, int rows, int cols) { return Mask.of(keep, rows, cols); }
}
