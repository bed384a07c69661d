// Calibration kernels of the GPU check (dev.prunebench.kernels.cuda.GpuCheck): compiled to calib.ptx (compute_75) by
//   nvcc -ptx -arch=compute_75 -O3 -o ../resources/dev/prunebench/kernels/cuda/calib.ptx calib.cu
// and committed beside spmm.ptx.

// Nothing: one launch of it is the launch overhead the check compares every kernel's time with.
extern "C" __global__ void empty_kernel() {}

// Reads n4 float4 of a buffer `reps` times through L2 only (ld.global.cg bypasses L1): with a buffer well inside
// the L2, bytes / time is the L2 load bandwidth the memory-access model's presets estimate.
extern "C" __global__ void l2_stream(const float4 *__restrict__ a, long long n4, int reps, float *out) {
    float acc = 0.f;
    long long stride = (long long) gridDim.x * blockDim.x;
    for (int r = 0; r < reps; r++)
        for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n4; i += stride) {
            float4 v = __ldcg(a + i);
            acc += v.x + v.y + v.z + v.w;
        }
    if (acc == 1234567.f) out[0] = acc;  // never true for the zeroed buffer; keeps the loads
}
