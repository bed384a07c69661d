package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.models.data.Idx;
import dev.prunebench.models.data.MnistFiles;
import dev.prunebench.models.io.ModelFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    @TempDir Path tmp;

    static void write(Path dir, String images, String labels, int n, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] px = new byte[n * 784], lb = new byte[n];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(10);
            lb[i] = (byte) k;
            int r0 = 2 + (k / 5) * 13, c0 = 1 + (k % 5) * 5;
            for (int y = 0; y < 6; y++) for (int x = 0; x < 5; x++) px[i * 784 + (r0 + y) * 28 + c0 + x] = (byte) 230;
        }
        Files.write(dir.resolve(images), Idx.encode(Idx.IMAGES_MAGIC, new int[] {n, 28, 28}, px));
        Files.write(dir.resolve(labels), Idx.encode(Idx.LABELS_MAGIC, new int[] {n}, lb));
    }

    String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(rc), out.toString(), err.toString()};
    }

    @Test void trainsReportsAndSaves() throws IOException {
        Path mnist = Files.createDirectories(tmp.resolve("mnist"));
        write(mnist, MnistFiles.TRAIN_IMAGES, MnistFiles.TRAIN_LABELS, 300, 1);
        write(mnist, MnistFiles.TEST_IMAGES, MnistFiles.TEST_LABELS, 100, 2);
        Path save = tmp.resolve("model");
        String[] r = run("train", "--net", "lenet300", "--epochs", "2", "--mnist", mnist.toString(), "--validation", "50", "--save", save.toString(), "-q");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("test accuracy").contains("validation accuracy").contains("s per epoch of 250 images");
        assertThat(ModelFiles.load(save).network().shape()).isEqualTo("784-300-100-10");
    }

    @Test void badInputIsExitTwoWithTheReason() {
        String[] r = run("train", "--net", "vgg", "--mnist", tmp.toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("unknown id 'vgg'");
        String[] m = run("train", "--net", "lenet5", "--mnist", tmp.resolve("nothing").toString());
        assertThat(m[0]).isEqualTo("2");
        assertThat(m[2]).contains("MNIST not found in").contains("nothing");
    }

    @Test void saveNeverDeletesAnExistingFolderOrFile() throws IOException {
        Path mine = Files.createDirectories(tmp.resolve("mine").resolve("deep"));
        Files.writeString(mine.resolve("paper.tex"), "draft");
        Path file = Files.writeString(tmp.resolve("f"), "x");
        for (Path target : new Path[] {tmp.resolve("mine"), file})
            for (String[] extra : new String[][] {{}, {"--overwrite"}}) {
                java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("train", "--net", "mlp", "--epochs", "1", "--save", target.toString()));
                a.addAll(java.util.List.of(extra));
                String[] r = run(a.toArray(String[]::new));
                assertThat(r[0]).as(r[2]).isEqualTo("2");
                assertThat(r[2]).contains(target.toString()).contains("not overwritten").doesNotContain("Exception");
            }
        assertThat(Files.readString(mine.resolve("paper.tex"))).isEqualTo("draft");
        assertThat(Files.readString(file)).isEqualTo("x");
    }
}
