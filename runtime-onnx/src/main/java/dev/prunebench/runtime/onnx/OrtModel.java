package dev.prunebench.runtime.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ONNX model in ONNX Runtime (the Java API, CPU execution provider): the runtime a user deploys, and so the
 * baseline every end-to-end time of a user's model is named against. A session has a fixed number of intra-op
 * threads (inter-op: 1, sequential execution) and all graph optimizations on, as a deployment would.
 *
 * <p>Errors ONNX Runtime raises (a model it cannot load, an input of the wrong shape) become
 * {@link IllegalArgumentException}s naming the file and ONNX Runtime's own message.
 */
public final class OrtModel implements AutoCloseable {

    /** ONNX Runtime's version, as its library reports it. */
    public static String version() {
        return OrtEnvironment.getEnvironment().getVersion();
    }

    private final Path file;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final int threads;
    private final Path profilePrefix;

    private OrtModel(Path file, int threads, Path profilePrefix) {
        this.file = file;
        this.threads = threads;
        this.profilePrefix = profilePrefix;
        this.env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (profilePrefix != null) o.enableProfiling(profilePrefix.toString());
            this.session = env.createSession(file.toString(), o);
            this.inputName = session.getInputNames().iterator().next();
        } catch (OrtException e) {
            throw new IllegalArgumentException(file + ": ONNX Runtime cannot load it: " + oneLine(e.getMessage()));
        }
    }

    /** Opens {@code file} with {@code threads} intra-op threads. */
    public static OrtModel open(Path file, int threads) {
        return new OrtModel(file, threads, null);
    }

    /** Opens {@code file} with ONNX Runtime's per-node profiler writing under {@code profilePrefix} (a path prefix). */
    public static OrtModel profiled(Path file, int threads, Path profilePrefix) {
        return new OrtModel(file, threads, profilePrefix);
    }

    public String inputName() { return inputName; }
    public int threads() { return threads; }

    /** Runs the model on {@code input} of {@code shape}; returns the first output, flattened row-major. */
    public float[] run(float[] input, long[] shape) {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result r = session.run(Map.of(inputName, t))) {
            OnnxValue v = r.get(0);
            if (!(v instanceof OnnxTensor out)) throw new IllegalArgumentException(file + ": first output is not a tensor");
            FloatBuffer fb = out.getFloatBuffer();
            if (fb == null) throw new IllegalArgumentException(file + ": first output is not float");
            float[] a = new float[fb.remaining()];
            fb.get(a);
            return a;
        } catch (OrtException e) {
            throw new IllegalArgumentException(file + ": ONNX Runtime failed on input " + Arrays.toString(shape) + ": " + oneLine(e.getMessage()));
        }
    }

    /** Times of {@code runs} runs after {@code warmup} untimed ones, in nanoseconds, in run order. */
    public long[] time(float[] input, long[] shape, int warmup, int runs) {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape)) {
            Map<String, OnnxTensor> in = Map.of(inputName, t);
            for (int i = 0; i < warmup; i++) try (OrtSession.Result r = session.run(in)) { /* warm-up */ }
            long[] ns = new long[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                try (OrtSession.Result r = session.run(in)) {
                    ns[i] = System.nanoTime() - t0;
                }
            }
            return ns;
        } catch (OrtException e) {
            throw new IllegalArgumentException(file + ": ONNX Runtime failed on input " + Arrays.toString(shape) + ": " + oneLine(e.getMessage()));
        }
    }

    /**
     * The model bound to one input as a {@link dev.prunebench.core.kernel.MatMul.Prepared}, so the suite's harness
     * ({@code Interleaved}) can time ONNX Runtime in the same rounds as the suite's own plans: {@code run()} is one
     * {@code session.run}, {@code result()} its first output.
     */
    public dev.prunebench.core.kernel.MatMul.Prepared bind(float[] input, long[] shape) {
        final OnnxTensor t;
        try {
            t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.clone()), shape);
        } catch (OrtException e) {
            throw new IllegalArgumentException(file + ": input " + Arrays.toString(shape) + ": " + oneLine(e.getMessage()));
        }
        Map<String, OnnxTensor> in = Map.of(inputName, t);
        return new dev.prunebench.core.kernel.MatMul.Prepared() {
            float[] last;
            @Override public void run() {
                try (OrtSession.Result r = session.run(in)) {
                    if (last == null) {
                        FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                        last = new float[fb.remaining()];
                        fb.get(last);
                    }
                } catch (OrtException e) {
                    throw new IllegalStateException(file + ": ONNX Runtime failed: " + oneLine(e.getMessage()), e);
                }
            }
            @Override public float[] result() {
                if (last == null) run();
                return last.clone();
            }
            @Override public void close() { t.close(); }
            @Override public String variant() { return "onnxruntime " + version() + " cpu, " + threads + " intra-op thread(s)"; }
        };
    }

    /** One node's time in ONNX Runtime's profile: the mean over the profiled runs, in nanoseconds. */
    public record NodeTime(String node, String op, double meanNs, int runs) {
        /** The graph node it stands for: ONNX Runtime names a node it fused with its successors (Gemm + Relu) {@code fused <name>}. */
        public String graphNode() { return node.startsWith("fused ") ? node.substring(6) : node; }
    }

    /**
     * Ends profiling and reads the profile: the kernel time of every node (events of category {@code Node} named
     * {@code <node>_kernel_time}), averaged over the runs in which it appears. Nodes ONNX Runtime fused away do not
     * appear; fused nodes appear under the name ONNX Runtime gave them.
     */
    public List<NodeTime> endProfile() throws IOException {
        return endProfiling().nodes();
    }

    /** The profile: every node's mean kernel time, and the mean of ONNX Runtime's own {@code model_run} event (one whole run). */
    public record Profile(List<NodeTime> nodes, double runMeanNs) {}

    /** Ends profiling and reads the profile, with the mean time of one whole run as the profiler saw it. */
    public Profile endProfiling() throws IOException {
        if (profilePrefix == null) throw new IllegalStateException("not a profiled session");
        String f;
        try {
            f = session.endProfiling();
        } catch (OrtException e) {
            throw new IOException(file + ": ONNX Runtime's profile: " + oneLine(e.getMessage()), e);
        }
        Path p = Path.of(f);
        JsonNode events = new ObjectMapper().readTree(Files.readAllBytes(p));
        Map<String, double[]> sum = new LinkedHashMap<>();
        Map<String, String> ops = new LinkedHashMap<>();
        double runSum = 0;
        int runs = 0;
        for (JsonNode e : events) {
            if ("Session".equals(e.path("cat").asText()) && "model_run".equals(e.path("name").asText())) { runSum += e.path("dur").asDouble() * 1000.0; runs++; }
            if (!"Node".equals(e.path("cat").asText()) || !e.path("name").asText().endsWith("_kernel_time")) continue;
            String name = e.path("name").asText();
            name = name.substring(0, name.length() - "_kernel_time".length());
            double[] s = sum.computeIfAbsent(name, k -> new double[2]);
            s[0] += e.path("dur").asDouble() * 1000.0;
            s[1]++;
            ops.put(name, e.path("args").path("op_name").asText(""));
        }
        List<NodeTime> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : sum.entrySet())
            out.add(new NodeTime(e.getKey(), ops.get(e.getKey()), e.getValue()[0] / e.getValue()[1], (int) e.getValue()[1]));
        Files.deleteIfExists(p);
        return new Profile(out, runs == 0 ? Double.NaN : runSum / runs);
    }

    @Override public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(file + ": closing ONNX Runtime's session: " + e.getMessage(), e);
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
