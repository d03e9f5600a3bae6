#pragma once

#include <cstddef>
#include <cstdint>

#include <cuda_runtime_api.h>

#include "microbench/cuda/kernel_catalog.hpp"
#include "microbench/cuda/kernels/clock_probe.hpp"

namespace rafter::cuda {

/// Launches the tcgen05 kernel of `op` (built for sm_100f and sm_110f only; int8 for sm_100a and
/// sm_110a) on `blocks` blocks of tcgen05_threads_per_block threads, each with `padding_bytes` of
/// dynamic shared memory that no thread touches (it bounds how many blocks share an SM).
/// `a_image`/`b_image`: the A (128 x K) and B (256 x K) tiles in the kmajor_smem_offset byte layout
/// (4 KiB and 8 KiB), the same for every block; fp4 scales them by 1.0. `d0`/`d_out`: per block the
/// 128 x 256 accumulator as 32-bit words (fp32; int32 for int8), element (row, col) of block b at
/// (b * 256 + col) * 128 + row. Thread 0 of each block issues `outer`
/// trips of tcgen05_group D += A*B^T and tcgen05_group D += A*(-B)^T, then one closing D += A*B^T;
/// `idesc_plus`/`idesc_minus` are the instruction descriptors of the two (tensor_descriptors.hpp).
cudaError_t launch_tcgen05_kernel(tcgen05_op op, int blocks, std::size_t padding_bytes, const void* a_image,
                                  const void* b_image, const std::uint32_t* d0, std::uint32_t* d_out, int outer,
                                  std::uint32_t idesc_plus, std::uint32_t idesc_minus, clock_probe* probe,
                                  cudaStream_t stream);

/// cudaSuccess when the current device can run the tcgen05 kernel of `op` (an sm_100f/sm_110f image,
/// or sm_100a/sm_110a for int8, exists for it); otherwise the error cudaFuncGetAttributes gives
/// (cudaErrorNoKernelImageForDevice, ...).
cudaError_t tcgen05_kernel_available(tcgen05_op op);

/// Allows `padding_bytes` of dynamic shared memory for the kernel of `op`, prefers the largest
/// shared-memory carveout, and reports how many of its blocks fit on one SM with them.
cudaError_t tcgen05_kernel_occupancy(tcgen05_op op, std::size_t padding_bytes, int* blocks_per_sm);

/// The int8 kernel (tcgen05_int8_kernels.cu, sm_100a and sm_110a), for the launchers above.
const void* tcgen05_int8_kernel();

}  // namespace rafter::cuda
