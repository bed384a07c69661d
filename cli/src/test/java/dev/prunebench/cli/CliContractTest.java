package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.io.MatrixFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's promise under hostile input: every command × a table of bad numbers, unknown names, missing, unreadable
 * and special files, folders for files, huge shapes and corrupt run folders ends with exit code 2 and exactly one
 * line on stderr naming the culprit, with no stack trace or Java class name, changes nothing on disk, and returns
 * within a few seconds.
 */
class CliContractTest {

    /**
     * A hang guard, not a speed test: a hostile input must be refused, not worked on for ever. Generous, because a CI
     * runner shared with other jobs can be many times slower than a quiet machine.
     */
    private static final Duration HANG = Duration.ofSeconds(120);

    @TempDir static Path root;

    /** Fixtures, all inside {@link #root}; the snapshot of that folder must not change when a command is refused. */
    static Path npy, nmBreaker, mtx, huge, fifo, zero, folderNpy, missing, aFile, textFile, corruptNpy, unreadable, outFolder,
            goodRun, tmpRun, latestRoot, notAFolderParent, spdyTimings, spdyErrors, emptyHistory;
    static final Map<String, Path> corruptRuns = new TreeMap<>();
    static boolean haveFifo;

    /** What the huge fixture needs as a dense float32 array: 46340² × 4 bytes. */
    static final long HUGE_DENSE_BYTES = 46340L * 46340L * 4;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.execute(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Result(code, o.toString(), e.toString());
    }

    /** One hostile invocation: the arguments, and what its one stderr line must name. */
    record Case(String command, String input, String culprit, String[] args, BooleanSupplier applies) {
        String name() { return command + " × " + input; }
    }

    static final List<Case> CASES = new ArrayList<>();

    static void refused(String command, String input, String culprit, String... args) {
        CASES.add(new Case(command, input, culprit, args, () -> true));
    }

    static void refusedIf(BooleanSupplier applies, String command, String input, String culprit, String... args) {
        CASES.add(new Case(command, input, culprit, args, applies));
    }

    static String[] with(String[] base, String... more) {
        String[] a = new String[base.length + more.length];
        System.arraycopy(base, 0, a, 0, base.length);
        System.arraycopy(more, 0, a, base.length, more.length);
        return a;
    }

    static final String[] BAD_NUMBERS = {"-1", "0", "NaN", "Infinity", "-Infinity", "2147483647", "abc"};

