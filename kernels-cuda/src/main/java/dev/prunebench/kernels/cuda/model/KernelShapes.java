package dev.prunebench.kernels.cuda.model;

/**
 * Launch constants shared by the CUDA sources ({@code src/main/cuda/*.cu}, where they are {@code #define}d with the
 * same names) and the warp model that replays them. {@code CudaSourcesTest} checks that the two agree.
 */
public final class KernelShapes {
    private KernelShapes() {}

    /** sgemm_tiled: block tile of C (rows × columns), K step, threads per block. */
    public static final int SGEMM_BM = 64, SGEMM_BN = 64, SGEMM_BK = 16, SGEMM_THREADS = 256;
    /** csr_spmm_scalar: threads per block; columns of C per pass held in registers. */
    public static final int SCALAR_THREADS = 128, SCALAR_COLS = 8;
    /** csr_spmm_vector: threads per block; columns of C per lane per pass. */
    public static final int VECTOR_THREADS = 128, VECTOR_COLS_PER_LANE = 8;
    /** gcsr_spmm: threads per block (a warp per row); columns of C per lane per pass; floats of X staged per warp. */
    public static final int GCSR_THREADS = 128, GCSR_COLS_PER_LANE = 8, GCSR_STAGE = 1024;
    /** nm_spmm: threads per block (a warp per row); columns of C per lane per pass. */
    public static final int NM_THREADS = 128, NM_COLS_PER_LANE = 8;
}
