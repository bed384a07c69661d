package dev.prunebench.experiments;

import dev.prunebench.core.env.BuildInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The short git commit that labels a run id. The full commit and the dirty flag are recorded by
 * {@code results.Environment} in every run's manifest.
 */
public final class GitInfo {
    private GitInfo() {}

    public static String shortCommit() {
        String c = git("rev-parse", "--short=7", "HEAD");
        // outside the checkout: the commit the build recorded in the jar (BuildInfo), else nogit
        return c.equals("unknown") ? BuildInfo.fromResource().shortCommit() : c;
    }

    private static String git(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return "unknown";
            return out;
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
