#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime_api.h>

namespace rafter::llm {

/// Rotary position embedding fused with the KV-cache write. Token row t of `qkv` ([rows][qkv_dim]:
/// Q heads, then K heads, then V heads) belongs to sequence t / new_tokens at position
/// start_pos + t % new_tokens. Q is rotated in place; K is rotated into k_cache and V copied into
/// v_cache, both [batch][kv_heads][max_seq][head_dim]. Pair (i, i + head_dim / 2) of every head
/// turns by float(pos) * inv_freq[i] radians (FP32 arithmetic, BF16 results).
struct rope_kv_params {
  __nv_bfloat16* qkv = nullptr;
  __nv_bfloat16* k_cache = nullptr;
  __nv_bfloat16* v_cache = nullptr;
  const float* inv_freq = nullptr;  ///< head_dim / 2 floats.
  int rows = 0;
  int new_tokens = 0;
  int start_pos = 0;
  int heads = 0;
  int kv_heads = 0;
  int head_dim = 0;
  int max_seq = 0;
};

/// One block of 128 threads per token row.
cudaError_t launch_rope_kv_write(const rope_kv_params& p, cudaStream_t stream);

}  // namespace rafter::llm
