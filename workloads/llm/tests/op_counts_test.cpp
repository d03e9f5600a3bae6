#include "workloads/llm/op_counts.hpp"

#include <string>

#include <gtest/gtest.h>

#include "test_models.hpp"

namespace {

using namespace rafter::llm;

const op_count& find(const phase_counts& p, const std::string& name) {
  for (const op_count& o : p.ops) {
    if (o.op == name) return o;
  }
  throw std::runtime_error("no operator " + name);
}

TEST(op_counts, operators_in_execution_order) {
  const phase_counts p = prefill_counts(test_models::tiny_model(), run_shape{1, 4, 0});
  std::vector<std::string> names;
  for (const op_count& o : p.ops) names.push_back(o.op);
  EXPECT_EQ(names,
            (std::vector<std::string>{"embedding", "attn_norm", "qkv_proj", "rope", "attention", "o_proj", "mlp_norm",
                                      "gate_up_proj", "swiglu", "down_proj", "final_norm", "lm_head", "argmax"}));
  EXPECT_EQ(p.phase, "prefill");
}

TEST(op_counts, projections_by_hand) {
  const model_config c = test_models::tiny_model();  // hidden 128, q 128, kv 64, qkv 256, inter 256, 2 layers
  const phase_counts p = prefill_counts(c, run_shape{2, 5, 0});
  const double t = 10.0;
  const op_count& qkv = find(p, "qkv_proj");
  EXPECT_EQ(qkv.launches, 2);
  // 2 * m * n * k per layer, plus the bias add (one per output element).
  EXPECT_DOUBLE_EQ(qkv.flop, 2.0 * (2.0 * t * 256 * 128 + t * 256));
  // weights + input + output (+ bias vector), BF16.
  EXPECT_DOUBLE_EQ(qkv.bytes, 2.0 * 2.0 * (256.0 * 128 + t * 128 + t * 256 + 256));
  const op_count& down = find(p, "down_proj");
  // the residual add reads and writes the residual stream
  EXPECT_DOUBLE_EQ(down.flop, 2.0 * (2.0 * t * 128 * 256 + t * 128));
  EXPECT_DOUBLE_EQ(down.bytes, 2.0 * 2.0 * (128.0 * 256 + t * 256 + 2 * t * 128));
  const op_count& head = find(p, "lm_head");
  EXPECT_EQ(head.launches, 1);
  EXPECT_DOUBLE_EQ(head.flop, 2.0 * 2 * 96 * 128);  // only the last position of each sequence
  EXPECT_DOUBLE_EQ(head.bytes, 2.0 * (96.0 * 128 + 2 * 128) + 4.0 * 2 * 96);
}

TEST(op_counts, causal_prefill_attention_counts_the_lower_triangle) {
  const model_config c = test_models::tiny_model();
  const int s = 7;
  const phase_counts p = prefill_counts(c, run_shape{3, s, 0});
  // QK^T and PV: 2 * 2 * head_dim FLOP per visible (query, key) pair, s (s + 1) / 2 pairs per head.
  EXPECT_DOUBLE_EQ(find(p, "attention").flop, 2.0 * 4.0 * 32 * (s * (s + 1) / 2.0) * 4 * 3);
}

TEST(op_counts, decode_sums_its_steps) {
  const model_config c = test_models::tiny_model();
  const run_shape shape{2, 8, 3};
  const phase_counts d = decode_counts(c, shape);
  EXPECT_EQ(d.phase, "decode");
  double attention_flop = 0.0;
  for (int step = 0; step < 3; ++step) attention_flop += find(forward_pass_counts(c, 2, 1, 8 + step), "attention").flop;
  EXPECT_DOUBLE_EQ(find(d, "attention").flop, attention_flop);
  EXPECT_EQ(find(d, "attention").launches, 3 * c.layers);
  EXPECT_EQ(find(d, "embedding").launches, 3);
  // One query per sequence sees start_pos + 1 keys.
  EXPECT_DOUBLE_EQ(find(forward_pass_counts(c, 2, 1, 8), "attention").flop, 4.0 * 32 * 9 * 4 * 2 * c.layers);
}

TEST(op_counts, decode_attention_traffic_grows_with_the_context) {
  const model_config c = test_models::tiny_model();
  const double short_ctx = find(forward_pass_counts(c, 1, 1, 10), "attention").bytes;
  const double long_ctx = find(forward_pass_counts(c, 1, 1, 110), "attention").bytes;
  // 100 more positions of K and V (kv_dim 64, BF16) in each of 2 layers.
  EXPECT_DOUBLE_EQ(long_ctx - short_ctx, 100.0 * 2 * 64 * 2 * c.layers);
}

TEST(op_counts, zero_decode_steps_give_empty_counts) {
  const phase_counts d = decode_counts(test_models::tiny_model(), run_shape{1, 4, 0});
  EXPECT_FALSE(d.ops.empty());
  EXPECT_EQ(d.flop(), 0.0);
  EXPECT_EQ(d.bytes(), 0.0);
}

TEST(op_counts, prefill_gemms_follow_the_two_flop_per_parameter_rule) {
  model_config c = test_models::tiny_model(128);
  c.attention_bias = false;
  c.layers = 4;
  const run_shape shape{1, 64, 0};
  const phase_counts p = prefill_counts(c, shape);
  const double gemm =
      find(p, "qkv_proj").flop + find(p, "o_proj").flop + find(p, "gate_up_proj").flop + find(p, "down_proj").flop;
  const double matrix_params =
      static_cast<double>(c.parameters()) - 2.0 * c.vocab_size * c.hidden_size - (2.0 * c.layers + 1) * c.hidden_size;
  // 2 FLOP per weight per token, plus the residual adds (2 * hidden per token per layer).
  EXPECT_DOUBLE_EQ(gemm, 2.0 * 64 * matrix_params + 2.0 * 64 * c.hidden_size * c.layers);
}

TEST(op_counts, batch_one_decode_projection_is_memory_bound) {
  const model_config c = test_models::tiny_model(128);
  const op_count qkv = find(forward_pass_counts(c, 1, 1, 16), "qkv_proj");
  // A GEMV reads each BF16 weight once for 2 FLOP: about 1 FLOP per byte.
  EXPECT_NEAR(qkv.flop / qkv.bytes, 1.0, 0.02);
}

}  // namespace
