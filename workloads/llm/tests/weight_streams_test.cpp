#include "workloads/llm/weight_streams.hpp"

#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "test_models.hpp"
#include "workloads/llm/bf16_round.hpp"
#include "workloads/llm/random_weights.hpp"

namespace {

using namespace rafter::llm;

TEST(weight_streams, matrix_scale_is_the_nearest_power_of_two_to_sqrt_3_over_fan_in) {
  EXPECT_EQ(matrix_scale(4096), 0.03125f);  // sqrt(3/4096) = 0.027
  EXPECT_EQ(matrix_scale(3), 1.0f);
  for (int fan_in : {32, 100, 1024, 14336, 28672}) {
    const float s = matrix_scale(fan_in);
    const double target = std::sqrt(3.0 / fan_in);
    EXPECT_EQ(std::exp2(std::round(std::log2(s))), s);  // a power of two
    EXPECT_LE(std::abs(std::log2(s / target)), 0.5 + 1e-9);
  }
}

TEST(weight_streams, values_are_exact_in_bf16_and_never_zero) {
  const model_config c = test_models::tiny_model();
  for (tensor_kind k : {tensor_kind::qkv, tensor_kind::embedding, tensor_kind::attn_norm, tensor_kind::qkv_bias}) {
    const random_stream s = weight_stream(7, c, k, 1);
    for (std::uint64_t i = 0; i < 20000; ++i) {
      const float v = random_value(s, i);
      ASSERT_EQ(round_to_bf16(v), v) << i;
      ASSERT_NE(v, 0.0f) << i;
    }
  }
}

TEST(weight_streams, odd_uniform_moments) {
  const random_stream s = weight_stream(1, test_models::tiny_model(), tensor_kind::down, 0);
  double sum = 0.0;
  double sum_sq = 0.0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double v = random_value(s, static_cast<std::uint64_t>(i));
    sum += v;
    sum_sq += v * v;
    ASSERT_LE(std::abs(v), s.scale);
  }
  const double variance = s.scale * s.scale / 3.0;
  EXPECT_NEAR(sum / n, 0.0, 5.0 * std::sqrt(variance / n));
  EXPECT_NEAR(sum_sq / n / variance, 1.0, 0.03);
}

TEST(weight_streams, norm_gains_are_near_one) {
  const random_stream s = weight_stream(1, test_models::tiny_model(), tensor_kind::mlp_norm, 3);
  std::set<float> seen;
  for (std::uint64_t i = 0; i < 5000; ++i) {
    const float v = random_value(s, i);
    ASSERT_GE(v, 0.9375f);
    ASSERT_LE(v, 1.0546875f);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 16u);
}

TEST(weight_streams, streams_differ_by_seed_tensor_and_layer) {
  const model_config c = test_models::tiny_model();
  std::set<std::uint64_t> keys;
  for (std::uint64_t seed : {1u, 2u}) {
    for (tensor_kind k : {tensor_kind::qkv, tensor_kind::o_proj, tensor_kind::gate_up, tensor_kind::down}) {
      for (int layer = 0; layer < 3; ++layer) keys.insert(weight_stream(seed, c, k, layer).key);
    }
  }
  EXPECT_EQ(keys.size(), 2u * 4 * 3);
  // Same arguments, same stream.
  EXPECT_EQ(weight_stream(1, c, tensor_kind::qkv, 0).key, weight_stream(1, c, tensor_kind::qkv, 0).key);
}

TEST(weight_streams, tied_lm_head_is_the_embedding) {
  model_config c = test_models::tiny_model();
  EXPECT_NE(weight_stream(1, c, tensor_kind::lm_head, 0).key, weight_stream(1, c, tensor_kind::embedding, 0).key);
  c.tie_word_embeddings = true;
  const random_stream head = weight_stream(1, c, tensor_kind::lm_head, 0);
  const random_stream emb = weight_stream(1, c, tensor_kind::embedding, 0);
  EXPECT_EQ(head.key, emb.key);
  EXPECT_EQ(head.scale, emb.scale);
}

TEST(random_weights, tokens_cover_the_vocabulary) {
  std::set<int> seen;
  for (std::uint64_t i = 0; i < 4000; ++i) {
    const int t = random_token(5, i, 64);
    ASSERT_GE(t, 0);
    ASSERT_LT(t, 64);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 64u);
}

TEST(random_weights, usable_at_compile_time) {
  constexpr random_stream s{stream_key(1, 3, 0), 0.5f, distribution::odd_uniform};
  constexpr float v = random_value(s, 42);
  static_assert(v != 0.0f && v <= 0.5f && v >= -0.5f);
  EXPECT_EQ(v, random_value(s, 42));
}

}  // namespace
