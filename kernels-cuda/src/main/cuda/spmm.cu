// prunebench SpMM kernels: C = W · X with W M×K (dense, CSR or grouped CSR), X K×N and C M×N, both dense
// row-major fp32. Compiled to PTX (spmm.ptx, a resource of kernels-cuda) and loaded through the driver API by
// CudaBackend. The warp memory-access model (dev.prunebench.kernels.cuda.model.WarpModel) replays the global loads
// of these kernels from the same index arithmetic: a change here must be made there too (CudaSourcesTest checks
// the launch constants; the model's tests check the arithmetic on hand-counted cases).
//
// Loads are plain ld.global (no __restrict__, no __ldg): on Maxwell they bypass L1 and go to the L2 in 32-byte
// sectors, which is what the model counts.

#define SGEMM_BM 64
#define SGEMM_BN 64
#define SGEMM_BK 16
#define SGEMM_THREADS 256
#define SCALAR_THREADS 128
#define SCALAR_COLS 8
#define VECTOR_THREADS 128
#define VECTOR_COLS_PER_LANE 8
#define GCSR_THREADS 128
#define GCSR_COLS_PER_LANE 8
#define GCSR_STAGE 1024
#define NM_THREADS 128
#define NM_COLS_PER_LANE 8

#define FULL_MASK 0xffffffffu

// Dense reference: 64×64 tiles of C per block of 256 threads (a 4×4 micro-tile each), K in steps of 16, both
// operand tiles staged in shared memory with coalesced loads. Grid (ceil(M/64), ceil(N/64)).
extern "C" __global__ void sgemm_tiled(int M, int K, int N, const float *W, const float *X, float *C) {
    __shared__ float ws[SGEMM_BM][SGEMM_BK + 1];
    __shared__ float xs[SGEMM_BK][SGEMM_BN];
    int tid = threadIdx.x, ty = tid / 16, tx = tid % 16;
    int m0 = blockIdx.x * SGEMM_BM, n0 = blockIdx.y * SGEMM_BN;
    float acc[4][4];
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) acc[i][j] = 0.f;
    for (int k0 = 0; k0 < K; k0 += SGEMM_BK) {
#pragma unroll
        for (int i = 0; i < SGEMM_BM * SGEMM_BK / SGEMM_THREADS; i++) {
            int e = tid + SGEMM_THREADS * i, row = e / SGEMM_BK, col = e % SGEMM_BK;
            ws[row][col] = (m0 + row < M && k0 + col < K) ? W[(size_t)(m0 + row) * K + k0 + col] : 0.f;
        }
#pragma unroll
        for (int i = 0; i < SGEMM_BK * SGEMM_BN / SGEMM_THREADS; i++) {
            int e = tid + SGEMM_THREADS * i, row = e / SGEMM_BN, col = e % SGEMM_BN;
            xs[row][col] = (k0 + row < K && n0 + col < N) ? X[(size_t)(k0 + row) * N + n0 + col] : 0.f;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < SGEMM_BK; kk++) {
            float a[4], b[4];
#pragma unroll
            for (int i = 0; i < 4; i++) a[i] = ws[ty * 4 + i][kk];
#pragma unroll
            for (int j = 0; j < 4; j++) b[j] = xs[kk][tx + 16 * j];
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] += a[i] * b[j];
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) {
            int r = m0 + ty * 4 + i, c = n0 + tx + 16 * j;
            if (r < M && c < N) C[(size_t)r * N + c] = acc[i][j];
        }
}

// CSR, a thread per row (rows in natural order): SCALAR_COLS columns of C per pass in registers. Lanes of a warp
// read different rows, so their loads of values, indices and X scatter. Grid ceil(M / SCALAR_THREADS).
extern "C" __global__ void csr_spmm_scalar(int M, int N, const int *row_ptr, const int *col_idx, const float *values,
                                           const float *X, float *C) {
    int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= M) return;
    int start = row_ptr[r], end = row_ptr[r + 1];
    for (int c0 = 0; c0 < N; c0 += SCALAR_COLS) {
        float acc[SCALAR_COLS];
#pragma unroll
        for (int cc = 0; cc < SCALAR_COLS; cc++) acc[cc] = 0.f;
        for (int p = start; p < end; p++) {
            float v = values[p];
            int j = col_idx[p];
            const float *xr = X + (size_t)j * N + c0;
#pragma unroll
            for (int cc = 0; cc < SCALAR_COLS; cc++)
                if (c0 + cc < N) acc[cc] += v * xr[cc];
        }
#pragma unroll
        for (int cc = 0; cc < SCALAR_COLS; cc++)
            if (c0 + cc < N) C[(size_t)r * N + c0 + cc] = acc[cc];
    }
}

