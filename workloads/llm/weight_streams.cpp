#include "workloads/llm/weight_streams.hpp"

#include <cmath>

namespace rafter::llm {

float matrix_scale(int fan_in) {
  const double target = std::sqrt(3.0 / static_cast<double>(fan_in));
  return static_cast<float>(std::exp2(std::round(std::log2(target))));
}

random_stream weight_stream(std::uint64_t seed, const model_config& config, tensor_kind kind, int layer) {
  if (kind == tensor_kind::lm_head && config.tie_word_embeddings) kind = tensor_kind::embedding;
  random_stream s;
  s.key = stream_key(seed, static_cast<std::uint32_t>(kind), static_cast<std::uint32_t>(layer));
  switch (kind) {
    case tensor_kind::attn_norm:
    case tensor_kind::mlp_norm:
    case tensor_kind::final_norm:
      s.kind = distribution::near_one;
      break;
    case tensor_kind::embedding:
      s.scale = 1.0f;
      break;
    case tensor_kind::qkv_bias:
      s.scale = 0.0625f;
      break;
    case tensor_kind::qkv:
    case tensor_kind::gate_up:
    case tensor_kind::lm_head:
      s.scale = matrix_scale(config.hidden_size);
      break;
    case tensor_kind::o_proj:
      s.scale = matrix_scale(config.q_dim());
      break;
    case tensor_kind::down:
      s.scale = matrix_scale(config.intermediate_size);
      break;
  }
  return s;
}

}  // namespace rafter::llm
