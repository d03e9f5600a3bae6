#include "workloads/llm/kernels/attention_kernels.hpp"

#include "workloads/llm/decode_split.hpp"
#include "workloads/llm/kernels/warp_reduce.cuh"

namespace rafter::llm {

// Named (not anonymous) so that traces show stable names: rafter::llm::kernels::<kernel>.
namespace kernels {

constexpr int attention_warps = 4;
constexpr int attention_threads = attention_warps * 32;
constexpr int queries_per_warp = 4;
constexpr int query_tile = attention_warps * queries_per_warp;
constexpr int key_tile = attention_key_tile;
constexpr float log2e = 1.4426950408889634f;

static_assert(key_tile == 32, "a warp scores one key per lane");

/// N consecutive BF16 values (N in {1, 2, 4}; p aligned to 2 * N bytes) as floats.
template <int N>
__device__ __forceinline__ void load_bf16(const __nv_bfloat16* p, float (&out)[N]) {
  // A BF16 value is the upper half of the float with the same bits; element 0 is the low half.
  if constexpr (N == 4) {
    const uint2 raw = *reinterpret_cast<const uint2*>(p);
    out[0] = __uint_as_float(raw.x << 16);
    out[1] = __uint_as_float(raw.x & 0xffff0000u);
    out[2] = __uint_as_float(raw.y << 16);
    out[3] = __uint_as_float(raw.y & 0xffff0000u);
  } else if constexpr (N == 2) {
    const unsigned raw = *reinterpret_cast<const unsigned*>(p);
    out[0] = __uint_as_float(raw << 16);
    out[1] = __uint_as_float(raw & 0xffff0000u);
  } else {
    static_assert(N == 1, "1, 2 or 4 values");
    out[0] = __bfloat162float(*p);
  }
}

template <int D>
__global__ void __launch_bounds__(attention_threads) prefill_attention_kernel(attention_params p) {
  constexpr int per_lane = D / 32;
  __shared__ float q_s[query_tile][D];
  __shared__ __align__(16) __nv_bfloat16 k_s[key_tile][D + 2];  // +2: a lane per row, conflict-free
  __shared__ __align__(16) __nv_bfloat16 v_s[key_tile][D];

  const int lane = static_cast<int>(threadIdx.x) % 32;
  const int warp = static_cast<int>(threadIdx.x) / 32;
  const int q0 = static_cast<int>(blockIdx.x) * query_tile;
  const int head = static_cast<int>(blockIdx.y);
  const int b = static_cast<int>(blockIdx.z);
  const int kvh = head / (p.heads / p.kv_heads);
  const float qscale = p.scale * log2e;  // scores in the log2 domain: exp2 instead of exp

  for (int e = static_cast<int>(threadIdx.x); e < query_tile * D; e += attention_threads) {
    const int r = e / D;
    const int s = q0 + r;
    float v = 0.0f;
    if (s < p.new_tokens) {
      v = __bfloat162float(p.q[static_cast<long long>(b * p.new_tokens + s) * p.q_row_stride + head * D + e % D]) *
          qscale;
    }
    q_s[r][e % D] = v;
  }
  const long long seq = (static_cast<long long>(b) * p.kv_heads + kvh) * p.max_seq * D;
  const __nv_bfloat16* kb = p.k_cache + seq;
  const __nv_bfloat16* vb = p.v_cache + seq;
  const int last_row = min(q0 + query_tile, p.new_tokens) - 1;
  const int key_end = p.start_pos + last_row + 1;

  float m[queries_per_warp];
  float l[queries_per_warp];
  float o[queries_per_warp][per_lane];
#pragma unroll
  for (int qi = 0; qi < queries_per_warp; ++qi) {
    m[qi] = -INFINITY;
    l[qi] = 0.0f;
#pragma unroll
    for (int i = 0; i < per_lane; ++i) o[qi][i] = 0.0f;
  }

  for (int kt = 0; kt < key_end; kt += key_tile) {
    __syncthreads();  // the previous tile is consumed (and q_s is written before the first)
    for (int e = static_cast<int>(threadIdx.x); e < key_tile * (D / 2); e += attention_threads) {
      const int j = e / (D / 2);
      const int d2 = e % (D / 2);
      const int key = kt + j;
      __nv_bfloat162 kv = __float2bfloat162_rn(0.0f);
      __nv_bfloat162 vv = kv;
      if (key < key_end) {
        kv = reinterpret_cast<const __nv_bfloat162*>(kb + static_cast<long long>(key) * D)[d2];
        vv = reinterpret_cast<const __nv_bfloat162*>(vb + static_cast<long long>(key) * D)[d2];
      }
      reinterpret_cast<__nv_bfloat162*>(&k_s[j][0])[d2] = kv;
      reinterpret_cast<__nv_bfloat162*>(&v_s[j][0])[d2] = vv;
    }
    __syncthreads();

#pragma unroll
    for (int qi = 0; qi < queries_per_warp; ++qi) {
      const int r = warp * queries_per_warp + qi;
      const int s = q0 + r;
      const int qpos = p.start_pos + s;
      if (s >= p.new_tokens || kt > qpos) continue;  // warp-uniform
      const int key = kt + lane;
      float score = -INFINITY;
      if (key <= qpos) {
        const __nv_bfloat162* krow = reinterpret_cast<const __nv_bfloat162*>(&k_s[lane][0]);
        float acc = 0.0f;
#pragma unroll 8
        for (int d2 = 0; d2 < D / 2; ++d2) {
          const float2 kf = __bfloat1622float2(krow[d2]);
          acc = fmaf(q_s[r][2 * d2], kf.x, acc);
          acc = fmaf(q_s[r][2 * d2 + 1], kf.y, acc);
        }
        score = acc;
      }
      const float m_new = fmaxf(m[qi], warp_max(score));  // finite: key kt <= qpos is scored
      const float corr = exp2f(m[qi] - m_new);
      const float pj = key <= qpos ? exp2f(score - m_new) : 0.0f;
      l[qi] = l[qi] * corr + warp_sum(pj);
#pragma unroll
      for (int i = 0; i < per_lane; ++i) o[qi][i] *= corr;
#pragma unroll 4
      for (int j = 0; j < key_tile; ++j) {
        const float pb = __shfl_sync(full_warp_mask, pj, j);
#pragma unroll
        for (int i = 0; i < per_lane; ++i) o[qi][i] = fmaf(pb, __bfloat162float(v_s[j][lane + 32 * i]), o[qi][i]);
      }
      m[qi] = m_new;
    }
  }

#pragma unroll
  for (int qi = 0; qi < queries_per_warp; ++qi) {
    const int s = q0 + warp * queries_per_warp + qi;
    if (s >= p.new_tokens) continue;
    const float inv = 1.0f / l[qi];
    __nv_bfloat16* dst = p.out + static_cast<long long>(b * p.new_tokens + s) * p.out_row_stride + head * D;
#pragma unroll
    for (int i = 0; i < per_lane; ++i) dst[lane + 32 * i] = __float2bfloat16(o[qi][i] * inv);
  }
}

// Eight resident blocks per SM (64 registers a thread): without the bound ptxas squeezes the
// head_dim 128 instance into 32 registers and spills.
template <int D>
__global__ void __launch_bounds__(attention_threads, 8)
    decode_attention_kernel(attention_params p, int keys_per_split, float* __restrict__ partial_o,
                            float* __restrict__ partial_ml) {
  constexpr int per_lane = D / 32;
  __shared__ float o_s[attention_warps][D];
  __shared__ float m_s[attention_warps];
  __shared__ float l_s[attention_warps];

  const int lane = static_cast<int>(threadIdx.x) % 32;
  const int warp = static_cast<int>(threadIdx.x) / 32;
  const int split = static_cast<int>(blockIdx.x);
  const int head = static_cast<int>(blockIdx.y);
  const int b = static_cast<int>(blockIdx.z);
  const int kvh = head / (p.heads / p.kv_heads);
  const int context = p.start_pos + 1;
  const int key_begin = split * keys_per_split;
  const int key_end = min(context, key_begin + keys_per_split);

  // A lane owns dimensions [lane * per_lane, (lane + 1) * per_lane) of q, k, v and the output.
  float q[per_lane];
  load_bf16<per_lane>(p.q + static_cast<long long>(b) * p.q_row_stride + head * D + lane * per_lane, q);
  const float qscale = p.scale * log2e;
#pragma unroll
  for (int i = 0; i < per_lane; ++i) q[i] *= qscale;
  const long long seq = (static_cast<long long>(b) * p.kv_heads + kvh) * p.max_seq * D;
  const __nv_bfloat16* kb = p.k_cache + seq + lane * per_lane;
  const __nv_bfloat16* vb = p.v_cache + seq + lane * per_lane;

  float m = -INFINITY;
  float l = 0.0f;
  float o[per_lane];
#pragma unroll
  for (int i = 0; i < per_lane; ++i) o[i] = 0.0f;

  for (int tile = key_begin + warp * key_tile; tile < key_end; tile += attention_warps * key_tile) {
    const int n = min(key_tile, key_end - tile);  // >= 1, warp-uniform
    float score = -INFINITY;                      // lane j holds key tile + j
    for (int j = 0; j < n; ++j) {
      float k[per_lane];
      load_bf16<per_lane>(kb + static_cast<long long>(tile + j) * D, k);
      float partial = 0.0f;
#pragma unroll
      for (int i = 0; i < per_lane; ++i) partial = fmaf(q[i], k[i], partial);
      const float total = warp_sum(partial);
      if (lane == j) score = total;
    }
    const float m_new = fmaxf(m, warp_max(score));
    const float corr = exp2f(m - m_new);
    const float pj = lane < n ? exp2f(score - m_new) : 0.0f;
    l = l * corr + warp_sum(pj);
#pragma unroll
    for (int i = 0; i < per_lane; ++i) o[i] *= corr;
    for (int j = 0; j < n; ++j) {
      const float pb = __shfl_sync(full_warp_mask, pj, j);
      float v[per_lane];
      load_bf16<per_lane>(vb + static_cast<long long>(tile + j) * D, v);
#pragma unroll
      for (int i = 0; i < per_lane; ++i) o[i] = fmaf(pb, v[i], o[i]);
    }
    m = m_new;
  }

  // Merge the warps: rescale each to the block's maximum (a warp without keys has m = -inf).
#pragma unroll
  for (int i = 0; i < per_lane; ++i) o_s[warp][lane * per_lane + i] = o[i];
  if (lane == 0) {
    m_s[warp] = m;
    l_s[warp] = l;
  }
  __syncthreads();
  float block_max = -INFINITY;
#pragma unroll
  for (int w = 0; w < attention_warps; ++w) block_max = fmaxf(block_max, m_s[w]);
  const long long slot = (static_cast<long long>(b) * p.heads + head) * gridDim.x + split;
  for (int d = static_cast<int>(threadIdx.x); d < D; d += attention_threads) {
    float acc = 0.0f;
#pragma unroll
    for (int w = 0; w < attention_warps; ++w) {
      if (m_s[w] != -INFINITY) acc += exp2f(m_s[w] - block_max) * o_s[w][d];
    }
    partial_o[slot * D + d] = acc;
  }
  if (threadIdx.x == 0) {
    float sum = 0.0f;
#pragma unroll
    for (int w = 0; w < attention_warps; ++w) {
      if (m_s[w] != -INFINITY) sum += exp2f(m_s[w] - block_max) * l_s[w];
    }
    partial_ml[slot * 2] = block_max;
    partial_ml[slot * 2 + 1] = sum;
  }
}

/// Block (head, sequence) of head_dim threads: merges the splits of one head.
__global__ void decode_attention_combine_kernel(attention_params p, int splits, const float* __restrict__ partial_o,
                                                const float* __restrict__ partial_ml) {
  const int head = static_cast<int>(blockIdx.x);
  const int b = static_cast<int>(blockIdx.y);
  const int d = static_cast<int>(threadIdx.x);
  const long long base = (static_cast<long long>(b) * p.heads + head) * splits;
  float max_all = -INFINITY;
  for (int s = 0; s < splits; ++s) max_all = fmaxf(max_all, partial_ml[(base + s) * 2]);
  float acc = 0.0f;
  float sum = 0.0f;
  for (int s = 0; s < splits; ++s) {
    const float ms = partial_ml[(base + s) * 2];
    if (ms == -INFINITY) continue;
    const float w = exp2f(ms - max_all);
    acc += w * partial_o[(base + s) * p.head_dim + d];
    sum += w * partial_ml[(base + s) * 2 + 1];
  }
  p.out[static_cast<long long>(b) * p.out_row_stride + head * p.head_dim + d] = __float2bfloat16(acc / sum);
}

template <int D>
cudaError_t prefill_for(const attention_params& p, cudaStream_t stream) {
  const dim3 grid((p.new_tokens + query_tile - 1) / query_tile, p.heads, p.batch);
  prefill_attention_kernel<D><<<grid, attention_threads, 0, stream>>>(p);
  return cudaGetLastError();
}

template <int D>
cudaError_t decode_for(const attention_params& p, int splits, int keys_per_split, float* partial_o, float* partial_ml,
                       cudaStream_t stream) {
  decode_attention_kernel<D>
      <<<dim3(splits, p.heads, p.batch), attention_threads, 0, stream>>>(p, keys_per_split, partial_o, partial_ml);
  const cudaError_t status = cudaGetLastError();
  if (status != cudaSuccess) return status;
  decode_attention_combine_kernel<<<dim3(p.heads, p.batch), D, 0, stream>>>(p, splits, partial_o, partial_ml);
  return cudaGetLastError();
}

}  // namespace kernels

cudaError_t launch_prefill_attention(const attention_params& p, cudaStream_t stream) {
  switch (p.head_dim) {
    case 32:
      return kernels::prefill_for<32>(p, stream);
    case 64:
      return kernels::prefill_for<64>(p, stream);
    case 128:
      return kernels::prefill_for<128>(p, stream);
    default:
      return cudaErrorInvalidValue;
  }
}

cudaError_t launch_decode_attention(const attention_params& p, int splits, int keys_per_split, float* partial_o,
                                    float* partial_ml, cudaStream_t stream) {
  if (p.new_tokens != 1) return cudaErrorInvalidValue;
  switch (p.head_dim) {
    case 32:
      return kernels::decode_for<32>(p, splits, keys_per_split, partial_o, partial_ml, stream);
    case 64:
      return kernels::decode_for<64>(p, splits, keys_per_split, partial_o, partial_ml, stream);
    case 128:
      return kernels::decode_for<128>(p, splits, keys_per_split, partial_o, partial_ml, stream);
    default:
      return cudaErrorInvalidValue;
  }
}

}  // namespace rafter::llm
