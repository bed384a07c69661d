package dev.prunebench.kernels.mcu;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.kernel.MatMul;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Cortex-M4 backend: C kernels generated from core formats, cross-compiled with {@code arm-none-eabi-gcc} and
 * run on QEMU's {@code mps2-an386} board, counting instructions with SysTick under {@code -icount shift=0}
 * (see FACTS.md). Results from it are instruction counts on an emulator: {@link #provenance()} is emulated, and every
 * table labels them as emulated, never as time on a real MCU.
 *
 * <p>The probe finds the cross-compiler and the emulator (absolute paths, from {@code PATH}) and reports their
 * versions, or what is missing and how to install it. Kernels ({@link McuKernel}): {@code mcu-q15-dense},
 * {@code mcu-q15-csr}, {@code mcu-q15-gcsr} (g = 2 and 4), and the same at q7: {@code mcu-q7-dense},
 * {@code mcu-q7-csr}, {@code mcu-q7-gcsr}; see docs/mcu.md.
 */
public final class QemuCortexM4Backend implements Backend {
    static final String GCC = "arm-none-eabi-gcc";
    static final String QEMU = "qemu-system-arm";
    private volatile Availability cached;

    @Override public String id() { return "mcu-qemu"; }

    @Override public String description() { return "Cortex-M4 (QEMU mps2-an386, instruction counts under -icount), arm-none-eabi-gcc"; }

    @Override public String platform() { return "mcu"; }

    @Override public Provenance provenance() { return Provenance.EMULATED; }

    /** The q15 kernels, then the q7 ones (same formats, 8-bit values: {@link Precision#Q7}). */
    @Override public List<MatMul> kernels() {
        return List.of(McuKernel.dense(), McuKernel.csr(), McuKernel.gcsr(),
                McuKernel.dense(Precision.Q7), McuKernel.csr(Precision.Q7), McuKernel.gcsr(Precision.Q7));
    }

    @Override public Availability probe() {
        Availability a = cached;
        if (a == null) cached = a = doProbe();
        return a;
    }

    private static Availability doProbe() {
        Path gcc = which(GCC), qemu = which(QEMU);
        StringBuilder missing = new StringBuilder();
        if (gcc == null) missing.append(GCC).append(" (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)");
        if (qemu == null) missing.append(missing.isEmpty() ? "" : " and ").append(QEMU).append(" (apt-get install qemu-system-arm)");
        if (!missing.isEmpty()) return Availability.no(missing + " not found on PATH");
        return Availability.yes(gcc + ": " + firstLine(gcc, "--version") + "; " + qemu + ": " + firstLine(qemu, "--version"));
    }

    static Path which(String exe) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(java.io.File.pathSeparator)) {
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
