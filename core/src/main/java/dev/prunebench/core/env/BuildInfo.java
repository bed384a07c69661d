package dev.prunebench.core.env;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Which commit a result comes from, and where that was read: the git checkout a command runs in, or — outside a
 * checkout (a copy of the jar elsewhere, git missing) — what the build recorded in the jar
 * ({@value #RESOURCE}, written by {@code scripts/build-info.sh} at {@code generate-resources}). Never throws.
 *
 * @param commit  full commit hash, or {@code unknown}
 * @param dirty   {@code true}, {@code false} or {@code unknown}: uncommitted changes to tracked files
 * @param source  {@code git checkout <dir>}, {@code build (recorded in the jar)} or {@code none (…why…)}
 * @param version the project version the jar was built as
 */
public record BuildInfo(String commit, String dirty, String source, String version) {
    /** The classpath resource the build writes. */
    public static final String RESOURCE = "/dev/prunebench/build-info.properties";

    /** The commit of the working directory's checkout, else the jar's. */
    public static BuildInfo current() { return current(Path.of("").toAbsolutePath(), "git"); }

    /** As {@link #current()} for a folder and a git executable (tests pass one that does not exist). */
    public static BuildInfo current(Path dir, String git) {
        BuildInfo built = fromResource();
        String commit = run(dir, git, "rev-parse", "HEAD");
        if (commit != null && commit.matches("[0-9a-f]{40}")) {
            String status = run(dir, git, "status", "--porcelain", "--untracked-files=no");
            return new BuildInfo(commit, status == null ? "unknown" : String.valueOf(!status.isEmpty()), "git checkout " + dir, built.version);
        }
        return built;
    }

    /** What the build recorded; {@code unknown} with the reason in {@code source} when the resource is missing. */
    public static BuildInfo fromResource() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) return new BuildInfo("unknown", "unknown", "none (not a git checkout, and no " + RESOURCE + " in the build)", "unknown");
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            String c = p.getProperty("commit", "unknown").strip();
            return new BuildInfo(c.isEmpty() ? "unknown" : c, p.getProperty("dirty", "unknown").strip(),
                    "build (recorded in the jar" + (p.getProperty("built", "").isBlank() ? "" : " at " + p.getProperty("built").strip()) + ")",
                    p.getProperty("version", "unknown").strip());
        } catch (IOException | RuntimeException e) {
            return new BuildInfo("unknown", "unknown", "none (" + RESOURCE + " unreadable: " + e.getMessage() + ")", "unknown");
        }
    }

    /** The first 7 characters of the commit, or {@code nogit}. */
    public String shortCommit() { return commit.matches("[0-9a-f]{7,}") ? commit.substring(0, 7) : "nogit"; }

    /** One line: {@code <commit>[-dirty] (from <source>)}. */
    public String describe() {
        return commit + ("true".equals(dirty) ? " (dirty)" : "unknown".equals(dirty) ? " (dirty flag unknown)" : "") + " from " + source;
    }

    private static String run(Path dir, String git, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = git;
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) { p.destroyForcibly(); return null; }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
