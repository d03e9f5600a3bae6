// The tcgen05 kind::i8 kernel: that kind exists on sm_100a and sm_110a alone (not in the sm_100f
// family, so not on a B300), so this file is compiled for those two only (cmake:
// rafter_cuda_tcgen05_int8).

#include <cstdint>

#include "microbench/cuda/kernels/tcgen05_kernels.hpp"

#if defined(__CUDA_ARCH__) && (defined(__CUDA_ARCH_FEAT_SM100_ALL) || defined(__CUDA_ARCH_FEAT_SM110_ALL))
#define RAFTER_HAVE_TCGEN05 1
#endif

#include "microbench/cuda/kernels/tcgen05_body.cuh"

extern "C" {
RAFTER_TCGEN05_KERNEL(rafter_tcgen05_int8_kernel, i8)
}

namespace rafter::cuda {

const void* tcgen05_int8_kernel() { return reinterpret_cast<const void*>(&rafter_tcgen05_int8_kernel); }

}  // namespace rafter::cuda
