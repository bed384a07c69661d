package dev.prunebench.kernels.cuda;

import java.util.List;
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

    /**
     * The address a JCuda pointer object holds (a device pointer, a stream), for the libraries bound through
     * {@code java.lang.foreign}: JCuda keeps it in {@code NativePointerObject.getNativePointer()}, which is protected.
     */
    static long address(jcuda.NativePointerObject p) {
        if (p == null) return 0;
        try {
            var m = jcuda.NativePointerObject.class.getDeclaredMethod("getNativePointer");
            m.setAccessible(true);
            long base = (long) m.invoke(p);
            if (p instanceof Pointer ptr) {
                var off = Pointer.class.getDeclaredMethod("getByteOffset");
                off.setAccessible(true);
                base += (long) off.invoke(ptr);
            }
            return base;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the native address of a JCuda " + p.getClass().getSimpleName() + ": " + e, e);
        }
    }

    /** A stream of its own (cudaStreamCreate: blocking, so ordered with the legacy default stream), destroyed on close. */
    static final class Stream implements AutoCloseable {
        final jcuda.runtime.cudaStream_t s = new jcuda.runtime.cudaStream_t();
        private jcuda.driver.CUstream driver;
        private boolean open;

        Stream() {
            check(JCuda.cudaStreamCreate(s), "cudaStreamCreate");
            open = true;
        }

        /** The same stream for the driver API (creating the wrapper loads no native library). */
        jcuda.driver.CUstream driver() {
            if (driver == null) driver = new jcuda.driver.CUstream(s);
            return driver;
        }

        long address() { return Cuda.address(s); }

        @Override public void close() {
            if (!open) return;
            open = false;
            JCuda.cudaStreamDestroy(s);
        }
    }

    /**
     * A batch of launches captured once into a CUDA graph ({@code cuStreamBeginCapture} … {@code cuStreamEndCapture},
     * {@code cuGraphInstantiate}) and launched as one: its time between two events is the kernels' time without the
     * host's per-launch cost (JCuda 12.6 has the graph API in the driver API only).
     */
    static final class Graph implements AutoCloseable {
        private final jcuda.driver.CUgraph graph;
        private final jcuda.driver.CUgraphExec exec;
        private final int launches;
        private boolean open = true;

        private Graph(jcuda.driver.CUgraph graph, jcuda.driver.CUgraphExec exec, int launches) {
            this.graph = graph; this.exec = exec; this.launches = launches;
        }

        int launches() { return launches; }

        static Graph capture(Stream stream, Runnable launch, int launches) {
            if (launches < 1) throw new IllegalArgumentException("launches: must be >= 1, got " + launches);
            jcuda.driver.JCudaDriver.setExceptionsEnabled(false);
            drv(jcuda.driver.JCudaDriver.cuInit(0), "cuInit");
            jcuda.driver.CUstream st = stream.driver();
            drv(jcuda.driver.JCudaDriver.cuStreamBeginCapture(st, jcuda.driver.CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_RELAXED),
                    "cuStreamBeginCapture");
            jcuda.driver.CUgraph g = new jcuda.driver.CUgraph();
            RuntimeException failed = null;
            try {
                for (int i = 0; i < launches; i++) launch.run();
            } catch (RuntimeException e) {
                failed = e;
            }
            int end = jcuda.driver.JCudaDriver.cuStreamEndCapture(st, g);
            if (failed != null) {
                if (end == 0) jcuda.driver.JCudaDriver.cuGraphDestroy(g);
                throw new IllegalStateException("a launch during graph capture failed: " + failed.getMessage(), failed);
            }
            drv(end, "cuStreamEndCapture");
            jcuda.driver.CUgraphExec exec = new jcuda.driver.CUgraphExec();
            int s = jcuda.driver.JCudaDriver.cuGraphInstantiate(exec, g, 0);
            if (s != 0) {
                jcuda.driver.JCudaDriver.cuGraphDestroy(g);
                drv(s, "cuGraphInstantiate");
            }
            Graph graph = new Graph(g, exec, launches);
            try {
                graph.launch(stream);  // the first launch uploads the graph: not timed
                drv(jcuda.driver.JCudaDriver.cuStreamSynchronize(st), "cuStreamSynchronize (first graph launch)");
            } catch (RuntimeException e) {
                graph.close();
                throw e;
            }
            return graph;
        }

        void launch(Stream stream) { drv(jcuda.driver.JCudaDriver.cuGraphLaunch(exec, stream.driver()), "cuGraphLaunch"); }

        @Override public void close() {
            if (!open) return;
            open = false;
            jcuda.driver.JCudaDriver.cuGraphExecDestroy(exec);
            jcuda.driver.JCudaDriver.cuGraphDestroy(graph);
        }
    }

    static void drv(int s, String call) {
        if (s != 0) throw new IllegalStateException(call + " returned " + jcuda.driver.CUresult.stringFor(s) + " (" + s + ")");
    }

    /** A start and a stop event, recorded on a given stream, destroyed on close. */
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
        double nanosPerRun(Runnable launch, int runs, jcuda.runtime.cudaStream_t stream) {
            if (runs < 1) throw new IllegalArgumentException("runs: must be >= 1, got " + runs);
            check(JCuda.cudaEventRecord(start, stream), "cudaEventRecord");
            for (int i = 0; i < runs; i++) launch.run();
            check(JCuda.cudaEventRecord(stop, stream), "cudaEventRecord");
            check(JCuda.cudaEventSynchronize(stop), "cudaEventSynchronize (a launch in the batch failed?)");
            check(JCuda.cudaGetLastError(), "kernel launch");
            float[] ms = {0};
            check(JCuda.cudaEventElapsedTime(ms, start, stop), "cudaEventElapsedTime");
            return ms[0] * 1e6 / runs;
        }

        /** Nanoseconds per captured launch: one launch of {@code graph} between the two events. */
        double nanosPerGraph(Graph graph, jcuda.runtime.cudaStream_t stream) {
            check(JCuda.cudaEventRecord(start, stream), "cudaEventRecord");
            drv(jcuda.driver.JCudaDriver.cuGraphLaunch(graph.exec, new jcuda.driver.CUstream(stream)), "cuGraphLaunch");
            check(JCuda.cudaEventRecord(stop, stream), "cudaEventRecord");
            check(JCuda.cudaEventSynchronize(stop), "cudaEventSynchronize (a launch in the graph failed?)");
            float[] ms = {0};
            check(JCuda.cudaEventElapsedTime(ms, start, stop), "cudaEventElapsedTime");
            return ms[0] * 1e6 / graph.launches;
        }

        @Override public void close() {
            if (!open) return;
            open = false;
            JCuda.cudaEventDestroy(start);
            JCuda.cudaEventDestroy(stop);
        }
    }

    /** Closes everything in reverse order, ignoring nulls; the first failure is rethrown after all were tried. */
    static void closeAll(List<? extends AutoCloseable> all) {
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

    private static volatile String cublasBoth;
    private static volatile boolean cublasBothProbed;

    /**
     * Null when cuBLAS can be used one way or the other: JCublas2 (a CUDA 12 cuBLAS), else {@link CublasFfm}
     * ({@code java.lang.foreign}: {@code libcublas.so.13} or {@code .12} by name); otherwise both reasons.
     */
    static synchronized String cublasProblem() {
        if (!cublasBothProbed) {
            cublasBothProbed = true;
            String j = jcublasProblem();
            if (j != null) {
                String f = CublasFfm.problem();
                if (f != null) cublasBoth = j + "; and " + f;
            }
        }
        return cublasBoth;
    }

    /** Which way cuBLAS is called here, for the run's environment. */
    static String cublasPath() {
        if (jcublasProblem() == null) return "JCublas2 (libJCublas2, cuBLAS 12)";
        return CublasFfm.problem() == null ? "java.lang.foreign (" + CublasFfm.get().source() + ")" : "none";
    }

    /** Null when JCublas2 loads and a handle can be created; otherwise why not (naming libcublas.so.12). */
    static synchronized String jcublasProblem() {
        if (!cublasProbed) {
            cublasProbed = true;
            try {
                jcuda.jcublas.JCublas2.setExceptionsEnabled(false);
                jcuda.jcublas.cublasHandle h = new jcuda.jcublas.cublasHandle();
                int s = jcuda.jcublas.JCublas2.cublasCreate(h);
                if (s == 0) jcuda.jcublas.JCublas2.cublasDestroy(h);
                else cublasProblem = "cublasCreate returned " + jcuda.jcublas.cublasStatus.stringFor(s);
            } catch (LinkageError e) {
                cublasProblem = "JCublas2 could not be loaded (JCublas 12.6 needs libcublas.so.12 from a CUDA 12 toolkit; a CUDA 13 "
                        + "machine has cuBLAS 13, used through java.lang.foreign instead): " + brief(e);
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
