package dev.prunebench.cli;

import dev.prunebench.core.format.Dense;
import dev.prunebench.core.io.Npy;
import dev.prunebench.experiments.Backends;
import dev.prunebench.experiments.sparsert.SparseRtConv;
import dev.prunebench.kernels.cuda.CudaModelBackend;
import dev.prunebench.kernels.cuda.model.GpuPreset;
import dev.prunebench.measure.PlantedSlowdown;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code -Dprunebench.*} properties a run reads deep inside an experiment, checked before the run starts (so a bad
 * value is exit 2 and one line, with no run folder left behind, instead of a failed experiment after minutes):
 * {@code prunebench.sparsert.weights} (a folder of readable, finite float32 .npy matrices), {@code prunebench.sparsert.n},
 * {@code prunebench.fmaPorts} (an integer in [1, 8]), {@code prunebench.gpu.preset} (a known GPU preset) and
 * {@code prunebench.plant.slowdown} (KERNEL=FRACTION naming a kernel this machine has).
 */
final class RunProperties {
    private RunProperties() {}

    static void check() throws IOException {
        String fma = System.getProperty("prunebench.fmaPorts");
        if (fma != null) {
            int v;
            try {
                v = Integer.parseInt(fma.trim());
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 1 || v > 8) throw new IllegalArgumentException("-Dprunebench.fmaPorts=" + fma + ": must be an integer in [1, 8]");
        }
        String preset = System.getProperty(CudaModelBackend.PRESET_PROPERTY);
        if (preset != null) {
            try {
                GpuPreset.named(preset);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-D" + CudaModelBackend.PRESET_PROPERTY + "=" + preset + ": " + e.getMessage());
            }
        }
        String n = System.getProperty(SparseRtConv.N_PROPERTY);
        if (n != null) {
            int v;
            try {
                v = Integer.parseInt(n.trim());
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 1 || v > 1 << 20) throw new IllegalArgumentException("-D" + SparseRtConv.N_PROPERTY + "=" + n + ": must be an integer in [1, 1048576]");
        }
        String weights = System.getProperty(SparseRtConv.WEIGHTS_PROPERTY);
        if (weights != null) checkWeights(weights);
        PlantedSlowdown.Plant plant = PlantedSlowdown.configured();
        if (plant != null && Backends.registry().kernel(plant.kernel()).isEmpty())
            throw new IllegalArgumentException("-D" + PlantedSlowdown.PROPERTY + "=" + System.getProperty(PlantedSlowdown.PROPERTY) + ": no kernel '"
                    + plant.kernel() + "' on this machine (" + Backends.registry().whyMissing(plant.kernel()) + "; see prunebench list-backends)");
    }

    private static void checkWeights(String dir) throws IOException {
        String what = "-D" + SparseRtConv.WEIGHTS_PROPERTY + "=" + dir;
        if (dir.isBlank()) throw new IllegalArgumentException(what + ": empty; give a folder of .npy weight matrices");
        Path d = Path.of(dir);
        if (!Files.exists(d)) throw new IllegalArgumentException(what + ": no such folder");
        if (!Files.isDirectory(d)) throw new IllegalArgumentException(what + ": is a file, expected a folder of .npy weight matrices");
        List<Path> files;
        try (Stream<Path> s = Files.list(d)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".npy")).sorted().toList();
        }
        if (files.isEmpty()) throw new IllegalArgumentException(what + ": the folder holds no .npy file");
        for (Path f : files) {
            Dense w;
            try {
                if (!Files.isRegularFile(f)) throw new IOException("not a regular file");
                w = Npy.readFloats(f);
            } catch (IOException | RuntimeException e) {
                String m = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.getMessage();
                if (m != null && m.startsWith(f.toString())) m = m.substring(f.toString().length()).replaceFirst("^:\\s*", "");
                throw new IllegalArgumentException(what + ": " + f + ": " + Failure.oneLine(m == null ? e.getClass().getSimpleName() : m));
            }
            float[] a = w.data();
            for (int i = 0; i < a.length; i++)
                if (!Float.isFinite(a[i]))
                    throw new IllegalArgumentException(what + ": " + f + ": value [" + i / w.cols() + ", " + i % w.cols() + "] is " + a[i] + " (weights must be finite)");
        }
    }
}
