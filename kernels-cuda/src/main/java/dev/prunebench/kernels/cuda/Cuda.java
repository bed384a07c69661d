package dev.prunebench.kernels.cuda;

import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaError;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaMemcpyKind;

/**
 * Runtime-API helpers of the CUDA backend: status checks that name the call, device buffers and event pairs as
 * {@link AutoCloseable}s, and the per-library probes (cuBLAS and cuSPARSE are separate shared libraries of the
 * toolkit; a missing one makes only its own kernels unavailable, named).
 *
 * <p>Touch this class only after {@link CudaBackend#probe()} answered available.
 */
final class Cuda {
    private Cuda() {}

    /** Throws naming the call and the status when a runtime call did not return cudaSuccess. */
    static void check(int status, String call) {
        if (status != cudaError.cudaSuccess)
            throw new IllegalStateException(call + ": " + cudaError.stringFor(status) + " (" + status + ")");
    }

    /**
     * A block of device memory from cudaMalloc, freed on close. The pointer is a {@code CUdeviceptr} (a plain
     * {@code Pointer} subclass; creating one loads no native library) so it serves the runtime API, cuBLAS, cuSPARSE
     * and, as a kernel parameter, the driver API alike.
     */
    static final class Buffer implements AutoCloseable {
        final Pointer ptr = new jcuda.driver.CUdeviceptr();
        final long bytes;
        private boolean open;

        Buffer(long bytes) {
            this.bytes = Math.max(4, bytes);
            check(JCuda.cudaMalloc(ptr, this.bytes), "cudaMalloc(" + this.bytes + " bytes)");
            open = true;
        }

        static Buffer of(float[] a) {
            Buffer b = new Buffer(4L * a.length);
            try {
                if (a.length > 0) check(JCuda.cudaMemcpy(b.ptr, Pointer.to(a), 4L * a.length, cudaMemcpyKind.cudaMemcpyHostToDevice), "cudaMemcpy H2D");
            } catch (RuntimeException e) {
                b.close();
                throw e;
            }
            return b;
        }

        static Buffer of(int[] a) {
            Buffer b = new Buffer(4L * a.length);
            try {
                if (a.length > 0) check(JCuda.cudaMemcpy(b.ptr, Pointer.to(a), 4L * a.length, cudaMemcpyKind.cudaMemcpyHostToDevice), "cudaMemcpy H2D");
            } catch (RuntimeException e) {
                b.close();
                throw e;
            }
            return b;
        }

        static Buffer of(byte[] a) {
            Buffer b = new Buffer(a.length);
            try {
                if (a.length > 0) check(JCuda.cudaMemcpy(b.ptr, Pointer.to(a), a.length, cudaMemcpyKind.cudaMemcpyHostToDevice), "cudaMemcpy H2D");
            } catch (RuntimeException e) {
                b.close();
                throw e;
            }
            return b;
        }

        void copyTo(float[] host) {
            check(JCuda.cudaMemcpy(Pointer.to(host), ptr, 4L * host.length, cudaMemcpyKind.cudaMemcpyDeviceToHost), "cudaMemcpy D2H");
        }

        void zero() { check(JCuda.cudaMemset(ptr, 0, bytes), "cudaMemset"); }

        @Override public void close() {
            if (!open) return;
            open = false;
            JCuda.cudaFree(ptr);
        }
    }

    /** A start and a stop event on the default stream, destroyed on close. */
    static final class Events implements AutoCloseable {
        private final cudaEvent_t start = new cudaEvent_t(), stop = new cudaEvent_t();
        private boolean open;

        Events() {
            check(JCuda.cudaEventCreate(start), "cudaEventCreate");
            int s = JCuda.cudaEventCreate(stop);
            if (s != cudaError.cudaSuccess) {
                JCuda.cudaEventDestroy(start);
                check(s, "cudaEventCreate");
            }
            open = true;
        }

