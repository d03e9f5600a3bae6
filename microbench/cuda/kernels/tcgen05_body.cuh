#pragma once

// The tcgen05 ceiling kernel's body, shared by the files that build it for their targets
// (tcgen05_kernels.cu: sm_100f, sm_110f; tcgen05_int8_kernels.cu: sm_100a, sm_110a, where kind::i8
// exists). Each defines RAFTER_HAVE_TCGEN05 where its target has the instructions it uses, then
// includes this. Device code only.

#include <cstdint>

#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/kernels/clock_probe.hpp"
#include "microbench/cuda/kernels/device_clock.cuh"
#include "microbench/cuda/tensor_descriptors.hpp"

namespace rafter::cuda {

namespace {

#if defined(RAFTER_HAVE_TCGEN05)

enum class mma_kind { f16, tf32, f8f6f4, mxf4nvf4, i8 };

/// D[tmem] += A*B^T (or A*(-B)^T, by the instruction descriptor), issued by the calling thread
/// alone; the MMAs one thread issues run in issue order. mxf4nvf4 scales A and B by the factors at
/// the tensor-memory addresses `scale_a` and `scale_b` (the other kinds ignore them).
template <mma_kind Kind>
__device__ __forceinline__ void tcgen05_mma(std::uint32_t d_tmem, std::uint64_t desc_a, std::uint64_t desc_b,
                                            std::uint32_t idesc, std::uint32_t scale_a, std::uint32_t scale_b) {
  // The unscaled kinds differ only in the kind's name (the instruction text must be a literal).
#define RAFTER_TCGEN05_MMA_UNSCALED(kind)                                                                   \
  asm volatile("{\n.reg .pred accumulate;\nsetp.ne.b32 accumulate, 1, 0;\n"                                 \
               "tcgen05.mma.cta_group::1.kind::" #kind " [%0], %1, %2, %3, accumulate;\n}\n" ::"r"(d_tmem), \
               "l"(desc_a), "l"(desc_b), "r"(idesc)                                                         \
               : "memory")
  if constexpr (Kind == mma_kind::f16) {
    RAFTER_TCGEN05_MMA_UNSCALED(f16);
  } else if constexpr (Kind == mma_kind::tf32) {
    RAFTER_TCGEN05_MMA_UNSCALED(tf32);
  } else if constexpr (Kind == mma_kind::i8) {
    RAFTER_TCGEN05_MMA_UNSCALED(i8);
  } else if constexpr (Kind == mma_kind::f8f6f4) {
    RAFTER_TCGEN05_MMA_UNSCALED(f8f6f4);
  } else {
    asm volatile(
        "{\n.reg .pred accumulate;\nsetp.ne.b32 accumulate, 1, 0;\n"
        "tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16 [%0], %1, %2, %3, [%4], [%5], accumulate;\n}\n" ::"r"(
            d_tmem),
        "l"(desc_a), "l"(desc_b), "r"(idesc), "r"(scale_a), "r"(scale_b)
        : "memory");
  }
#undef RAFTER_TCGEN05_MMA_UNSCALED
  if constexpr (Kind != mma_kind::mxf4nvf4) (void)scale_a, (void)scale_b;
}

/// 32 columns of this warp's 32 tensor-memory lanes from/to 32 registers of each thread (shape
/// 32x32b: thread i holds lane i).
__device__ __forceinline__ void tmem_store_32(std::uint32_t tmem, const std::uint32_t (&r)[32]) {
  asm volatile("tcgen05.st.sync.aligned.32x32b.x32.b32 [%0], {%1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32};\n" ::"r"(tmem),
        "r"(r[0]), "r"(r[1]), "r"(r[2]), "r"(r[3]), "r"(r[4]), "r"(r[5]), "r"(r[6]), "r"(r[7]),
        "r"(r[8]), "r"(r[9]), "r"(r[10]), "r"(r[11]), "r"(r[12]), "r"(r[13]), "r"(r[14]), "r"(r[15]),
        "r"(r[16]), "r"(r[17]), "r"(r[18]), "r"(r[19]), "r"(r[20]), "r"(r[21]), "r"(r[22]), "r"(r[23]),
        "r"(r[24]), "r"(r[25]), "r"(r[26]), "r"(r[27]), "r"(r[28]), "r"(r[29]), "r"(r[30]), "r"(r[31])
               : "memory");
}

__device__ __forceinline__ void tmem_load_32(std::uint32_t tmem, std::uint32_t (&r)[32]) {
  asm volatile("tcgen05.ld.sync.aligned.32x32b.x32.b32 {%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31}, [%32];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]), "=r"(r[4]), "=r"(r[5]), "=r"(r[6]), "=r"(r[7]),
                 "=r"(r[8]), "=r"(r[9]), "=r"(r[10]), "=r"(r[11]), "=r"(r[12]), "=r"(r[13]), "=r"(r[14]), "=r"(r[15]),
                 "=r"(r[16]), "=r"(r[17]), "=r"(r[18]), "=r"(r[19]), "=r"(r[20]), "=r"(r[21]), "=r"(r[22]), "=r"(r[23]),
                 "=r"(r[24]), "=r"(r[25]), "=r"(r[26]), "=r"(r[27]), "=r"(r[28]), "=r"(r[29]), "=r"(r[30]), "=r"(r[31])
               : "r"(tmem)
               : "memory");
}

__device__ __forceinline__ void tcgen05_fence_before() { asm volatile("tcgen05.fence::before_thread_sync;\n" ::: "memory"); }
__device__ __forceinline__ void tcgen05_fence_after() { asm volatile("tcgen05.fence::after_thread_sync;\n" ::: "memory"); }

/// __syncthreads that also orders tensor-memory accesses before it with those after it.
__device__ __forceinline__ void tcgen05_sync_block() {
  tcgen05_fence_before();
  __syncthreads();
  tcgen05_fence_after();
}

template <mma_kind Kind>
__device__ __forceinline__ void tcgen05_body(const uint4* __restrict__ a_image, const uint4* __restrict__ b_image,
                                             const std::uint32_t* __restrict__ d0, std::uint32_t* __restrict__ d_out, int outer,
                                             std::uint32_t idesc_plus, std::uint32_t idesc_minus, clock_probe* probe) {
  __shared__ __align__(1024) uint4 smem_a[4096 / 16];
  __shared__ __align__(1024) uint4 smem_b[8192 / 16];
  __shared__ std::uint32_t tmem_base;
  __shared__ __align__(8) std::uint64_t mma_done;
  const int t = static_cast<int>(threadIdx.x);
  const int warp = t / 32;
#pragma unroll
  for (int i = 0; i < 2; ++i) smem_a[t + i * 128] = a_image[t + i * 128];
#pragma unroll
  for (int i = 0; i < 4; ++i) smem_b[t + i * 128] = b_image[t + i * 128];
  const auto done = static_cast<std::uint32_t>(__cvta_generic_to_shared(&mma_done));
  if (warp == 0) {
    asm volatile("tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32 [%0], %1;\n" ::"r"(
                     static_cast<std::uint32_t>(__cvta_generic_to_shared(&tmem_base))),
                 "n"(tcgen05_tmem_columns)
                 : "memory");
    asm volatile("tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;\n" ::: "memory");
  }
  if (t == 0) {
    asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;\n" ::"r"(done) : "memory");
    asm volatile("fence.mbarrier_init.release.cluster;\n" ::: "memory");
  }
  // Generic-proxy stores must be visible to the async proxy (the tensor cores) before they read.
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
  tcgen05_sync_block();
  const std::uint32_t tmem = tmem_base;
  // Warp w reaches tensor-memory lanes 32w .. 32w+31 (the lane is in the address's high half).
  const std::uint32_t my_lanes = tmem + (static_cast<std::uint32_t>(32 * warp) << 16);
  const std::size_t base = static_cast<std::size_t>(blockIdx.x) * tcgen05_accumulator_columns;
#pragma unroll 1
  for (int c = 0; c < tcgen05_accumulator_columns / 32; ++c) {
    std::uint32_t r[32];
#pragma unroll
    for (int j = 0; j < 32; ++j) r[j] = d0[(base + static_cast<std::size_t>(c * 32 + j)) * 128 + t];
    tmem_store_32(my_lanes + static_cast<std::uint32_t>(c * 32), r);
  }
  if constexpr (Kind == mma_kind::mxf4nvf4) {
    // Every scale factor 1.0 (e4m3 0x38) in every lane of both scale regions, whatever layout the
    // MMA reads them in: D = D0 + A*B^T as for the unscaled kinds.
    static_assert(tcgen05_scale_columns == 32);
    std::uint32_t ones[32];
#pragma unroll
    for (int j = 0; j < 32; ++j) ones[j] = 0x38383838u;
    tmem_store_32(my_lanes + static_cast<std::uint32_t>(tcgen05_scale_a_column), ones);
  }
  asm volatile("tcgen05.wait::st.sync.aligned;\n" ::: "memory");
  tcgen05_sync_block();

  const std::uint64_t desc_a = tcgen05_smem_descriptor(static_cast<std::uint32_t>(__cvta_generic_to_shared(smem_a)), 128, 256);
  const std::uint64_t desc_b = tcgen05_smem_descriptor(static_cast<std::uint32_t>(__cvta_generic_to_shared(smem_b)), 128, 256);
  const std::uint32_t scale_a = tmem + static_cast<std::uint32_t>(tcgen05_scale_a_column);
  const std::uint32_t scale_b = tmem + static_cast<std::uint32_t>(tcgen05_scale_b_column);
  probe_begin(probe);
  if (warp == 0) {
    if (t == 0) {
      for (int trip = 0; trip < outer; ++trip) {
#pragma unroll
        for (int g = 0; g < tcgen05_group; ++g) tcgen05_mma<Kind>(tmem, desc_a, desc_b, idesc_plus, scale_a, scale_b);
#pragma unroll
        for (int g = 0; g < tcgen05_group; ++g) tcgen05_mma<Kind>(tmem, desc_a, desc_b, idesc_minus, scale_a, scale_b);
      }
      tcgen05_mma<Kind>(tmem, desc_a, desc_b, idesc_plus, scale_a, scale_b);
      // The barrier's one arrival comes when every MMA this thread issued has completed.
      asm volatile("tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64 [%0];\n" ::"r"(done)
                   : "memory");
    }
    __syncwarp();
  }
  asm volatile(
      "{\n.reg .pred ready;\nwait_%=:\n"
      "mbarrier.try_wait.parity.shared::cta.b64 ready, [%0], 0;\n"
      "@!ready bra wait_%=;\n}\n" ::"r"(done)
      : "memory");
  tcgen05_fence_after();
  probe_end(probe);
#pragma unroll 1
  for (int c = 0; c < tcgen05_accumulator_columns / 32; ++c) {
    std::uint32_t r[32];
    tmem_load_32(my_lanes + static_cast<std::uint32_t>(c * 32), r);
    asm volatile("tcgen05.wait::ld.sync.aligned;\n" ::: "memory");
#pragma unroll
    for (int j = 0; j < 32; ++j) d_out[(base + static_cast<std::size_t>(c * 32 + j)) * 128 + t] = r[j];
  }
  tcgen05_sync_block();
  if (warp == 0) {
    asm volatile("tcgen05.dealloc.cta_group::1.sync.aligned.b32 %0, %1;\n" ::"r"(tmem), "n"(tcgen05_tmem_columns)
                 : "memory");
  }
}

#endif  // RAFTER_HAVE_TCGEN05

}  // namespace

}  // namespace rafter::cuda

