package dev.prunebench.models.nn;

/** Mean softmax cross-entropy over a batch, computed stably (max subtracted), with its gradient. */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {}

    /**
     * @param logits  batch × classes
     * @param labels  batch labels starting at {@code labelOffset}
     * @param dlogits if non-null, receives {@code (softmax − onehot) / batch}
     * @return the mean loss
     */
    public static double lossAndGrad(float[] logits, int batch, int classes, int[] labels, int labelOffset, float[] dlogits) {
        double total = 0;
        for (int r = 0; r < batch; r++) {
            int o = r * classes;
            float max = logits[o];
            for (int j = 1; j < classes; j++) max = Math.max(max, logits[o + j]);
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += Math.exp(logits[o + j] - max);
            int y = labels[labelOffset + r];
            if (y < 0 || y >= classes) throw new IllegalArgumentException("label[" + (labelOffset + r) + "] = " + y + " outside [0, " + classes + ")");
            double logSum = Math.log(sum);
            total += logSum - (logits[o + y] - max);
            if (dlogits != null) {
                for (int j = 0; j < classes; j++) {
                    double p = Math.exp(logits[o + j] - max - logSum);
                    dlogits[o + j] = (float) ((p - (j == y ? 1 : 0)) / batch);
                }
            }
        }
        return total / batch;
    }
}