// CSR, a subwarp of `sub` lanes per row (sub = the power of two >= N, at most 32), rows taken in row_order (sorted
// by length, longest first, so the rows of a warp have about the same length): the subwarp loads `sub` (value,
// column) pairs coalesced, broadcasts each by a shuffle, and its lanes read that row of X at columns
// c0 + lane + sub·cc, VECTOR_COLS_PER_LANE per lane per pass. Grid ceil(M · sub / VECTOR_THREADS).
extern "C" __global__ void csr_spmm_vector(int M, int N, int sub, const int *row_order, const int *row_ptr,
                                           const int *col_idx, const float *values, const float *X, float *C) {
    int lane = threadIdx.x & 31;
    int sl = lane & (sub - 1);
    int first = lane - sl;
    int sw = (blockIdx.x * blockDim.x + threadIdx.x) / sub;
    bool has = sw < M;
    int r = 0;
    if (has && sl == 0) r = row_order[sw];
    r = __shfl_sync(FULL_MASK, r, first);
    int start = 0, end = 0;
    if (sub > 1) {
        int pv = 0;
        if (has && sl < 2) pv = row_ptr[r + sl];
        start = __shfl_sync(FULL_MASK, pv, first);
        end = __shfl_sync(FULL_MASK, pv, first + 1);
    } else if (has) {
        start = row_ptr[r];
        end = row_ptr[r + 1];
    }
    int len = end - start;
    int maxTiles = (len + sub - 1) / sub;
    for (int o = 16; o > 0; o >>= 1) maxTiles = max(maxTiles, __shfl_xor_sync(FULL_MASK, maxTiles, o));
    for (int c0 = 0; c0 < N; c0 += sub * VECTOR_COLS_PER_LANE) {
        float acc[VECTOR_COLS_PER_LANE];
#pragma unroll
        for (int cc = 0; cc < VECTOR_COLS_PER_LANE; cc++) acc[cc] = 0.f;
        for (int t = 0; t < maxTiles; t++) {
            int p = start + t * sub + sl;
            float v = 0.f;
            int j = 0;
            if (p < end) {
                v = values[p];
                j = col_idx[p];
            }
            for (int tt = 0; tt < sub; tt++) {
                float vt = __shfl_sync(FULL_MASK, v, first + tt);
                int jt = __shfl_sync(FULL_MASK, j, first + tt);
                if (t * sub + tt < len) {
                    const float *xr = X + (size_t)jt * N + c0 + sl;
#pragma unroll
                    for (int cc = 0; cc < VECTOR_COLS_PER_LANE; cc++)
                        if (c0 + sl + cc * sub < N) acc[cc] += vt * xr[cc * sub];
                }
            }
        }
#pragma unroll
        for (int cc = 0; cc < VECTOR_COLS_PER_LANE; cc++) {
            int c = c0 + sl + cc * sub;
            if (has && c < N) C[(size_t)r * N + c] = acc[cc];
        }
    }
}

