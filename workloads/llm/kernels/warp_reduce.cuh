#pragma once

// Device-side reductions shared by the workload's kernels (included by .cu files only).

namespace rafter::llm {

inline constexpr unsigned full_warp_mask = 0xffffffffu;

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_xor_sync(full_warp_mask, v, offset);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2) v = fmaxf(v, __shfl_xor_sync(full_warp_mask, v, offset));
  return v;
}

/// Sum over a block of `Threads` threads (a multiple of 32); every thread gets the total.
/// `scratch` holds Threads / 32 floats of shared memory.
template <int Threads>
__device__ __forceinline__ float block_sum(float v, float* scratch) {
  const int lane = static_cast<int>(threadIdx.x) % 32;
  const int warp = static_cast<int>(threadIdx.x) / 32;
  v = warp_sum(v);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  float total = 0.0f;
#pragma unroll
  for (int w = 0; w < Threads / 32; ++w) total += scratch[w];
  return total;
}

}  // namespace rafter::llm
