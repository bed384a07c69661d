package dev.prunebench.kernels.cuda;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cuda.model.KernelShapes;
import dev.prunebench.kernels.cuda.model.WarpModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import jcuda.Pointer;
import jcuda.runtime.JCuda;

/**
 * The kernels of the {@code cuda} backend. Each is a {@link MatMul} whose prepared state is {@link MatMul.SelfTimed}
 * (CUDA events around a batch of back-to-back launches on the default stream) and owns its device memory, handles
 * and descriptors, released by {@code close()}. The kernel objects touch no JCuda class until {@code refuses} or
 * {@code prepare} is called, so they can be listed anywhere.
 *
 * <ul>
 *   <li>{@code cublas-sgemm} (dense): {@code cublasSgemm} in FP32, math mode set to {@code CUBLAS_DEFAULT_MATH} and read
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
                (w, x, n) -> PtxModule.nm((dev.prunebench.core.format.NmSparse) w, x, n)));
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

    /** The shared part of every prepared CUDA kernel: resources closed in reverse order, C on the device and on the host. */
    abstract static class Prepared implements MatMul.SelfTimed {
        final String id;
        final List<AutoCloseable> owned = new ArrayList<>();
        final float[] host;
        final Cuda.Buffer c;
        final Cuda.Events events;
        private final Runnable launcher = this::launch;
        private boolean closed;

        Prepared(String id, int rows, int n) {
            this.id = id;
            this.host = new float[rows * n];
            Cuda.Buffer out = new Cuda.Buffer(4L * rows * n);
            Cuda.Events ev;
            try {
                ev = new Cuda.Events();
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
            this.c = own(out);
            this.events = own(ev);
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

        /** One asynchronous launch on the default stream; throws on a launch error. */
        abstract void launch();

        /** Makes this thread ready to launch (the driver-API kernels make their context current). */
        void bind() {}

        @Override public final void run() {
            bind();
            launch();
            Cuda.check(JCuda.cudaDeviceSynchronize(), id + ": cudaDeviceSynchronize");
        }

        @Override public final double nanosPerRun(int runs) {
            bind();
            return events.nanosPerRun(launcher, runs);
        }

        @Override public String clock() { return "CUDA events around a batch of back-to-back launches"; }

        @Override public final float[] result() {
            c.copyTo(host);
            return host.clone();
        }

        @Override public final void close() {
            if (closed) return;
            closed = true;
            Cuda.closeAll(owned);
        }
    }

    // ------------------------------------------------------------------ cuBLAS

    static final class CublasSgemm extends Prepared {
        private final jcuda.jcublas.cublasHandle h = new jcuda.jcublas.cublasHandle();
        private final Pointer one = Pointer.to(new float[]{1f}), zero = Pointer.to(new float[]{0f});
        private final int m, k, n;
        private Cuda.Buffer dw, dx;

        CublasSgemm(SparseFormat w, float[] x, int n) {
            super("cublas-sgemm", w.rows(), n);
            Dense d = (Dense) w;
            this.m = d.rows(); this.k = d.cols(); this.n = n;
            setUp(() -> {
                int s = jcuda.jcublas.JCublas2.cublasCreate(h);
                if (s != 0) throw new IllegalStateException("cublasCreate: " + jcuda.jcublas.cublasStatus.stringFor(s));
                own(() -> jcuda.jcublas.JCublas2.cublasDestroy(h));
                s = jcuda.jcublas.JCublas2.cublasSetMathMode(h, jcuda.jcublas.cublasMath.CUBLAS_DEFAULT_MATH);
                if (s != 0) throw new IllegalStateException("cublasSetMathMode: " + jcuda.jcublas.cublasStatus.stringFor(s));
                int[] mode = {-1};
                jcuda.jcublas.JCublas2.cublasGetMathMode(h, mode);
                if (mode[0] != jcuda.jcublas.cublasMath.CUBLAS_DEFAULT_MATH)
                    throw new IllegalStateException("cuBLAS math mode is " + jcuda.jcublas.cublasMath.stringFor(mode[0]) + ", not CUBLAS_DEFAULT_MATH");
                dw = own(Cuda.Buffer.of(d.data()));
                dx = own(Cuda.Buffer.of(x));
            });
        }

        @Override void launch() {
            int s = jcuda.jcublas.JCublas2.cublasSgemm(h, jcuda.jcublas.cublasOperation.CUBLAS_OP_N, jcuda.jcublas.cublasOperation.CUBLAS_OP_N,
                    n, m, k, one, dx.ptr, n, dw.ptr, k, zero, c.ptr, n);
            if (s != 0) throw new IllegalStateException("cublasSgemm: " + jcuda.jcublas.cublasStatus.stringFor(s));
        }

        @Override public String variant() { return "fp32, CUBLAS_DEFAULT_MATH"; }
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
                Cuda.check(JCuda.cudaDeviceSynchronize(), id + ": after preprocess");
            });
        }

        private static final int NT = jcuda.jcusparse.cusparseOperation.CUSPARSE_OPERATION_NON_TRANSPOSE;

        /** NOT_SUPPORTED (an algorithm that does not take this layout) is a refusal; anything else a failure. */
        private void check(int s, String call) {
            if (s == jcuda.jcusparse.cusparseStatus.CUSPARSE_STATUS_SUCCESS) return;
            String what = id + ": " + call + " returned " + jcuda.jcusparse.cusparseStatus.stringFor(s);
            if (s == jcuda.jcusparse.cusparseStatus.CUSPARSE_STATUS_NOT_SUPPORTED) throw new IllegalArgumentException(what);
            throw new IllegalStateException(what);
        }

        @Override void launch() {
            int s = jcuda.jcusparse.JCusparse.cusparseSpMM(h, NT, NT, one, ac, bc, zero, cd, jcuda.cudaDataType.CUDA_R_32F, alg, work.ptr);
            if (s != 0) throw new IllegalStateException(id + ": cusparseSpMM returned " + jcuda.jcusparse.cusparseStatus.stringFor(s));
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
                    java.util.function.Function<PtxPrepared, Pointer> params) {
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
            int s = jcuda.driver.JCudaDriver.cuLaunchKernel(f, gx, gy, 1, block, 1, 1, 0, null, params, null);
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
