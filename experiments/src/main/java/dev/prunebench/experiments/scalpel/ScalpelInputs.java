package dev.prunebench.experiments.scalpel;

import static dev.prunebench.experiments.Experiment.KEPT_MODELS;

import dev.prunebench.experiments.scalpel.ScalpelRows.LayerRow;
import dev.prunebench.experiments.scalpel.ScalpelRows.Row;
import dev.prunebench.models.io.ModelFiles;
import dev.prunebench.models.nn.Network;
import dev.prunebench.results.Csv;
import dev.prunebench.results.ExperimentContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Scalpel reads from the run: the networks {@code deepcompression-lenet} and {@code scalpel-accuracy} kept (with
 * their test accuracies) and {@code scalpel-mcu}'s measured rows ({@code networks.csv}, {@code layers.csv}, read through
 * {@link Csv#readMaps}), joined as the table's MCU rows.
 */
final class ScalpelInputs {
    private ScalpelInputs() {}

    /** The experiments whose outputs Scalpel reads: the kept dense and Deep Compression networks, the SIMD-aware and node-pruned ones, the MCU rows. */
    static final String DC = "deepcompression-lenet", ACC = "scalpel-accuracy", MCU = "scalpel-mcu";

    /** A network kept by an accuracy experiment. */
    record Kept(String method, int g, Network network, double accuracy, String dir) {}

    /** The kept networks of one LeNet: dense and deepcompression from DC, simd-g* and node from ACC. */
    static Map<String, Kept> kept(ExperimentContext ctx, String net) throws IOException {
        Map<String, Kept> out = new LinkedHashMap<>();
        Path dc = ctx.input(DC).orElseThrow(() -> new IllegalStateException(DC + " did not run")).resolve(KEPT_MODELS);
        Optional<Path> acc = ctx.input(ACC).map(p -> p.resolve(KEPT_MODELS));
        load(out, "dense", 0, dc.resolve(net + "-dense"));
        load(out, "deepcompression", 0, dc.resolve(net + "-deepcompression"));
        if (acc.isPresent() && Files.isDirectory(acc.get())) {
            load(out, "node", 0, acc.get().resolve(net + "-node"));
            try (var s = Files.list(acc.get())) {
                for (Path p : s.sorted().toList()) {
                    Matcher m = Pattern.compile(Pattern.quote(net) + "-(simd|combined)-g(\\d+)").matcher(p.getFileName().toString());
                    if (m.matches()) {
                        load(out, m.group(1) + "-g" + m.group(2), Integer.parseInt(m.group(2)), p);
                        // quick scale keeps a network whose search accepted no rate at a fixed rate: its rows say so
                        if (Files.isDirectory(p) && ModelFiles.load(p).meta().get("selection") instanceof String sel && sel.startsWith("fixed rate"))
                            ctx.note(net + " " + m.group(1) + " g=" + m.group(2) + ": the kept network's rate is not the search's: " + sel);
                    }
                }
            }
        }
        if (!out.containsKey("dense")) throw new IllegalStateException(DC + " kept no " + net + "-dense model");
        for (String m : List.of("deepcompression", "node"))
            if (!out.containsKey(m)) ctx.skipped(net + " " + m, "no kept " + net + "-" + m + " model in this run");
        if (simdGroups(out).isEmpty())
            ctx.skipped(net + " simd", ACC + " kept no " + net + "-simd-g* model (no rate of its grid stayed within its accuracy tolerance at this scale)");
        return out;
    }

    private static void load(Map<String, Kept> out, String method, int g, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        ModelFiles.Loaded l = ModelFiles.load(dir);
        Object acc = l.meta().get("test_accuracy");
        out.put(method, new Kept(method, g, l.network(), acc instanceof Number n ? 100 * n.doubleValue() : Double.NaN,
                dir.getParent().getParent().getFileName() + "/" + KEPT_MODELS + "/" + dir.getFileName()));
    }

    static List<Integer> simdGroups(Map<String, Kept> kept) { return groups(kept, "simd-g"); }

    /** The g of the kept networks whose method starts so ({@code simd-g}, {@code combined-g}), ascending. */
    static List<Integer> groups(Map<String, Kept> kept, String prefix) {
        return kept.values().stream().filter(k -> k.method().startsWith(prefix)).map(Kept::g).sorted().toList();
    }

    /** scalpel-mcu's rows, as it measured them on the emulated Cortex-M4 (its networks.csv and layers.csv). */
    static void joinMcu(ExperimentContext ctx, Map<String, Map<String, Kept>> models, List<Row> rows, List<LayerRow> layers) throws IOException {
        Optional<Path> in = ctx.input(MCU);
        Path nets = in.map(p -> p.resolve("networks.csv")).orElse(null);
        if (nets == null || !Files.isRegularFile(nets)) {
            ctx.skipped("platform mcu", MCU + " wrote no networks.csv in this run");
            return;
        }
        List<Map<String, String>> nrows = Csv.readMaps(nets);
        if (nrows.isEmpty()) {
            ctx.skipped("platform mcu", MCU + " measured no network in this run (see its skipped list)");
            return;
        }
        Map<String, String> kernels = new LinkedHashMap<>();
        Path lp = in.get().resolve("layers.csv");
        for (Map<String, String> r : Files.isRegularFile(lp) ? Csv.readMaps(lp) : List.<Map<String, String>>of()) {
            String key = r.get("net") + "/" + r.get("method");
            kernels.merge(key, r.get("kernel"), (a, b) -> a.contains(b) ? a : a + "+" + b);
            String net = r.get("net"), method = r.get("method");
            int g = mcuGroup(models.get(net), method);
            double sp = number(r, "speedup", lp);
            layers.add(new LayerRow("mcu", net, 1, r.get("layer"), r.get("layer").startsWith("conv"), method, g, r.get("kernel"), r.get("format"), sp, sp, sp,
                    r.get("provenance")));
        }
        for (Map<String, String> r : nrows) {
            String net = r.get("net"), method = r.get("method");
            Map<String, Kept> k = models.get(net);
            if (k == null) continue;
            int g = mcuGroup(k, method);
            Kept model = g > 0 ? k.get(method + "-g" + g) : k.get(method);
            double sp = number(r, "speedup", nets);
            rows.add(new Row("mcu", net, 1, method, method, g, kernels.getOrDefault(net + "/" + method, "?"), "mcu-q15-dense", r.get("shape"), sp, sp, sp,
                    Double.NaN, Double.NaN, (long) number(r, "flash_bytes", nets), (long) number(r, "dense_flash_bytes", nets),
                    model == null ? -1 : ScalpelRule.macs(model.network()), ScalpelRule.macs(k.get("dense").network()), number(r, "fp32_test_accuracy", nets), r.get("provenance")));
        }
        ctx.note("MCU rows are " + MCU + "'s, joined: q15 on the emulated Cortex-M4, speedup = dense executed instructions / pruned executed instructions "
                + "(exact counts), size = flash bytes (weights, indices, code); SIMD-aware (and the combined network's FC layers) at the smallest "
                + "kept g, run as SMLAD pairs.");
    }

    /** scalpel-mcu runs the smallest kept g of its simd and combined methods; 0 for the others. */
    private static int mcuGroup(Map<String, Kept> k, String method) {
        if (!method.equals("simd") && !method.equals("combined")) return 0;
        List<Integer> gs = groups(k, method + "-g");
        return gs.isEmpty() ? 0 : gs.get(0);
    }

    /** A number from a row of another experiment's table (read by {@link Csv#readMaps}); NaN when empty. */
    static double number(Map<String, String> r, String column, Path file) {
        String v = r.get(column);
        if (v == null) throw new IllegalStateException(file + ": no column " + column + " (columns: " + r.keySet() + ")");
        try {
            return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + ": column " + column + " holds '" + v + "', not a number");
        }
    }
}
