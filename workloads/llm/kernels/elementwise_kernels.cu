#include "workloads/llm/kernels/elementwise_kernels.hpp"

#include <algorithm>

namespace rafter::llm {

// Named (not anonymous) so that traces show stable names: rafter::llm::kernels::<kernel>.
namespace kernels {

constexpr int elementwise_threads = 256;
constexpr int argmax_threads = 256;

__global__ void __launch_bounds__(elementwise_threads)
    random_fill_kernel(__nv_bfloat16* __restrict__ dst, std::size_t n, random_stream stream) {
  const std::size_t step = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    dst[i] = __float2bfloat16(random_value(stream, i));
  }
}

__global__ void __launch_bounds__(elementwise_threads)
    embedding_kernel(const int* __restrict__ tokens, const __nv_bfloat16* __restrict__ table,
                     __nv_bfloat16* __restrict__ x, int hidden) {
  const int row = static_cast<int>(blockIdx.x);
  const auto* src = reinterpret_cast<const uint4*>(table + static_cast<long long>(tokens[row]) * hidden);
  auto* dst = reinterpret_cast<uint4*>(x + static_cast<long long>(row) * hidden);
  for (int i = static_cast<int>(threadIdx.x); i < hidden / 8; i += elementwise_threads) dst[i] = src[i];
}

__global__ void __launch_bounds__(elementwise_threads)
    swiglu_kernel(const __nv_bfloat16* __restrict__ gate_up, __nv_bfloat16* __restrict__ out, int rows, int inter) {
  const long long n = static_cast<long long>(rows) * inter;
  const long long step = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long e = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; e < n; e += step) {
    const long long r = e / inter;
    const long long i = e % inter;
    const float g = __bfloat162float(gate_up[r * 2 * inter + i]);
    const float u = __bfloat162float(gate_up[r * 2 * inter + inter + i]);
    out[e] = __float2bfloat16(g / (1.0f + expf(-g)) * u);
  }
}

/// Keeps the larger value; on a tie the smaller index.
__device__ __forceinline__ void keep_best(float& best, int& best_index, float v, int index) {
  if (v > best || (v == best && index < best_index)) {
    best = v;
    best_index = index;
  }
}

__global__ void __launch_bounds__(argmax_threads)
    argmax_kernel(const float* __restrict__ logits, int vocab, int* __restrict__ tokens) {
  __shared__ float best_s[argmax_threads / 32];
  __shared__ int index_s[argmax_threads / 32];
  const float* row = logits + static_cast<long long>(blockIdx.x) * vocab;
  float best = -INFINITY;
  int best_index = vocab;  // larger than any index: loses every tie
  for (int i = static_cast<int>(threadIdx.x); i < vocab; i += argmax_threads) keep_best(best, best_index, row[i], i);
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2) {
    const float v = __shfl_xor_sync(0xffffffffu, best, offset);
    const int i = __shfl_xor_sync(0xffffffffu, best_index, offset);
    keep_best(best, best_index, v, i);
  }
  const int lane = static_cast<int>(threadIdx.x) % 32;
  const int warp = static_cast<int>(threadIdx.x) / 32;
  if (lane == 0) {
    best_s[warp] = best;
    index_s[warp] = best_index;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    for (int w = 1; w < argmax_threads / 32; ++w) keep_best(best, best_index, best_s[w], index_s[w]);
    tokens[blockIdx.x] = best_index < vocab ? best_index : 0;  // all NaN: token 0
  }
}

int grid_for(long long n) {
  return static_cast<int>(std::clamp<long long>((n + elementwise_threads - 1) / elementwise_threads, 1, 65536));
}

}  // namespace kernels

cudaError_t launch_random_fill(__nv_bfloat16* dst, std::size_t n, const random_stream& stream,
                               cudaStream_t cuda_stream) {
  const int grid = kernels::grid_for(static_cast<long long>(n));
  kernels::random_fill_kernel<<<grid, kernels::elementwise_threads, 0, cuda_stream>>>(dst, n, stream);
  return cudaGetLastError();
}

cudaError_t launch_embedding(const int* tokens, const __nv_bfloat16* table, __nv_bfloat16* x, int rows, int hidden,
                             cudaStream_t stream) {
  kernels::embedding_kernel<<<rows, kernels::elementwise_threads, 0, stream>>>(tokens, table, x, hidden);
  return cudaGetLastError();
}

cudaError_t launch_swiglu(const __nv_bfloat16* gate_up, __nv_bfloat16* out, int rows, int inter, cudaStream_t stream) {
  const int grid = kernels::grid_for(static_cast<long long>(rows) * inter);
  kernels::swiglu_kernel<<<grid, kernels::elementwise_threads, 0, stream>>>(gate_up, out, rows, inter);
  return cudaGetLastError();
}

cudaError_t launch_argmax(const float* logits, int rows, int vocab, int* tokens, cudaStream_t stream) {
  kernels::argmax_kernel<<<rows, kernels::argmax_threads, 0, stream>>>(logits, vocab, tokens);
  return cudaGetLastError();
}

}  // namespace rafter::llm
