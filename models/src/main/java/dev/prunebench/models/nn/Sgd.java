package dev.prunebench.models.nn;

import java.util.List;

/**
 * Mini-batch SGD with (heavy-ball) momentum and L2 weight decay on the weights (not the biases):
 * {@code v ← μ·v − lr·(g + λ·w)}, {@code w ← w + v}.
 *
 * <p>Masked entries: their gradient is zeroed before the step and their value and momentum are set to exactly 0
 * after it, so a masked weight can neither move nor carry momentum into a later step.
 */
public final class Sgd {
    private final double momentum;
    private final double weightDecay;

    public Sgd(double momentum, double weightDecay) {
        if (momentum < 0 || momentum >= 1) throw new IllegalArgumentException("momentum: must be in [0, 1), got " + momentum);
        if (weightDecay < 0) throw new IllegalArgumentException("weight decay: must be >= 0, got " + weightDecay);
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    public void step(List<Param> params, double lr) {
        float mu = (float) momentum, l = (float) lr;
        for (Param p : params) {
            p.maskGradient();
            float wd = p.prunable() ? (float) weightDecay : 0f;
            float[] w = p.value, g = p.grad, v = p.velocity;
            for (int i = 0; i < w.length; i++) {
                v[i] = mu * v[i] - l * (g[i] + wd * w[i]);
                w[i] += v[i];
            }
            p.enforceMask();
        }
    }

    /** Forgets all momentum (between dense training and retraining). */
    public static void reset(List<Param> params) {
        for (Param p : params) p.clearVelocity();
    }
}
