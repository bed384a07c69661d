package dev.prunebench.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code prunebench model …}: a user's own ONNX model — its weight layers, pruned copies, ONNX Runtime's run, latency tables, SPDY. */
@Command(name = "model", description = "Your own model (ONNX): per-layer sizes, pruning to an .onnx, ONNX Runtime's end-to-end time and "
        + "the suite's cross-check, per-layer latency tables and SPDY's profile.",
        subcommands = {ModelInfoCommand.class, ModelPruneCommand.class, ModelRunCommand.class, ModelBenchCommand.class, ModelSpdyCommand.class, ModelExportCommand.class})
final class ModelCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
