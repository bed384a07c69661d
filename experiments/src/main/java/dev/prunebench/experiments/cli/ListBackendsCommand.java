package dev.prunebench.experiments.cli;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.experiments.Backends;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "list-backends", description = "Probe every backend and print available, or unavailable because …")
final class ListBackendsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override public Integer call() {
        var out = spec.commandLine().getOut();
        out.printf("%-14s %-11s %s%n", "backend", "status", "detail");
        for (Backend b : Backends.all()) {
            Availability a = b.probe();
            out.printf("%-14s %-11s %s%s%n", b.id(), a.available() ? "available" : "unavailable",
                    a.available() ? a.reason() : "because " + a.reason(), b.modelled() ? "  [modelled/emulated]" : "");
        }
        return 0;
    }
}
