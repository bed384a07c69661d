package dev.prunebench.cli;

import dev.prunebench.results.RunData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Run folders named on the command line: finished runs only. */
final class RunFolders {
    private RunFolders() {}

    /** The prefix of a run folder that is still being written, or was left by a run that did not finish. */
    static final String UNFINISHED = ".tmp-";

    /** Refuses a missing folder, a file, and an unfinished {@code .tmp-} run (links resolved). */
    static void checkFinished(String what, Path dir) throws IOException {
        if (!Files.exists(dir)) throw new NoSuchFileException(dir.toString(), null, what + ": no such run folder");
        if (!Files.isDirectory(dir)) throw new IOException(what + " " + dir + ": is a file, expected a run folder");
        Path real = dir.toRealPath();
        if (real.getFileName() != null && real.getFileName().toString().startsWith(UNFINISHED))
            throw new IOException(what + " " + dir + ": is an unfinished run (a " + UNFINISHED + " folder is a run still being written, "
                    + "or one that did not finish); name a finished run folder");
    }

    static RunData read(String what, Path dir) throws IOException {
        checkFinished(what, dir);
        return RunData.read(dir);
    }
}
