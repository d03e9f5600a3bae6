#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "workloads/llm/model_config.hpp"

namespace rafter::llm {

/// The decoder computed on the CPU, one operator at a time, from the same deterministic weights
/// as the GPU (weight_streams.hpp), in FP32 arithmetic. With `bf16_activations` it rounds to BF16
/// wherever the GPU stores a BF16 tensor (normalized activations, Q/K/V, the KV cache, attention
/// output, the residual stream, the MLP activations), so the two differ only by accumulation
/// order and transcendental-function error. Weights are regenerated on the fly, so memory is the
/// KV cache and one pass's activations. Single-threaded; meant for the tiny configuration or a
/// layer or two of a large one.
class cpu_reference {
public:
  cpu_reference(model_config config, std::uint64_t seed, int batch, int max_sequence, bool bf16_activations = true);

  /// Appends `new_tokens` tokens to each of the `batch` sequences (`tokens` is batch x new_tokens,
  /// sequence-major) and returns logits, batch x vocab: of each sequence's last new position, or
  /// with `all_positions` batch x new_tokens x vocab. Throws std::invalid_argument when the
  /// sequence would outgrow `max_sequence` or `tokens` has the wrong size.
  [[nodiscard]] std::vector<float> forward(std::span<const int> tokens, int new_tokens, bool all_positions = false);

  /// Positions already in the cache.
  [[nodiscard]] int position() const { return m_position; }
  [[nodiscard]] const model_config& config() const { return m_config; }

private:
  /// out[t][n] = sum_k in[t][k] * W[n][k], W drawn from `tensor` of `layer`.
  void linear(std::span<const float> in, int rows, int in_features, int out_features, int tensor, int layer,
              std::vector<float>& out) const;
  void rmsnorm(std::span<const float> in, int rows, int tensor, int layer, std::vector<float>& out) const;
  [[nodiscard]] float round(float x) const;
  [[nodiscard]] std::size_t cache_index(int layer, int b, int kv_head, int pos) const;

  model_config m_config;
  std::uint64_t m_seed;
  int m_batch;
  int m_max_sequence;
  bool m_bf16;
  int m_position = 0;
  std::vector<float> m_inv_freq;
  std::vector<float> m_k_cache;  ///< [layer][batch][kv_head][max_sequence][head_dim]
  std::vector<float> m_v_cache;
};

}  // namespace rafter::llm
