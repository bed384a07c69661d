package dev.prunebench.experiments.formats;

import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.NmSparse;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.core.storage.StorageCost;
import dev.prunebench.core.storage.StorageFormula;
import dev.prunebench.experiments.Experiment;
import dev.prunebench.results.ExperimentContext;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricName;
import dev.prunebench.results.PlotSpec;
import dev.prunebench.results.Scale;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Exact storage of every format × precision × index policy over sparsity, for 4096×4096 and the layer shapes of the
 * papers' networks, and the sparsity from which each format is smaller than dense.
 *
 * <p>Every byte count in {@code bytes.csv} is measured: a seeded random matrix is pruned to exactly the target
 * sparsity in the format's structure, encoded, and asked for its {@code storage()}. The closed form
 * ({@link StorageFormula}) is computed beside it from the target alone; a disagreement is recorded, never hidden.
 * Break-even: the largest kept count whose closed form is below dense, found by bisection, then confirmed by
 * encoding matrices at that count and at one more.
 */
public final class FormatsStorage implements Experiment {

    /** A named matrix shape (rows × cols = out × in features; convolutions as out channels × in·kh·kw). */
    public record Shape(String network, String layer, int rows, int cols) {
        public String id() { return rows + "x" + cols; }
    }

    public static final List<Shape> SHAPES = List.of(
            new Shape("hartenstein-spmm", "W", 4096, 4096),
            new Shape("lenet-300-100", "fc1", 300, 784),
            new Shape("lenet-300-100", "fc2", 100, 300),
            new Shape("lenet-300-100", "fc3", 10, 100),
            new Shape("lenet-5", "conv1", 20, 25),
            new Shape("lenet-5", "conv2", 50, 500),
            new Shape("lenet-5", "fc1", 500, 800),
            new Shape("lenet-5", "fc2", 10, 500),
            new Shape("hartenstein-mlp", "fc1", 128, 784),
            new Shape("hartenstein-mlp", "fc2", 128, 128),
            new Shape("hartenstein-mlp", "fc3", 256, 128),
            new Shape("hartenstein-mlp", "fc4", 256, 256),
            new Shape("hartenstein-mlp", "fc5", 512, 256),
            new Shape("hartenstein-mlp", "fc6", 512, 512),
            new Shape("hartenstein-mlp", "fc7", 10, 512));

    public static final List<FormatSpec> FORMATS = List.of(
            FormatSpec.COO, FormatSpec.CSR,
            FormatSpec.grouped(2), FormatSpec.grouped(4), FormatSpec.grouped(8), FormatSpec.grouped(16), FormatSpec.grouped(32),
            FormatSpec.nm(2, 4), FormatSpec.nm(1, 4), FormatSpec.nm(4, 8));

    private final List<Shape> shapesOverride;
    private final double[] gridOverride;

    public FormatsStorage() { this(null, null); }

    /**
     * For tests: fixed shapes and sparsity grid instead of the scale's. The first shape is the headline one, whose
     * break-even points and bytes at 0.90 become metrics (4096×4096 in the real lists).
     */
    FormatsStorage(List<Shape> shapes, double[] grid) {
        this.shapesOverride = shapes == null ? null : List.copyOf(shapes);
        this.gridOverride = grid == null ? null : grid.clone();
    }

    @Override public String id() { return "formats-storage"; }

    @Override public String paper() { return "Sparse-format lecture notes (CSR/COO overhead, 2:4)"; }

    @Override public String description() {
        return "Exact bytes of each format x precision x index policy vs sparsity; break-even sparsity vs dense";
    }

    static List<Shape> shapes(Scale s) {
        if (s == Scale.QUICK) return List.of(SHAPES.get(0), SHAPES.get(1), SHAPES.get(13));
        return SHAPES;
    }

