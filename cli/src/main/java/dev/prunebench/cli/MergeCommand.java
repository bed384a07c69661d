package dev.prunebench.cli;

import dev.prunebench.experiments.RunSupport;
import dev.prunebench.experiments.Shard;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricsCsv;
import dev.prunebench.results.RunData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code prunebench merge RUN… --out DIR}: the shard runs of one sweep ({@code run … --shard I/N}) joined into one run
 * folder. Everything is checked before anything is written (same commit, scale, seed, machine class and experiments;
 * every shard once; no failed experiment; no metric in two shards); the merged folder is built beside {@code --out}
 * and moved there at the end, so a refused or failed merge leaves nothing behind.
 */
@Command(name = "merge", description = "Join the shard run folders of one sweep (run --shard I/N) of the same commit, scale and machine into one run folder")
final class MergeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "2..*", paramLabel = "RUN", description = "shard run folders (results/<run-id>), each from run … --shard I/N")
    List<Path> runs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the merged run folder (must not exist)")
    Path out;

    @Option(names = "--partial", description = "merge fewer than all N shards (with a warning); without it a missing shard is refused")
    boolean partial;

    @Override public Integer call() throws Exception {
        if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) throw new IllegalArgumentException("--out " + out + ": exists; name a new folder");
        List<RunData> rs = new ArrayList<>();
        for (Path r : runs) rs.add(RunFolders.read("RUN", r));
        Path target = out.toAbsolutePath().normalize();
        for (RunData r : rs) // the merged run beside the shards, never inside one of them
            if (target.startsWith(r.dir().toRealPath()) || target.startsWith(r.dir().toAbsolutePath().normalize()))
                throw new IllegalArgumentException("--out " + out + ": is inside the shard run folder " + r.dir() + "; name a folder outside the runs");
        TreeSet<Shard> shards = checkShards(rs);
        rs.sort(java.util.Comparator.comparingInt(r -> Shard.parse(String.valueOf(r.manifest().get("shard"))).index())); // shard 1's folder is the base
        int count = shards.first().count();
        Map<String, List<Metric>> metrics = mergedMetrics(rs);
        Path parent = out.toAbsolutePath().normalize().getParent();
        boolean parentExisted = Files.isDirectory(parent);
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, RunFolders.UNFINISHED + "merge-");
        try {
            write(rs, shards, metrics, tmp);
            Files.move(tmp, out);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            if (!parentExisted) deleteTree(parent);
            throw e;
        }
        if (shards.size() < count)
            spec.commandLine().getErr().println("prunebench: WARNING: merged " + shards.size() + " of " + count + " shards (--partial); the run lacks the points of "
                    + missing(shards, count));
        spec.commandLine().getOut().println("merged " + rs.size() + " shard runs: " + out.toAbsolutePath());
        return 0;
    }

    /** The shards of the runs, after checking that they belong to one sweep and are each there once. */
    private TreeSet<Shard> checkShards(List<RunData> rs) {
        RunData first = rs.get(0);
        TreeSet<Shard> shards = new TreeSet<>(java.util.Comparator.comparingInt(Shard::index));
        for (RunData r : rs) {
            Object sh = r.manifest().get("shard");
            if (sh == null) throw new IllegalArgumentException("RUN " + r.dir() + ": not a shard run (no shard in its manifest.json)");
            Shard s;
            try {
                s = Shard.parse(String.valueOf(sh));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("RUN " + r.dir() + ": manifest.json shard '" + sh + "' is not I/N (a merged run cannot be merged again)");
            }
            if (!shards.isEmpty() && shards.first().count() != s.count())
                throw new IllegalArgumentException("RUN " + r.dir() + ": shard " + s + " is not of " + shards.first().count() + " shards like " + first.dir() + "'s");
            if (!shards.add(s)) throw new IllegalArgumentException("RUN " + r.dir() + ": shard " + s + " given twice");
            if (r.manifest().get("failed_experiments") instanceof List<?> f && !f.isEmpty())
                throw new IllegalArgumentException("RUN " + r.dir() + ": experiments failed in this shard: " + f + "; run the shard again");
            same(first, r, "scale", first.manifest().get("scale"), r.manifest().get("scale"));
            same(first, r, "seed", first.manifest().get("seed"), r.manifest().get("seed"));
            same(first, r, "commit", first.environment().get("git_commit"), r.environment().get("git_commit"));
            same(first, r, "machine class (fingerprint)", first.environment().fingerprint(), r.environment().fingerprint());
            same(first, r, "experiments", ids(first), ids(r));
        }
        int count = shards.first().count();
        if (shards.size() < count && !partial)
            throw new IllegalArgumentException("RUN: shard" + (count - shards.size() == 1 ? " " : "s ") + missing(shards, count) + " missing (given "
                    + String.join(", ", shards.stream().map(Shard::toString).toList()) + "); give every shard of the sweep, or --partial to merge fewer");
        return shards;
    }

    private static String missing(TreeSet<Shard> shards, int count) {
        return String.join(", ", IntStream.rangeClosed(1, count).filter(i -> shards.stream().noneMatch(s -> s.index() == i)).mapToObj(i -> i + "/" + count).toList());
    }

    private static String ids(RunData r) { return r.experiments().stream().map(RunData.ExperimentData::id).toList().toString(); }

    private static void same(RunData a, RunData b, String what, Object va, Object vb) {
        if (!Objects.equals(String.valueOf(va), String.valueOf(vb)))
            throw new IllegalArgumentException("RUN " + b.dir() + ": " + what + " " + vb + " differs from " + a.dir() + "'s " + va + "; merge only shards of one sweep");
    }

    /** Per experiment, the shards' metrics in shard order; a metric in two shards is refused by name. */
    private static Map<String, List<Metric>> mergedMetrics(List<RunData> rs) {
        Map<String, List<Metric>> out = new LinkedHashMap<>();
        for (RunData.ExperimentData e : rs.get(0).experiments()) {
            Map<String, Metric> metrics = new LinkedHashMap<>();
            Map<String, Path> from = new LinkedHashMap<>();
            for (RunData r : rs)
                for (Metric m : r.experiment(e.id()).metrics()) {
                    if (metrics.putIfAbsent(m.name(), m) != null)
                        throw new IllegalArgumentException("RUN " + r.dir() + ": metric " + m.name() + " of " + e.id() + " is also in " + from.get(m.name()) + "; shards measure disjoint points");
                    from.put(m.name(), r.dir());
                }
            out.put(e.id(), List.copyOf(metrics.values()));
        }
        return out;
    }

    /** The merged run in {@code tmp}: the first shard's folder, every shard's metrics and table rows, the manifest and report. */
    private static void write(List<RunData> rs, TreeSet<Shard> shards, Map<String, List<Metric>> metrics, Path tmp) throws IOException {
        copy(rs.get(0).dir(), tmp);
        for (var e : metrics.entrySet()) {
            Path dir = tmp.resolve(e.getKey());
            MetricsCsv.write(dir.resolve("metrics.csv"), e.getValue());
            for (RunData r : rs.subList(1, rs.size()))
                try (var files = Files.list(r.experiment(e.getKey()).dir())) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".csv") && !f.getFileName().toString().equals("metrics.csv")).sorted().toList()) {
                        Path to = dir.resolve(f.getFileName().toString());
                        List<String> lines = Files.readAllLines(f);
                        if (!Files.exists(to)) Files.write(to, lines);
                        else if (lines.size() > 1) Files.write(to, lines.subList(1, lines.size()), StandardOpenOption.APPEND);
                    }
                }
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = json.readValue(tmp.resolve("manifest.json").toFile(), LinkedHashMap.class);
        m.put("shard", "merged " + String.join(" + ", shards.stream().map(Shard::toString).toList()));
        m.put("merged_from", rs.stream().map(r -> r.runId() + " (shard " + r.manifest().get("shard") + ")").toList());
        // a partial merge is another run than the complete one: in a history, the complete merge is then added, not a no-op
        if (shards.size() < shards.first().count()) m.put("run_id", rs.get(0).runId() + "-partial");
        json.writeValue(tmp.resolve("manifest.json").toFile(), m);
        RunSupport.report(tmp);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
