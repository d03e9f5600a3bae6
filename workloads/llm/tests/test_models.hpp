#pragma once

#include "workloads/llm/model_config.hpp"

namespace rafter::llm::test_models {

/// A shape small enough for the CPU reference in unit tests: grouped-query attention (2 query
/// heads per key/value head), QKV bias, untied LM head.
inline model_config tiny_model(int head_dim = 32) {
  model_config c;
  c.name = "unit";
  c.source = "unit test";
  c.heads = 4;
  c.kv_heads = 2;
  c.head_dim = head_dim;
  c.hidden_size = 4 * head_dim;
  c.intermediate_size = 2 * c.hidden_size;
  c.layers = 2;
  c.vocab_size = 96;
  c.max_positions = 128;
  c.rms_norm_eps = 1e-5;
  c.rope_theta = 10000.0;
  c.attention_bias = true;
  return c;
}

}  // namespace rafter::llm::test_models