    @BeforeAll
    static void fixtures() throws IOException {
        npy = root.resolve("w.npy");
        MatrixFiles.write(npy, new Dense(4, 8, new float[] {1, 0, 0, 2, 0, 0, 3, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 6, 7, 0, 0, 0, 0, 8, 0, 0}));
        nmBreaker = root.resolve("full.npy");
        float[] full = new float[16];
        java.util.Arrays.fill(full, 1f);
        MatrixFiles.write(nmBreaker, new Dense(2, 8, full));
        mtx = root.resolve("w.mtx");
        Files.writeString(mtx, "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1.5\n3 2 -2\n");
        huge = root.resolve("huge.mtx");
        Files.writeString(huge, "%%MatrixMarket matrix coordinate real general\n46340 46340 1\n46340 46340 1.0\n");
        fifo = root.resolve("pipe.npy");
        try {
            haveFifo = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start().waitFor() == 0
                    && Files.exists(fifo, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | InterruptedException e) {
            haveFifo = false;
        }
        zero = root.resolve("zero.mtx");
        boolean haveZero = Files.exists(Paths.get("/dev/zero"));
        if (haveZero) Files.createSymbolicLink(zero, Paths.get("/dev/zero"));
        folderNpy = Files.createDirectory(root.resolve("folder.npy"));
        missing = root.resolve("missing.npy");
        aFile = Files.writeString(root.resolve("a-file"), "not a folder\n");
        textFile = Files.writeString(root.resolve("w.txt"), "1 2 3\n");
        corruptNpy = root.resolve("corrupt.npy");
        Files.write(corruptNpy, "\u0093NUMPY garbage that is not a header".getBytes(StandardCharsets.ISO_8859_1));
        unreadable = root.resolve("unreadable.npy");
        Files.copy(npy, unreadable);
        unreadable.toFile().setReadable(false, false);
        outFolder = Files.createDirectory(root.resolve("out.mtx"));
        notAFolderParent = aFile.resolve("x.mtx");
        spdyTimings = Files.writeString(root.resolve("timings.txt"), "base\n1.5\nprunable\n1.0\nfirst\n0.2 0\n0.1 0.9\nmid\n0.6 0\n0.2 0.9\nlast\n0.2 0\n0.1 0.9\n");
        spdyErrors = Files.writeString(root.resolve("errors.txt"), "mid 0 0\n");

        goodRun = runFolder("good-run", Map.of());
        emptyHistory = root.resolve("empty.sqlite");
        dev.prunebench.history.History.open(emptyHistory, true).close();
        tmpRun = runFolder(".tmp-20260101T000000Z-abc", Map.of());
        corruptRuns.put("malformed experiment.json", runFolder("bad-json", Map.of("e1/experiment.json", "{\"id\": \"e1\",, \"plots\": []}")));
        corruptRuns.put("empty manifest.json", runFolder("empty-manifest", Map.of("manifest.json", "")));
        corruptRuns.put("manifest.json an array", runFolder("array-manifest", Map.of("manifest.json", "[1, 2]")));
        corruptRuns.put("plots a string", runFolder("plots-string", Map.of("e1/experiment.json", "{\"id\": \"e1\", \"paper\": \"p\", \"plots\": \"x\"}")));
        corruptRuns.put("plots[0] a number", runFolder("plots-number", Map.of("e1/experiment.json", "{\"id\": \"e1\", \"paper\": \"p\", \"plots\": [5]}")));
        corruptRuns.put("notes a string", runFolder("notes-string", Map.of("e1/experiment.json", "{\"id\": \"e1\", \"paper\": \"p\", \"notes\": \"x\"}")));
        corruptRuns.put("unknown metric kind", runFolder("bad-kind", Map.of("e1/metrics.csv", METRICS_HEADER + "m1,bogus,1,bytes,false,\n")));
        corruptRuns.put("value not a number", runFolder("bad-value", Map.of("e1/metrics.csv", METRICS_HEADER + "m1,exact,abc,bytes,false,\n")));
        corruptRuns.put("sample not a number", runFolder("bad-sample", Map.of("e1/metrics.csv", METRICS_HEADER + "m1,timing,1,x,false,1 2 zz\n")));
        corruptRuns.put("modelled not a boolean", runFolder("bad-modelled", Map.of("e1/metrics.csv", METRICS_HEADER + "m1,exact,1,bytes,maybe,\n")));
        corruptRuns.put("metric given twice", runFolder("dup-metric", Map.of("e1/metrics.csv", METRICS_HEADER + "m1,exact,1,bytes,false,\nm1,exact,2,bytes,false,\n")));
        corruptRuns.put("experiment folder missing", runFolder("missing-experiment", Map.of("manifest.json", "{\"run_id\": \"r\", \"experiments\": [\"e1\", \"e2\"]}")));
        corruptRuns.put("experiments a string", runFolder("experiments-string", Map.of("manifest.json", "{\"run_id\": \"r\", \"experiments\": \"e1\"}")));
        corruptRuns.put("experiment id a path", runFolder("experiment-path", Map.of("manifest.json", "{\"run_id\": \"r\", \"experiments\": [\"../good-run/e1\"]}")));
        corruptRuns.put("skipped reason a number", runFolder("skipped-number", Map.of("e1/experiment.json", "{\"id\": \"e1\", \"skipped\": [{\"what\": 1}]}")));
        corruptRuns.put("table name a path", runFolder("table-path", Map.of("e1/experiment.json", "{\"id\": \"e1\", \"tables\": [\"../../x\"]}")));
        corruptRuns.put("environment a string", runFolder("environment-string", Map.of("manifest.json", "{\"run_id\": \"r\", \"experiments\": [\"e1\"], \"environment\": \"x\"}")));
        latestRoot = Files.createDirectories(root.resolve("results-with-real-latest").resolve("latest"));
        latestRoot = latestRoot.getParent();

        String never = root.resolve("never-created").toString();
        // ---- top level
        refused("prunebench", "unknown command", "bogus", "bogus");
        refused("prunebench", "unknown option", "--bogus", "--bogus");
        for (String c : List.of("list", "list-backends", "storage", "info", "convert", "prune", "spmm", "train", "run", "report", "compare", "spdy"))
            refused(c, "unknown option", "--bogus", c, "--bogus");
        refused("spdy solve", "unknown option", "--bogus", "spdy", "solve", "--bogus");
        // ---- storage
        String[] st = {"storage", "--closed-form"};
        for (String v : BAD_NUMBERS) {
            if (!v.equals("2147483647")) {
                refused("storage", "--rows " + v, "--rows", with(st, "--rows", v, "--cols", "8", "--sparsity", "0.5"));
                refused("storage", "--cols " + v, "--cols", with(st, "--rows", "8", "--cols", v, "--sparsity", "0.5"));
            }
            refused("storage", "--sparsity " + v, "--sparsity", with(st, "--rows", "8", "--cols", "8", "--sparsity", v.equals("0") ? "1.5" : v));
        }
        refused("storage", "--rows 2147483647 --cols 2147483647", "2^63 - 1", with(st, "--rows", "2147483647", "--cols", "2147483647", "--sparsity", "0.5"));
        refused("storage", "--rows 2147483647 --cols 2147483647 --break-even", "2^63 - 1",
                "storage", "--rows", "2147483647", "--cols", "2147483647", "--break-even", "--format", "gcsr:32");
        refused("storage", "--format bogus", "bogus", with(st, "--rows", "8", "--cols", "8", "--sparsity", "0.5", "--format", "bogus"));
        refused("storage", "--format gcsr:0", "gcsr", with(st, "--rows", "8", "--cols", "8", "--sparsity", "0.5", "--format", "gcsr:0"));
        refused("storage", "--format nm:5:4", "N: 5", with(st, "--rows", "8", "--cols", "8", "--sparsity", "0.5", "--format", "nm:5:4"));
        refused("storage", "--precision fp64", "fp64", with(st, "--rows", "8", "--cols", "8", "--sparsity", "0.5", "--precision", "fp64"));
        refused("storage", "--policy bogus", "bogus", with(st, "--rows", "8", "--cols", "8", "--sparsity", "0.5", "--policy", "bogus"));
        refused("storage", "--sparsity with --break-even", "--sparsity", with(st, "--rows", "8", "--cols", "8", "--sparsity", "0.5", "--break-even"));
        refused("storage", "no --sparsity", "--sparsity", with(st, "--rows", "8", "--cols", "8"));
        // ---- matrix inputs: info, convert, prune, spmm --matrix
        Map<String, String[]> inputs = new java.util.LinkedHashMap<>();
        inputs.put("missing file", new String[] {missing.toString(), "no such file: " + missing});
        inputs.put("folder for a file", new String[] {folderNpy.toString(), "is a directory"});
        inputs.put("unsupported extension", new String[] {textFile.toString(), "unsupported extension"});
        inputs.put("corrupt .npy", new String[] {corruptNpy.toString(), corruptNpy.toString()});
        for (var in : inputs.entrySet()) {
            String file = in.getValue()[0], culprit = in.getValue()[1];
            refused("info", in.getKey(), culprit, "info", file);
            refused("convert", in.getKey(), culprit, "convert", file, root.resolve("never.mtx").toString());
            refused("prune", in.getKey(), culprit, "prune", file, "--structure", "unstructured", "--rate", "0.5", "--out", root.resolve("never.npy").toString());
            refused("spmm", "--matrix " + in.getKey(), culprit, "spmm", "--matrix", file);
        }
        BooleanSupplier fifoOk = () -> haveFifo, zeroOk = () -> haveZero, unreadableOk = () -> !Files.isReadable(unreadable);
        for (String cmd : List.of("info", "convert", "prune", "spmm")) {
            String[] head = cmd.equals("spmm") ? new String[] {"spmm", "--matrix"} : new String[] {cmd};
            String[] tail = switch (cmd) {
                case "convert" -> new String[] {root.resolve("never.mtx").toString()};
                case "prune" -> new String[] {"--structure", "unstructured", "--rate", "0.5", "--out", root.resolve("never.npy").toString()};
                default -> new String[0];
            };
            refusedIf(fifoOk, cmd, "a FIFO", "not a regular file", with(with(head, fifo.toString()), tail));
            refusedIf(zeroOk, cmd, "a link to /dev/zero", "not a regular file", with(with(head, zero.toString()), tail));
            refusedIf(unreadableOk, cmd, "an unreadable file", unreadable.toString(), with(with(head, unreadable.toString()), tail));
        }
        refused("info", "no FILE", "FILE", "info");
        // convert outputs
        refused("convert", "OUT a folder", "is a folder", "convert", mtx.toString(), outFolder.toString());
        refused("convert", "OUT in a missing folder", "does not exist", "convert", mtx.toString(), root.resolve("no-such-dir/x.mtx").toString());
        refused("convert", "OUT under a file", "is a file", "convert", mtx.toString(), notAFolderParent.toString());
        refused("convert", "OUT .smtx", ".smtx", "convert", mtx.toString(), root.resolve("x.smtx").toString());
        refused("convert", "OUT the input", "is the input file", "convert", mtx.toString(), mtx.toString());
        refused("convert", "--format bogus", "bogus", "convert", mtx.toString(), root.resolve("never.mtx").toString(), "--format", "bogus");
        refused("convert", "matrix that violates nm:2:4", "violates 2:4", "convert", nmBreaker.toString(), root.resolve("never.mtx").toString(), "--format", "nm:2:4");
        refusedIf(() -> Runtime.getRuntime().maxMemory() < HUGE_DENSE_BYTES, "convert", "46340x46340 .mtx to a dense .npy", "heap",
                "convert", huge.toString(), root.resolve("never.npy").toString());
        refusedIf(() -> Runtime.getRuntime().maxMemory() < 3 * HUGE_DENSE_BYTES, "prune", "46340x46340 .mtx", "heap",
                "prune", huge.toString(), "--structure", "unstructured", "--rate", "0.5", "--out", root.resolve("never.mtx").toString());
        // prune numbers and names
        String[] pr = {"prune", npy.toString(), "--structure", "unstructured", "--out", root.resolve("never.npy").toString()};
        for (String v : BAD_NUMBERS) if (!v.equals("0")) refused("prune", "--rate " + v, "--rate", with(pr, "--rate", v));
        refused("prune", "--structure bogus", "bogus", "prune", npy.toString(), "--structure", "bogus", "--rate", "0.5", "--out", root.resolve("never.npy").toString());
        refused("prune", "--score bogus", "bogus", with(pr, "--rate", "0.5", "--score", "bogus"));
        refused("prune", "--precision bogus", "bogus", with(pr, "--rate", "0.5", "--precision", "bogus"));
        refused("prune", "--format bogus", "bogus", with(pr, "--rate", "0.5", "--format", "bogus"));
        refused("prune", "--out a folder", "is a folder", "prune", npy.toString(), "--structure", "unstructured", "--rate", "0.5", "--out", folderNpy.toString());
        refused("prune", "--out .txt", "--out", "prune", npy.toString(), "--structure", "unstructured", "--rate", "0.5", "--out", textFile.toString());
        refused("prune", "--out the input", "is the input file", "prune", npy.toString(), "--structure", "unstructured", "--rate", "0.5", "--out", npy.toString());
        refused("prune", "--structure group:2147483647", "group size 2147483647", "prune", npy.toString(), "--structure", "group:2147483647", "--rate", "0.5",
                "--out", root.resolve("never.npy").toString());
        refused("prune", "--mask .npy", "--mask", with(pr, "--rate", "0.5", "--mask", root.resolve("m.npy").toString()));
        // ---- spmm numbers and shapes (refused before any allocation or timing)
        for (String v : BAD_NUMBERS) {
            refused("spmm", "--n " + v, "--n", "spmm", "--n", v);
            refused("spmm", "--threads " + v, "--threads", "spmm", "--threads", v);
            refused("spmm", "--repeats " + v, "--repeats", "spmm", "--repeats", v);
            if (!v.equals("0")) refused("spmm", "--min-sample-ms " + v, "--min-sample-ms", "spmm", "--min-sample-ms", v.equals("2147483647") ? "1e12" : v);
            if (!v.equals("0")) refused("spmm", "--rate " + v, "--rate", "spmm", "--rate", v);
            if (!v.equals("2147483647")) refused("spmm", "--g " + v, "--g", "spmm", "--g", v);
        }
        refused("spmm", "--n 100000000", "--n 100000000", "spmm", "--n", "100000000");
        refused("spmm", "--shape 46341x46341", "46341x46341", "spmm", "--shape", "46341x46341");
        refused("spmm", "--shape 2147483647x2147483647", "2147483647x2147483647", "spmm", "--shape", "2147483647x2147483647");
        refusedIf(() -> Runtime.getRuntime().maxMemory() < 2 * HUGE_DENSE_BYTES, "spmm", "--shape 46340x46340", "heap", "spmm", "--shape", "46340x46340");
        refusedIf(() -> Runtime.getRuntime().maxMemory() < 2 * HUGE_DENSE_BYTES, "spmm", "--matrix 46340x46340 .mtx", "heap", "spmm", "--matrix", huge.toString());
        refused("spmm", "--shape 0x5", "--shape", "spmm", "--shape", "0x5");
        refused("spmm", "--shape abc", "--shape", "spmm", "--shape", "abc");
        refused("spmm", "--pattern bogus", "bogus", "spmm", "--shape", "64x64", "--pattern", "bogus");
        refused("spmm", "--formats bogus", "bogus", "spmm", "--formats", "bogus");
        refused("spmm", "--formats gcsr:2147483647", "gcsr:2147483647", "spmm", "--shape", "16x16", "--formats", "gcsr:2147483647");
        // ---- train: every number is checked before MNIST is read (--mnist points nowhere, so a miss would say so instead)
        String[] tr = {"train", "--net", "mlp", "--mnist", root.resolve("no-mnist").toString()};
        for (String v : BAD_NUMBERS) {
            refused("train", "--epochs " + v, "--epochs", with(tr, "--epochs", v));
            refused("train", "--batch " + v, "--batch", with(tr, "--batch", v));
            refused("train", "--lr " + v, "--lr", with(tr, "--lr", v));
            if (!v.equals("0")) refused("train", "--momentum " + v, "--momentum", with(tr, "--momentum", v.equals("-1") ? "-0.5" : v));
            if (!v.equals("0")) refused("train", "--weight-decay " + v, "--weight-decay", with(tr, "--weight-decay", v));
            refused("train", "--threads " + v, "--threads", with(tr, "--threads", v));
            if (!v.equals("2147483647")) refused("train", "--train-images " + v, "--train-images", with(tr, "--train-images", v));
        }
        refused("train", "--momentum 1", "--momentum", with(tr, "--momentum", "1"));
        refused("train", "--validation -1", "--validation", with(tr, "--validation", "-1"));
        refused("train", "--validation >= --train-images", "--validation", with(tr, "--validation", "100", "--train-images", "100"));
        refused("train", "--net bogus", "bogus", "train", "--net", "bogus", "--mnist", root.resolve("no-mnist").toString());
        refused("train", "--schedule bogus", "bogus", with(tr, "--schedule", "bogus"));
        for (String sch : List.of("step:NaN:1", "step:Infinity:1", "step:-1:1", "step:0.5:0", "step:0.5:-1", "step:x:1"))
            refused("train", "--schedule " + sch, "step", with(tr, "--schedule", sch));
        refused("train", "--mnist missing", "no-mnist", tr);
        refused("train", "--save an existing file", aFile.toString(), with(tr, "--save", aFile.toString()));
        refused("train", "--save under a file", "is a file", with(tr, "--save", notAFolderParent.toString()));
        // ---- run: refused before any experiment runs, and before anything is created
        refused("run", "unknown experiment", "nosuch", "run", "nosuch", "--out", never);
        refused("run", "no experiment (',')", "ID", "run", ",", "--out", never);
        refused("run", "--scale bogus", "bogus", "run", "formats-storage", "--scale", "bogus", "--out", never);
        refused("run", "--out a file", "is a file", "run", "formats-storage", "--out", aFile.toString());
        for (String sh : List.of("0/2", "3/2", "1/0", "-1/2", "2", "a/b", "1/2/3", ""))
            refused("run", "--shard " + sh, "--shard", "run", "spmm-gate", "--scale", "quick", "--shard", sh, "--out", never);
        refused("run", "--shard on an experiment that cannot be sharded", "formats-storage cannot be sharded", "run", "formats-storage", "--shard", "1/2", "--out", never);
        refused("run", "--shard with one unshardable among sweeps", "formats-storage cannot be sharded", "run", "spmm-gate,formats-storage", "--shard", "2/2", "--out", never);
        refused("run", "results/latest a real folder", "latest", "run", "formats-storage", "--scale", "quick", "--out", latestRoot.toString());
        refused("run", "--regress missing", "no such file", "run", "formats-storage", "--out", never, "--regress", root.resolve("no-run").toString());
        refused("run", "--regress unfinished .tmp- run", ".tmp-", "run", "formats-storage", "--out", never, "--regress", tmpRun.toString());
        // ---- report and compare on bad run folders
        for (var e : corruptRuns.entrySet()) {
            String culprit = switch (e.getKey()) {
                case "malformed experiment.json" -> "experiment.json: malformed JSON: line 1, column";
                case "empty manifest.json", "manifest.json an array" -> "manifest.json";
                case "plots a string" -> "field 'plots'";
                case "plots[0] a number" -> "plots[0]";
                case "notes a string" -> "field 'notes'";
                case "unknown metric kind" -> "column 2 (kind): unknown kind 'bogus'";
                case "value not a number" -> "column 3 (value): 'abc'";
                case "sample not a number" -> "column 6 (samples): 'zz'";
                case "modelled not a boolean" -> "column 5 (modelled)";
                case "metric given twice" -> "line 3: metric 'm1'";
                case "experiments a string" -> "field 'experiments'";
                case "experiment id a path" -> "'../good-run/e1' is not an experiment id";
                case "skipped reason a number" -> "field 'skipped'[0].what";
                case "table name a path" -> "'../../x' is not a table name";
                case "environment a string" -> "field 'environment'";
                case "experiment folder missing" -> "no such file: " + e.getValue().resolve("e2").resolve("experiment.json");
                default -> throw new IllegalStateException(e.getKey());
            };
            refused("report", e.getKey(), culprit, "report", e.getValue().toString());
            refused("compare", e.getKey(), culprit, "compare", goodRun.toString(), e.getValue().toString());
        }
        for (String cmd : List.of("report", "compare")) {
            String[] head = cmd.equals("report") ? new String[] {"report"} : new String[] {"compare", goodRun.toString()};
            refused(cmd, "unfinished .tmp- run", ".tmp-", with(head, tmpRun.toString()));
            refused(cmd, "missing run folder", "no such file", with(head, root.resolve("no-run").toString()));
            refused(cmd, "a file for a run folder", aFile.toString(), with(head, aFile.toString()));
        }
        refused("compare", "missing baseline", "no such file", "compare", root.resolve("no-run").toString(), goodRun.toString());
        String[] cmp = {"compare", goodRun.toString(), goodRun.toString()};
        for (String v : BAD_NUMBERS) {
            refused("compare", "--alpha " + v, "--alpha", with(cmp, "--alpha", v));
            if (!v.equals("0") && !v.equals("2147483647")) refused("compare", "--min-effect " + v, "--min-effect", with(cmp, "--min-effect", v));
            refused("compare", "--min-repeats " + v, "--min-repeats", with(cmp, "--min-repeats", v));
            if (!v.equals("0") && !v.equals("2147483647")) refused("compare", "--exact-tolerance " + v, "--exact-tolerance", with(cmp, "--exact-tolerance", v));
        }
        refused("compare", "--csv a folder", "is a folder", with(cmp, "--csv", folderNpy.toString()));
        // ---- spdy solve: numbers before the file is read, then the files, then what the DP is asked
        String[] sp = {"spdy", "solve", "--timings", spdyTimings.toString()};
        for (String v : BAD_NUMBERS) {
            if (!v.equals("2147483647")) refused("spdy solve", "--target " + v, "--target", with(sp, "--target", v));
            refused("spdy solve", "--buckets " + v, "--buckets", with(sp, "--buckets", v));
        }
        refused("spdy solve", "--target 2147483647", "largest reachable target is 1.3636x", with(sp, "--target", "2147483647"));
        refused("spdy solve", "--target beyond the fixed time", "--target", with(sp, "--target", "1.7"));
        refused("spdy solve", "--target unreachable under spdy accounting", "largest reachable target is 2.1429x", with(sp, "--target", "2.2", "--accounting", "spdy"));
        refused("spdy solve", "no --timings", "--timings", "spdy", "solve");
        refused("spdy solve", "--accounting bogus", "--accounting", with(sp, "--accounting", "bogus"));
        refused("spdy solve", "--keep-dense nosuch", "'nosuch'", with(sp, "--keep-dense", "first,nosuch"));
        refused("spdy solve", "--keep-dense every layer", "--keep-dense", with(sp, "--keep-dense", "first,mid,last"));
        refused("spdy solve", "--keep-dense ','", "--keep-dense", with(sp, "--keep-dense", ","));
        refused("spdy solve", "--errors without the levels asked", "no entry for layer mid at level 0.9000", with(sp, "--target", "1.2", "--errors", spdyErrors.toString()));
        refused("spdy solve", "--errors a matrix file", "line 1: level: must be in [0, 1], got 2", with(sp, "--errors", textFile.toString()));
        for (var in : Map.of("missing file", missing, "folder for a file", folderNpy, "a text file that is no timing file", textFile, "corrupt binary", corruptNpy).entrySet()) {
            String culprit = in.getKey().equals("missing file") ? "no such file: " + missing : in.getValue().toString();
            refused("spdy solve", "--timings " + in.getKey(), culprit, "spdy", "solve", "--timings", in.getValue().toString());
            refused("spdy solve", "--errors " + in.getKey(), culprit, with(sp, "--errors", in.getValue().toString()));
        }
        refusedIf(fifoOk, "spdy solve", "--timings a FIFO", "not a regular file", "spdy", "solve", "--timings", fifo.toString());
        refusedIf(zeroOk, "spdy solve", "--timings a link to /dev/zero", "not a regular file", "spdy", "solve", "--timings", zero.toString());
        refusedIf(unreadableOk, "spdy solve", "--timings an unreadable file", unreadable.toString(), "spdy", "solve", "--timings", unreadable.toString());
        // ---- history: refused before the history file is created or changed
        String hist = emptyHistory.toString(), newHist = root.resolve("never.sqlite").toString();
        refused("history", "add: missing run", "no such file", "history", "add", "--history", newHist, root.resolve("no-run").toString());
        refused("history", "add: unfinished .tmp- run", ".tmp-", "history", "add", "--history", newHist, tmpRun.toString());
        refused("history", "add: corrupt run", "line 3: metric 'm1'", "history", "add", "--history", newHist, goodRun.toString(),
                corruptRuns.get("metric given twice").toString());
        refused("history", "add: --history a folder", "is a folder", "history", "add", "--history", folderNpy.toString(), goodRun.toString());
        refused("history", "add: --history not SQLite", "not an SQLite database", "history", "add", "--history", textFile.toString(), goodRun.toString());
        refused("history", "add: --history under a file", "is a file", "history", "add", "--history", notAFolderParent.toString(), goodRun.toString());
        for (String sub : List.of("list", "show", "check", "trends", "evaluate")) {
            String[] a = sub.equals("show") ? new String[] {"history", sub, "m1", "--history", newHist} : new String[] {"history", sub, "--history", newHist};
            refused("history", sub + ": missing history", "no such file", sub.equals("check") ? with(a, goodRun.toString()) : a);
            String[] t = sub.equals("show") ? new String[] {"history", sub, "m1", "--history", textFile.toString()} : new String[] {"history", sub, "--history", textFile.toString()};
            refused("history", sub + ": not SQLite", "not an SQLite database", sub.equals("check") ? with(t, goodRun.toString()) : t);
        }
        refused("history", "show: unknown metric", "METRIC nosuch: not in the history", "history", "show", "nosuch", "--history", hist);
        refused("history", "check: missing run", "no such file", "history", "check", root.resolve("no-run").toString(), "--history", hist);
        refused("history", "check: corrupt run", "field 'experiments'", "history", "check", corruptRuns.get("experiments a string").toString(), "--history", hist);
        String[] chk = {"history", "check", goodRun.toString(), "--history", hist};
        for (String v : BAD_NUMBERS) {
            refused("history", "check --alpha " + v, "--alpha", with(chk, "--alpha", v));
            if (!v.equals("0") && !v.equals("2147483647")) refused("history", "check --min-effect " + v, "--min-effect", with(chk, "--min-effect", v));
            refused("history", "check --min-runs " + v, "--min-runs", with(chk, "--min-runs", v));
        }
        refused("history", "trends --out a folder", "is a folder", "history", "trends", "--history", hist, "--out", folderNpy.toString());
        refused("history", "trends --metric a bad regex", "--metric", "history", "trends", "--history", hist, "--out", root.resolve("t.html").toString(), "--metric", "[");
        refused("history", "evaluate: too few runs", "needs at least 4 runs", "history", "evaluate", "--history", hist);
        refused("history", "evaluate --slowdown 0", "--slowdown", "history", "evaluate", "--history", hist, "--slowdown", "0");
        refused("history", "evaluate --subsets 0", "--subsets", "history", "evaluate", "--history", hist, "--subsets", "0");
        refused("run", "--history a folder", "is a folder", "run", "formats-storage", "--out", never, "--history", folderNpy.toString());
        refused("run", "--history not SQLite", "not an SQLite database", "run", "formats-storage", "--out", never, "--history", textFile.toString());
        refused("report", "--published missing", "no-published", "report", goodRun.toString(), "--published", root.resolve("no-published").toString());

        // ---- issue 22: history, spdy solve and run options
        String layers = "first\n0.2 0\n0.1 0.9\nmid\n0.6 0\n0.2 0.9\nlast\n0.2 0\n0.1 0.9\n";
        Path zeroBase = Files.writeString(root.resolve("t-zero-base.txt"), "base\n0\nprunable\n0\n" + layers);
        Path baseBelow = Files.writeString(root.resolve("t-base-below.txt"), "base\n1.0\nprunable\n1.5\n" + layers);
        Path tinyBase = Files.writeString(root.resolve("t-tiny-base.txt"), "base\n1e-300\nprunable\n1e-300\n" + layers);
        Path spaced = Files.writeString(root.resolve("t-spaced.txt"), "base\n1.5\nprunable\n1.0\n" + layers.replace("mid\n", "mid layer\n"));
        refused("spdy solve", "--timings base 0", "line 2: base seconds: must be > 0", "spdy", "solve", "--timings", zeroBase.toString());
        refused("spdy solve", "--timings base < prunable", "line 4: prunable seconds 1.5 is more than the base 1.0", "spdy", "solve", "--timings", baseBelow.toString());
        refused("spdy solve", "--timings base 1e-300", "vanishingly small", "spdy", "solve", "--timings", tinyBase.toString(), "--target", "1e-300");
        refused("spdy solve", "--timings base 1e-300, target 2", "largest reachable target is 0.0000x", "spdy", "solve", "--timings", tinyBase.toString());
        refused("spdy solve", "--timings a layer name with a space", "line 8: 'mid layer': a layer name with a space", "spdy", "solve", "--timings", spaced.toString());
        Path zeroBytes = Files.createFile(root.resolve("zero-bytes.sqlite"));
        for (String sub : List.of("list", "show", "check", "trends", "evaluate")) {
            String[] a = sub.equals("show") ? new String[] {"history", sub, "m1", "--history", zeroBytes.toString()} : new String[] {"history", sub, "--history", zeroBytes.toString()};
            refused("history", sub + ": an empty file (no schema written into it)", "an empty file, not a prunebench history", sub.equals("check") ? with(a, goodRun.toString()) : a);
        }
        refused("history", "trends --out the history file itself", "is the history file itself", "history", "trends", "--history", hist, "--out", hist);
        refused("history", "trends --out an existing file it did not write", "exists and is not a trends page prunebench wrote", "history", "trends", "--history", hist,
                "--out", aFile.toString());
        refused("history", "trends --out the history file itself, --force", "is the history file itself", "history", "trends", "--history", hist, "--out", hist, "--force");
        Path corruptKind = corruptHistory("kind-bogus.sqlite", "UPDATE metrics SET kind = 'BOGUS'");
        Path textValue = corruptHistory("value-text.sqlite", "UPDATE metrics SET value = 'abc'");
        refused("history", "show: a history edited to an unknown metric kind", "corrupt history: metric 'm1' of experiment 'e1' in run good-run: unknown kind 'BOGUS'",
                "history", "show", "m1", "--history", corruptKind.toString());
        refused("history", "check: a history edited to an unknown metric kind", "corrupt history: metric 'm1'", "history", "check", goodRun.toString(), "--history", corruptKind.toString());
        refused("history", "show: a history edited to a text value", "corrupt history: metric 'm1' of experiment 'e1' in run good-run: value is text 'abc'",
                "history", "show", "m1", "--history", textValue.toString());
        Path noGate = root.resolve("no-gate.sqlite");
        try (var h = dev.prunebench.history.History.open(noGate, true)) {
            for (int i = 1; i <= 4; i++) h.add(dev.prunebench.results.RunData.read(runFolder("plain-" + i, Map.of())));
        }
        refused("history", "evaluate: no gate runs", "hold no gated kernel family", "history", "evaluate", "--history", noGate.toString());
        refused("run", "--out inside a finished run folder", "is inside the finished run folder", "run", "formats-storage", "--out", goodRun.resolve("nested").toString());
        BooleanSupplier procOk = () -> Files.isDirectory(Paths.get("/proc"));
        refusedIf(procOk, "run", "--history under /proc (refused before the run)", "--history /proc/prunebench-x.sqlite", "run", "formats-storage", "--out", never,
                "--history", "/proc/prunebench-x.sqlite");
        refused("spmm", "--baseline bogus (the refusal is the only line)", "--baseline: bogus", "spmm", "--shape", "16x16", "--baseline", "bogus");
    }

    /** A history holding the good run, then edited with {@code sql} (check constraints off, as any SQLite client can). */
    static Path corruptHistory(String name, String sql) throws IOException {
        Path h = root.resolve(name);
        try (var x = dev.prunebench.history.History.open(h, true)) {
            x.add(dev.prunebench.results.RunData.read(goodRun));
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + h); java.sql.Statement st = c.createStatement()) {
            st.execute("PRAGMA ignore_check_constraints = ON");
            st.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IOException(e);
        }
        return h;
    }