// Grouped CSR (group size g: one index per group of g contiguous values, group j covering columns j·g … j·g+g-1),
// a warp per row, rows in row_order (by kept groups, most first). Group indices are loaded 32 at a time and values
// 32 at a time from the row's contiguous value range, both broadcast by shuffles. For each group the warp stages
// its rows of X — width × ncols floats, one contiguous run when a pass covers all N columns — in shared memory with
// coalesced loads (GCSR_STAGE floats at most at a time), then each lane accumulates its columns.
// Grid ceil(M · 32 / GCSR_THREADS).
extern "C" __global__ void gcsr_spmm(int M, int K, int N, int g, const int *row_order, const int *group_ptr,
                                     const int *group_idx, const float *values, const float *X, float *C) {
    __shared__ float stage[GCSR_THREADS / 32][GCSR_STAGE];
    int lane = threadIdx.x & 31;
    int w = (blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    if (w >= M) return;  // the whole warp leaves together
    float *sh = stage[threadIdx.x >> 5];
    int r = 0;
    if (lane == 0) r = row_order[w];
    r = __shfl_sync(FULL_MASK, r, 0);
    int pv = 0;
    if (lane < 2) pv = group_ptr[r + lane];
    int p0 = __shfl_sync(FULL_MASK, pv, 0), p1 = __shfl_sync(FULL_MASK, pv, 1);
    long long vbase = (long long)p0 * g, vend = (long long)p1 * g;
    for (int c0 = 0; c0 < N; c0 += 32 * GCSR_COLS_PER_LANE) {
        int ncols = min(32 * GCSR_COLS_PER_LANE, N - c0);
        int sr = max(1, GCSR_STAGE / ncols);
        float acc[GCSR_COLS_PER_LANE];
#pragma unroll
        for (int cc = 0; cc < GCSR_COLS_PER_LANE; cc++) acc[cc] = 0.f;
        long long vt = -1;
        float vreg = 0.f;
        int jreg = 0;
        for (int q = p0; q < p1; q++) {
            if (((q - p0) & 31) == 0) {
                jreg = 0;
                if (q + lane < p1) jreg = group_idx[q + lane];
            }
            int jg = __shfl_sync(FULL_MASK, jreg, (q - p0) & 31);
            int width = min(g, K - jg * g);
            for (int s0 = 0; s0 < width; s0 += sr) {
                int rows = min(sr, width - s0), total = rows * ncols;
                long long x0 = (long long)jg * g + s0;
                __syncwarp();
                for (int e = lane; e < total; e += 32) sh[e] = X[(x0 + e / ncols) * N + c0 + e % ncols];
                __syncwarp();
                for (int s = s0; s < s0 + rows; s++) {
                    long long vi = (long long)q * g + s;
                    if (vt < 0 || vi >= vt + 32) {
                        vt = vi - (vi - vbase) % 32;
                        vreg = 0.f;
                        if (vt + lane < vend) vreg = values[vt + lane];
                    }
                    float v = __shfl_sync(FULL_MASK, vreg, (int)(vi - vt));
                    const float *xs = sh + (s - s0) * ncols;
#pragma unroll
                    for (int cc = 0; cc < GCSR_COLS_PER_LANE; cc++) {
                        int c = lane + 32 * cc;
                        if (c < ncols) acc[cc] += v * xs[c];
                    }
                }
            }
        }
#pragma unroll
        for (int cc = 0; cc < GCSR_COLS_PER_LANE; cc++) {
            int c = lane + 32 * cc;
            if (c < ncols) C[(size_t)r * N + c0 + c] = acc[cc];
        }
    }
}

// N:M (at most nn of every mm consecutive weights of a row kept, windows at column multiples of mm): a warp per row,
// every row holding S = windows · nn slots. Slot s of row r is values[r·S + s], at column (s / nn)·mm + its position,
// `bits` = ceil(log2 mm) bits at bit (r·S + s)·bits of meta, least significant bit first. Values are loaded 32 slots
// at a time (coalesced), with two byte loads of meta per slot (its bits may straddle a byte), broadcast by
// shuffles; the lanes then read the slot's row of X as csr_spmm_vector does. Grid ceil(M · 32 / NM_THREADS).
extern "C" __global__ void nm_spmm(int M, int N, int nn, int mm, int bits, int windows, long long metaLen,
                                   const float *values, const unsigned char *meta, const float *X, float *C) {
    int lane = threadIdx.x & 31;
    int r = (blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    if (r >= M) return;  // the whole warp leaves together
    long long S = (long long)windows * nn, base = (long long)r * S;
    for (int c0 = 0; c0 < N; c0 += 32 * NM_COLS_PER_LANE) {
        float acc[NM_COLS_PER_LANE];
#pragma unroll
        for (int cc = 0; cc < NM_COLS_PER_LANE; cc++) acc[cc] = 0.f;
        for (long long t = 0; t < S; t += 32) {
            long long s = t + lane;
            float v = 0.f;
            int col = 0;
            if (s < S) {
                v = values[base + s];
                int pos = 0;
                if (bits > 0) {
                    long long bit = (base + s) * bits, byte = bit >> 3;
                    unsigned int lo = meta[byte];
                    unsigned int hi = byte + 1 < metaLen ? meta[byte + 1] : 0u;
                    pos = (int)(((lo | (hi << 8)) >> (bit & 7)) & ((1u << bits) - 1u));
                }
                col = (int)(s / nn) * mm + pos;
            }
            int cnt = (int)min((long long)32, S - t);
            for (int tt = 0; tt < cnt; tt++) {
                float vt = __shfl_sync(FULL_MASK, v, tt);
                int ct = __shfl_sync(FULL_MASK, col, tt);
                const float *xr = X + (size_t)ct * N + c0 + lane;
#pragma unroll
                for (int cc = 0; cc < NM_COLS_PER_LANE; cc++)
                    if (c0 + lane + 32 * cc < N) acc[cc] += vt * xr[32 * cc];
            }
        }
#pragma unroll
        for (int cc = 0; cc < NM_COLS_PER_LANE; cc++) {
            int c = c0 + lane + 32 * cc;
            if (c < N) C[(size_t)r * N + c] = acc[cc];
        }
    }
}
