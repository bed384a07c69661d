package dev.prunebench.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.models.data.Dataset;
import dev.prunebench.models.train.LrSchedule;
import dev.prunebench.models.train.TrainConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Everything that changes a trained model changes its cache key, so a stale model is never reused silently. */
class ModelCacheKeyTest {

    private static Dataset data(float pixel, int label) {
        float[] x = new float[4 * 4];
        java.util.Arrays.fill(x, 0.25f);
        x[3] = pixel;
        return new Dataset(x, new int[] {0, 1, 2, label}, 1, 2, 2, 10);
    }

    @Test void everyInputOfTrainingIsInTheKey() {
        TrainConfig c = new TrainConfig(3, 64, 0.05, 0.9, 5e-4, LrSchedule.COSINE, 7, 2);
        String sum = ModelCache.dataChecksum(data(0.5f, 3));
        String base = ModelCache.key("mlp", c, 4, sum, "mkl|bitwise");
        assertThat(ModelCache.key("mlp", c, 4, sum, "mkl|bitwise")).isEqualTo(base);
        assertThat(base).startsWith("mlp-s7-e3-n4-v" + ModelCache.TRAINING_CODE_VERSION + "-");
        List<String> others = List.of(
                ModelCache.key("lenet300", c, 4, sum, "mkl|bitwise"),
                ModelCache.key("mlp", c.withSeed(8), 4, sum, "mkl|bitwise"),
                ModelCache.key("mlp", c.withEpochs(4), 4, sum, "mkl|bitwise"),
                ModelCache.key("mlp", c.withLr(0.01), 4, sum, "mkl|bitwise"),
                ModelCache.key("mlp", c.withBatch(32), 4, sum, "mkl|bitwise"),
                ModelCache.key("mlp", c.withThreads(1), 4, sum, "mkl|bitwise"),
                ModelCache.key("mlp", c.withSchedule(LrSchedule.CONSTANT), 4, sum, "mkl|bitwise"),
                ModelCache.key("mlp", c, 4, ModelCache.dataChecksum(data(0.75f, 3)), "mkl|bitwise"),
                ModelCache.key("mlp", c, 4, ModelCache.dataChecksum(data(0.5f, 4)), "mkl|bitwise"),
                ModelCache.key("mlp", c, 4, sum, "java|bitwise"),
                ModelCache.key("mlp", c, 4, sum, "mkl|not-bitwise"));
        Set<String> all = new HashSet<>(others);
        all.add(base);
        assertThat(all).hasSize(others.size() + 1);
    }
}