    static final String METRICS_HEADER = "name,kind,value,unit,modelled,samples\n";

    /** A hand-written run folder with one experiment e1 and one metric; {@code replace} overrides files by relative path. */
    static Path runFolder(String name, Map<String, String> replace) throws IOException {
        Path d = Files.createDirectories(root.resolve("runs").resolve(name));
        Map<String, String> files = new TreeMap<>(Map.of(
                "manifest.json", "{\"run_id\": \"" + name + "\", \"scale\": \"quick\", \"experiments\": [\"e1\"]}",
                "e1/experiment.json", "{\"id\": \"e1\", \"paper\": \"a paper\", \"plots\": [], \"tables\": [], \"notes\": [], \"skipped\": []}",
                "e1/metrics.csv", METRICS_HEADER + "m1,exact,1,bytes,false,\n"));
        files.putAll(replace);
        for (var f : files.entrySet()) {
            Path p = d.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        return d;
    }

    /** Every path under the folder with its kind, size and modification time (links and special files are not opened). */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                m.put(dir.relativize(p).toString(), (a.isDirectory() ? "d" : a.isSymbolicLink() ? "l" : a.isOther() ? "o" : "f")
                        + " " + (a.isDirectory() ? "" : a.size() + " " + a.lastModifiedTime().toMillis()));
            }
        }
        return m;
    }

    static void assertOneLineNaming(Result r, String culprit, String what) {
        assertThat(r.code()).as(what + "\nstderr: " + r.err() + "\nstdout: " + r.out()).isEqualTo(2);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(what + ": exactly one line on stderr").hasSize(1);
        String line = lines.get(0);
        assertThat(line).as(what).startsWith("prunebench: ").contains(culprit);
        for (String leak : List.of("Exception", "at dev.", "java.", "\tat ", "Error:", "picocli", "jackson"))
            assertThat(line).as(what + ": no Java internals").doesNotContain(leak);
    }

    @TestFactory
    Stream<DynamicTest> everyCommandRefusesHostileInputWithOneLineAndTouchesNothing() {
        assertThat(CASES.size()).isGreaterThan(150);
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            assumeTrue(c.applies().getAsBoolean(), "does not apply on this machine");
            Map<String, String> before = snapshot(root);
            Result r = assertTimeoutPreemptively(HANG, () -> run(c.args()), c.name() + " took too long");
            assertOneLineNaming(r, c.culprit(), c.name() + ": " + String.join(" ", c.args()));
            assertThat(snapshot(root)).as(c.name() + ": files changed").isEqualTo(before);
        }));
    }

    /** Commands × inputs of the table, for the record. */
    @Test
    void theTableCoversEveryCommand() {
        assertThat(CASES.stream().map(Case::command).distinct().toList())
                .containsExactlyInAnyOrder("prunebench", "list", "list-backends", "storage", "info", "convert", "prune", "spmm", "train", "run", "report", "compare",
                        "spdy", "spdy solve", "history");
        Map<String, Long> perCommand = new TreeMap<>();
        for (Case c : CASES) perCommand.merge(c.command(), 1L, Long::sum);
        System.out.println("CLI contract: " + CASES.size() + " hostile invocations over " + perCommand.size() + " commands: " + perCommand);
    }

    /** Run properties read deep inside experiments are checked before the run: exit 2, one line, no run folder. */
    @Test
    void runPropertiesAreCheckedBeforeTheRunStarts() throws IOException {
        Path notNpy = Files.createDirectories(root.resolve("weights-none"));
        Files.writeString(notNpy.resolve("readme.txt"), "no weights\n");
        Path corrupt = Files.createDirectories(root.resolve("weights-corrupt"));
        Files.copy(corruptNpy, corrupt.resolve("w.npy"));
        String[][] cases = {
            {"prunebench.sparsert.weights", root.resolve("no-weights").toString(), "-Dprunebench.sparsert.weights=" + root.resolve("no-weights") + ": no such folder"},
            {"prunebench.sparsert.weights", aFile.toString(), "is a file, expected a folder"},
            {"prunebench.sparsert.weights", "", "empty"},
            {"prunebench.sparsert.weights", notNpy.toString(), "holds no .npy file"},
            {"prunebench.sparsert.weights", corrupt.toString(), corrupt.resolve("w.npy").toString()},
            {"prunebench.fmaPorts", "abc", "-Dprunebench.fmaPorts=abc: must be an integer in [1, 8]"},
            {"prunebench.fmaPorts", "0", "-Dprunebench.fmaPorts=0"},
            {"prunebench.gpu.preset", "nonsense", "-Dprunebench.gpu.preset=nonsense: GPU preset: unknown 'nonsense'"},
            {"prunebench.plant.slowdown", "nokernel=0.1", "no kernel 'nokernel'"},
            {"prunebench.plant.slowdown", "gcsr-vector=abc", "is not a number"},
        };
        Path out = root.resolve("never-run");
        for (String[] c : cases) {
            Map<String, String> before = snapshot(root);
            String old = System.getProperty(c[0]);
            System.setProperty(c[0], c[1]);
            try {
                Result r = assertTimeoutPreemptively(HANG.multipliedBy(2), () -> run("run", "formats-storage", "--scale", "quick", "--out", out.toString()));
                assertOneLineNaming(r, c[2], "-D" + c[0] + "=" + c[1]);
            } finally {
                if (old == null) System.clearProperty(c[0]); else System.setProperty(c[0], old);
            }
            assertThat(out).as("no run folder").doesNotExist();
            assertThat(snapshot(root)).as(c[0] + "=" + c[1]).isEqualTo(before);
        }
    }

    /** An output under /proc is refused naming the path given, never the temporary file beside it. */
    @Test
    void outputsUnderProcNameThePathGiven() {
        assumeTrue(Files.isDirectory(Paths.get("/proc")), "no /proc here");
        String[][] cases = {
            {"/proc/prunebench-x.mtx", "convert", mtx.toString(), "/proc/prunebench-x.mtx"},
            {"/proc/prunebench-x.npy", "prune", mtx.toString(), "--structure", "unstructured", "--rate", "0.5", "--out", "/proc/prunebench-x.npy"},
            {"/proc/prunebench-x.html", "history", "trends", "--history", emptyHistory.toString(), "--out", "/proc/prunebench-x.html"},
        };
        for (String[] c : cases) {
            Result r = run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertOneLineNaming(r, c[0], String.join(" ", c));
            assertThat(r.err()).as(String.join(" ", c)).doesNotContain(".tmp");
        }
    }

    /** scripts/gpu-check.sh on a machine without a driver: exit 2, and nothing created in the checkout. */
    @Test
    void gpuCheckCreatesNothingBeforeItFindsADriver() throws Exception {
        Path script = Paths.get("..", "scripts", "gpu-check.sh").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(script) && Files.isExecutable(Paths.get("/bin/bash")), "no script or no bash");
        Path checkout = Files.createTempDirectory(root.getParent(), "gpu-check");
        Files.createDirectories(checkout.resolve("scripts"));
        Files.copy(script, checkout.resolve("scripts/gpu-check.sh"));
        Path bin = Files.createDirectories(checkout.resolve("bin-without-nvidia-smi"));
        for (String tool : List.of("dirname", "mkdir", "cat", "grep", "head", "sed"))
            for (String d : List.of("/usr/bin/", "/bin/"))
                if (Files.isExecutable(Paths.get(d + tool)) && !Files.exists(bin.resolve(tool))) Files.createSymbolicLink(bin.resolve(tool), Paths.get(d + tool));
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", checkout.resolve("scripts/gpu-check.sh").toString(), "--no-run").redirectErrorStream(true);
        pb.environment().put("PATH", bin.toString());
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(text).isEqualTo(2);
        assertThat(text).contains("no NVIDIA driver");
        assertThat(checkout.resolve("target")).as("target/gpu-check made before a driver was found").doesNotExist();
    }

    @Test
    void everySubcommandAnswersHelp() {
        for (String c : List.of("list", "list-backends", "storage", "info", "convert", "prune", "spmm", "train", "run", "report", "compare", "spdy", "spdy solve",
                "history", "history add", "history list", "history show", "history check", "history trends", "history evaluate", "help")) {
            Result r = run((c + " --help").split(" "));
            assertThat(r.code()).as(c + " --help: " + r.err()).isZero();
            assertThat(r.out()).as(c).contains("Usage: prunebench " + c).contains("--debug");
        }
    }

    @Test
    void noCommandPrintsTheUsageOnTheGivenOutput() {
        Result r = run();
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: prunebench").contains("storage").contains("--debug");
    }

    @Test
    void theUnknownCommandHintIsACommandThatWorks() {
        Result r = run("bogus");
        assertThat(r.err()).contains("(see: prunebench --help)");
        assertThat(run("--help").code()).isZero();
        Result sub = run("storage", "--bogus");
        assertThat(sub.err()).contains("(see: prunebench storage --help)");
        assertThat(run("storage", "--help").code()).isZero();
    }

    /** Without a provider SLF4J prints three warning lines on stderr at the first log call of Tablesaw or JavaCPP. */
    @Test
    void slf4jHasAProviderSoItPrintsNoWarning() {
        assertThat(java.util.ServiceLoader.load(org.slf4j.spi.SLF4JServiceProvider.class).stream().toList()).isNotEmpty();
    }

    /** A group far wider than the matrix is sized by the closed form, never by allocating its padding. */
    @Test
    void storageOfAGroupWiderThanTheMatrixIsCountedNotAllocated() {
        Result r = assertTimeoutPreemptively(HANG, () -> run("storage", "--rows", "1", "--cols", "1", "--break-even",
                "--format", "gcsr:2147483647,gcsr:4", "--precision", "fp32", "--policy", "minimal"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("gcsr:2147483647 fp32\\s+minimal\\s+1\\.000000\\s+0/1\\s+2\\s+4\\s+50\\.00%\\s+closed form only");
        Result s = run("storage", "--rows", "1", "--cols", "1", "--sparsity", "0", "--format", "gcsr:2147483647", "--precision", "int8", "--policy", "minimal");
        assertThat(s.code()).as(s.err()).isZero();
        // one kept group of 2^31 - 1 values (all padding but one), a 1-byte index, 2 one-byte row pointers
        assertThat(s.out()).containsPattern("gcsr:2147483647 int8\\s+minimal\\s+-\\s+2147483647\\s+1\\s+2\\s+0\\s+2147483650");
    }

    @Test
    void debugShowsTheTraceOfARefusal() {
        Result r = run("--debug", "storage", "--rows", "0", "--cols", "1", "--sparsity", "0.5");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().findFirst().orElseThrow()).isEqualTo("prunebench: --rows: must be > 0, got 0");
        assertThat(r.err()).contains("IllegalArgumentException").contains("at dev.prunebench");
        assertThat(run("storage", "--rows", "0", "--cols", "1", "--sparsity", "0.5", "--debug").err()).contains("at dev.prunebench");
    }

    @Test
    void anUnexpectedExceptionIsOneLineWithExitOne() {
        StringWriter e = new StringWriter();
        int code = Failure.report(new IllegalStateException("boom\n  second line"), new PrintWriter(e, true), false);
        assertThat(code).isEqualTo(1);
        assertThat(e.toString().strip()).isEqualTo("prunebench: internal error: IllegalStateException: boom second line (run with --debug for the trace)");
        StringWriter oom = new StringWriter();
        assertThat(Failure.report(new OutOfMemoryError("Java heap space"), new PrintWriter(oom, true), false)).isEqualTo(1);
        assertThat(oom.toString().lines().count()).isEqualTo(1);
        StringWriter wrapped = new StringWriter();
        assertThat(Failure.report(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("/x/y")), new PrintWriter(wrapped, true), false)).isEqualTo(2);
        assertThat(wrapped.toString().strip()).isEqualTo("prunebench: no such file: /x/y");
    }

    @Test
    void infoAndConvertWorkOnAHugeSparseFileWithoutDensifying() throws IOException {
        Result info = assertTimeoutPreemptively(HANG, () -> run("info", huge.toString()));
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.out()).contains("shape     46340 x 46340 (2147395600 elements)").contains("nnz       1 (stored in file: 1)")
                .contains("empty     46339 of 46340 rows").containsPattern("nm:2:4\\s+yes")
                .containsPattern("dense\\s+8589582400\\s+100\\.00%");
        Path out = Files.createTempDirectory(root.getParent(), "convert-huge").resolve("copy.mtx");
        try {
            Result c = assertTimeoutPreemptively(HANG, () -> run("convert", huge.toString(), out.toString(), "--format", "gcsr:32"));
            assertThat(c.code()).as(c.err()).isZero();
            assertThat(c.out()).contains("1 non-zeros").contains("32 stored values");
            assertThat(Files.readString(out)).contains("46340 46340 1").contains("46340 46340 1");
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(out.getParent());
        }
    }

    /** Property: for any positive shape, storage prints no negative number and ends with 0 or 2 (never a crash). */
    @Property(tries = 200)
    void storageOfAnyPositiveShapeIsExactOrRefused(@ForAll @IntRange(min = 1) int rows, @ForAll @IntRange(min = 1) int cols,
                                                   @ForAll @DoubleRange(min = 0, max = 1) double sparsity) {
        Result r = run("storage", "--rows", Integer.toString(rows), "--cols", Integer.toString(cols), "--sparsity", Double.toString(sparsity),
                "--closed-form", "--format", "dense,coo,csr,gcsr:3,gcsr:32,nm:2:4,nm:1:256", "--precision", "fp32,int8");
        assertThat(r.code()).as(r.err()).isIn(0, 2);
        assertThat(r.out()).doesNotContainPattern("(?<![\\w.:-])-\\d");
        if (r.code() == 2) {
            assertThat(r.out()).isEmpty();
            assertThat(r.err().lines().count()).isEqualTo(1);
            assertThat(r.err()).contains("2^63 - 1");
        } else {
            assertThat(r.err()).isEmpty();
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Double> anyDouble() {
        return net.jqwik.api.Arbitraries.doubles().withSpecialValue(Double.NaN).withSpecialValue(Double.POSITIVE_INFINITY)
                .withSpecialValue(Double.NEGATIVE_INFINITY).withSpecialValue(-0.0).withSpecialValue(Double.MAX_VALUE).withSpecialValue(Double.MIN_VALUE);
    }

    /** Property: a training number outside its range is refused by name before MNIST is looked for (it is nowhere here). */
    @Property(tries = 200)
    void trainNumbersOutOfRangeAreRefusedByName(@ForAll("anyDouble") double lr, @ForAll("anyDouble") double momentum,
                                                 @ForAll("anyDouble") double decay) {
        Result r = run("train", "--net", "mlp", "--mnist", "/nonexistent/mnist", "--lr", Double.toString(lr), "--momentum", Double.toString(momentum),
                "--weight-decay", Double.toString(decay));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().count()).isEqualTo(1);
        String line = r.err();
        if (!(lr > 0 && lr <= TrainCommand.MAX_LR)) assertThat(line).contains("--lr");
        else if (!(momentum >= 0 && momentum < 1)) assertThat(line).contains("--momentum");
        else if (!(decay >= 0 && decay < 1)) assertThat(line).contains("--weight-decay");
        else assertThat(line).contains("MNIST not found");
    }

    @Property(tries = 60)
    void breakEvenOfAnyPositiveShapeIsExactOrRefused(@ForAll @IntRange(min = 1) int rows, @ForAll @IntRange(min = 1) int cols) {
        Result r = run("storage", "--rows", Integer.toString(rows), "--cols", Integer.toString(cols), "--break-even", "--closed-form",
                "--format", "coo,csr,gcsr:32,nm:2:4", "--precision", "fp16");
        assertThat(r.code()).as(r.err()).isIn(0, 2);
        assertThat(r.out()).doesNotContainPattern("(?<![\\w.:-])-\\d");
    }
}
