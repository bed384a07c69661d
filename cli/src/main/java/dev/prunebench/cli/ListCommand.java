package dev.prunebench.cli;

import dev.prunebench.experiments.Experiment;
import dev.prunebench.experiments.Experiments;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "list", description = "List the experiments with the paper each reproduces.")
final class ListCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override public Integer call() {
        var out = spec.commandLine().getOut();
        for (Experiment e : Experiments.ALL) {
            out.printf("%-24s %s%n", e.id(), e.paper());
            out.printf("%-24s %s%n", "", e.description());
        }
        out.println();
        out.println("run one:  prunebench run <id> --scale quick|standard|full");
        return 0;
    }
}
