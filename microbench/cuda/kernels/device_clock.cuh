#pragma once
// Device-side helpers shared by the kernel files (CUDA only).

#include <cstdint>

#include "microbench/cuda/kernels/clock_probe.hpp"

namespace rafter::cuda {

__device__ __forceinline__ std::uint64_t global_ns() {
  std::uint64_t t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}

__device__ __forceinline__ bool probe_thread() { return blockIdx.x == 0 && threadIdx.x == 0; }

__device__ __forceinline__ void probe_begin(clock_probe* probe) {
  if (probe != nullptr && probe_thread()) {
    probe->start_ns = global_ns();
    probe->start_cycles = static_cast<std::uint64_t>(clock64());
  }
}

__device__ __forceinline__ void probe_end(clock_probe* probe) {
  if (probe != nullptr && probe_thread()) {
    probe->end_cycles = static_cast<std::uint64_t>(clock64());
    probe->end_ns = global_ns();
  }
}

}  // namespace rafter::cuda