    static double[] grid(Scale s) {
        if (s == Scale.QUICK) return new double[] {0, 0.5, 0.9, 0.99};
        List<Double> g = new ArrayList<>();
        int step = s == Scale.FULL ? 1 : 5; // percent
        for (int pct = 0; pct <= 95; pct += step) g.add(pct / 100.0);
        if (s != Scale.FULL) { g.add(0.97); g.add(0.98); }
        g.add(0.99);
        return g.stream().mapToDouble(Double::doubleValue).distinct().sorted().toArray();
    }

    @Override public void run(ExperimentContext ctx) {
        Scale scale = ctx.scale();
        long seed = ctx.seed() ^ 0x5EED_F0_57L;
        List<Shape> shapes = shapesOverride != null ? shapesOverride : shapes(scale);
        double[] grid = gridOverride != null ? gridOverride : grid(scale);
        Shape head = shapes.get(0);
        ctx.parameter("seed", seed);
        ctx.parameter("shapes", shapes.stream().map(x -> x.network() + "/" + x.layer() + "=" + x.id()).toList());
        ctx.parameter("sparsities", grid);
        ctx.parameter("formats", FORMATS.stream().map(FormatSpec::toString).toList());
        ctx.parameter("precisions", List.of(Precision.values()).stream().map(Precision::id).toList());
        ctx.parameter("index_policies", List.of(IndexPolicy.values()).stream().map(IndexPolicy::id).toList());

        Rows bytes = new Rows();
        BreakEvenRows be = new BreakEvenRows();
        List<String> disagreements = new ArrayList<>();
        long encodes = 0;
        for (Shape sh : shapes) {
            long t0 = System.nanoTime();
            float[] buf = new float[sh.rows() * sh.cols()];
            for (FormatSpec f : FORMATS) {
                for (int gi = 0; gi < grid.length; gi++) {
                    Encoded e = Encoded.of(f, sh.rows(), sh.cols(), grid[gi], seed + 1000L * gi + f.toString().hashCode(), buf);
                    if (e == null) continue; // N:M cannot hold this little sparsity
                    encodes++;
                    // counted once per matrix: each is a pass over up to 16.7 M values
                    Counts n = new Counts(e.keptMeasured(), e.matrix().nnz(), e.matrix().storedValues());
                    for (Precision p : Precision.values())
                        for (IndexPolicy pol : IndexPolicy.values()) {
                            StorageCost got = e.matrix().storage(p, pol);
                            StorageCost formula = StorageFormula.of(f, sh.rows(), sh.cols(), e.formulaUnits(), p, pol);
                            long dense = (long) sh.rows() * sh.cols() * p.bytes();
                            if (!got.equals(formula))
                                disagreements.add(sh.id() + " " + f + " " + p.id() + " " + pol.id() + " sparsity " + grid[gi] + ": encoded " + got + " vs formula " + formula);
                            bytes.add(sh, f, p, pol, e, n, got, formula, dense);
                            if (sh == head && Math.abs(grid[gi] - 0.90) < 1e-9)
                                ctx.metric(Metric.exact(metric("bytes", "format=" + f, "rows=" + sh.rows(), "cols=" + sh.cols(), "precision=" + p.id(),
                                        "policy=" + pol.id(), "sparsity=0.90"), got.total(), "bytes"));
                        }
                }
                Map<Long, Measured> cache = new HashMap<>();
                // 4096x4096 encodes dominate: at quick scale its break-even points come from the closed form alone
                // (N:M needs one encode per shape, so it is always confirmed)
                boolean confirm = scale != Scale.QUICK || (long) sh.rows() * sh.cols() < 1 << 20 || f.kind() == FormatSpec.Kind.NM;
                for (Precision p : Precision.values())
                    for (IndexPolicy pol : IndexPolicy.values()) {
                        BreakEven b = breakEven(f, sh, p, pol, seed, buf, cache, confirm);
                        encodes += b.encodes;
                        be.add(sh, f, p, pol, b);
                        if (sh == head) {
                            String[] key = {"format=" + f, "shape=" + sh.id(), "precision=" + p.id(), "policy=" + pol.id()};
                            ctx.metric(Metric.exact(metric("break_even_sparsity", key), b.sparsity, "fraction"));
                            if (f.kind() == FormatSpec.Kind.NM)
                                ctx.metric(Metric.exact(metric("bytes_rel_dense", key), (double) b.encodedAt / b.dense, "fraction"));
                        }
                        if (b.confirmation.equals(FAILED)) disagreements.add(sh.id() + " " + f + " " + p.id() + " " + pol.id() + ": break-even not confirmed by encoding (" + b.note + ")");
                    }
                if ((long) sh.rows() * sh.cols() >= 1 << 20)
                    ctx.log().printf("     %s %-8s done at %6.1f s%n", sh.id(), f, (System.nanoTime() - t0) / 1e9);
            }
            ctx.log().printf("   %-16s %-5s %-9s %6.1f s%n", sh.network(), sh.layer(), sh.id(), (System.nanoTime() - t0) / 1e9);
        }
        nmMetrics(ctx, seed, head);
        ctx.parameter("matrices_encoded", encodes);
        ctx.metric(Metric.exact("formula_disagreements", disagreements.size(), "count"));
        ctx.table("bytes", bytes.table());
        ctx.table("break_even", be.table());

        plots(ctx, head);
        notes(ctx, scale, seed, shapes, bytes.size(), disagreements, encodes);
    }

