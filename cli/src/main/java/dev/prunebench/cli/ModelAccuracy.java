package dev.prunebench.cli;

import dev.prunebench.runtime.onnx.Accuracy;
import dev.prunebench.runtime.onnx.NpyArray;
import dev.prunebench.runtime.onnx.OrtModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code --eval INPUTS.npy LABELS.npy} and {@code --calib INPUTS.npy} of {@code model prune} and {@code model run}: the
 * model's accuracy stays the user's to judge, measured in ONNX Runtime on the user's data. Read before anything is
 * written, so bad data is refused with nothing half-done.
 */
final class ModelAccuracy {
    /** Samples of the generated inputs when neither --eval nor --calib is given. */
    static final int GENERATED = 64;

    final NpyArray inputs, labels;
    final Path inputsFile, labelsFile;

    private ModelAccuracy(NpyArray inputs, NpyArray labels, Path inputsFile, Path labelsFile) {
        this.inputs = inputs;
        this.labels = labels;
        this.inputsFile = inputsFile;
        this.labelsFile = labelsFile;
    }

    /** From the options; {@code eval} is null or two paths. Null when neither is given. */
    static ModelAccuracy read(List<Path> eval, Path calib) throws IOException {
        if (eval != null && calib != null) throw new IllegalArgumentException("--calib: not with --eval (--eval's inputs are the calibration)");
        if (eval != null) {
            NpyArray x = NpyArray.read(eval.get(0)), y = NpyArray.read(eval.get(1));
            if (y.values().length != x.rows())
                throw new IllegalArgumentException(eval.get(1) + ": " + y.values().length + " labels for the " + x.rows() + " samples of " + eval.get(0));
            return new ModelAccuracy(x, y, eval.get(0), eval.get(1));
        }
        return calib == null ? null : new ModelAccuracy(NpyArray.read(calib), null, calib, null);
    }

    /** Top-1 of {@code model} (and of {@code dense} when not null) on the labelled inputs. */
    void top1(PrintWriter o, long[] declared, Path model, Path dense, int threads) {
        Accuracy.Top1 m = Accuracy.top1(model, declared, inputs, labels, threads);
        String where = String.format(Locale.ROOT, "on %s (%d samples, labels %s), ONNX Runtime %s", inputsFile, inputs.rows(), labelsFile, OrtModel.version());
        if (dense == null) {
            o.printf(Locale.ROOT, "accuracy  top-1 %.4f (%d of %d) %s%n", m.rate(), m.correct(), m.total(), where);
            return;
        }
        Accuracy.Top1 d = Accuracy.top1(dense, declared, inputs, labels, threads);
        o.printf(Locale.ROOT, "accuracy  top-1 %s: dense %.4f (%d of %d), pruned %.4f (%d of %d), change %+.4f%n", where, d.rate(), d.correct(), d.total(), m.rate(),
                m.correct(), m.total(), m.rate() - d.rate());
    }

    /** The pruned model's output error against the dense one, on {@code acc}'s inputs or on generated ones (said so). */
    static void outputError(PrintWriter o, ModelAccuracy acc, long[] declared, Path dense, Path pruned, int threads) {
        NpyArray x;
        String on;
        if (acc != null) {
            x = acc.inputs;
            on = acc.inputsFile + " (" + x.rows() + " samples)";
        } else {
            try {
                x = Accuracy.generated(dense, declared, GENERATED, 1);
            } catch (IllegalArgumentException e) {
                o.println("output    not compared: " + e.getMessage());
                return;
            }
            on = GENERATED + " GENERATED inputs uniform in [0, 1) (no --calib or --eval given: not the model's data)";
        }
        Accuracy.OutputError e = Accuracy.outputError(dense, pruned, declared, x, threads);
        o.printf(Locale.ROOT, "output    pruned vs dense in ONNX Runtime %s on %s: max error %.4g relative to the dense output's scale (max abs %.4g); top-1 changed on %d of %d%n",
                OrtModel.version(), on, e.maxRel(), e.maxAbs(), e.differentTop1(), e.samples());
    }
}
