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
    const std::uint64_t ns = global_ns();
    const auto cycles = static_cast<std::uint64_t>(clock64());
    *reinterpret_cast<ulonglong2*>(&probe->start_cycles) = make_ulonglong2(cycles, ns);
  }
}

__device__ __forceinline__ void probe_end(clock_probe* probe) {
  if (probe != nullptr && probe_thread()) {
    const auto cycles = static_cast<std::uint64_t>(clock64());
    const std::uint64_t ns = global_ns();
    *reinterpret_cast<ulonglong2*>(&probe->end_cycles) = make_ulonglong2(cycles, ns);
  }
}

}  // namespace rafter::cuda
