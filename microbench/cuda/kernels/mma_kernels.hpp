#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

#include "microbench/cuda/kernel_catalog.hpp"
#include "microbench/cuda/kernels/clock_probe.hpp"

namespace rafter::cuda {

/// Launches the mma.sync kernel of `op` on `blocks` blocks of mma_threads_per_block threads.
/// `fragments`: 32 lanes x mma_fragment_words register words (A, B, -B, scales of A and B), the
/// same tile for every warp. `d0`/`d_out`: per warp, mma_chains accumulator tiles of 32 lanes x 4 values (fp32, or
/// int32 for int8), indexed ((warp * mma_chains + chain) * 32 + lane) * 4 + e. Each warp runs
/// `outer` trips of D += A*B, D += A*(-B) on every chain, then one closing D += A*B.
/// The fp8 kernel exists only in code built for sm_89 and newer, the fp4 kernel only in code built
/// for sm_120f (each traps elsewhere).
cudaError_t launch_mma_kernel(mma_op op, int blocks, const std::uint32_t* fragments, const void* d0, void* d_out,
                              int outer, clock_probe* probe, cudaStream_t stream);

/// cudaSuccess when the current device has an image of the kernel of `op`; otherwise the error
/// cudaFuncGetAttributes gives (cudaErrorNoKernelImageForDevice, ...).
cudaError_t mma_kernel_available(mma_op op);

cudaError_t mma_kernel_occupancy(mma_op op, int* blocks_per_sm);

/// The fp4 kernel (mma_fp4_kernels.cu, sm_120f), for the launchers above.
const void* mma_fp4_kernel();

}  // namespace rafter::cuda
