package dev.prunebench.cli;

import dev.prunebench.experiments.Backends;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "list-backends", mixinStandardHelpOptions = true,
        description = "Probe every backend and print, per backend, available (with its kernel ids), available with no kernels built, "
                + "or unavailable because …; its platform and whether its numbers are measured, emulated or modelled.")
final class ListBackendsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override public Integer call() {
        Backends.registry().print(spec.commandLine().getOut());
        return 0;
    }
}
