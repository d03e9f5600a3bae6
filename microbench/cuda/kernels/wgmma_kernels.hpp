#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

#include "microbench/cuda/kernel_catalog.hpp"
#include "microbench/cuda/kernels/clock_probe.hpp"

namespace rafter::cuda {

/// Launches the wgmma kernel of `op` (built for sm_90a only) on `blocks` blocks of one warpgroup
/// (wgmma_threads_per_block threads). `a_image`/`b_image`: the A (64 x K) and B (256 x K) tiles
/// already in the shared-memory byte layout of kmajor_smem_offset (2 KiB and 8 KiB), the same for
/// every block. `d0`/`d_out`: per block 128 registers x 128 threads of fp32, indexed
/// (block * 128 + reg) * 128 + thread. Each warpgroup runs `outer` trips of wgmma_group
/// D += A*B^T and wgmma_group D += A*(-B)^T, then one closing D += A*B^T.
cudaError_t launch_wgmma_kernel(wgmma_op op, int blocks, const void* a_image, const void* b_image, const float* d0,
                                float* d_out, int outer, clock_probe* probe, cudaStream_t stream);

/// cudaSuccess when the current device can run the wgmma kernels (an sm_90a image exists for it);
/// otherwise the error cudaFuncGetAttributes gives (cudaErrorNoKernelImageForDevice, ...).
cudaError_t wgmma_kernels_available();

cudaError_t wgmma_kernel_occupancy(wgmma_op op, int* blocks_per_sm);

}  // namespace rafter::cuda