    /** Bytes relative to dense over sparsity, for the first shape at three precision and index-policy pairs. */
    private static void plots(ExperimentContext ctx, Shape head) {
        for (String[] pp : new String[][] {{"fp32", "minimal"}, {"int8", "minimal"}, {"fp32", "fixed32"}})
            ctx.plot(new PlotSpec("bytes-" + head.id() + "-" + pp[0] + "-" + pp[1], head.id() + ", " + pp[0] + ", " + pp[1] + " indices: bytes relative to dense",
                    "bytes", "sparsity", "rel_dense", "format", List.of("shape=" + head.id(), "precision=" + pp[0], "policy=" + pp[1]),
                    "sparsity (fraction of weights removed; gcsr: of groups)", "bytes / dense bytes", false, PlotSpec.Style.LINE, 1.0));
    }

    /** How every byte count is made, whether the encodings and the closed form agreed, and the N:M shapes with a short last window. */
    private static void notes(ExperimentContext ctx, Scale scale, long seed, List<Shape> shapes, int rows, List<String> disagreements, long encodes) {
        ctx.note("Every byte count is measured: a seeded random matrix (seed " + seed + ") is pruned to exactly the target sparsity in the "
                + "format's structure (single weights; whole aligned groups for gcsr:G; at most N per window of M for nm:N:M), encoded, "
                + "and its storage() summed. formula_bytes is the closed form (StorageFormula) from the target alone.");
        ctx.note(disagreements.isEmpty()
                ? "Encoded bytes and closed form agree on all " + rows + " rows, and no break-even point was contradicted by an encoded matrix ("
                        + encodes + " matrices encoded" + (scale == Scale.QUICK ? "; at quick scale the 4096x4096 break-even points are closed form only" : "") + ")."
                : disagreements.size() + " disagreement(s) between encoded bytes and closed form: " + String.join("; ", disagreements.subList(0, Math.min(10, disagreements.size()))));
        ctx.note("Index policy minimal: 1 byte if the field takes at most 256 values, 2 if at most 65 536, else 4. Row pointers hold 0..K, "
                + "so they are sized for K + 1 values; the lecture's \"sized by K\" differs only at K = 256 and 65 536 exactly.");
        ctx.note("N:M stores N value slots per window of M whatever the sparsity, so its bytes are constant; its break-even is the lowest sparsity "
                + "it can hold (1 - N/M) when it is smaller than dense there. gcsr:G stores whole groups (zero-padded short last group); its "
                + "sparsity axis is the fraction of groups removed, actual_sparsity the fraction of zero weights.");
        for (Shape sh : shapes)
            for (FormatSpec f : FORMATS)
                if (f.kind() == FormatSpec.Kind.NM && sh.cols() % f.m() != 0)
                    ctx.note(f + " on " + sh.network() + " " + sh.layer() + " (" + sh.id() + "): " + sh.cols() + " columns are not a multiple of " + f.m()
                            + "; the last window is " + (sh.cols() % f.m()) + " wide, so N:M can hold sparsity down to "
                            + String.format(Locale.ROOT, "%.4f", PrunedMatrices.minSparsityNm(f, sh.rows(), sh.cols())));
    }

