// The block-scaled fp4 mma.sync kernel (NVFP4: kind::mxf4nvf4, e2m1 with an e4m3 scale per 16
// values of K). ptxas accepts that kind for the sm_120 family (sm_120f: RTX 50, RTX PRO 6000
// Blackwell; sm_121f: GB10) and rejects it for sm_90a, sm_100a/f and sm_110f, so this file is
// compiled for sm_120f alone (cmake: rafter_cuda_mma_fp4). Elsewhere the kernel traps.

#include <cstdint>

#include "microbench/cuda/kernels/mma_body.cuh"
#include "microbench/cuda/kernels/mma_kernels.hpp"

namespace rafter::cuda {

namespace {

struct mma_fp4 {
  using acc = float;
  /// D = A*B + D, each product scaled by the scales of its K block: byte j of `scale_a` (the same
  /// word in every lane) for A, of `scale_b` for B. Byte and thread selectors 0, as immediates
  /// (ptxas checks their range).
  __device__ __forceinline__ static void step(float (&d)[4], const std::uint32_t (&a)[4], std::uint32_t b0,
                                              std::uint32_t b1, std::uint32_t scale_a, std::uint32_t scale_b) {
#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FAMILY_SPECIFIC__) && \
    (__CUDA_ARCH_FAMILY_SPECIFIC__ == 1200 || __CUDA_ARCH_FAMILY_SPECIFIC__ == 1210)
    asm("mma.sync.aligned.m16n8k64.row.col.kind::mxf4nvf4.block_scale.scale_vec::4X.f32.e2m1.e2m1.f32.ue4m3 "
        "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3}, %10, {0, 0}, %11, {0, 0};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1), "r"(scale_a), "r"(scale_b));
#else
    (void)d, (void)a, (void)b0, (void)b1, (void)scale_a, (void)scale_b;
    __trap();  // The host launches this kernel only where an sm_120f image exists (mma_kernel_available).
#endif
  }
};

}  // namespace

}  // namespace rafter::cuda

extern "C" {
RAFTER_MMA_KERNEL(rafter_mma_fp4_kernel, rafter::cuda::mma_fp4)
}

namespace rafter::cuda {

const void* mma_fp4_kernel() { return reinterpret_cast<const void*>(&rafter_mma_fp4_kernel); }

}  // namespace rafter::cuda
