package dev.prunebench.experiments.formats;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.results.Scale;
import java.util.LinkedHashSet;
import java.util.Set;

/** The scorecard-relevant metric names formats-storage emits at a scale, derived from its configuration. */
public final class FormatsNames {
    private FormatsNames() {}

    public static Set<String> emits(Scale s) {
        Set<String> out = new LinkedHashSet<>();
        FormatsStorage.Shape head = FormatsStorage.shapes(s).get(0);
        boolean has90 = java.util.Arrays.stream(FormatsStorage.grid(s)).anyMatch(x -> Math.abs(x - 0.90) < 1e-9);
        for (FormatSpec f : FormatsStorage.FORMATS) {
            if (has90)
                for (Precision p : Precision.values())
                    for (IndexPolicy pol : IndexPolicy.values())
                        out.add(FormatsStorage.metric("bytes", "format=" + f, "rows=" + head.rows(), "cols=" + head.cols(), "precision=" + p.id(),
                                "policy=" + pol.id(), "sparsity=0.90"));
            if (f.kind() == FormatSpec.Kind.NM) {
                out.add(FormatsStorage.metric("nm_metadata_bits_per_value", "n=" + f.n(), "m=" + f.m()));
                out.add(FormatsStorage.metric("nm_sparsity", "n=" + f.n(), "m=" + f.m()));
            }
        }
        return out;
    }
}
