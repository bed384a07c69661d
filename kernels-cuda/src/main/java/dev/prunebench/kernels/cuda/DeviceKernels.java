package dev.prunebench.kernels.cuda;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.NmSparse;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cuda.model.KernelShapes;
import dev.prunebench.kernels.cuda.model.WarpModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import jcuda.Pointer;
import jcuda.runtime.JCuda;

/**
 * The kernels of the {@code cuda} backend. Each is a {@link MatMul} whose prepared state is {@link MatMul.SelfTimed}
 * (CUDA events around a batch of back-to-back launches on the kernel's own stream) and owns its device memory, handles
 * and descriptors, released by {@code close()}. The kernel objects touch no JCuda class until {@code refuses} or
 * {@code prepare} is called, so they can be listed anywhere.
 *
 * <ul>
 *   <li>{@code cublas-sgemm} (dense): {@code cublasSgemm} in FP32 (JCublas2 with a CUDA 12 cuBLAS, else {@link CublasFfm}
 *       through {@code java.lang.foreign} with cuBLAS 13 or 12), math mode set to {@code CUBLAS_DEFAULT_MATH} and read
 *       back (no TF32 tensor-core math). Row-major C = W·X is computed as the column-major product
 *       Cᵀ = Xᵀ·Wᵀ: a row-major K×N X is a column-major N×K matrix with leading dimension N, so
 *       {@code sgemm(N, N, m = N, n = M, k = K, X, ldx = N, W, ldw = K, C, ldc = N)} needs no transposition.</li>
 *   <li>{@code cusparse-csr}, {@code cusparse-csr-alg2}, {@code cusparse-csr-alg3} (csr): the generic API
 *       ({@code cusparseCreateCsr}, dense X and C row-major, {@code cusparseSpMM_bufferSize} with a host {@code long[]},
 *       {@code cusparseSpMM_preprocess} in set-up, {@code cusparseSpMM}) with the default, CSR_ALG2 and CSR_ALG3
 *       algorithms.</li>
 *   <li>{@code cuda-sgemm-tiled} (dense), {@code cuda-csr-scalar}, {@code cuda-csr-vector} (csr), {@code cuda-gcsr}
 *       (gcsr:G), {@code cuda-nm} (nm:N:M): our kernels from {@code spmm.cu}, loaded as PTX through the driver API ({@link PtxModule}).</li>
 * </ul>
 */
final class DeviceKernels {
    private DeviceKernels() {}

    /** Whether prepared kernels time a batch captured in a CUDA graph ({@code -Dprunebench.cuda.graphs}, default true). */
    static final boolean GRAPHS = !"false".equalsIgnoreCase(System.getProperty("prunebench.cuda.graphs", "true"));

    static List<MatMul> all() {
        List<MatMul> ks = new ArrayList<>();
        ks.add(new Kernel("cublas-sgemm", FormatSpec.Kind.DENSE, Cuda::cublasProblem, CublasSgemm::new));
        ks.add(new Kernel("cusparse-csr", FormatSpec.Kind.CSR, Cuda::cusparseProblem,
                (w, x, n) -> new CusparseCsr("cusparse-csr", (Csr) w, x, n, jcuda.jcusparse.cusparseSpMMAlg.CUSPARSE_SPMM_ALG_DEFAULT)));
        ks.add(new Kernel("cusparse-csr-alg2", FormatSpec.Kind.CSR, Cuda::cusparseProblem,
                (w, x, n) -> new CusparseCsr("cusparse-csr-alg2", (Csr) w, x, n, jcuda.jcusparse.cusparseSpMMAlg.CUSPARSE_SPMM_CSR_ALG2)));
        ks.add(new Kernel("cusparse-csr-alg3", FormatSpec.Kind.CSR, Cuda::cusparseProblem,
                (w, x, n) -> new CusparseCsr("cusparse-csr-alg3", (Csr) w, x, n, jcuda.jcusparse.cusparseSpMMAlg.CUSPARSE_SPMM_CSR_ALG3)));
        ks.add(new Kernel("cuda-sgemm-tiled", FormatSpec.Kind.DENSE, PtxModule::problem, (w, x, n) -> PtxModule.sgemm((Dense) w, x, n)));
        ks.add(new Kernel("cuda-csr-scalar", FormatSpec.Kind.CSR, PtxModule::problem, (w, x, n) -> PtxModule.csrScalar((Csr) w, x, n)));
        ks.add(new Kernel("cuda-csr-vector", FormatSpec.Kind.CSR, PtxModule::problem, (w, x, n) -> PtxModule.csrVector((Csr) w, x, n)));
        ks.add(new Kernel("cuda-gcsr", FormatSpec.Kind.GCSR, PtxModule::problem, (w, x, n) -> PtxModule.gcsr((GroupedCsr) w, x, n)));
        ks.add(new Kernel("cuda-nm", FormatSpec.Kind.NM, PtxModule::problem,
                (w, x, n) -> PtxModule.nm((NmSparse) w, x, n)));
        return ks;
    }

