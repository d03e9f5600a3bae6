#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime_api.h>

namespace rafter::llm {

/// Causal attention of `new_tokens` queries per sequence over a BF16 KV cache. Query row t
/// (sequence t / new_tokens, position start_pos + t % new_tokens) reads its heads from
/// q + t * q_row_stride and attends to cache positions [0, position]; its output heads go to
/// out + t * out_row_stride. Caches are [batch][kv_heads][max_seq][head_dim]; query head h reads
/// key/value head h / (heads / kv_heads). Softmax in FP32 with a running maximum (online softmax),
/// scores scaled by `scale` (1 / sqrt(head_dim)). head_dim must be 32, 64 or 128.
struct attention_params {
  const __nv_bfloat16* q = nullptr;
  long long q_row_stride = 0;  ///< Elements.
  const __nv_bfloat16* k_cache = nullptr;
  const __nv_bfloat16* v_cache = nullptr;
  __nv_bfloat16* out = nullptr;
  long long out_row_stride = 0;  ///< Elements.
  int batch = 0;
  int heads = 0;
  int kv_heads = 0;
  int head_dim = 0;
  int max_seq = 0;
  int new_tokens = 0;
  int start_pos = 0;
  float scale = 1.0f;
};

/// Prefill: one block of 4 warps per (16 queries, head, sequence); each warp owns 4 queries,
/// key/value tiles of 32 positions are staged in shared memory and shared by the block; a lane
/// scores one key, then owns head_dim / 32 output dimensions.
cudaError_t launch_prefill_attention(const attention_params& p, cudaStream_t stream);

/// Decode (new_tokens == 1), split-KV: block (split, head, sequence) of 4 warps scores keys
/// [split * keys_per_split, min(context, (split + 1) * keys_per_split)) and writes its unnormalized
/// output, running maximum (log2 domain) and sum to the FP32 workspace (partial_o:
/// batch * heads * splits * head_dim floats, partial_ml: batch * heads * splits * 2 floats); a
/// second kernel merges the splits into `out`.
cudaError_t launch_decode_attention(const attention_params& p, int splits, int keys_per_split, float* partial_o,
                                    float* partial_ml, cudaStream_t stream);

}  // namespace rafter::llm
