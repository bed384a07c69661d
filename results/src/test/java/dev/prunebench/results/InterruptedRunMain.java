package dev.prunebench.results;

import java.nio.file.Files;
import java.nio.file.Path;

/** A run that never finishes: started by {@code RunWriterTest}, which interrupts it. */
public final class InterruptedRunMain {
    private InterruptedRunMain() {}

    public static void main(String[] args) throws Exception {
        RunWriter w = new RunWriter(Path.of(args[0]), "sig", Scale.QUICK, 1, RunWriter.nullStream(), false);
        RunWriter.Context c = w.experiment("x", "p");
        Files.writeString(c.dir().resolve("part.csv"), "a,b\n1,2\n");
        System.out.println("tmp " + w.tmpDir());
        System.out.flush();
        Thread.sleep(60_000);
    }
}
