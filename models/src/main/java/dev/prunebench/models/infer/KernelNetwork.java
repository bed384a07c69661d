package dev.prunebench.models.infer;

import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.ConvKernel;
import dev.prunebench.core.kernel.ConvShape;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.measure.Verification;
import dev.prunebench.models.nn.Conv2d;
import dev.prunebench.models.nn.Flatten;
import dev.prunebench.models.nn.Im2col;
import dev.prunebench.models.nn.Layer;
import dev.prunebench.models.nn.Linear;
import dev.prunebench.models.nn.MaxPool2d;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Param;
import dev.prunebench.models.nn.Relu;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * An inference plan of a {@link Network} for a fixed batch size: every fully connected layer runs as {@code C = W · X}
 * through a {@link MatMul} kernel, every convolution as im2col followed by the kernel's SpMM; bias, ReLU, max-pool,
 * flatten and the layout changes run in plain Java between them.
 *
 * <h2>Layout</h2>
 * Inside the plan activations are feature-major: a fully connected layer's X is {@code in × batch} (row-major, one
 * column per sample) and its C is {@code out × batch}. A convolution's X is the patch matrix
 * {@code (inC·k·k) × (batch·oh·ow)} (rows channel, kernel row, kernel column; columns image, output row, output
 * column, as {@link Conv2d} builds it), so its C is {@code outC × batch × oh × ow} ("CNHW"), on which pooling runs per
 * (channel, image) plane. The input is taken and the logits returned batch-major ({@code batch × features}, images
 * NCHW), exactly as {@link Network#forward}.
 *
 * <h2>Convolutions on a backend's conv kernel</h2>
 * When the kernel chosen for a convolution is also a {@link ConvKernel} (the Cortex-M4 kernels are) and takes the layer
 * ({@link ConvKernel#refusesConv} null), and the batch is 1, the plan hands the kernel the layer's input image (CHW)
 * instead of building im2col in Java: the kernel computes the convolution itself ({@link ConvKernel#prepareConv}) and
 * its result is the same {@code outC × oh·ow} matrix, so bias, ReLU and pooling run as before
 * ({@link KernelLayer#direct()}). Otherwise — every CPU and GPU kernel, batches &gt; 1 — im2col + {@link MatMul} as above.
 *
 * <h2>Binding X</h2>
 * {@link MatMul#prepare} binds W and X "copying what it needs", and every kernel built so far copies X (the Vector API
 * kernels pad it to whole vectors, the native ones copy it off-heap), while the seam has no call that writes a new X
 * into a {@link MatMul.Prepared}. So a plan prepares each layer once, on its own X buffer filled with the activations
 * of the plan's bound input, and finds out at once whether the kernel reads that buffer in place: it runs the kernel,
 * zeroes the buffer, runs again and looks for C = 0 (then restores the buffer). {@link #forward}/{@link #bind} with a new
 * input re-prepares only the layers whose kernel copied X ({@link KernelLayer#bindsInput()} false), as set-up, untimed.
 * {@link #run()} — the timed forward — re-prepares nothing: it recomputes the whole network on the bound input, each
 * layer writing its X buffer from the previous layer's C (the same values the kernel holds, so the work done is a real
 * forward pass and {@link #result()} is the bound input's logits), then running the kernel, then reading C with
 * {@link MatMul.Prepared#result()} (a copy: the seam's only way out of a Prepared).
 *
 * <p>Not thread-safe. {@link #close()} closes every layer's Prepared.
 */
public final class KernelNetwork implements MatMul.Prepared {

    /** Relative-norm tolerance of the logits against {@link Network#forward} (fp32, a few layers deep). */
    public static final double TOLERANCE = 1e-4;

    /** Seed of the input a plan binds when none is given. */
    public static final long DEFAULT_INPUT_SEED = 1L;

    /** A layer's kernel and the format its weight is encoded in. */
    public record Choice(String kernelId, FormatSpec format) {
        public Choice {
            Objects.requireNonNull(kernelId, "kernelId");
            Objects.requireNonNull(format, "format");
        }

        /** E.g. {@code Choice.of("gcsr-vector", "gcsr:8")}. */
        public static Choice of(String kernelId, String format) { return new Choice(kernelId, FormatSpec.parse(format)); }
    }

    /** What a selector sees of a kernel layer: its name and the product it asks for (W rows×cols, X cols×n). */
    public record LayerShape(String name, int rows, int cols, int n) {}

    /** Picks the kernel and format of each kernel layer. */
    @FunctionalInterface
    public interface Selector {
        Choice choose(LayerShape layer);
    }

    /** One fully connected or convolution layer of the plan and its prepared kernel. */
    public static final class KernelLayer {
        private final String name;
        private final boolean conv;
        private final MatMul kernel;
        private final SparseFormat weight;
        private final float[] bias;
        private final int n;
        private final float[] x;
        private final ConvShape direct;
        private MatMul.Prepared prepared;
        private boolean bindsInput;
        private int preparations;

        KernelLayer(String name, boolean conv, MatMul kernel, SparseFormat weight, float[] bias, int n, ConvShape direct) {
            this.name = name;
            this.conv = conv;
            this.kernel = kernel;
            this.weight = weight;
            this.bias = bias;
            this.n = n;
            this.direct = direct;
            this.x = new float[direct != null ? direct.inputSize() : Math.multiplyExact(weight.cols(), n)];
        }

        public String name() { return name; }
        /** Whether it is a convolution (X = im2col patches) rather than a fully connected layer. */
        public boolean convolution() { return conv; }
        public MatMul kernel() { return kernel; }
        public FormatSpec format() { return weight.spec(); }
        /** W as encoded (rows = output units or channels). */
        public SparseFormat weight() { return weight; }
        public int rows() { return weight.rows(); }
        public int cols() { return weight.cols(); }
        /**
         * The convolution's shape when it runs on the kernel's own conv path ({@link ConvKernel}: X is the input image,
         * no im2col in Java); null for a fully connected layer or an im2col convolution.
         */
        public ConvShape direct() { return direct; }
        /** Columns of X: the batch for a fully connected layer, batch·oh·ow for a convolution. */
        public int n() { return n; }
        /** The prepared kernel, bound to this layer's X buffer (replaced when a copying kernel is re-prepared). */
        public MatMul.Prepared prepared() { return prepared; }
        /** Whether the kernel reads its X buffer in place (new inputs need no re-preparation). */
        public boolean bindsInput() { return bindsInput; }
        /** How many times the kernel has been prepared (1 + re-preparations for new inputs). */
        public int preparations() { return preparations; }

        @Override public String toString() {
            return name + " " + rows() + "×" + cols() + " · X " + cols() + "×" + n + " on " + kernel.id() + " (" + format() + ")";
        }
    }

    /** One step of the forward pass: reads its input array, returns its output array. */
    private interface Stage {
        float[] apply(float[] in);
    }

    private enum Layout { BATCH, FEATURE, CHANNEL }

    private final Network net;
    private final int batch;
    private final int threads;
    private final float[] input;
    private final List<Stage> stages = new ArrayList<>();
    private final List<KernelLayer> kernelLayers = new ArrayList<>();
    private float[] logits;
    private boolean rebinding;
    private boolean closed;

    private KernelNetwork(Network net, int batch, int threads) {
        this.net = net;
        this.batch = batch;
        this.threads = threads;
        this.input = new float[Math.multiplyExact(batch, net.inSize())];
    }

    // ---------------------------------------------------------------------------------------------------- building

    /**
     * A plan with a kernel and format per layer chosen by name, bound to a seeded random input in [0, 1).
     *
     * @param choose layer name ({@code fc1}, {@code conv2}, …) → kernel id and format
     * @throws IllegalArgumentException naming the layer, kernel and format when a kernel is missing or refuses, or
     *                                  the weight cannot be encoded in the format
     */
    public static KernelNetwork plan(Network net, KernelRegistry reg, Function<String, Choice> choose, int batch, int threads) {
        return planBy(net, reg, byName(choose), batch, threads, null);
    }

    /** As {@link #plan(Network, KernelRegistry, Function, int, int)}, bound to {@code input} (batch × inSize). */
    public static KernelNetwork plan(Network net, KernelRegistry reg, Function<String, Choice> choose, int batch, int threads, float[] input) {
        return planBy(net, reg, byName(choose), batch, threads, input);
    }

    /**
     * The general form: the selector sees each layer's shape. {@code input} null binds a seeded random input.
     */
    public static KernelNetwork planBy(Network net, KernelRegistry reg, Selector select, int batch, int threads, float[] input) {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(reg, "registry");
        Objects.requireNonNull(select, "selector");
        if (batch < 1) throw new IllegalArgumentException("network " + net.id() + ": batch must be >= 1, got " + batch);
        if (threads < 1 || threads > MatMul.MAX_THREADS)
            throw new IllegalArgumentException("network " + net.id() + ": threads must be in [1, " + MatMul.MAX_THREADS + "], got " + threads);
        KernelNetwork p = new KernelNetwork(net, batch, threads);
        try {
            p.compile(reg, select);
            p.bind(input != null ? input : randomInput(net, batch, DEFAULT_INPUT_SEED));
            return p;
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    /**
     * Every kernel layer on one backend, in the format {@code formatFor(layer name)}: the first kernel of that backend
     * (registry order) that takes the format at the layer's N.
     */
    public static KernelNetwork uniform(Network net, KernelRegistry reg, String backendId, Function<String, FormatSpec> formatFor, int batch, int threads) {
        return uniform(net, reg, backendId, formatFor, batch, threads, null);
    }

    /** As {@link #uniform(Network, KernelRegistry, String, Function, int, int)}, bound to {@code input}. */
    public static KernelNetwork uniform(Network net, KernelRegistry reg, String backendId, Function<String, FormatSpec> formatFor, int batch, int threads, float[] input) {
        Objects.requireNonNull(formatFor, "formatFor");
        var entry = reg.entry(backendId).orElseThrow(() -> new IllegalArgumentException("network " + net.id() + ": no backend " + backendId
                + " in the registry (backends: " + reg.entries().stream().map(e -> e.backend().id()).toList() + ")"));
        if (!entry.usable()) throw new IllegalArgumentException("network " + net.id() + ": backend " + backendId + " is " + entry.status());
        return planBy(net, reg, shape -> {
            FormatSpec f = formatFor.apply(shape.name());
            if (f == null) throw new IllegalArgumentException("layer " + shape.name() + ": no format given");
            List<String> why = new ArrayList<>();
            for (MatMul k : entry.kernels()) {
                String r = k.refuses(f, shape.n());
                if (r == null) return new Choice(k.id(), f);
                why.add(k.id() + " " + r);
            }
            throw new IllegalArgumentException("layer " + shape.name() + " (W " + shape.rows() + "×" + shape.cols() + ", N = " + shape.n()
                    + "): no kernel of backend " + backendId + " takes format " + f + " (" + String.join("; ", why) + ")");
        }, batch, threads, input);
    }

    /** Every kernel layer dense on one kernel (a dense baseline plan). */
    public static KernelNetwork dense(Network net, KernelRegistry reg, String denseKernelId, int batch, int threads, float[] input) {
        return planBy(net, reg, shape -> new Choice(denseKernelId, FormatSpec.DENSE), batch, threads, input);
    }

    /** A batch of inputs drawn uniformly from [0, 1) (pixel intensities), batch-major. */
    public static float[] randomInput(Network net, int batch, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[Math.multiplyExact(batch, net.inSize())];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        return x;
    }

    private static Selector byName(Function<String, Choice> choose) {
        Objects.requireNonNull(choose, "choose");
        return shape -> choose.apply(shape.name());
    }

    private void compile(KernelRegistry reg, Selector select) {
        Layout layout = Layout.BATCH;
        int c = 0, h = 0, w = 0;
        for (Layer l : net.layers()) {
            if (l instanceof Linear fc) {
                if (layout == Layout.BATCH) stages.add(batchToFeature(batch, fc.inSize()));
                else if (layout == Layout.CHANNEL) stages.add(channelToFeature(c, h * w, batch));
                Param wp = fc.weight();
                KernelLayer kl = kernelLayer(reg, select, fc.name(), false, wp, fc.bias().values(), batch, null);
                stages.add(fcStage(kl));
                layout = Layout.FEATURE;
            } else if (l instanceof Conv2d cv) {
                if (layout == Layout.BATCH) stages.add(batchToChannel(cv.inChannels(), cv.inH() * cv.inW(), batch));
                else if (layout == Layout.FEATURE) stages.add(featureToChannel(cv.inChannels(), cv.inH() * cv.inW(), batch));
                ConvShape shape = new ConvShape(cv.inChannels(), cv.inH(), cv.inW(), cv.outChannels(), cv.kernel());
                KernelLayer kl = kernelLayer(reg, select, cv.name(), true, cv.weight(), cv.bias().values(),
                        Math.multiplyExact(batch, cv.outH() * cv.outW()), batch == 1 ? shape : null);
                stages.add(kl.direct != null ? directConvStage(kl) : convStage(kl, cv));
                layout = Layout.CHANNEL;
                c = cv.outChannels();
                h = cv.outH();
                w = cv.outW();
            } else if (l instanceof MaxPool2d mp) {
                // planes of inH × inW are contiguous in NCHW (BATCH) and in CNHW (CHANNEL) alike
                if (layout == Layout.FEATURE) stages.add(featureToChannel(mp.channels(), mp.inH() * mp.inW(), batch));
                if (layout == Layout.BATCH) {
                    stages.add(batchToChannel(mp.channels(), mp.inH() * mp.inW(), batch));
                }
                stages.add(pool(mp, batch));
                layout = Layout.CHANNEL;
                c = mp.channels();
                h = mp.outH();
                w = mp.outW();
            } else if (l instanceof Relu r) {
                stages.add(relu(r.inSize() * batch));
            } else if (l instanceof Flatten) {
                // a change of shape only: the next fully connected layer converts CNHW to features × batch
            } else {
                throw new IllegalArgumentException("network " + net.id() + ": layer " + l.name() + " (" + l.describe() + ") has no kernel plan");
            }
        }
        if (layout == Layout.FEATURE) stages.add(featureToBatch(net.classes(), batch));
        else if (layout == Layout.CHANNEL) stages.add(channelToBatch(c, h * w, batch));
        else stages.add(in -> in.clone());
    }

    /** {@code convShape}: the convolution's shape when the kernel may run it directly (batch 1), else null. */
    private KernelLayer kernelLayer(KernelRegistry reg, Selector select, String name, boolean conv, Param wp, float[] bias, int n, ConvShape convShape) {
        LayerShape shape = new LayerShape(name, wp.rows(), wp.cols(), n);
        Choice ch = select.choose(shape);
        if (ch == null) throw new IllegalArgumentException("layer " + name + ": the selector chose no kernel");
        String at = "layer " + name + " (W " + wp.rows() + "×" + wp.cols() + " in " + ch.format() + ", N = " + n + ")";
        MatMul k;
        try {
            k = reg.require(ch.kernelId());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
        }
        String refused = k.refuses(ch.format(), n);
        if (refused != null) throw new IllegalArgumentException(at + ": kernel " + k.id() + " refuses: " + refused);
        SparseFormat f;
        try {
            f = ch.format().encode(wp.values(), wp.rows(), wp.cols());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ": the weight cannot be encoded as " + ch.format() + " for kernel " + k.id() + ": " + e.getMessage(), e);
        }
        ConvShape direct = convShape != null && k instanceof ConvKernel ck && ck.refusesConv(f.spec(), convShape) == null ? convShape : null;
        KernelLayer kl = new KernelLayer(name, conv, k, f, bias.clone(), n, direct);
        kernelLayers.add(kl);
        return kl;
    }

    // ---------------------------------------------------------------------------------------------------- running

    /** Binds a new input (batch × inSize, batch-major), re-preparing the layers whose kernel copied X; untimed set-up. */
    public void bind(float[] x) {
        checkOpen("bind");
        int want = batch * net.inSize();
        if (x == null || x.length != want)
            throw new IllegalArgumentException("network " + net.id() + ": input has " + (x == null ? "no" : x.length) + " values, expected batch "
                    + batch + " × " + net.inSize() + " = " + want);
        for (int i = 0; i < x.length; i++)
            if (!Float.isFinite(x[i]))
                throw new IllegalArgumentException("network " + net.id() + ": input[" + i + "] (sample " + i / net.inSize() + ", feature "
                        + i % net.inSize() + ") is " + x[i] + "; inputs must be finite");
        System.arraycopy(x, 0, input, 0, x.length);
        rebinding = true;
        try {
            pass();
        } finally {
            rebinding = false;
        }
    }

    /** Logits (batch × classes, batch-major) of {@code x}: {@link #bind} then the result. */
    public float[] forward(float[] x) {
        bind(x);
        return result();
    }

    /** One forward pass on the bound input, every layer's kernel run once: the timed call. */
    @Override public void run() {
        if (closed) throw new IllegalStateException("run(): this network plan is closed");
        pass();
    }

    private void pass() {
        float[] a = input;
        for (Stage s : stages) a = s.apply(a);
        logits = a;
    }

    /** The logits of the last forward pass, batch × classes, a copy. */
    @Override public float[] result() {
        if (logits == null) throw new IllegalStateException("result(): no forward pass has run");
        return logits.clone();
    }

    /** The bound input, batch-major, a copy. */
    public float[] input() { return input.clone(); }

    /** The logits against {@link Network#forward} of the same network on the bound input, within {@link #TOLERANCE}. */
    public Verification verify() {
        // fixed-point layers (q15 on the Cortex-M4) are each bit-exact against their integer reference; the network's
        // logits then differ from fp32 by quantisation only, so they are held to FIXED_POINT_TOLERANCE instead
        boolean fixed = false;
        for (KernelLayer kl : kernelLayers)
            if (kl.prepared instanceof MatMul.FixedPoint fp) {
                fixed = true;
                Verification v = Verification.bitExact(fp.rawResult(), fp.integerReference());
                if (!v.passed()) return new Verification(v.relError(), 0, false, "layer " + kl.name + ": " + v.rule());
            }
        float[] ref = net.forward(input.clone(), batch, false);
        float[] got = result();
        double num = 0, den = 0;
        for (int i = 0; i < got.length; i++) {
            double d = (double) got[i] - ref[i];
            num += d * d;
            den += (double) ref[i] * ref[i];
        }
        double err = got.length != ref.length ? Double.POSITIVE_INFINITY : den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
        double tol = fixed ? FIXED_POINT_TOLERANCE : TOLERANCE;
        return new Verification(err, tol, Double.isFinite(err) && err <= tol, fixed
                ? "fixed-point layers bit-exact; logits within " + tol + " relative norm of Network.forward (quantisation)"
                : "fp32 relative norm of the logits against Network.forward");
    }

    /**
     * How far a network of fixed-point layers (q15) may be from the fp32 forward pass: quantisation, not a kernel
     * error, since each such layer is first checked bit-exactly against its integer reference.
     */
    public static final double FIXED_POINT_TOLERANCE = 0.05;

    /**
     * When every layer's prepared kernel is {@link MatMul.Counted}: the counts of one forward pass, summed over the
     * layers by name (counts a layer lacks add nothing); the cost is the first layer's. Empty otherwise.
     *
     * @throws IllegalStateException when the layers name different costs
     */
    public Optional<MatMul.Counts> counts() {
        Map<String, Long> sum = new LinkedHashMap<>();
        String cost = null;
        for (KernelLayer kl : kernelLayers) {
            if (!(kl.prepared instanceof MatMul.Counted c)) return Optional.empty();
            MatMul.Counts k = c.counts();
            if (cost == null) cost = k.cost();
            else if (!cost.equals(k.cost()))
                throw new IllegalStateException("network " + net.id() + ": layer " + kl.name + " counts cost as " + k.cost() + ", earlier layers as " + cost);
            for (var e : k.values().entrySet()) sum.merge(e.getKey(), e.getValue(), Long::sum);
        }
        return cost == null ? Optional.empty() : Optional.of(new MatMul.Counts(sum, cost));
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        RuntimeException first = null;
        for (KernelLayer kl : kernelLayers) {
            if (kl.prepared == null) continue;
            try {
                kl.prepared.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }

    private void checkOpen(String what) {
        if (closed) throw new IllegalStateException(what + "(): this network plan is closed");
    }

    public Network network() { return net; }
    public int batch() { return batch; }
    public int threads() { return threads; }
    /** The fully connected and convolution layers in order, each with its kernel. */
    public List<KernelLayer> layers() { return Collections.unmodifiableList(kernelLayers); }

    /** The backends running its layers, in order of first use. */
    public List<Backend> backends(KernelRegistry reg) {
        List<Backend> out = new ArrayList<>();
        for (KernelLayer kl : kernelLayers) {
            Backend b = reg.backendOf(kl.kernel);
            if (!out.contains(b)) out.add(b);
        }
        return out;
    }

    /** E.g. {@code lenet300 batch 7: fc1 csr-vector (csr), fc2 …}. */
    public String describe() {
        StringBuilder s = new StringBuilder(net.id()).append(" batch ").append(batch).append(':');
        for (KernelLayer kl : kernelLayers) s.append(' ').append(kl.name).append(' ').append(kl.kernel.id()).append(" (").append(kl.format()).append(')');
        return s.toString();
    }

    @Override public String toString() { return describe(); }

    // ---------------------------------------------------------------------------------------------------- stages

    /** Runs the layer's kernel on its X buffer (already written), preparing it when needed; adds the bias per row. */
    private float[] runKernel(KernelLayer kl, int rowLength) {
        if (kl.prepared == null) {
            prepare(kl);
        } else if (rebinding && !kl.bindsInput) {
            kl.prepared.close();
            kl.prepared = null;
            prepare(kl);
        }
        kl.prepared.run();
        float[] y = kl.prepared.result();
        float[] b = kl.bias;
        for (int o = 0; o < b.length; o++) {
            float bo = b[o];
            for (int i = o * rowLength, e = i + rowLength; i < e; i++) y[i] += bo;
        }
        return y;
    }

    /**
     * Prepares the layer's kernel on its X buffer and finds out whether it reads the buffer in place: with the buffer
     * zeroed, a kernel that reads it gives C = 0 exactly, one that copied X gives its earlier C again. (Two runs of the
     * same kernel on the same X need not agree bit for bit — a Vector API kernel interpreted, then compiled — so the
     * probe asks for exact zeros rather than for a change.) When the first C is all zeros (X or W zero) the probe cannot
     * tell, and the kernel counts as copying: re-preparing is always correct.
     */
    private void prepare(KernelLayer kl) {
        kl.prepared = kl.direct != null ? ((ConvKernel) kl.kernel).prepareConv(kl.weight, kl.direct, kl.x, threads)
                : kl.kernel.prepare(kl.weight, kl.x, kl.n, threads);
        kl.preparations++;
        MatMul.Prepared p = kl.prepared;
        p.run();
        boolean nonZero = !allZero(p.result());
        float[] saved = kl.x.clone();
        Arrays.fill(kl.x, 0f);
        p.run();
        kl.bindsInput = nonZero && allZero(p.result());
        System.arraycopy(saved, 0, kl.x, 0, saved.length);
    }

    private static boolean allZero(float[] a) {
        for (float v : a) if (v != 0f) return false;
        return true;
    }

    private Stage fcStage(KernelLayer kl) {
        return in -> {
            System.arraycopy(in, 0, kl.x, 0, kl.x.length);
            return runKernel(kl, batch);
        };
    }

    /** A convolution on the kernel's own conv path: X is the image itself (CNHW at batch 1 is CHW). */
    private Stage directConvStage(KernelLayer kl) {
        return in -> {
            System.arraycopy(in, 0, kl.x, 0, kl.x.length);
            return runKernel(kl, kl.n);
        };
    }

    /** im2col from CNHW ({@link Im2col}): X row (c, ky, kx), column (image, oy, ox) = a[c][image][oy + ky][ox + kx]. */
    private Stage convStage(KernelLayer kl, Conv2d cv) {
        int inC = cv.inChannels(), inH = cv.inH(), inW = cv.inW(), k = cv.kernel(), p = cv.outH() * cv.outW();
        int bp = batch * p, plane = inH * inW;
        return in -> {
            for (int n = 0; n < batch; n++) Im2col.image(in, n * plane, batch * plane, inC, inH, inW, k, 0, kl.x, n * p, bp);
            return runKernel(kl, bp);
        };
    }

    /** Max-pooling of every inH × inW plane (channel and image); inputs are finite, so a plain comparison is exact. */
    private static Stage pool(MaxPool2d mp, int batch) {
        int h = mp.inH(), w = mp.inW(), s = mp.size(), oh = mp.outH(), ow = mp.outW(), planes = mp.channels() * batch;
        float[] out = new float[planes * oh * ow];
        if (s == 2) return in -> {
            for (int q = 0; q < planes; q++) {
                int base = q * h * w, o = q * oh * ow;
                for (int py = 0; py < oh; py++) {
                    int r0 = base + 2 * py * w, r1 = r0 + w, d = o + py * ow;
                    for (int px = 0; px < ow; px++) {
                        float a = in[r0 + 2 * px], b = in[r0 + 2 * px + 1], c = in[r1 + 2 * px], e = in[r1 + 2 * px + 1];
                        float m0 = a >= b ? a : b, m1 = c >= e ? c : e;
                        out[d + px] = m0 >= m1 ? m0 : m1;
                    }
                }
            }
            return out;
        };
        return in -> {
            for (int q = 0; q < planes; q++) {
                int base = q * h * w, o = q * oh * ow;
                for (int py = 0; py < oh; py++)
                    for (int px = 0; px < ow; px++) {
                        int b0 = base + py * s * w + px * s;
                        float best = in[b0];
                        for (int dy = 0; dy < s; dy++)
                            for (int dx = 0; dx < s; dx++) {
                                float v = in[b0 + dy * w + dx];
                                if (v > best) best = v;
                            }
                        out[o + py * ow + px] = best;
                    }
            }
            return out;
        };
    }

    private static Stage relu(int size) {
        float[] out = new float[size];
        return in -> {
            for (int i = 0; i < size; i++) {
                float v = in[i];
                out[i] = v > 0f ? v : 0f;
            }
            return out;
        };
    }

    /** Tile side of the blocked transposes: 16 × 16 floats, one cache line per row of a tile. */
    private static final int TILE = 16;

    /** {@code out[off + c·rows + r] = in[off + r·cols + c]}: a rows × cols block transposed, tile by tile. */
    private static void transpose(float[] in, float[] out, int off, int rows, int cols) {
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int r1 = Math.min(rows, r0 + TILE);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(cols, c0 + TILE);
                for (int r = r0; r < r1; r++) {
                    int src = off + r * cols;
                    for (int c = c0; c < c1; c++) out[off + c * rows + r] = in[src + c];
                }
            }
        }
    }

    /** batch × f (batch-major) → f × batch. */
    private static Stage batchToFeature(int batch, int f) {
        float[] out = new float[batch * f];
        return in -> {
            transpose(in, out, 0, batch, f);
            return out;
        };
    }

    /** f × batch → batch × f (the logits). */
    private static Stage featureToBatch(int f, int batch) {
        float[] out = new float[batch * f];
        return in -> {
            transpose(in, out, 0, f, batch);
            return out;
        };
    }

    /** NCHW → CNHW. */
    private static Stage batchToChannel(int c, int hw, int batch) {
        float[] out = new float[c * hw * batch];
        return in -> {
            for (int n = 0; n < batch; n++)
                for (int ch = 0; ch < c; ch++) System.arraycopy(in, (n * c + ch) * hw, out, (ch * batch + n) * hw, hw);
            return out;
        };
    }

    /** CNHW → NCHW. */
    private static Stage channelToBatch(int c, int hw, int batch) {
        float[] out = new float[c * hw * batch];
        return in -> {
            for (int n = 0; n < batch; n++)
                for (int ch = 0; ch < c; ch++) System.arraycopy(in, (ch * batch + n) * hw, out, (n * c + ch) * hw, hw);
            return out;
        };
    }

    /** CNHW → (c·hw) × batch, feature c·hw + p (the order {@link Flatten} gives): per channel, batch × hw transposed. */
    private static Stage channelToFeature(int c, int hw, int batch) {
        float[] out = new float[c * hw * batch];
        return in -> {
            for (int ch = 0; ch < c; ch++) transpose(in, out, ch * hw * batch, batch, hw);
            return out;
        };
    }

    /** (c·hw) × batch → CNHW: per channel, hw × batch transposed. */
    private static Stage featureToChannel(int c, int hw, int batch) {
        float[] out = new float[c * hw * batch];
        return in -> {
            for (int ch = 0; ch < c; ch++) transpose(in, out, ch * hw * batch, hw, batch);
            return out;
        };
    }
}
