package dev.prunebench.kernels.cuda;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.core.format.NmSparse;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cuda.model.KernelShapes;
import dev.prunebench.kernels.cuda.model.WarpModel;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.runtime.JCuda;

/**
 * Our kernels ({@code spmm.cu} as PTX, {@link CudaPtx}) loaded through the driver API into the runtime's primary
 * context of device 0, once per JVM. Loaded only after the runtime probe found a device: the driver-API class needs
 * {@code libcuda.so.1} and, if that fails to load, stays unusable for the rest of the JVM.
 *
 * <p>Device memory comes from the runtime ({@code cudaMalloc}) and is passed to {@code cuLaunchKernel} as kernel
 * parameters; runtime and driver share the primary context, so the pointers are valid in both.
 */
final class PtxModule {
    private static PtxModule loaded;
    private static String problem;
    private static boolean tried;

    private final CUcontext ctx;
    private final CUmodule module;

    private PtxModule(CUcontext ctx, CUmodule module) { this.ctx = ctx; this.module = module; }

    /** Null when the module is loaded; otherwise why our kernels cannot run here. */
    static synchronized String problem() {
        if (!tried) {
            tried = true;
            try {
                loaded = load();
            } catch (IllegalStateException e) {
                problem = e.getMessage();
            } catch (LinkageError e) {
                problem = "the CUDA driver API could not be loaded (libcuda.so.1, from the NVIDIA driver): " + Cuda.brief(e);
            }
        }
        return problem;
    }

    static synchronized PtxModule get() {
        String why = problem();
        if (why != null) throw new IllegalArgumentException("our CUDA kernels are unavailable: " + why);
        return loaded;
    }

