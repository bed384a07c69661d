package dev.prunebench.kernels.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PTX of our kernels ({@code spmm.cu} compiled by {@code nvcc -ptx -arch=compute_75}), shipped as a resource, and
 * what it asks of the driver. The driver JIT-compiles PTX for the GPU at load time; it accepts a PTX ISA version only
 * if it knows the CUDA release that introduced it: PTX 9.0 (CUDA 13.0's nvcc) needs a driver for CUDA 13.0 or later
 * (Linux R580+). An older driver refuses the module ({@code CUDA_ERROR_UNSUPPORTED_PTX_VERSION}); CudaBackend then
 * reports our kernels unavailable with that reason, while cuBLAS and cuSPARSE still run.
 */
public final class CudaPtx {
    private CudaPtx() {}

    public static final String RESOURCE = "spmm.ptx";
    public static final String CHECKSUM = "spmm.cu.sha256";

    static byte[] resource(String name) {
        try (InputStream in = CudaPtx.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("resource " + name + " missing from kernels-cuda");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The PTX text. */
    public static String text() { return new String(resource(RESOURCE), StandardCharsets.US_ASCII); }

    /** The PTX, NUL-terminated, as {@code cuModuleLoadData} takes it. */
    public static byte[] image() { return image(RESOURCE); }

    /** A PTX resource of this package ({@code spmm.ptx}, {@code calib.ptx}), NUL-terminated. */
    public static byte[] image(String name) {
        byte[] b = resource(name);
        byte[] z = Arrays.copyOf(b, b.length + 1);
        return z;
    }

    /** The {@code .version} of a PTX text, e.g. {@code 9.0}. */
    public static String ptxVersion(String ptx) {
        Matcher m = Pattern.compile("(?m)^\\.version (\\d+\\.\\d+)").matcher(ptx);
        if (!m.find()) throw new IllegalArgumentException("PTX without a .version line");
        return m.group(1);
    }

    /** The toolkit line nvcc writes into the header, e.g. {@code release 13.0, V13.0.88}; empty if absent. */
    public static String toolkit(String ptx) {
        Matcher m = Pattern.compile("(?m)^// Cuda compilation tools, (.*)$").matcher(ptx);
        return m.find() ? m.group(1).trim() : "";
    }

    /** The oldest CUDA release (and so driver) that accepts this PTX's ISA version; "unknown" for one not listed. */
    public static String requiredCuda(String ptx) {
        return switch (ptxVersion(ptx)) {
            case "9.0" -> "13.0";
            case "8.5" -> "12.5";
            case "8.4" -> "12.4";
            case "8.3" -> "12.3";
            case "8.2" -> "12.2";
            case "8.1" -> "12.1";
            case "8.0" -> "12.0";
            default -> "unknown";
        };
    }
}
