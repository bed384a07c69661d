package dev.prunebench.models.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.kernels.cpu.Blas;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Analytic gradients against central differences of a scalar loss {@code L = Σ r ⊙ layer(x)} (r random), in float.
 * Tolerance: relative norm 2 % — float central differences with h = 1e-2 on O(1) values carry about 1e-3 error.
 */
class GradientCheckTest {
    static final double TOL = 0.02;

    @BeforeAll static void oneThread() { Blas.setThreads(1); }

    static float[] randn(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rng.nextGaussian();
        return v;
    }

    static double loss(Layer l, float[] x, int batch, float[] r) {
        float[] y = l.forward(x, batch, true);
        double s = 0;
        for (int i = 0; i < y.length; i++) s += (double) y[i] * r[i];
        return s;
    }

    static double relErr(double[] a, double[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num) / Math.max(1e-12, Math.sqrt(den));
    }

    /** Checks dL/dx and dL/dθ for every parameter of {@code l}. */
    static void check(Layer l, int batch, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = randn(rng, batch * l.inSize());
        float[] r = randn(rng, batch * l.outSize());
        l.forward(x, batch, true);
        float[] dx = l.backward(r.clone(), batch, true).clone();
        float[][] grads = l.params().stream().map(p -> p.gradient().clone()).toArray(float[][]::new);
        float h = 1e-2f;
        double[] num = new double[x.length], ana = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            float o = x[i];
            x[i] = o + h;
            double lp = loss(l, x, batch, r);
            x[i] = o - h;
            double lm = loss(l, x, batch, r);
            x[i] = o;
            num[i] = (lp - lm) / (2 * h);
            ana[i] = dx[i];
        }
        assertThat(relErr(ana, num)).as(l.name() + " dL/dx").isLessThan(TOL);
        for (int k = 0; k < l.params().size(); k++) {
            Param p = l.params().get(k);
            float[] v = p.values();
            double[] n2 = new double[v.length], a2 = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                float o = v[i];
                v[i] = o + h;
                double lp = loss(l, x, batch, r);
                v[i] = o - h;
                double lm = loss(l, x, batch, r);
                v[i] = o;
                n2[i] = (lp - lm) / (2 * h);
                a2[i] = grads[k][i];
            }
            assertThat(relErr(a2, n2)).as(p.name()).isLessThan(TOL);
        }
    }

    @Test void linear() { check(new Linear("fc", 7, 5).init(new SplittableRandom(1)), 3, 11); }

    @Test void conv2d() { check(new Conv2d("conv", 2, 6, 7, 3, 3).init(new SplittableRandom(2)), 2, 12); }

    @Test void conv2dSingleChannelKernel5() { check(new Conv2d("conv", 1, 8, 8, 2, 5).init(new SplittableRandom(3)), 2, 13); }

    @Test void maxPool() { check(new MaxPool2d("pool", 2, 4, 6, 2), 2, 14); }

    @Test void relu() { check(new Relu("relu", 9), 3, 15); }

    @Test void flatten() { check(new Flatten("flat", 2, 3, 3), 2, 16); }

    @Test void softmaxCrossEntropy() {
        SplittableRandom rng = new SplittableRandom(5);
        int b = 4, c = 6;
        float[] z = randn(rng, b * c);
        int[] y = {0, 5, 2, 2};
        float[] g = new float[b * c];
        SoftmaxCrossEntropy.lossAndGrad(z, b, c, y, 0, g);
        double h = 1e-2;
        double[] num = new double[z.length], ana = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            float o = z[i];
            z[i] = (float) (o + h);
            double lp = SoftmaxCrossEntropy.lossAndGrad(z, b, c, y, 0, null);
            z[i] = (float) (o - h);
            double lm = SoftmaxCrossEntropy.lossAndGrad(z, b, c, y, 0, null);
            z[i] = o;
            num[i] = (lp - lm) / (2 * h);
            ana[i] = g[i];
        }
        assertThat(relErr(ana, num)).isLessThan(TOL);
        // uniform logits: loss is log(classes)
        assertThat(SoftmaxCrossEntropy.lossAndGrad(new float[c], 1, c, new int[] {3}, 0, null)).isCloseTo(Math.log(c), org.assertj.core.data.Offset.offset(1e-9));
    }

    /** The whole chain (a small LeNet-5) against differences of the cross-entropy, on a few parameters. */
    @Test void smallLenet5EndToEnd() {
        Network net = Networks.build("lenet5", new int[] {2, 3, 4}, 7);
        SplittableRandom rng = new SplittableRandom(8);
        int b = 2;
        float[] x = randn(rng, b * 784);
        int[] y = {3, 8};
        float[] dl = new float[b * 10];
        SoftmaxCrossEntropy.lossAndGrad(net.forward(x, b, true), b, 10, y, 0, dl);
        net.backward(dl, b);
        for (Param p : net.params()) {
            float[] g = p.gradient().clone();
            float[] v = p.values();
            int n = Math.min(v.length, 12);
            double[] num = new double[n], ana = new double[n];
            int used = 0;
            for (int i = 0; i < n; i++) {
                int j = (int) ((long) i * v.length / n);
                double d1 = diff(net, x, y, b, v, j, 1e-2f), d2 = diff(net, x, y, b, v, j, 5e-3f);
                // a ReLU or max-pool kink inside the step makes the two differences disagree: not a smooth point
                if (Math.abs(d1 - d2) > 0.1 * Math.max(Math.abs(d1), 1e-2)) continue;
                num[used] = d2;
                ana[used++] = g[j];
            }
            assertThat(used).as(p.name() + " smooth points").isGreaterThanOrEqualTo(n / 3);
            assertThat(relErr(java.util.Arrays.copyOf(ana, used), java.util.Arrays.copyOf(num, used))).as(p.name()).isLessThan(0.06);
        }
    }

    static double diff(Network net, float[] x, int[] y, int b, float[] v, int j, float h) {
        float o = v[j];
        v[j] = o + h;
        double lp = SoftmaxCrossEntropy.lossAndGrad(net.forward(x, b, true), b, 10, y, 0, null);
        v[j] = o - h;
        double lm = SoftmaxCrossEntropy.lossAndGrad(net.forward(x, b, true), b, 10, y, 0, null);
        v[j] = o;
        return (lp - lm) / (2 * h);
    }
}