    private static PtxModule load() {
        Cuda.check(JCuda.cudaSetDevice(0), "cudaSetDevice(0)");
        Cuda.check(JCuda.cudaFree(new Pointer()), "cudaFree(0) (creating the primary context)");
        JCudaDriver.setExceptionsEnabled(false);
        drv(JCudaDriver.cuInit(0), "cuInit");
        CUdevice dev = new CUdevice();
        drv(JCudaDriver.cuDeviceGet(dev, 0), "cuDeviceGet(0)");
        CUcontext ctx = new CUcontext();
        drv(JCudaDriver.cuDevicePrimaryCtxRetain(ctx, dev), "cuDevicePrimaryCtxRetain");
        drv(JCudaDriver.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
        CUmodule m = new CUmodule();
        int s = JCudaDriver.cuModuleLoadData(m, CudaPtx.image());
        if (s != CUresult.CUDA_SUCCESS) {
            String ptx = CudaPtx.text();
            int[] v = {0};
            JCudaDriver.cuDriverGetVersion(v);
            String driver = "this driver supports CUDA " + v[0] / 1000 + "." + v[0] % 1000 / 10;
            if (s == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION)
                throw new IllegalStateException("the driver refuses our PTX (version " + CudaPtx.ptxVersion(ptx) + ", from nvcc "
                        + CudaPtx.toolkit(ptx) + "): it needs a driver for CUDA " + CudaPtx.requiredCuda(ptx) + " or later and " + driver
                        + "; update the driver, or rebuild spmm.ptx with an older nvcc (kernels-cuda/src/main/cuda/build-ptx.sh --update)");
            throw new IllegalStateException("cuModuleLoadData(spmm.ptx) returned " + CUresult.stringFor(s) + " (" + driver + ")");
        }
        return new PtxModule(ctx, m);
    }

    private static void drv(int s, String call) {
        if (s != CUresult.CUDA_SUCCESS) throw new IllegalStateException(call + " returned " + CUresult.stringFor(s));
    }

    CUfunction function(String name) {
        CUfunction f = new CUfunction();
        drv(JCudaDriver.cuModuleGetFunction(f, module, name), "cuModuleGetFunction(" + name + ")");
        return f;
    }

    /**
     * Makes the primary context current for the driver API on the calling thread, when the module was loaded (the
     * graph calls of cuBLAS and cuSPARSE kernels go through the driver API too); a no-op otherwise.
     */
    static synchronized void bindIfLoaded() {
        if (loaded != null) loaded.bind();
    }

    /** Makes the module's context current on the calling thread (the driver API's current context is per thread). */
    void bind() { drv(JCudaDriver.cuCtxSetCurrent(ctx), "cuCtxSetCurrent"); }

    // ------------------------------------------------------------------ the launches (grids as in spmm.cu's comments)

    static MatMul.Prepared sgemm(Dense w, float[] x, int n) {
        PtxModule mod = get();
        mod.bind();
        int m = w.rows(), k = w.cols();
        return new DeviceKernels.PtxPrepared("cuda-sgemm-tiled", mod, "sgemm_tiled", m, n, DeviceKernels.blocks(m, KernelShapes.SGEMM_BM),
                DeviceKernels.blocks(n, KernelShapes.SGEMM_BN), KernelShapes.SGEMM_THREADS, "", p -> {
            Cuda.Buffer dw = p.own(Cuda.Buffer.of(w.data())), dx = p.own(Cuda.Buffer.of(x));
            return Pointer.to(DeviceKernels.ints(m), DeviceKernels.ints(k), DeviceKernels.ints(n), Pointer.to(dw.ptr), Pointer.to(dx.ptr),
                    Pointer.to(p.c.ptr));
        });
    }

    static MatMul.Prepared csrScalar(Csr w, float[] x, int n) {
        PtxModule mod = get();
        mod.bind();
        int m = w.rows();
        return new DeviceKernels.PtxPrepared("cuda-csr-scalar", mod, "csr_spmm_scalar", m, n, DeviceKernels.blocks(m, KernelShapes.SCALAR_THREADS), 1,
                KernelShapes.SCALAR_THREADS, "", p -> {
            Cuda.Buffer ptr = p.own(Cuda.Buffer.of(w.rowPtr())), col = p.own(Cuda.Buffer.of(w.colIndex())),
                    val = p.own(Cuda.Buffer.of(w.values())), dx = p.own(Cuda.Buffer.of(x));
            return Pointer.to(DeviceKernels.ints(m), DeviceKernels.ints(n), Pointer.to(ptr.ptr), Pointer.to(col.ptr), Pointer.to(val.ptr),
                    Pointer.to(dx.ptr), Pointer.to(p.c.ptr));
        });
    }

    static MatMul.Prepared csrVector(Csr w, float[] x, int n) {
        PtxModule mod = get();
        mod.bind();
        int m = w.rows(), sub = WarpModel.subwarp(n);
        int[] order = WarpModel.rowOrder(w.rowPtr());
        return new DeviceKernels.PtxPrepared("cuda-csr-vector", mod, "csr_spmm_vector", m, n, DeviceKernels.blocks((long) m * sub, KernelShapes.VECTOR_THREADS),
                1, KernelShapes.VECTOR_THREADS, "subwarp " + sub, p -> {
            Cuda.Buffer ord = p.own(Cuda.Buffer.of(order)), ptr = p.own(Cuda.Buffer.of(w.rowPtr())), col = p.own(Cuda.Buffer.of(w.colIndex())),
                    val = p.own(Cuda.Buffer.of(w.values())), dx = p.own(Cuda.Buffer.of(x));
            return Pointer.to(DeviceKernels.ints(m), DeviceKernels.ints(n), DeviceKernels.ints(sub), Pointer.to(ord.ptr), Pointer.to(ptr.ptr),
                    Pointer.to(col.ptr), Pointer.to(val.ptr), Pointer.to(dx.ptr), Pointer.to(p.c.ptr));
        });
    }

    static MatMul.Prepared gcsr(GroupedCsr w, float[] x, int n) {
        PtxModule mod = get();
        mod.bind();
        int m = w.rows(), k = w.cols(), g = w.g();
        int[] order = WarpModel.rowOrder(w.groupPtr());
        return new DeviceKernels.PtxPrepared("cuda-gcsr", mod, "gcsr_spmm", m, n, DeviceKernels.blocks(32L * m, KernelShapes.GCSR_THREADS), 1,
                KernelShapes.GCSR_THREADS, "", p -> {
            Cuda.Buffer ord = p.own(Cuda.Buffer.of(order)), ptr = p.own(Cuda.Buffer.of(w.groupPtr())), gi = p.own(Cuda.Buffer.of(w.groupIndex())),
                    val = p.own(Cuda.Buffer.of(w.values())), dx = p.own(Cuda.Buffer.of(x));
            return Pointer.to(DeviceKernels.ints(m), DeviceKernels.ints(k), DeviceKernels.ints(n), DeviceKernels.ints(g), Pointer.to(ord.ptr),
                    Pointer.to(ptr.ptr), Pointer.to(gi.ptr), Pointer.to(val.ptr), Pointer.to(dx.ptr), Pointer.to(p.c.ptr));
        });
    }

    static MatMul.Prepared nm(NmSparse w, float[] x, int n) {
        PtxModule mod = get();
        mod.bind();
        int m = w.rows();
        return new DeviceKernels.PtxPrepared("cuda-nm", mod, "nm_spmm", m, n, DeviceKernels.blocks(32L * m, KernelShapes.NM_THREADS), 1,
                KernelShapes.NM_THREADS, "", p -> {
            Cuda.Buffer val = p.own(Cuda.Buffer.of(w.values())), meta = p.own(Cuda.Buffer.of(w.meta())), dx = p.own(Cuda.Buffer.of(x));
            return Pointer.to(DeviceKernels.ints(m), DeviceKernels.ints(n), DeviceKernels.ints(w.n()), DeviceKernels.ints(w.m()),
                    DeviceKernels.ints(NmSparse.bits(w.m())), DeviceKernels.ints(w.windows()),
                    Pointer.to(new long[]{w.meta().length}), Pointer.to(val.ptr), Pointer.to(meta.ptr), Pointer.to(dx.ptr), Pointer.to(p.c.ptr));
        });
    }
}
