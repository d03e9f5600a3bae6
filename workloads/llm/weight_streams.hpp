#pragma once

#include <cstdint>

#include "workloads/llm/model_config.hpp"
#include "workloads/llm/random_weights.hpp"

namespace rafter::llm {

/// The model's tensors. Matrices are row-major [out_features][in_features] (the layout of
/// torch.nn.Linear): qkv [qkv_dim][hidden] (Q rows, then K, then V), o_proj [hidden][q_dim],
/// gate_up [2 * intermediate][hidden] (gate rows, then up rows), down [hidden][intermediate],
/// embedding and lm_head [vocab][hidden].
enum class tensor_kind : std::uint32_t {
  embedding = 1,
  attn_norm,
  qkv,
  qkv_bias,
  o_proj,
  mlp_norm,
  gate_up,
  down,
  final_norm,
  lm_head,
};

/// Power of two nearest to sqrt(3 / fan_in): odd_uniform values with this scale have a variance
/// near 1 / fan_in, so a projection keeps its input's magnitude.
[[nodiscard]] float matrix_scale(int fan_in);

/// The random stream of `kind` in layer `layer` (0 for tensors outside the layers). A tied LM
/// head returns the embedding's stream. The same (seed, config) always gives the same weights.
[[nodiscard]] random_stream weight_stream(std::uint64_t seed, const model_config& config, tensor_kind kind, int layer);

}  // namespace rafter::llm