/// RAFTER_TCGEN05_KERNEL(name, kind): the extern "C" kernel `name` around tcgen05_body<kind>, or a
/// trap where RAFTER_HAVE_TCGEN05 is not defined. D0 and D are 32-bit words (fp32, or int32 for
/// kind::i8).
#if defined(RAFTER_HAVE_TCGEN05)
#define RAFTER_TCGEN05_BODY(kind)                                                                         \
  rafter::cuda::tcgen05_body<rafter::cuda::mma_kind::kind>(a_image, b_image, d0, d_out, outer, idesc_plus, \
                                                            idesc_minus, probe)
#else
#define RAFTER_TCGEN05_BODY(kind)                                                                          \
  (void)a_image, (void)b_image, (void)d0, (void)d_out, (void)outer, (void)idesc_plus, (void)idesc_minus, \
      (void)probe;                                                                                         \
  __trap()
#endif

#define RAFTER_TCGEN05_KERNEL(name, kind)                                                                      \
  __global__ void __launch_bounds__(rafter::cuda::tcgen05_threads_per_block, rafter::cuda::tcgen05_blocks_per_sm) \
      name(const uint4* a_image, const uint4* b_image, const std::uint32_t* d0, std::uint32_t* d_out, int outer, \
           std::uint32_t idesc_plus, std::uint32_t idesc_minus, rafter::cuda::clock_probe* probe) {             \
    RAFTER_TCGEN05_BODY(kind);                                                                                 \
  }

