#include "workloads/llm/kernels/rope_kernels.hpp"

namespace rafter::llm {

// Named (not anonymous) so that traces show stable names: rafter::llm::kernels::<kernel>.
namespace kernels {

constexpr int rope_threads = 128;

__global__ void __launch_bounds__(rope_threads) rope_kv_write_kernel(rope_kv_params p) {
  const int t = static_cast<int>(blockIdx.x);
  const int b = t / p.new_tokens;
  const int pos = p.start_pos + t % p.new_tokens;
  const int d = p.head_dim;
  const int half = d / 2;
  const int q_dim = p.heads * d;
  const int kv_dim = p.kv_heads * d;
  __nv_bfloat16* row = p.qkv + static_cast<long long>(t) * (q_dim + 2 * kv_dim);
  const int pairs = (p.heads + p.kv_heads) * half;
  for (int e = static_cast<int>(threadIdx.x); e < pairs; e += rope_threads) {
    const int head = e / half;
    const int i = e % half;
    float sn = 0.0f;
    float cs = 0.0f;
    sincosf(static_cast<float>(pos) * p.inv_freq[i], &sn, &cs);
    const float x1 = __bfloat162float(row[head * d + i]);
    const float x2 = __bfloat162float(row[head * d + i + half]);
    const __nv_bfloat16 o1 = __float2bfloat16(x1 * cs - x2 * sn);
    const __nv_bfloat16 o2 = __float2bfloat16(x2 * cs + x1 * sn);
    if (head < p.heads) {
      row[head * d + i] = o1;
      row[head * d + i + half] = o2;
    } else {
      const int kvh = head - p.heads;
      __nv_bfloat16* dst = p.k_cache + ((static_cast<long long>(b) * p.kv_heads + kvh) * p.max_seq + pos) * d;
      dst[i] = o1;
      dst[i + half] = o2;
    }
  }
  for (int e = static_cast<int>(threadIdx.x); e < kv_dim; e += rope_threads) {
    const int kvh = e / d;
    __nv_bfloat16* dst = p.v_cache + ((static_cast<long long>(b) * p.kv_heads + kvh) * p.max_seq + pos) * d;
    dst[e % d] = row[q_dim + kv_dim + e];
  }
}

}  // namespace kernels

cudaError_t launch_rope_kv_write(const rope_kv_params& p, cudaStream_t stream) {
  kernels::rope_kv_write_kernel<<<p.rows, kernels::rope_threads, 0, stream>>>(p);
  return cudaGetLastError();
}

}  // namespace rafter::llm