    /** A metric name {@code name[k=v,…]} from {@code key=value} texts. */
    static String metric(String name, String... params) {
        return MetricName.format(name, params);
    }

    /** Measures the N:M figures from encoded matrices of the headline shape at their densest. */
    private static void nmMetrics(ExperimentContext ctx, long seed, Shape head) {
        int r = head.rows(), c = head.cols();
        float[] buf = new float[r * c];
        for (FormatSpec f : FORMATS) {
            if (f.kind() != FormatSpec.Kind.NM) continue;
            long kept = PrunedMatrices.maxNonZerosNm(f, r, c);
            Encoded e = Encoded.atKept(f, r, c, PrunedMatrices.minSparsityNm(f, r, c), kept, seed, buf);
            NmSparse s = (NmSparse) e.matrix();
            ctx.metric(Metric.exact(metric("nm_metadata_bits_per_value", "n=" + f.n(), "m=" + f.m()), 8.0 * s.meta().length / s.nnz(), "bits"));
            ctx.metric(Metric.exact(metric("nm_sparsity", "n=" + f.n(), "m=" + f.m()), s.sparsity(), "fraction"));
        }
    }

    public static final String CONFIRMED = "confirmed by encoding", FAILED = "FAILED: encoded bytes contradict the closed form",
            UNCONFIRMED = "closed form only (quick scale)";

    /** The break-even point of one format × precision × policy on one shape. */
    public static final class BreakEven {
        /** Smallest sparsity (fraction of units removed) at which the format is smaller than dense; NaN if never. */
        public double sparsity() { return sparsity; }
        /** Fraction of zero weights of the encoded matrix at that point (differs for gcsr with a short last group). */
        public double weightSparsity() { return elementSparsity; }
        public long kept() { return kept; }
        public long units() { return units; }
        public long formulaBytes() { return formulaAt; }
        /** Bytes of the encoded matrix at the break-even point; -1 when not confirmed by encoding. */
        public long encodedBytes() { return encodedAt; }
        public long denseBytes() { return dense; }
        public String confirmation() { return confirmation; }
        public String note() { return note; }

        double sparsity = Double.NaN, elementSparsity = Double.NaN;
        long kept = -1, units, formulaAt = -1, encodedAt = -1, encodedNext = -1, dense;
        String confirmation = UNCONFIRMED;

        void confirmed(boolean ok) { confirmation = ok ? CONFIRMED : FAILED; }
        int encodes;
        String note = "";
    }

    /** What one encoded matrix measured: its storage under every precision × policy, and what it really keeps. */
    record Measured(Map<String, Long> bytes, long kept, double sparsity) {
        static Measured of(Encoded e) {
            Map<String, Long> m = new HashMap<>();
            for (Precision p : Precision.values())
                for (IndexPolicy pol : IndexPolicy.values()) m.put(p.id() + "/" + pol.id(), e.matrix().storage(p, pol).total());
            return new Measured(m, e.keptMeasured(), e.matrix().sparsity());
        }

        long bytes(Precision p, IndexPolicy pol) { return bytes.get(p.id() + "/" + pol.id()); }
    }

