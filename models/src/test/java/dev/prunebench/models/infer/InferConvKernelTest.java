package dev.prunebench.models.infer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.ConvKernel;
import dev.prunebench.core.kernel.ConvShape;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.measure.Verification;
import dev.prunebench.models.nn.Network;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The conv seam: a kernel that is also a {@link ConvKernel} gets the image at batch 1, im2col otherwise. */
class InferConvKernelTest {

    /** A plain-Java dense kernel that also convolves directly (naive loops), recording what it was asked for. */
    static final class DirectDense implements MatMul, ConvKernel {
        final List<String> calls = new ArrayList<>();

        @Override public String id() { return "direct-dense"; }
        @Override public String backendId() { return "direct-test"; }
        @Override public boolean supports(FormatSpec spec) { return spec.kind() == FormatSpec.Kind.DENSE; }

        @Override public String refusesConv(FormatSpec spec, ConvShape shape) { return supports(spec) ? null : "dense only"; }

        @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
            MatMul.checkArguments(this, w, x, n, threads);
            calls.add("matmul " + w.rows() + "x" + w.cols() + " n=" + n);
            float[] wd = w.toDense(), xs = x;
            return prepared(() -> {
                float[] c = new float[w.rows() * n];
                for (int r = 0; r < w.rows(); r++)
                    for (int j = 0; j < w.cols(); j++)
                        for (int q = 0; q < n; q++) c[r * n + q] += wd[r * w.cols() + j] * xs[j * n + q];
                return c;
            });
        }

        @Override public Prepared prepareConv(SparseFormat w, ConvShape s, float[] input, int threads) {
            ConvKernel.checkConvArguments(id(), this, w, s, input);
            calls.add("conv " + s);
            float[] wd = w.toDense(), x = input;
            int k = s.kernel();
            return prepared(() -> {
                float[] c = new float[s.outChannels() * s.pixels()];
                for (int m = 0; m < s.outChannels(); m++)
                    for (int oy = 0; oy < s.outH(); oy++)
                        for (int ox = 0; ox < s.outW(); ox++) {
                            float a = 0;
                            for (int ch = 0; ch < s.inChannels(); ch++)
                                for (int ky = 0; ky < k; ky++)
                                    for (int kx = 0; kx < k; kx++)
                                        a += wd[m * s.patch() + (ch * k + ky) * k + kx] * x[(ch * s.inH() + oy + ky) * s.inW() + ox + kx];
                            c[m * s.pixels() + oy * s.outW() + ox] = a;
                        }
                return c;
            });
        }

        private static Prepared prepared(java.util.function.Supplier<float[]> f) {
            return new Prepared() {
                float[] c;
                @Override public void run() { c = f.get(); }
                @Override public float[] result() { return c.clone(); }
                @Override public void close() {}
            };
        }
    }

    static KernelRegistry registry(DirectDense k) {
        return KernelRegistry.probe(List.of(new Backend() {
            @Override public String id() { return "direct-test"; }
            @Override public String description() { return "a test kernel with a conv path"; }
            @Override public Availability probe() { return Availability.yes("java"); }
            @Override public List<MatMul> kernels() { return List.of(k); }
        }));
    }

    @Test
    void batchOneConvolutionsGoToTheConvPathAndAgreeWithForward() {
        Network net = InferKernelNetworkTest.network("lenet5", 3);
        DirectDense k = new DirectDense();
        try (KernelNetwork p = KernelNetwork.dense(net, registry(k), "direct-dense", 1, 1, null)) {
            Verification v = p.verify();
            assertThat(v.passed()).as(v.rule() + " " + v.relError()).isTrue();
            assertThat(p.layers().get(0).direct()).isEqualTo(new ConvShape(1, 28, 28, 20, 5));
            assertThat(p.layers().get(1).direct()).isEqualTo(new ConvShape(20, 12, 12, 50, 5));
            assertThat(p.layers().get(2).direct()).isNull();
            assertThat(k.calls).anyMatch(c -> c.startsWith("conv 1×28×28")).anyMatch(c -> c.startsWith("conv 20×12×12"))
                    .noneMatch(c -> c.startsWith("matmul 20x25"));
        }
    }

    @Test
    void largerBatchesKeepIm2col() {
        Network net = InferKernelNetworkTest.network("lenet5", 4);
        DirectDense k = new DirectDense();
        try (KernelNetwork p = KernelNetwork.dense(net, registry(k), "direct-dense", 2, 1, null)) {
            assertThat(p.verify().passed()).isTrue();
            assertThat(p.layers().get(0).direct()).isNull();
            assertThat(k.calls).noneMatch(c -> c.startsWith("conv")).anyMatch(c -> c.startsWith("matmul 20x25 n=1152"));
        }
    }
}
