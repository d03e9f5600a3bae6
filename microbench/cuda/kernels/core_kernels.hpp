#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

#include "microbench/cuda/kernel_catalog.hpp"
#include "microbench/cuda/kernels/clock_probe.hpp"

namespace rafter::cuda {

/// Launches the CUDA-core FMA kernel of `op` on `blocks` blocks of core_threads_per_block threads.
/// `in` and `out` hold core_chains values per thread (8 bytes each for fp64, 4 otherwise); `b` and
/// `c` are the recurrence constants as raw bits (see core_inputs). Each thread runs
/// outer * core_unroll steps of a = a*b + c on each chain. `probe` may be null.
/// Returns the launch status (cudaGetLastError after the launch).
cudaError_t launch_core_kernel(core_op op, int blocks, const void* in, void* out, std::uint64_t b, std::uint64_t c,
                               int outer, clock_probe* probe, cudaStream_t stream);

/// Resident blocks per SM of the kernel of `op` (cudaOccupancyMaxActiveBlocksPerMultiprocessor).
cudaError_t core_kernel_occupancy(core_op op, int* blocks_per_sm);

}  // namespace rafter::cuda