    interface Factory { MatMul.Prepared make(SparseFormat w, float[] x, int n); }

    /** One kernel id: the format it takes, the probe of the library it needs, and how to prepare it. */
    static final class Kernel implements MatMul {
        private final String id;
        private final FormatSpec.Kind kind;
        private final Supplier<String> library;
        private final Factory factory;

        Kernel(String id, FormatSpec.Kind kind, Supplier<String> library, Factory factory) {
            this.id = id; this.kind = kind; this.library = library; this.factory = factory;
        }

        @Override public String id() { return id; }

        @Override public String backendId() { return "cuda"; }

        @Override public boolean supports(FormatSpec spec) { return spec.kind() == kind; }

        /** Also refuses, naming the library, when the library this kernel needs is missing on this machine. */
        @Override public String refuses(FormatSpec spec, int n) {
            if (!supports(spec)) return "does not take W in format " + spec;
            String why;
            try {
                why = library.get();
            } catch (LinkageError e) {
                why = "the JCuda runtime could not be loaded: " + e;
            }
            return why == null ? null : "unavailable: " + why;
        }

        @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
            MatMul.checkArguments(this, w, x, n, threads);
            return factory.make(w, x, n);
        }

        @Override public String toString() { return id; }
    }

    /**
     * The shared part of every prepared CUDA kernel: its own stream (every launch goes there, so a batch of them can be
     * captured into a CUDA graph), resources closed in reverse order, C on the device and on the host.
     */
    abstract static class Prepared implements MatMul.SelfTimed {
        final String id;
        final List<AutoCloseable> owned = new ArrayList<>();
        final float[] host;
        final Cuda.Buffer c;
        final Cuda.Events events;
        final Cuda.Stream stream;
        private final Runnable launcher = this::launch;
        private Cuda.Graph graph;
        private boolean closed;

        Prepared(String id, int rows, int n) {
            this.id = id;
            this.host = new float[rows * n];
            Cuda.Buffer out = new Cuda.Buffer(4L * rows * n);
            Cuda.Events ev = null;
            Cuda.Stream st;
            try {
                ev = new Cuda.Events();
                st = new Cuda.Stream();
            } catch (RuntimeException e) {
                if (ev != null) ev.close();
                out.close();
                throw e;
            }
            this.c = own(out);
            this.events = own(ev);
            this.stream = own(st);
        }

        final <T extends AutoCloseable> T own(T r) {
            owned.add(r);
            return r;
        }

        /** Runs {@code body}; on failure frees what was allocated so far and rethrows. */
        final void setUp(Runnable body) {
            try {
                body.run();
            } catch (RuntimeException | LinkageError e) {
                close();
                throw e;
            }
        }

        /** One asynchronous launch on {@link #stream}; throws on a launch error. */
        abstract void launch();

        /** Makes this thread ready to launch (the driver-API kernels make their context current). */
        void bind() {}

        @Override public final void run() {
            bind();
            launch();
            Cuda.check(JCuda.cudaStreamSynchronize(stream.s), id + ": cudaStreamSynchronize");
        }

        /**
         * The kernel's time per launch: {@link #graphNanosPerRun} (the batch captured in a CUDA graph, so the host's
         * per-launch cost is not timed), or, where capture is refused or {@code -Dprunebench.cuda.graphs=false},
         * {@link #hostIssuedNanosPerRun}; {@link #clock()} says which.
         */
        @Override public final double nanosPerRun(int runs) {
            if (graphProblem == null && GRAPHS) {
                try {
                    return graphNanosPerRun(runs);
                } catch (RuntimeException e) {
                    graphProblem = e.getMessage();
                }
            }
            return hostIssuedNanosPerRun(runs);
        }

        /** Host-issued launches: events around {@code runs} launches issued one at a time from Java. */
        final double hostIssuedNanosPerRun(int runs) {
            bind();
            return events.nanosPerRun(launcher, runs, stream.s);
        }

        private String graphProblem;

        /**
         * Kernel time without the host: {@code runs} launches captured once into a CUDA graph, the graph launched
         * between two events, nanoseconds per launch. Throws (naming the step) when capture is refused; the caller
         * then falls back to {@link #nanosPerRun(int)}.
         */
        final double graphNanosPerRun(int runs) {
            bind();
            PtxModule.bindIfLoaded();
            if (graph == null || graph.launches() != runs) {
                if (graph != null) graph.close();
                graph = null;
                graph = Cuda.Graph.capture(stream, launcher, runs);
            }
            return events.nanosPerGraph(graph, stream.s);
        }

        @Override public String clock() {
            if (!GRAPHS) return "CUDA events around a batch of back-to-back launches issued from Java (-Dprunebench.cuda.graphs=false)";
            return graphProblem == null ? "CUDA events around a CUDA graph of a batch of launches (kernel time, no host per launch)"
                    : "CUDA events around a batch of back-to-back launches issued from Java (graph capture refused: " + graphProblem + ")";
        }

        @Override public final float[] result() {
            Cuda.check(JCuda.cudaStreamSynchronize(stream.s), id + ": cudaStreamSynchronize");
            c.copyTo(host);
            return host.clone();
        }

        @Override public final void close() {
            if (closed) return;
            closed = true;
            if (graph != null) owned.add(graph);
            Cuda.closeAll(owned);
        }
    }

    // ------------------------------------------------------------------ cuBLAS

    /**
     * {@code cublas-sgemm}: through JCublas2 where {@code libJCublas2} loads (a CUDA 12 cuBLAS), else through
     * {@link CublasFfm} ({@code java.lang.foreign}, cuBLAS 13 or 12 by name).
     */
    static final class CublasSgemm extends Prepared {
        private final int m, k, n;
        private Cuda.Buffer dw, dx;
        private jcuda.jcublas.cublasHandle jh;
        private CublasFfm.Handle fh;
        private long w, x, cAddr;
        private final Pointer one = Pointer.to(new float[]{1f}), zero = Pointer.to(new float[]{0f});
        private String via;

        CublasSgemm(SparseFormat w, float[] x, int n) {
            super("cublas-sgemm", w.rows(), n);
            Dense d = (Dense) w;
            this.m = d.rows(); this.k = d.cols(); this.n = n;
            setUp(() -> {
                dw = own(Cuda.Buffer.of(d.data()));
                dx = own(Cuda.Buffer.of(x));
                if (Cuda.jcublasProblem() == null) {
                    jh = new jcuda.jcublas.cublasHandle();
                    int s = jcuda.jcublas.JCublas2.cublasCreate(jh);
                    if (s != 0) throw new IllegalStateException("cublasCreate: " + jcuda.jcublas.cublasStatus.stringFor(s));
                    own(() -> jcuda.jcublas.JCublas2.cublasDestroy(jh));
                    s = jcuda.jcublas.JCublas2.cublasSetMathMode(jh, jcuda.jcublas.cublasMath.CUBLAS_DEFAULT_MATH);
                    if (s != 0) throw new IllegalStateException("cublasSetMathMode: " + jcuda.jcublas.cublasStatus.stringFor(s));
                    int[] mode = {-1};
                    jcuda.jcublas.JCublas2.cublasGetMathMode(jh, mode);
                    requireDefaultMath(mode[0]);
                    s = jcuda.jcublas.JCublas2.cublasSetStream(jh, stream.s);
                    if (s != 0) throw new IllegalStateException("cublasSetStream: " + jcuda.jcublas.cublasStatus.stringFor(s));
                    via = "JCublas2";
                } else {
                    fh = own(CublasFfm.get().handle());
                    configure(fh, stream.address());
                    this.w = Cuda.address(dw.ptr);
                    this.x = Cuda.address(dx.ptr);
                    this.cAddr = Cuda.address(c.ptr);
                    via = "java.lang.foreign, cuBLAS " + CublasFfm.versionString(fh.version());
                }
            });
        }

        /** The set-up of a handle: FP32 math without TF32 ({@code CUBLAS_DEFAULT_MATH}, read back), then the stream. */
        static void configure(CublasFfm.Handle h, long stream) {
            h.setMathMode(CublasFfm.CUBLAS_DEFAULT_MATH);
            requireDefaultMath(h.mathMode());
            h.setStream(stream);
        }

        static void requireDefaultMath(int mode) {
            if (mode != CublasFfm.CUBLAS_DEFAULT_MATH)
                throw new IllegalStateException("cuBLAS math mode is " + mode + ", not CUBLAS_DEFAULT_MATH (0): TF32 or tensor-op math would not be FP32");
        }

        /**
         * Row-major C (m×n) = W (m×k) · X (k×n) as cuBLAS's column-major Cᵀ = Xᵀ·Wᵀ: a row-major k×n X is a
         * column-major n×k matrix with leading dimension n, so {@code sgemm(N, N, n, m, k, 1, X, n, W, k, 0, C, n)}.
         */
        static void rowMajor(CublasFfm.Handle h, int m, int k, int n, long w, long x, long c) {
            h.sgemm(CublasFfm.CUBLAS_OP_N, CublasFfm.CUBLAS_OP_N, n, m, k, 1f, x, n, w, k, 0f, c, n);
        }

        @Override void launch() {
            if (fh != null) {
                rowMajor(fh, m, k, n, w, x, cAddr);
                return;
            }
            int s = jcuda.jcublas.JCublas2.cublasSgemm(jh, jcuda.jcublas.cublasOperation.CUBLAS_OP_N, jcuda.jcublas.cublasOperation.CUBLAS_OP_N,
                    n, m, k, one, dx.ptr, n, dw.ptr, k, zero, c.ptr, n);
            if (s != 0) throw new IllegalStateException("cublasSgemm: " + jcuda.jcublas.cublasStatus.stringFor(s));
        }

        @Override public String variant() { return "fp32, CUBLAS_DEFAULT_MATH, " + via; }
    }

    // ------------------------------------------------------------------ cuSPARSE

    static final class CusparseCsr extends Prepared {
        private final jcuda.jcusparse.cusparseHandle h = new jcuda.jcusparse.cusparseHandle();
        private final jcuda.jcusparse.cusparseSpMatDescr a = new jcuda.jcusparse.cusparseSpMatDescr();
        private final jcuda.jcusparse.cusparseDnMatDescr b = new jcuda.jcusparse.cusparseDnMatDescr(), cd = new jcuda.jcusparse.cusparseDnMatDescr();
        private final Pointer one = Pointer.to(new float[]{1f}), zero = Pointer.to(new float[]{0f});
        private final int alg;
        private jcuda.jcusparse.cusparseConstSpMatDescr ac;
        private jcuda.jcusparse.cusparseConstDnMatDescr bc;
        private Cuda.Buffer work;

        CusparseCsr(String id, Csr w, float[] x, int n, int alg) {
            super(id, w.rows(), n);
            this.alg = alg;
            setUp(() -> {
                check(jcuda.jcusparse.JCusparse.cusparseCreate(h), "cusparseCreate");
                own(() -> jcuda.jcusparse.JCusparse.cusparseDestroy(h));
                check(jcuda.jcusparse.JCusparse.cusparseSetStream(h, stream.s), "cusparseSetStream");
                Cuda.Buffer ptr = own(Cuda.Buffer.of(w.rowPtr())), col = own(Cuda.Buffer.of(w.colIndex())), val = own(Cuda.Buffer.of(w.values())),
                        dx = own(Cuda.Buffer.of(x));
                check(jcuda.jcusparse.JCusparse.cusparseCreateCsr(a, w.rows(), w.cols(), w.values().length, ptr.ptr, col.ptr, val.ptr,
                        jcuda.jcusparse.cusparseIndexType.CUSPARSE_INDEX_32I, jcuda.jcusparse.cusparseIndexType.CUSPARSE_INDEX_32I,
                        jcuda.jcusparse.cusparseIndexBase.CUSPARSE_INDEX_BASE_ZERO, jcuda.cudaDataType.CUDA_R_32F), "cusparseCreateCsr");
                ac = a.asConst();
                own(() -> jcuda.jcusparse.JCusparse.cusparseDestroySpMat(ac));
                check(jcuda.jcusparse.JCusparse.cusparseCreateDnMat(b, w.cols(), n, n, dx.ptr, jcuda.cudaDataType.CUDA_R_32F,
                        jcuda.jcusparse.cusparseOrder.CUSPARSE_ORDER_ROW), "cusparseCreateDnMat(X)");
                bc = b.asConst();
                own(() -> jcuda.jcusparse.JCusparse.cusparseDestroyDnMat(bc));
                check(jcuda.jcusparse.JCusparse.cusparseCreateDnMat(cd, w.rows(), n, n, c.ptr, jcuda.cudaDataType.CUDA_R_32F,
                        jcuda.jcusparse.cusparseOrder.CUSPARSE_ORDER_ROW), "cusparseCreateDnMat(C)");
                own(() -> jcuda.jcusparse.JCusparse.cusparseDestroyDnMat(cd.asConst()));
                long[] size = {0};
                check(jcuda.jcusparse.JCusparse.cusparseSpMM_bufferSize(h, NT, NT, one, ac, bc, zero, cd, jcuda.cudaDataType.CUDA_R_32F, alg, size),
                        "cusparseSpMM_bufferSize");
                work = own(new Cuda.Buffer(size[0]));
                check(jcuda.jcusparse.JCusparse.cusparseSpMM_preprocess(h, NT, NT, one, ac, bc, zero, cd, jcuda.cudaDataType.CUDA_R_32F, alg, work.ptr),
                        "cusparseSpMM_preprocess");
                Cuda.check(JCuda.cudaStreamSynchronize(stream.s), id + ": after preprocess");
            });
        }

        private static final int NT = jcuda.jcusparse.cusparseOperation.CUSPARSE_OPERATION_NON_TRANSPOSE;

        private void check(int s, String call) { checkStatus(id, s, call); }

        /**
         * Any status other than success in set-up (NOT_SUPPORTED, or INVALID_VALUE from ALG2/ALG3 with row-major
         * operands on some versions) means "this algorithm is unavailable for these operands": an
         * {@link IllegalArgumentException}, which the sweep and the check record as the kernel refusing, with the
         * reason. Only the launch itself, once set up, fails hard.
         */
        static void checkStatus(String id, int s, String call) {
            if (s == jcuda.jcusparse.cusparseStatus.CUSPARSE_STATUS_SUCCESS) return;
            throw new IllegalArgumentException("unavailable: " + id + ": " + call + " returned " + statusName(s));
        }

        static String statusName(int s) {
            try {
                return jcuda.jcusparse.cusparseStatus.stringFor(s) + " (" + s + ")";
            } catch (LinkageError e) {
                return "cusparseStatus " + s;
            }
        }

        @Override void launch() {
            int s = jcuda.jcusparse.JCusparse.cusparseSpMM(h, NT, NT, one, ac, bc, zero, cd, jcuda.cudaDataType.CUDA_R_32F, alg, work.ptr);
            if (s != 0) throw new IllegalStateException(id + ": cusparseSpMM returned " + statusName(s));
        }

        @Override public String variant() { return jcuda.jcusparse.cusparseSpMMAlg.stringFor(alg); }
    }

    // ------------------------------------------------------------------ our PTX kernels

    /** A prepared launch of one of our kernels: function, grid, block and the parameter array, built once. */
    static final class PtxPrepared extends Prepared {
        private final PtxModule module;
        private jcuda.driver.CUfunction f;
        private final int gx, gy, block;
        private Pointer params;
        private final String variant;

        PtxPrepared(String id, PtxModule module, String function, int rows, int n, int gx, int gy, int block, String variant,
                    Function<PtxPrepared, Pointer> params) {
            super(id, rows, n);
            this.module = module;
            this.gx = gx; this.gy = gy; this.block = block; this.variant = variant;
            setUp(() -> {
                this.f = module.function(function);
                this.params = params.apply(this);
            });
        }

        @Override void bind() { module.bind(); }

        @Override void launch() {
            int s = jcuda.driver.JCudaDriver.cuLaunchKernel(f, gx, gy, 1, block, 1, 1, 0, stream.driver(), params, null);
            if (s != 0) throw new IllegalStateException(id + ": cuLaunchKernel returned " + jcuda.driver.CUresult.stringFor(s));
        }

        @Override public String variant() { return variant; }
    }

    static int blocks(long threads, int perBlock) {
        long b = (threads + perBlock - 1) / perBlock;
        if (b > Integer.MAX_VALUE) throw new IllegalArgumentException("grid of " + b + " blocks is too large");
        return (int) Math.max(1, b);
    }

    static Pointer ints(int v) { return Pointer.to(new int[]{v}); }

    static int subwarp(int n) { return WarpModel.subwarp(n); }

    static final int VECTOR_THREADS = KernelShapes.VECTOR_THREADS, SCALAR_THREADS = KernelShapes.SCALAR_THREADS,
            GCSR_THREADS = KernelShapes.GCSR_THREADS, SGEMM_THREADS = KernelShapes.SGEMM_THREADS;
}
