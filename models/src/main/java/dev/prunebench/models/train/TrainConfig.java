package dev.prunebench.models.train;

/**
 * How to train.
 *
 * @param epochs      passes over the training set
 * @param batch       mini-batch size
 * @param lr          base learning rate
 * @param momentum    heavy-ball momentum
 * @param weightDecay L2 on weights
 * @param schedule    learning-rate schedule over the whole run
 * @param seed        seeds the shuffling (initial weights are seeded where the network is built)
 * @param threads     MKL threads for the GEMMs (the Java loops use the common fork-join pool)
 */
public record TrainConfig(int epochs, int batch, double lr, double momentum, double weightDecay, LrSchedule schedule, long seed, int threads) {
    public TrainConfig {
        if (epochs < 0) throw new IllegalArgumentException("epochs: must be >= 0, got " + epochs);
        if (batch <= 0) throw new IllegalArgumentException("batch: must be positive, got " + batch);
        if (!(lr > 0)) throw new IllegalArgumentException("lr: must be positive, got " + lr);
        if (threads <= 0) throw new IllegalArgumentException("threads: must be positive, got " + threads);
        if (schedule == null) throw new IllegalArgumentException("schedule: must not be null");
    }

    /** Defaults used by the experiments: batch 64, lr 0.05, momentum 0.9, weight decay 5e-4, cosine, 2 threads. */
    public static TrainConfig defaults(int epochs, long seed) {
        return new TrainConfig(epochs, 64, 0.05, 0.9, 5e-4, LrSchedule.COSINE, seed, 2);
    }

    public TrainConfig withEpochs(int e) { return new TrainConfig(e, batch, lr, momentum, weightDecay, schedule, seed, threads); }
    public TrainConfig withLr(double l) { return new TrainConfig(epochs, batch, l, momentum, weightDecay, schedule, seed, threads); }
    public TrainConfig withSeed(long s) { return new TrainConfig(epochs, batch, lr, momentum, weightDecay, schedule, s, threads); }
    public TrainConfig withThreads(int t) { return new TrainConfig(epochs, batch, lr, momentum, weightDecay, schedule, seed, t); }
    public TrainConfig withBatch(int b) { return new TrainConfig(epochs, b, lr, momentum, weightDecay, schedule, seed, threads); }
    public TrainConfig withSchedule(LrSchedule s) { return new TrainConfig(epochs, batch, lr, momentum, weightDecay, s, seed, threads); }

    public String describe() {
        return "epochs=" + epochs + " batch=" + batch + " lr=" + lr + " momentum=" + momentum + " wd=" + weightDecay
                + " schedule=" + schedule.spec() + " seed=" + seed + " threads=" + threads;
    }
}
