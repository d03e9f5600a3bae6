#include "microbench/cuda/kernels/core_kernels.hpp"

#include <cstring>

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "microbench/cuda/kernel_counts.hpp"
#include "microbench/cuda/kernels/device_clock.cuh"

namespace rafter::cuda {

namespace {

__device__ __forceinline__ double fma_step(double a, double b, double c) { return __fma_rn(a, b, c); }
__device__ __forceinline__ float fma_step(float a, float b, float c) { return __fmaf_rn(a, b, c); }
__device__ __forceinline__ __half2 fma_step(__half2 a, __half2 b, __half2 c) { return __hfma2(a, b, c); }
__device__ __forceinline__ __nv_bfloat162 fma_step(__nv_bfloat162 a, __nv_bfloat162 b, __nv_bfloat162 c) {
  return __hfma2(a, b, c);
}
__device__ __forceinline__ unsigned fma_step(unsigned a, unsigned b, unsigned c) { return a * b + c; }

/// core_chains independent chains per thread, core_unroll steps per trip: the loop body is
/// core_chains * core_unroll dependent-free FMAs between two branches.
template <typename T>
__device__ __forceinline__ void core_body(const T* __restrict__ in, T* __restrict__ out, T b, T c, int outer,
                                          clock_probe* probe) {
  const std::size_t tid = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  T a[core_chains];
#pragma unroll
  for (int k = 0; k < core_chains; ++k) a[k] = in[tid * core_chains + k];
  probe_begin(probe);
  for (int i = 0; i < outer; ++i) {
#pragma unroll
    for (int u = 0; u < core_unroll; ++u) {
#pragma unroll
      for (int k = 0; k < core_chains; ++k) a[k] = fma_step(a[k], b, c);
    }
  }
  probe_end(probe);
#pragma unroll
  for (int k = 0; k < core_chains; ++k) out[tid * core_chains + k] = a[k];
}

}  // namespace

}  // namespace rafter::cuda

// Kernels have C names so that the SASS tests find them in `cuobjdump -sass` output.
extern "C" {

__global__ void __launch_bounds__(rafter::cuda::core_threads_per_block)
    rafter_fp64_fma_kernel(const double* in, double* out, double b, double c, int outer,
                           rafter::cuda::clock_probe* probe) {
  rafter::cuda::core_body(in, out, b, c, outer, probe);
}

__global__ void __launch_bounds__(rafter::cuda::core_threads_per_block)
    rafter_fp32_fma_kernel(const float* in, float* out, float b, float c, int outer, rafter::cuda::clock_probe* probe) {
  rafter::cuda::core_body(in, out, b, c, outer, probe);
}

__global__ void __launch_bounds__(rafter::cuda::core_threads_per_block)
    rafter_fp16x2_fma_kernel(const __half2* in, __half2* out, __half2 b, __half2 c, int outer,
                             rafter::cuda::clock_probe* probe) {
  rafter::cuda::core_body(in, out, b, c, outer, probe);
}

__global__ void __launch_bounds__(rafter::cuda::core_threads_per_block)
    rafter_bf16x2_fma_kernel(const __nv_bfloat162* in, __nv_bfloat162* out, __nv_bfloat162 b, __nv_bfloat162 c,
                             int outer, rafter::cuda::clock_probe* probe) {
  rafter::cuda::core_body(in, out, b, c, outer, probe);
}

__global__ void __launch_bounds__(rafter::cuda::core_threads_per_block)
    rafter_int32_imad_kernel(const unsigned* in, unsigned* out, unsigned b, unsigned c, int outer,
                             rafter::cuda::clock_probe* probe) {
  rafter::cuda::core_body(in, out, b, c, outer, probe);
}

}  // extern "C"

namespace rafter::cuda {

namespace {

template <typename T>
T from_bits(std::uint64_t bits) {
  T value;
  std::memcpy(&value, &bits, sizeof(T));  // Little-endian: the low bytes hold the value.
  return value;
}

const void* kernel_of(core_op op) {
  switch (op) {
    case core_op::fp64_fma: return reinterpret_cast<const void*>(&rafter_fp64_fma_kernel);
    case core_op::fp32_fma: return reinterpret_cast<const void*>(&rafter_fp32_fma_kernel);
    case core_op::fp16x2_fma: return reinterpret_cast<const void*>(&rafter_fp16x2_fma_kernel);
    case core_op::bf16x2_fma: return reinterpret_cast<const void*>(&rafter_bf16x2_fma_kernel);
    case core_op::int32_imad: return reinterpret_cast<const void*>(&rafter_int32_imad_kernel);
  }
  return nullptr;
}

}  // namespace

cudaError_t launch_core_kernel(core_op op, int blocks, const void* in, void* out, std::uint64_t b, std::uint64_t c,
                               int outer, clock_probe* probe, cudaStream_t stream) {
  const dim3 grid(static_cast<unsigned>(blocks)), block(core_threads_per_block);
  switch (op) {
    case core_op::fp64_fma:
      rafter_fp64_fma_kernel<<<grid, block, 0, stream>>>(static_cast<const double*>(in), static_cast<double*>(out),
                                                         from_bits<double>(b), from_bits<double>(c), outer, probe);
      break;
    case core_op::fp32_fma:
      rafter_fp32_fma_kernel<<<grid, block, 0, stream>>>(static_cast<const float*>(in), static_cast<float*>(out),
                                                         from_bits<float>(b), from_bits<float>(c), outer, probe);
      break;
    case core_op::fp16x2_fma:
      rafter_fp16x2_fma_kernel<<<grid, block, 0, stream>>>(static_cast<const __half2*>(in), static_cast<__half2*>(out),
                                                           from_bits<__half2>(b), from_bits<__half2>(c), outer, probe);
      break;
    case core_op::bf16x2_fma:
      rafter_bf16x2_fma_kernel<<<grid, block, 0, stream>>>(
          static_cast<const __nv_bfloat162*>(in), static_cast<__nv_bfloat162*>(out), from_bits<__nv_bfloat162>(b),
          from_bits<__nv_bfloat162>(c), outer, probe);
      break;
    case core_op::int32_imad:
      rafter_int32_imad_kernel<<<grid, block, 0, stream>>>(static_cast<const unsigned*>(in),
                                                           static_cast<unsigned*>(out), from_bits<unsigned>(b),
                                                           from_bits<unsigned>(c), outer, probe);
      break;
  }
  return cudaGetLastError();
}

cudaError_t core_kernel_occupancy(core_op op, int* blocks_per_sm) {
  return cudaOccupancyMaxActiveBlocksPerMultiprocessor(blocks_per_sm, kernel_of(op), core_threads_per_block, 0);
}

}  // namespace rafter::cuda