    /**
     * Break-even of one format × precision × policy on one shape: bisection on the closed form, then encoded matrices
     * at the kept count found and at one more. Matrices are cached by kept count (fp16 and bf16 share theirs).
     */
    public static BreakEven breakEven(FormatSpec f, int rows, int cols, Precision p, IndexPolicy pol, long seed, boolean confirm) {
        return breakEven(f, new Shape("", "", rows, cols), p, pol, seed, confirm ? new float[Math.multiplyExact(rows, cols)] : null, new HashMap<>(), confirm);
    }

    static BreakEven breakEven(FormatSpec f, Shape sh, Precision p, IndexPolicy pol, long seed, float[] buf, Map<Long, Measured> cache,
                               boolean confirm) {
        int r = sh.rows(), c = sh.cols();
        BreakEven b = new BreakEven();
        b.dense = (long) r * c * p.bytes();
        boolean nm = f.kind() == FormatSpec.Kind.NM;
        b.units = nm ? (long) r * c : StorageFormula.units(f, r, c);
        long k = StorageFormula.maxKeptBelowDense(f, r, c, p, pol);
        int[] encodes = {0};
        LongFunction<Measured> at = kept -> cache.computeIfAbsent(kept, x -> {
            encodes[0]++;
            return Measured.of(Encoded.atKept(f, r, c, Double.NaN, x, seed + x, buf));
        });
        if (nm) {
            long max = PrunedMatrices.maxNonZerosNm(f, r, c);
            b.formulaAt = StorageFormula.of(f, r, c, 0, p, pol).total();
            if (!confirm) {
                if (k >= 0) { b.kept = max; b.sparsity = PrunedMatrices.minSparsityNm(f, r, c); }
                return b;
            }
            Measured e = at.apply(max);
            b.encodes = encodes[0];
            b.encodedAt = e.bytes(p, pol);
            if (k < 0) {
                b.confirmed(b.encodedAt >= b.dense);
                b.note = f + " is never smaller than dense here (" + b.encodedAt + " >= " + b.dense + " bytes)";
                return b;
            }
            b.kept = max;
            b.sparsity = b.elementSparsity = e.sparsity();
            b.confirmed(b.encodedAt < b.dense && e.kept() == max);
            b.note = "fixed size: " + String.format(Locale.ROOT, "%.4f", (double) b.encodedAt / b.dense) + " of dense from sparsity "
                    + String.format(Locale.ROOT, "%.4f", b.sparsity) + " (the lowest " + f + " holds) up";
            return b;
        }
        if (k < 0) {
            b.note = "never smaller than dense (even an empty matrix is not)";
            if (confirm) {
                b.encodedAt = at.apply(0).bytes(p, pol);
                b.encodes = encodes[0];
                b.confirmed(b.encodedAt >= b.dense);
            }
            return b;
        }
        b.kept = k;
        b.sparsity = (double) (b.units - k) / b.units;
        b.formulaAt = StorageFormula.of(f, r, c, k, p, pol).total();
        b.note = k == b.units ? "smaller than dense even fully dense" : "";
        if (!confirm) return b;
        Measured m = at.apply(k);
        b.encodedAt = m.bytes(p, pol);
        b.elementSparsity = m.sparsity();
        boolean nextOk = true;
        if (k < b.units) {
            b.encodedNext = at.apply(k + 1).bytes(p, pol);
            nextOk = b.encodedNext >= b.dense;
        }
        b.encodes = encodes[0];
        b.confirmed(b.encodedAt < b.dense && nextOk && m.kept() == k);
        return b;
    }

    private record Counts(long kept, long nnz, long stored) {}