        /**
         * Nanoseconds per launch over {@code runs} back-to-back launches between two events (the events' resolution is
         * about 0.5 µs, so a batch should last well above that).
         */
        double nanosPerRun(Runnable launch, int runs) {
            if (runs < 1) throw new IllegalArgumentException("runs: must be >= 1, got " + runs);
            check(JCuda.cudaEventRecord(start, null), "cudaEventRecord");
            for (int i = 0; i < runs; i++) launch.run();
            check(JCuda.cudaEventRecord(stop, null), "cudaEventRecord");
            check(JCuda.cudaEventSynchronize(stop), "cudaEventSynchronize (a launch in the batch failed?)");
            check(JCuda.cudaGetLastError(), "kernel launch");
            float[] ms = {0};
            check(JCuda.cudaEventElapsedTime(ms, start, stop), "cudaEventElapsedTime");
            return ms[0] * 1e6 / runs;
        }

        @Override public void close() {
            if (!open) return;
            open = false;
            JCuda.cudaEventDestroy(start);
            JCuda.cudaEventDestroy(stop);
        }
    }

    /** Closes everything in reverse order, ignoring nulls; the first failure is rethrown after all were tried. */
    static void closeAll(java.util.List<? extends AutoCloseable> all) {
        RuntimeException first = null;
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                if (all.get(i) != null) all.get(i).close();
            } catch (Exception e) {
                if (first == null) first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
        }
        if (first != null) throw first;
    }

    /**
     * One line for a failed native load: JCuda's messages hold nested stack traces; the line naming the shared object
     * that could not be opened is what a user needs ("libcusparse.so.12: cannot open shared object file: …").
     */
    static String brief(Throwable e) {
        String msg = String.valueOf(e.getMessage());
        for (String line : msg.split("\\R")) {
            int at = line.indexOf(": lib");
            if (line.contains("cannot open shared object file")) return at >= 0 ? line.substring(at + 2).trim() : line.trim();
        }
        return e.getClass().getSimpleName() + ": " + msg.lines().findFirst().orElse("").trim();
    }

    // ------------------------------------------------------------------ libraries, probed once each

    private static volatile String cublasProblem, cusparseProblem;
    private static volatile boolean cublasProbed, cusparseProbed;

    /** Null when cuBLAS loads and a handle can be created; otherwise why not (naming libcublas.so.12). */
    static synchronized String cublasProblem() {
        if (!cublasProbed) {
            cublasProbed = true;
            try {
                jcuda.jcublas.JCublas2.setExceptionsEnabled(false);
                jcuda.jcublas.cublasHandle h = new jcuda.jcublas.cublasHandle();
                int s = jcuda.jcublas.JCublas2.cublasCreate(h);
                if (s == 0) jcuda.jcublas.JCublas2.cublasDestroy(h);
                else cublasProblem = "cublasCreate returned " + jcuda.jcublas.cublasStatus.stringFor(s);
            } catch (LinkageError e) {
                cublasProblem = "cuBLAS could not be loaded (JCublas 12.6 needs libcublas.so.12 and libcublasLt.so.12 from a CUDA 12 "
                        + "toolkit on the library path; a CUDA 13 toolkit ships cuBLAS 13): " + brief(e);
            }
        }
        return cublasProblem;
    }

    /** Null when cuSPARSE loads and a handle can be created; otherwise why not (naming libcusparse.so.12). */
    static synchronized String cusparseProblem() {
        if (!cusparseProbed) {
            cusparseProbed = true;
            try {
                jcuda.jcusparse.JCusparse.setExceptionsEnabled(false);
                jcuda.jcusparse.cusparseHandle h = new jcuda.jcusparse.cusparseHandle();
                int s = jcuda.jcusparse.JCusparse.cusparseCreate(h);
                if (s == 0) jcuda.jcusparse.JCusparse.cusparseDestroy(h);
                else cusparseProblem = "cusparseCreate returned " + jcuda.jcusparse.cusparseStatus.stringFor(s);
            } catch (LinkageError e) {
                cusparseProblem = "cuSPARSE could not be loaded (JCusparse 12.6 needs libcusparse.so.12 from a CUDA 12 or 13 toolkit "
                        + "on the library path): " + brief(e);
            }
        }
        return cusparseProblem;
    }
}
