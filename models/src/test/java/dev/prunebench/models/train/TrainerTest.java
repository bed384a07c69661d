package dev.prunebench.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.nn.Param;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainerTest {

    /**
     * Ten classes of 28 × 28 images: class k lights a 4 × 4 block at a class-specific place, plus noise — linearly
     * separable, so any working trainer fits it.
     */
    static Dataset synthetic(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * 784];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int k = rng.nextInt(10);
            y[i] = k;
            for (int p = 0; p < 784; p++) x[i * 784 + p] = (float) (0.3 * rng.nextDouble());
            int r0 = 2 + (k / 5) * 12, c0 = 2 + (k % 5) * 5;
            for (int r = 0; r < 4; r++) for (int c = 0; c < 4; c++) x[i * 784 + (r0 + r) * 28 + c0 + c] += 0.7f;
        }
        return new Dataset(x, y, 1, 28, 28, 10);
    }

    static TrainConfig quick(int epochs) {
        return new TrainConfig(epochs, 32, 0.02, 0.9, 1e-4, LrSchedule.COSINE, 42, 1);
    }

    @Test void mlpLearnsASeparableSet() {
        Dataset train = synthetic(600, 1), test = synthetic(200, 2);
        Network net = Networks.build("lenet300", new int[] {32, 16}, 3);
        double before = net.accuracy(test, 100);
        Trainer.Result r = Trainer.silent().train(net, train, test, quick(3));
        double after = net.accuracy(test, 100);
        assertThat(before).isLessThan(0.3);
        assertThat(after).isGreaterThan(0.9);
        assertThat(r.epochs()).hasSize(3);
        assertThat(r.epochs().get(2).loss()).isLessThan(r.epochs().get(0).loss());
    }

    @Test void convNetLearnsASeparableSet() {
        Dataset train = synthetic(300, 4), test = synthetic(100, 5);
        Network net = Networks.build("lenet5", new int[] {4, 6, 16}, 6);
        double before = net.accuracy(test, 50);
        Trainer.silent().train(net, train, null, quick(4));
        assertThat(before).isLessThan(0.3);
        assertThat(net.accuracy(test, 50)).isGreaterThan(0.9);
    }

    @Test void maskedRetrainingKeepsMaskedWeightsExactlyZero() {
        Dataset train = synthetic(300, 7);
        Network net = Networks.build("lenet300", new int[] {32, 16}, 8);
        SplittableRandom rng = new SplittableRandom(9);
        for (Param p : net.weights()) {
            boolean[] keep = new boolean[p.size()];
            for (int i = 0; i < keep.length; i++) keep[i] = rng.nextDouble() < 0.2;
            p.setMask(keep);
        }
        Trainer.silent().train(net, train, null, quick(2));
        for (Param p : net.weights()) {
            boolean[] keep = p.mask();
            int movedKept = 0;
            for (int i = 0; i < keep.length; i++) {
                if (!keep[i]) assertThat(p.values()[i]).as(p.name() + "[" + i + "]").isEqualTo(0f);
                else if (p.values()[i] != 0f) movedKept++;
            }
            assertThat(movedKept).as(p.name() + " kept weights are trained").isEqualTo(p.kept());
        }
    }

    @Test void sameSeedGivesTheSameWeightsOnOneThread() {
        Dataset train = synthetic(200, 10);
        float[][] a = trainOnce(train), b = trainOnce(train);
        for (int i = 0; i < a.length; i++) assertThat(b[i]).isEqualTo(a[i]);
        TrainConfig other = quick(1).withSeed(43);
        Network n = Networks.build("lenet5", new int[] {2, 3, 8}, 11);
        Trainer.silent().train(n, train, null, other);
        assertThat(n.params().get(0).values()).isNotEqualTo(a[0]);
    }

    /** With MKL's CNR mode set (see Reproducibility), two GEMM threads give the same bits too. */
    @Test void sameSeedGivesTheSameWeightsOnTwoThreads() {
        Dataset train = synthetic(200, 12);
        float[][] a = trainOnce(train, 2), b = trainOnce(train, 2);
        for (int i = 0; i < a.length; i++) assertThat(b[i]).isEqualTo(a[i]);
    }

    static float[][] trainOnce(Dataset train) { return trainOnce(train, 1); }

    static float[][] trainOnce(Dataset train, int threads) {
        Network n = Networks.build("lenet5", new int[] {2, 3, 8}, 11);
        Trainer.silent().train(n, train, null, quick(1).withThreads(threads));
        return n.params().stream().map(p -> p.values().clone()).toArray(float[][]::new);
    }

    @Test void badInputIsRejected() {
        Network n = Networks.build("lenet300", new int[] {4, 4}, 1);
        Dataset wrong = new Dataset(new float[2 * 9], new int[] {0, 1}, 1, 3, 3, 10);
        assertThatThrownBy(() -> Trainer.silent().train(n, wrong, null, quick(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("784");
        assertThatThrownBy(() -> quick(1).withBatch(0)).hasMessageContaining("batch");
        assertThatThrownBy(() -> LrSchedule.parse("warm", 3)).hasMessageContaining("unknown 'warm'");
        assertThatThrownBy(() -> Networks.build("vgg", 1)).hasMessageContaining("unknown id 'vgg'");
    }
}