    /** Columns of bytes.csv. */
    private static final class Rows {
        final StringColumn network = StringColumn.create("network"), layer = StringColumn.create("layer"), shape = StringColumn.create("shape");
        final IntColumn rows = IntColumn.create("rows"), cols = IntColumn.create("cols");
        final StringColumn format = StringColumn.create("format"), precision = StringColumn.create("precision"), policy = StringColumn.create("policy");
        final DoubleColumn sparsity = DoubleColumn.create("sparsity"), actual = DoubleColumn.create("actual_sparsity");
        final LongColumn kept = LongColumn.create("kept_units"), nnz = LongColumn.create("nnz"), stored = LongColumn.create("stored_values");
        final LongColumn values = LongColumn.create("values_bytes"), indices = LongColumn.create("index_bytes"),
                pointers = LongColumn.create("pointer_bytes"), metadata = LongColumn.create("metadata_bytes"), total = LongColumn.create("bytes");
        final LongColumn formula = LongColumn.create("formula_bytes"), dense = LongColumn.create("dense_bytes");
        final BooleanColumn agrees = BooleanColumn.create("agrees");
        final DoubleColumn rel = DoubleColumn.create("rel_dense");

        void add(Shape sh, FormatSpec f, Precision p, IndexPolicy pol, Encoded e, Counts n, StorageCost got, StorageCost fo, long d) {
            network.append(sh.network()); layer.append(sh.layer()); shape.append(sh.id());
            rows.append(sh.rows()); cols.append(sh.cols());
            format.append(f.toString()); precision.append(p.id()); policy.append(pol.id());
            sparsity.append(e.target()); actual.append(1.0 - (double) n.nnz() / ((double) sh.rows() * sh.cols()));
            kept.append(n.kept()); nnz.append(n.nnz()); stored.append(n.stored());
            values.append(got.values()); indices.append(got.indices()); pointers.append(got.pointers()); metadata.append(got.metadata());
            total.append(got.total()); formula.append(fo.total()); dense.append(d);
            agrees.append(got.equals(fo));
            rel.append((double) got.total() / d);
        }

        int size() { return total.size(); }

        Table table() {
            return Table.create("bytes", network, layer, shape, rows, cols, format, precision, policy, sparsity, actual, kept, nnz, stored,
                    values, indices, pointers, metadata, total, formula, agrees, dense, rel);
        }
    }

    /** Columns of break_even.csv. */
    private static final class BreakEvenRows {
        final StringColumn network = StringColumn.create("network"), layer = StringColumn.create("layer"), shape = StringColumn.create("shape");
        final IntColumn rows = IntColumn.create("rows"), cols = IntColumn.create("cols");
        final StringColumn format = StringColumn.create("format"), precision = StringColumn.create("precision"), policy = StringColumn.create("policy");
        final DoubleColumn sparsity = DoubleColumn.create("break_even_sparsity"), element = DoubleColumn.create("break_even_weight_sparsity");
        final LongColumn kept = LongColumn.create("kept_units"), units = LongColumn.create("units");
        final LongColumn formula = LongColumn.create("formula_bytes"), encoded = LongColumn.create("encoded_bytes"),
                next = LongColumn.create("encoded_bytes_one_more_unit"), dense = LongColumn.create("dense_bytes");
        final StringColumn confirmed = StringColumn.create("confirmation");
        final StringColumn note = StringColumn.create("note");

        void add(Shape sh, FormatSpec f, Precision p, IndexPolicy pol, BreakEven b) {
            network.append(sh.network()); layer.append(sh.layer()); shape.append(sh.id());
            rows.append(sh.rows()); cols.append(sh.cols());
            format.append(f.toString()); precision.append(p.id()); policy.append(pol.id());
            sparsity.append(b.sparsity); element.append(b.elementSparsity);
            kept.append(b.kept); units.append(b.units);
            formula.append(b.formulaAt); encoded.append(b.encodedAt); next.append(b.encodedNext); dense.append(b.dense);
            confirmed.append(b.confirmation);
            note.append(b.note);
        }

        Table table() {
            return Table.create("break_even", network, layer, shape, rows, cols, format, precision, policy, sparsity, element, kept, units,
                    formula, encoded, next, dense, confirmed, note);
        }
    }
}
