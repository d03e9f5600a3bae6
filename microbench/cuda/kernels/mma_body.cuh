#pragma once

// The mma.sync ceiling kernel's body, shared by the files that build it for their targets
// (mma_kernels.cu: the main architecture list; mma_fp4_kernels.cu: sm_120f, where the block-scaled
// kinds exist). Device code only.

#include <cstdint>

#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/kernels/clock_probe.hpp"
#include "microbench/cuda/kernels/device_clock.cuh"

namespace rafter::cuda {

namespace {

/// Every warp keeps mma_chains accumulator tiles, all from D0, and runs `outer` trips of
/// D += A*B, D += A*(-B) on each, then one closing D += A*B. `Op::step(d, a, b0, b1, scale_a,
/// scale_b)` is one tensor-core instruction D = A*B + D with its fragments in registers; the
/// unscaled kinds ignore the scale words. Fragment words per lane: A[4], B[2], -B[2], scales of A
/// and of B (kernel_counts.hpp: mma_fragment_words).
template <typename Op>
__device__ __forceinline__ void mma_body(const std::uint32_t* __restrict__ fragments,
                                         const typename Op::acc* __restrict__ d0, typename Op::acc* __restrict__ d_out,
                                         int outer, clock_probe* probe) {
  const int lane = static_cast<int>(threadIdx.x & 31);
  const std::size_t warp = (static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
  const std::uint32_t* f = fragments + lane * mma_fragment_words;
  const std::uint32_t a[4] = {f[0], f[1], f[2], f[3]};
  const std::uint32_t b0 = f[4], b1 = f[5], nb0 = f[6], nb1 = f[7], scale_a = f[8], scale_b = f[9];
  typename Op::acc d[mma_chains][4];
#pragma unroll
  for (int c = 0; c < mma_chains; ++c) {
#pragma unroll
    for (int e = 0; e < 4; ++e) d[c][e] = d0[((warp * mma_chains + c) * 32 + lane) * 4 + e];
  }
  probe_begin(probe);
  for (int i = 0; i < outer; ++i) {
#pragma unroll
    for (int c = 0; c < mma_chains; ++c) Op::step(d[c], a, b0, b1, scale_a, scale_b);
#pragma unroll
    for (int c = 0; c < mma_chains; ++c) Op::step(d[c], a, nb0, nb1, scale_a, scale_b);
  }
#pragma unroll
  for (int c = 0; c < mma_chains; ++c) Op::step(d[c], a, b0, b1, scale_a, scale_b);
  probe_end(probe);
#pragma unroll
  for (int c = 0; c < mma_chains; ++c) {
#pragma unroll
    for (int e = 0; e < 4; ++e) d_out[((warp * mma_chains + c) * 32 + lane) * 4 + e] = d[c][e];
  }
}

}  // namespace

}  // namespace rafter::cuda

/// RAFTER_MMA_KERNEL(name, op): the extern "C" kernel `name` around mma_body<op>.
#define RAFTER_MMA_KERNEL(name, op)                                                                          \
  __global__ void __launch_bounds__(rafter::cuda::mma_threads_per_block)                                     \
      name(const std::uint32_t* fragments, const op::acc* d0, op::acc* d_out, int outer,                     \
           rafter::cuda::clock_probe* probe) {                                                                \
    rafter::cuda::mma_body<op>(fragments, d0, d_out, outer, probe);                                          \
  }
