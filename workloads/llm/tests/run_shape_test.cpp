#include "workloads/llm/run_shape.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace {

using rafter::llm::model_config;
using rafter::llm::run_shape;
using rafter::llm::validate_run_shape;
using rafter::llm::with_layers;

model_config small() {
  model_config c;
  c.name = "small";
  c.hidden_size = 64;
  c.intermediate_size = 128;
  c.layers = 4;
  c.heads = 2;
  c.kv_heads = 1;
  c.head_dim = 32;
  c.vocab_size = 256;
  c.max_positions = 100;
  return c;
}

TEST(run_shape, derived_sizes) {
  const run_shape s{3, 10, 5};
  EXPECT_EQ(s.max_sequence(), 15);
  EXPECT_EQ(s.prefill_tokens(), 30);
}

TEST(run_shape, accepts_a_sequence_that_fills_the_positions_exactly) {
  EXPECT_NO_THROW(validate_run_shape(small(), run_shape{2, 60, 40}));
  EXPECT_NO_THROW(validate_run_shape(small(), run_shape{1, 1, 0}));
}

TEST(run_shape, rejects_sequences_longer_than_the_model) {
  EXPECT_THROW(validate_run_shape(small(), run_shape{1, 60, 41}), rafter::usage_error);
}

TEST(run_shape, rejects_non_positive_sizes) {
  EXPECT_THROW(validate_run_shape(small(), run_shape{0, 8, 1}), rafter::usage_error);
  EXPECT_THROW(validate_run_shape(small(), run_shape{1, 0, 1}), rafter::usage_error);
  EXPECT_THROW(validate_run_shape(small(), run_shape{1, 8, -1}), rafter::usage_error);
}

TEST(run_shape, rejects_a_batch_beyond_a_grid_dimension) {
  EXPECT_NO_THROW(validate_run_shape(small(), run_shape{65535, 1, 0}));
  EXPECT_THROW(validate_run_shape(small(), run_shape{65536, 1, 0}), rafter::usage_error);
}

TEST(run_shape, rejects_prefills_beyond_32_bit_indexing) {
  model_config c = small();
  c.hidden_size = 1 << 16;
  c.max_positions = 1 << 20;
  // 64 x 1024 tokens of 2^16 elements: 2^32 elements; 1024 tokens: 2^26.
  EXPECT_THROW(validate_run_shape(c, run_shape{64, 1024, 0}), rafter::usage_error);
  EXPECT_NO_THROW(validate_run_shape(c, run_shape{1, 1024, 0}));
}

TEST(run_shape, the_vocabulary_counts_once_per_sequence_not_per_prompt_token) {
  model_config c = small();
  c.vocab_size = 1 << 20;
  c.max_positions = 1 << 20;
  // 2^20 prompt tokens of 256-element activations, 2 x 2^20 logits: within 2^31.
  EXPECT_NO_THROW(validate_run_shape(c, run_shape{2, 1 << 19, 0}));
  // 4096 sequences' logits: 2^32 elements.
  EXPECT_THROW(validate_run_shape(c, run_shape{4096, 1, 0}), rafter::usage_error);
}

TEST(run_shape, layer_override_within_the_model) {
  EXPECT_EQ(with_layers(small(), 2).layers, 2);
  EXPECT_EQ(with_layers(small(), 4).layers, 4);
  EXPECT_THROW((void)with_layers(small(), 0), rafter::usage_error);
  EXPECT_THROW((void)with_layers(small(), 5), rafter::usage_error);
}

}  // namespace
