package dev.prunebench.cli;

import dev.prunebench.models.nn.Network;
import dev.prunebench.models.nn.Networks;
import dev.prunebench.models.onnx.OnnxBuilder;
import dev.prunebench.models.onnx.OnnxExport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", description = {
        "Writes one of the suite's networks (mlp, lenet300, lenet5; He-initialized from --seed, untrained) as an ONNX model, as PyTorch's",
        "exporter would (Gemm with transB=1, Conv, MaxPool, Flatten, Relu): a model to try the other 'model' commands on."})
final class ModelExportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NETWORK", description = "mlp | lenet300 | lenet5") String network;
    @Option(names = "--out", required = true, paramLabel = "OUT", description = "the .onnx file") Path out;
    @Option(names = "--from", paramLabel = "DIR", description = "a saved model folder of the suite (model.json + .npy weights, e.g. a trained network under ~/.cache/prunebench/models/): its weights instead of a fresh initialization") Path from;
    @Option(names = "--seed", defaultValue = "1", description = "initialization seed (default: ${DEFAULT-VALUE})") long seed;
    @Option(names = "--storage", defaultValue = "raw", description = "weights as raw | float-data | float16 | bfloat16 | external (default: ${DEFAULT-VALUE})") String storage;
    @Option(names = "--constants", description = "weights as Constant nodes instead of initializers") boolean constants;
    @Option(names = "--matmul", description = "fully connected layers as MatMul + Add instead of Gemm") boolean matmul;

    @Override public Integer call() throws Exception {
        OnnxBuilder.Storage s = switch (storage.toLowerCase(Locale.ROOT)) {
            case "raw" -> OnnxBuilder.Storage.RAW;
            case "float-data" -> OnnxBuilder.Storage.FLOAT_DATA;
            case "float16" -> OnnxBuilder.Storage.FLOAT16;
            case "bfloat16" -> OnnxBuilder.Storage.BFLOAT16;
            case "external" -> OnnxBuilder.Storage.EXTERNAL;
            default -> throw new IllegalArgumentException("--storage: expected raw, float-data, float16, bfloat16 or external, got '" + storage + "'");
        };
        if (s == OnnxBuilder.Storage.EXTERNAL && constants) throw new IllegalArgumentException("--constants: Constant nodes hold their data inline; not with --storage external");
        if (out.getFileName() == null || !out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx"))
            throw new IllegalArgumentException("--out: '" + out + "' must end in .onnx");
        Outputs.checkFile("--out", out);
        Network net = from == null ? Networks.build(network, seed) : dev.prunebench.models.io.ModelFiles.load(from).network();
        if (from != null && !net.id().equals(network))
            throw new IllegalArgumentException("--from " + from + ": holds a " + net.id() + " network, not " + network);
        OnnxBuilder b = OnnxExport.of(net, new OnnxExport.Options(s, constants, matmul));
        b.externalFile(out.getFileName().toString() + ".data");
        b.write(out);
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "wrote     %s (%d bytes): %s %s, %d parameters, %s%n", out, Files.size(out), net.id(), net.shape(), net.parameterCount(),
                from == null ? "seed " + seed + ", untrained" : "weights from " + from);
        o.flush();
        return 0;
    }
}
