package dev.prunebench.cli;

import dev.prunebench.experiments.RunSupport;
import dev.prunebench.results.Metric;
import dev.prunebench.results.MetricsCsv;
import dev.prunebench.results.RunData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "merge", description = "Join the shard run folders of one sweep (run --shard I/N) of the same commit, scale and machine into one run folder")
final class MergeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "2..*", paramLabel = "RUN", description = "shard run folders (results/<run-id>), each from run … --shard I/N")
    List<Path> runs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the merged run folder (must not exist)")
    Path out;

    @Override public Integer call() throws Exception {
        if (Files.exists(out)) throw new IllegalArgumentException("--out " + out + ": exists; name a new folder");
        List<RunData> rs = new ArrayList<>();
        for (Path r : runs) rs.add(RunFolders.read("RUN", r));
        RunData first = rs.get(0);
        TreeSet<String> shards = new TreeSet<>();
        Integer count = null;
        for (RunData r : rs) {
            Object sh = r.manifest().get("shard");
            if (sh == null) throw new IllegalArgumentException("RUN " + r.dir() + ": not a shard run (no shard in its manifest.json)");
            var s = dev.prunebench.experiments.Shard.parse(String.valueOf(sh));
            if (count != null && count != s.count()) throw new IllegalArgumentException("RUN " + r.dir() + ": shard " + s + " is not of " + count + " shards");
            count = s.count();
            if (!shards.add(s.toString())) throw new IllegalArgumentException("RUN " + r.dir() + ": shard " + s + " given twice");
            same(first, r, "scale", String.valueOf(first.manifest().get("scale")), String.valueOf(r.manifest().get("scale")));
            same(first, r, "commit", String.valueOf(first.environment().get("git_commit")), String.valueOf(r.environment().get("git_commit")));
            same(first, r, "machine fingerprint", first.environment().fingerprint(), r.environment().fingerprint());
            same(first, r, "experiments", first.experiments().stream().map(RunData.ExperimentData::id).toList().toString(),
                    r.experiments().stream().map(RunData.ExperimentData::id).toList().toString());
        }
        Path parent = out.toAbsolutePath().normalize().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, RunFolders.UNFINISHED + "merge-");
        copy(first.dir(), tmp);
        for (RunData.ExperimentData e : first.experiments()) {
            Path dir = tmp.resolve(e.id());
            Map<String, Metric> metrics = new LinkedHashMap<>();
            for (RunData r : rs)
                for (Metric m : r.experiment(e.id()).metrics())
                    if (metrics.putIfAbsent(m.name(), m) != null)
                        throw new IllegalArgumentException("RUN " + r.dir() + ": metric " + m.name() + " of " + e.id() + " is in two shards");
            MetricsCsv.write(dir.resolve("metrics.csv"), metrics.values());
            for (RunData r : rs.subList(1, rs.size()))
                try (var files = Files.list(r.experiment(e.id()).dir())) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".csv") && !f.getFileName().toString().equals("metrics.csv")).toList()) {
                        Path to = dir.resolve(f.getFileName().toString());
                        List<String> lines = Files.readAllLines(f);
                        if (!Files.exists(to)) Files.write(to, lines);
                        else if (lines.size() > 1) Files.write(to, lines.subList(1, lines.size()), java.nio.file.StandardOpenOption.APPEND);
                    }
                }
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = json.readValue(tmp.resolve("manifest.json").toFile(), LinkedHashMap.class);
        m.put("shard", "merged " + String.join(" + ", shards));
        m.put("merged_from", rs.stream().map(r -> r.runId() + " (shard " + r.manifest().get("shard") + ")").toList());
        json.writeValue(tmp.resolve("manifest.json").toFile(), m);
        RunSupport.report(tmp);
        Files.move(tmp, out);
        if (shards.size() < count)
            spec.commandLine().getErr().println("prunebench: WARNING: merged " + shards.size() + " of " + count + " shards; the run lacks the others' points");
        spec.commandLine().getOut().println("merged " + rs.size() + " shard runs: " + out.toAbsolutePath());
        return 0;
    }

    private static void same(RunData a, RunData b, String what, String va, String vb) {
        if (!Objects.equals(va, vb))
            throw new IllegalArgumentException("RUN " + b.dir() + ": " + what + " " + vb + " differs from " + a.dir() + "'s " + va + "; merge only shards of one sweep");
    }

    private static void copy(Path from, Path to) throws java.io.IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
