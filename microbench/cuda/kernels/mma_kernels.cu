#include "microbench/cuda/kernels/mma_kernels.hpp"

#include "microbench/cuda/kernels/kernel_launch.hpp"
#include "microbench/cuda/kernels/mma_body.cuh"

namespace rafter::cuda {

namespace {

// One tensor-core instruction each: D = A * B + D, the fragments in registers; no scales.
struct mma_fp16 {
  using acc = float;
  __device__ __forceinline__ static void step(float (&d)[4], const std::uint32_t (&a)[4], std::uint32_t b0,
                                              std::uint32_t b1, std::uint32_t, std::uint32_t) {
    asm("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
};

struct mma_bf16 {
  using acc = float;
  __device__ __forceinline__ static void step(float (&d)[4], const std::uint32_t (&a)[4], std::uint32_t b0,
                                              std::uint32_t b1, std::uint32_t, std::uint32_t) {
    asm("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
};

struct mma_tf32 {
  using acc = float;
  __device__ __forceinline__ static void step(float (&d)[4], const std::uint32_t (&a)[4], std::uint32_t b0,
                                              std::uint32_t b1, std::uint32_t, std::uint32_t) {
    asm("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
};

struct mma_int8 {
  using acc = int;
  __device__ __forceinline__ static void step(int (&d)[4], const std::uint32_t (&a)[4], std::uint32_t b0,
                                              std::uint32_t b1, std::uint32_t, std::uint32_t) {
    asm("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
        : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
};

struct mma_fp8 {
  using acc = float;
  __device__ __forceinline__ static void step(float (&d)[4], const std::uint32_t (&a)[4], std::uint32_t b0,
                                              std::uint32_t b1, std::uint32_t, std::uint32_t) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 890
    asm("mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#else
    (void)d, (void)a, (void)b0, (void)b1;
    __trap();  // The host launches this kernel only on compute capability 8.9 and newer.
#endif
  }
};

}  // namespace

}  // namespace rafter::cuda

extern "C" {

RAFTER_MMA_KERNEL(rafter_mma_fp16_kernel, rafter::cuda::mma_fp16)
RAFTER_MMA_KERNEL(rafter_mma_bf16_kernel, rafter::cuda::mma_bf16)
RAFTER_MMA_KERNEL(rafter_mma_tf32_kernel, rafter::cuda::mma_tf32)
RAFTER_MMA_KERNEL(rafter_mma_int8_kernel, rafter::cuda::mma_int8)
RAFTER_MMA_KERNEL(rafter_mma_fp8_kernel, rafter::cuda::mma_fp8)

#undef RAFTER_MMA_KERNEL

}  // extern "C"

namespace rafter::cuda {

namespace {

const void* kernel_of(mma_op op) {
  switch (op) {
    case mma_op::fp16: return reinterpret_cast<const void*>(&rafter_mma_fp16_kernel);
    case mma_op::bf16: return reinterpret_cast<const void*>(&rafter_mma_bf16_kernel);
    case mma_op::tf32: return reinterpret_cast<const void*>(&rafter_mma_tf32_kernel);
    case mma_op::int8: return reinterpret_cast<const void*>(&rafter_mma_int8_kernel);
    case mma_op::fp8: return reinterpret_cast<const void*>(&rafter_mma_fp8_kernel);
    case mma_op::fp4: return mma_fp4_kernel();
  }
  return nullptr;
}

}  // namespace

cudaError_t launch_mma_kernel(mma_op op, int blocks, const std::uint32_t* fragments, const void* d0, void* d_out,
                              int outer, clock_probe* probe, cudaStream_t stream) {
  void* args[] = {&fragments, &d0, &d_out, &outer, &probe};
  return launch_kernel(kernel_of(op), blocks, mma_threads_per_block, args, 0, stream);
}

cudaError_t mma_kernel_available(mma_op op) { return kernel_image_status(kernel_of(op)); }

cudaError_t mma_kernel_occupancy(mma_op op, int* blocks_per_sm) {
  return cudaOccupancyMaxActiveBlocksPerMultiprocessor(blocks_per_sm, kernel_of(op), mma_threads_per_block, 0);
}

}  // namespace rafter::cuda
