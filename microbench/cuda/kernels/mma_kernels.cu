#include "microbench/cuda/kernels/mma_kernels.hpp"

#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/kernels/device_clock.cuh"

namespace rafter::cuda {

namespace {

// One tensor-core instruction each: D = A * B + D, the fragments in registers.
struct mma_fp16 {
  using acc = float;
  __device__ __forceinline__ static void step(float (&d)[4], const std::uint32_t (&a)[4], std::uint32_t b0,
                                              std::uint32_t b1) {
    asm("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
};

struct mma_bf16 {
  using acc = float;
  __device__ __forceinline__ static void step(float (&d)[4], const std::uint32_t (&a)[4], std::uint32_t b0,
                                              std::uint32_t b1) {
    asm("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
};

struct mma_tf32 {
  using acc = float;
  __device__ __forceinline__ static void step(float (&d)[4], const std::uint32_t (&a)[4], std::uint32_t b0,
                                              std::uint32_t b1) {
    asm("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
};

struct mma_int8 {
  using acc = int;
  __device__ __forceinline__ static void step(int (&d)[4], const std::uint32_t (&a)[4], std::uint32_t b0,
                                              std::uint32_t b1) {
    asm("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
        : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
};

struct mma_fp8 {
  using acc = float;
  __device__ __forceinline__ static void step(float (&d)[4], const std::uint32_t (&a)[4], std::uint32_t b0,
                                              std::uint32_t b1) {
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

template <typename Op>
__device__ __forceinline__ void mma_body(const std::uint32_t* __restrict__ fragments,
                                         const typename Op::acc* __restrict__ d0, typename Op::acc* __restrict__ d_out,
                                         int outer, clock_probe* probe) {
  const int lane = static_cast<int>(threadIdx.x & 31);
  const std::size_t warp = (static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
  const std::uint32_t* f = fragments + lane * mma_fragment_words;
  const std::uint32_t a[4] = {f[0], f[1], f[2], f[3]};
  const std::uint32_t b0 = f[4], b1 = f[5], nb0 = f[6], nb1 = f[7];
  typename Op::acc d[mma_chains][4];
#pragma unroll
  for (int c = 0; c < mma_chains; ++c) {
#pragma unroll
    for (int e = 0; e < 4; ++e) d[c][e] = d0[((warp * mma_chains + c) * 32 + lane) * 4 + e];
  }
  probe_begin(probe);
  for (int i = 0; i < outer; ++i) {
#pragma unroll
    for (int c = 0; c < mma_chains; ++c) Op::step(d[c], a, b0, b1);
#pragma unroll
    for (int c = 0; c < mma_chains; ++c) Op::step(d[c], a, nb0, nb1);
  }
#pragma unroll
  for (int c = 0; c < mma_chains; ++c) Op::step(d[c], a, b0, b1);
  probe_end(probe);
#pragma unroll
  for (int c = 0; c < mma_chains; ++c) {
#pragma unroll
    for (int e = 0; e < 4; ++e) d_out[((warp * mma_chains + c) * 32 + lane) * 4 + e] = d[c][e];
  }
}

}  // namespace

}  // namespace rafter::cuda

extern "C" {

#define RAFTER_MMA_KERNEL(name, op)                                                                          \
  __global__ void __launch_bounds__(rafter::cuda::mma_threads_per_block)                                     \
      name(const std::uint32_t* fragments, const op::acc* d0, op::acc* d_out, int outer,                     \
           rafter::cuda::clock_probe* probe) {                                                                \
    rafter::cuda::mma_body<op>(fragments, d0, d_out, outer, probe);                                          \
  }

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
  }
  return nullptr;
}

}  // namespace

cudaError_t launch_mma_kernel(mma_op op, int blocks, const std::uint32_t* fragments, const void* d0, void* d_out,
                              int outer, clock_probe* probe, cudaStream_t stream) {
  const dim3 grid(static_cast<unsigned>(blocks)), block(mma_threads_per_block);
  const auto* fd0 = static_cast<const float*>(d0);
  auto* fout = static_cast<float*>(d_out);
  switch (op) {
    case mma_op::fp16: rafter_mma_fp16_kernel<<<grid, block, 0, stream>>>(fragments, fd0, fout, outer, probe); break;
    case mma_op::bf16: rafter_mma_bf16_kernel<<<grid, block, 0, stream>>>(fragments, fd0, fout, outer, probe); break;
    case mma_op::tf32: rafter_mma_tf32_kernel<<<grid, block, 0, stream>>>(fragments, fd0, fout, outer, probe); break;
    case mma_op::int8:
      rafter_mma_int8_kernel<<<grid, block, 0, stream>>>(fragments, static_cast<const int*>(d0),
                                                         static_cast<int*>(d_out), outer, probe);
      break;
    case mma_op::fp8: rafter_mma_fp8_kernel<<<grid, block, 0, stream>>>(fragments, fd0, fout, outer, probe); break;
  }
  return cudaGetLastError();
}

cudaError_t mma_kernel_occupancy(mma_op op, int* blocks_per_sm) {
  return cudaOccupancyMaxActiveBlocksPerMultiprocessor(blocks_per_sm, kernel_of(op), mma_threads_per_block, 0);
}

}  // namespace rafter::cuda
