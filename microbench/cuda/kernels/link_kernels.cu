#include "microbench/cuda/kernels/link_kernels.hpp"

#include "microbench/cuda/kernels/device_clock.cuh"

namespace {

constexpr int link_unroll = 4;

}  // namespace

extern "C" __global__ void __launch_bounds__(rafter::cuda::link_threads_per_block)
    rafter_link_copy_kernel(const int4* __restrict__ src, int4* __restrict__ dst, std::size_t n) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  for (; i + (link_unroll - 1) * stride < n; i += link_unroll * stride) {
    int4 v[link_unroll];
#pragma unroll
    for (int u = 0; u < link_unroll; ++u) v[u] = __ldcg(src + i + u * stride);
#pragma unroll
    for (int u = 0; u < link_unroll; ++u) __stcg(dst + i + u * stride, v[u]);
  }
  for (; i < n; i += stride) __stcg(dst + i, __ldcg(src + i));
}

extern "C" __global__ void __launch_bounds__(32)
    rafter_stream_gate_kernel(rafter::cuda::gate_state* gate, std::uint64_t timeout_ns) {
  volatile rafter::cuda::gate_state* g = gate;  // ld.volatile (relaxed, system scope): sees the host's store
  const std::uint64_t start = rafter::cuda::global_ns();
  while (g->open == 0) {
    if (rafter::cuda::global_ns() - start > timeout_ns) {
      g->timed_out = 1;
      __threadfence_system();
      return;
    }
  }
}

namespace rafter::cuda {

cudaError_t launch_stream_gate(gate_state* gate, std::uint64_t timeout_ns, cudaStream_t stream) {
  rafter_stream_gate_kernel<<<1, 1, 0, stream>>>(gate, timeout_ns);
  return cudaGetLastError();
}

cudaError_t launch_link_copy(int blocks, const void* src, void* dst, std::size_t vectors, cudaStream_t stream) {
  rafter_link_copy_kernel<<<blocks, link_threads_per_block, 0, stream>>>(static_cast<const int4*>(src),
                                                                          static_cast<int4*>(dst), vectors);
  return cudaGetLastError();
}

cudaError_t link_copy_occupancy(int* blocks_per_sm) {
  return cudaOccupancyMaxActiveBlocksPerMultiprocessor(blocks_per_sm, rafter_link_copy_kernel, link_threads_per_block, 0);
}

}  // namespace rafter::cuda
