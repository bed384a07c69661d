package dev.prunebench.kernels.mcu.run;

import dev.prunebench.core.backend.Availability;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The cross-compiler, its {@code nm} and the emulator, found on {@code PATH} (absolute paths), with their version
 * lines (part of every firmware cache key). {@link #availability()} says whether both are there, with their versions,
 * or what is missing and how to install it; the backend's probe reports it.
 *
 * @param versions the compiler's and the emulator's first {@code --version} lines, joined by {@code "; "}
 */
public record Toolchain(Path gcc, Path nm, Path qemu, String versions) {
    /** The cross-compiler's name on PATH. */
    public static final String GCC = "arm-none-eabi-gcc";
    /** The emulator's name on PATH. */
    public static final String QEMU = "qemu-system-arm";
    private static volatile Toolchain found;

    /** The tools found on PATH; null when either is missing. */
    public static Toolchain find() {
        Toolchain t = found;
        if (t != null) return t;
        Path gcc = which(GCC), qemu = which(QEMU);
        if (gcc == null || qemu == null) return null;
        Path nm = gcc.resolveSibling(gcc.getFileName().toString().replace("gcc", "nm"));
        String v = firstLine(gcc, "--version") + "; " + firstLine(qemu, "--version");
        return found = new Toolchain(gcc, nm, qemu, v);
    }

    /** The tools found on PATH, else an {@link IllegalStateException} saying what is missing. */
    public static Toolchain require() {
        Toolchain t = find();
        if (t == null) throw new IllegalStateException("mcu-qemu: " + availability().reason());
        return t;
    }

    /** Both tools with their paths and versions, or what is missing and how to install it. */
    public static Availability availability() {
        Path gcc = which(GCC), qemu = which(QEMU);
        StringBuilder missing = new StringBuilder();
        if (gcc == null) missing.append(GCC).append(" (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)");
        if (qemu == null) missing.append(missing.isEmpty() ? "" : " and ").append(QEMU).append(" (apt-get install qemu-system-arm)");
        if (!missing.isEmpty()) return Availability.no(missing + " not found on PATH");
        return Availability.yes(gcc + ": " + firstLine(gcc, "--version") + "; " + qemu + ": " + firstLine(qemu, "--version"));
    }

    /** The executable named exe on PATH, as an absolute path; null when none. */
    public static Path which(String exe) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, exe);
            if (Files.isExecutable(p)) return p.toAbsolutePath();
        }
        return null;
    }

    static String firstLine(Path exe, String arg) {
        try {
            Process p = new ProcessBuilder(exe.toString(), arg).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse(exe.toString()).trim();
        } catch (IOException e) {
            return exe + " (version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return exe.toString();
        }
    }
}
