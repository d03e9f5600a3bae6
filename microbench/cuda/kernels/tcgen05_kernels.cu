#include "microbench/cuda/kernels/tcgen05_kernels.hpp"

#include <cstdint>

// Compiled for sm_100f and sm_110f only (cmake: rafter_cuda_tcgen05): the family-specific features
// of the sm_100 family (B200 sm_100, B300 sm_103) and of Thor (sm_110) include tcgen05. Elsewhere
// the kernels trap. (An sm_103 target of its own, if ever added, reports family 1030 and has
// tcgen05 too.)
#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FAMILY_SPECIFIC__) &&                \
    (__CUDA_ARCH_FAMILY_SPECIFIC__ == 1000 || __CUDA_ARCH_FAMILY_SPECIFIC__ == 1030 || \
     __CUDA_ARCH_FAMILY_SPECIFIC__ == 1100)
#define RAFTER_HAVE_TCGEN05 1
#endif

#include "microbench/cuda/kernels/kernel_launch.hpp"
#include "microbench/cuda/kernels/tcgen05_body.cuh"

extern "C" {

RAFTER_TCGEN05_KERNEL(rafter_tcgen05_bf16_kernel, f16)
RAFTER_TCGEN05_KERNEL(rafter_tcgen05_fp16_kernel, f16)
RAFTER_TCGEN05_KERNEL(rafter_tcgen05_tf32_kernel, tf32)
RAFTER_TCGEN05_KERNEL(rafter_tcgen05_fp8_kernel, f8f6f4)
RAFTER_TCGEN05_KERNEL(rafter_tcgen05_fp4_kernel, mxf4nvf4)

#undef RAFTER_TCGEN05_KERNEL
#undef RAFTER_TCGEN05_BODY

}  // extern "C"

namespace rafter::cuda {

namespace {

const void* kernel_of(tcgen05_op op) {
  switch (op) {
    case tcgen05_op::bf16: return reinterpret_cast<const void*>(&rafter_tcgen05_bf16_kernel);
    case tcgen05_op::fp16: return reinterpret_cast<const void*>(&rafter_tcgen05_fp16_kernel);
    case tcgen05_op::tf32: return reinterpret_cast<const void*>(&rafter_tcgen05_tf32_kernel);
    case tcgen05_op::fp8: return reinterpret_cast<const void*>(&rafter_tcgen05_fp8_kernel);
    case tcgen05_op::fp4: return reinterpret_cast<const void*>(&rafter_tcgen05_fp4_kernel);
    case tcgen05_op::int8: return tcgen05_int8_kernel();
  }
  return nullptr;
}

}  // namespace

cudaError_t launch_tcgen05_kernel(tcgen05_op op, int blocks, std::size_t padding_bytes, const void* a_image,
                                  const void* b_image, const std::uint32_t* d0, std::uint32_t* d_out, int outer,
                                  std::uint32_t idesc_plus, std::uint32_t idesc_minus, clock_probe* probe,
                                  cudaStream_t stream) {
  void* args[] = {&a_image, &b_image, &d0, &d_out, &outer, &idesc_plus, &idesc_minus, &probe};
  return launch_kernel(kernel_of(op), blocks, tcgen05_threads_per_block, args, padding_bytes, stream);
}

cudaError_t tcgen05_kernel_available(tcgen05_op op) { return kernel_image_status(kernel_of(op)); }

cudaError_t tcgen05_kernel_occupancy(tcgen05_op op, std::size_t padding_bytes, int* blocks_per_sm) {
  const void* kernel = kernel_of(op);
  if (const cudaError_t status = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                      static_cast<int>(padding_bytes));
      status != cudaSuccess) {
    return status;
  }
  // The occupancy query models residency only; the carveout the driver picks at launch must hold
  // the blocks it counts.
  if (const cudaError_t status = cudaFuncSetAttribute(kernel, cudaFuncAttributePreferredSharedMemoryCarveout,
                                                      cudaSharedmemCarveoutMaxShared);
      status != cudaSuccess) {
    return status;
  }
  return cudaOccupancyMaxActiveBlocksPerMultiprocessor(blocks_per_sm, kernel, tcgen05_threads_per_block, padding_bytes);
}

}  // namespace rafter::cuda
