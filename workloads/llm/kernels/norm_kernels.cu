#include "workloads/llm/kernels/norm_kernels.hpp"

#include "workloads/llm/kernels/warp_reduce.cuh"

namespace rafter::llm {

// Named (not anonymous) so that traces show stable names: rafter::llm::kernels::<kernel>.
namespace kernels {

constexpr int rmsnorm_threads = 256;

__global__ void __launch_bounds__(rmsnorm_threads)
    rmsnorm_kernel(const __nv_bfloat16* __restrict__ x, long long x_row_stride, const __nv_bfloat16* __restrict__ gain,
                   __nv_bfloat16* __restrict__ y, int cols, float eps) {
  __shared__ float partial[rmsnorm_threads / 32];
  const __nv_bfloat16* xr = x + static_cast<long long>(blockIdx.x) * x_row_stride;
  __nv_bfloat16* yr = y + static_cast<long long>(blockIdx.x) * cols;
  float sum_sq = 0.0f;
  for (int i = static_cast<int>(threadIdx.x); i < cols; i += rmsnorm_threads) {
    const float v = __bfloat162float(xr[i]);
    sum_sq += v * v;
  }
  const float total = block_sum<rmsnorm_threads>(sum_sq, partial);
  const float inv = rsqrtf(total / static_cast<float>(cols) + eps);
  for (int i = static_cast<int>(threadIdx.x); i < cols; i += rmsnorm_threads) {
    yr[i] = __float2bfloat16(__bfloat162float(xr[i]) * inv * __bfloat162float(gain[i]));
  }
}

}  // namespace kernels

cudaError_t launch_rmsnorm(const __nv_bfloat16* x, long long x_row_stride, const __nv_bfloat16* gain, __nv_bfloat16* y,
                           int rows, int cols, float eps, cudaStream_t stream) {
  kernels::rmsnorm_kernel<<<rows, kernels::rmsnorm_threads, 0, stream>>>(x, x_row_stride, gain, y, cols, eps);
  return cudaGetLastError();
}

}  // namespace rafter::llm
