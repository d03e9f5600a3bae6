#pragma once

#include <cstdint>

#include "workloads/llm/model_config.hpp"

namespace rafter::llm {

/// What one run of the workload does: `batch` sequences of `prompt_len` prompt tokens are
/// prefilled together, then `decode_steps` decode steps each append one token to every sequence.
/// Prefill produces the first generated token, so a run generates `decode_steps + 1` tokens per
/// sequence and the KV cache holds `prompt_len + decode_steps` positions.
struct run_shape {
  int batch = 1;
  int prompt_len = 128;
  int decode_steps = 32;

  /// Positions the KV cache must hold per sequence.
  [[nodiscard]] int max_sequence() const { return prompt_len + decode_steps; }
  /// Token rows of the prefill pass.
  [[nodiscard]] std::int64_t prefill_tokens() const { return static_cast<std::int64_t>(batch) * prompt_len; }
};

/// Throws `usage_error` (exit code 2) naming the option when the shape is not positive, the batch
/// exceeds a CUDA grid dimension (65535), the sequence exceeds the model's positions, or the
/// activations or logits would not fit 32-bit kernel indices.
void validate_run_shape(const model_config& config, const run_shape& shape);

/// The model with its first `layers` layers only (`--layers`). Throws `usage_error` unless
/// 1 <= layers <= config.layers.
[[nodiscard]] model_config with_layers(model_config config, int layers);

}  // namespace rafter::llm
