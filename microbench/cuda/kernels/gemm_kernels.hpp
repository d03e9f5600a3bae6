#pragma once

#include <cstddef>
#include <cstdint>

#include <cuda_runtime_api.h>

#include "microbench/cuda/gemm_reference.hpp"

namespace rafter::cuda {

/// Writes gemm_input_bits(precision, seed, i) to element i (0 .. count-1) of `out`, an array of
/// info(precision).input_bytes-byte elements: the random GEMM operands, generated on the GPU.
cudaError_t launch_gemm_fill(gemm_precision precision, void* out, std::size_t count, std::uint64_t seed,
                             cudaStream_t stream);

}  // namespace rafter::cuda
