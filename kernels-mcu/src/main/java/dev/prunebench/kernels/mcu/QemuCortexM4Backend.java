package dev.prunebench.kernels.mcu;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.mcu.quant.Precision;
import dev.prunebench.kernels.mcu.run.Toolchain;
import java.util.List;

/**
 * The Cortex-M4 backend: C kernels generated from core formats, cross-compiled with {@code arm-none-eabi-gcc} and
 * run on QEMU's {@code mps2-an386} board, counting instructions with SysTick under {@code -icount shift=0}
 * (see FACTS.md). Results from it are instruction counts on an emulator: {@link #provenance()} is emulated, and every
 * table labels them as emulated, never as time on a real MCU.
 *
 * <p>The probe finds the cross-compiler and the emulator (absolute paths, from {@code PATH}) and reports their
 * versions, or what is missing and how to install it ({@link Toolchain#availability()}). Kernels ({@link McuKernel}): {@code mcu-q15-dense},
 * {@code mcu-q15-csr}, {@code mcu-q15-gcsr} (g = 2 and 4), and the same at q7: {@code mcu-q7-dense},
 * {@code mcu-q7-csr}, {@code mcu-q7-gcsr}; see docs/mcu.md.
 */
public final class QemuCortexM4Backend implements Backend {
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

    private static Availability doProbe() { return Toolchain.availability(); }
}
