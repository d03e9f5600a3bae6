#include "workloads/llm/cpu_reference.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "test_models.hpp"
#include "workloads/llm/logits_comparison.hpp"

namespace {

using namespace rafter::llm;

std::vector<int> tokens(int n, int offset = 0) {
  std::vector<int> t;
  for (int i = 0; i < n; ++i) t.push_back((i * 37 + 11 + offset) % 96);
  return t;
}

std::vector<float> row(const std::vector<float>& logits, int r, int vocab) {
  return {logits.begin() + static_cast<std::ptrdiff_t>(r) * vocab,
          logits.begin() + static_cast<std::ptrdiff_t>(r + 1) * vocab};
}

TEST(cpu_reference, logits_are_finite_and_not_degenerate) {
  const model_config c = test_models::tiny_model();
  cpu_reference ref(c, 1, 1, 16);
  const std::vector<float> logits = ref.forward(tokens(5), 5);
  ASSERT_EQ(logits.size(), static_cast<std::size_t>(c.vocab_size));
  double sum_sq = 0.0;
  for (float v : logits) {
    ASSERT_TRUE(std::isfinite(v));
    sum_sq += static_cast<double>(v) * v;
  }
  const double rms = std::sqrt(sum_sq / static_cast<double>(logits.size()));
  // Weights are scaled to keep activations near unit size: logits of order one.
  EXPECT_GT(rms, 0.1);
  EXPECT_LT(rms, 10.0);
  EXPECT_EQ(ref.position(), 5);
}

TEST(cpu_reference, deterministic_per_seed) {
  const model_config c = test_models::tiny_model();
  cpu_reference a(c, 1, 1, 8);
  cpu_reference b(c, 1, 1, 8);
  cpu_reference other(c, 2, 1, 8);
  const std::vector<float> la = a.forward(tokens(4), 4);
  EXPECT_EQ(la, b.forward(tokens(4), 4));
  EXPECT_NE(la, other.forward(tokens(4), 4));
}

TEST(cpu_reference, incremental_decode_equals_prefill_of_every_prefix) {
  // Prefill of 9 tokens, all positions, against prefill of 4 then 5 single-token steps.
  const model_config c = test_models::tiny_model();
  const std::vector<int> t = tokens(9);
  cpu_reference whole(c, 3, 1, 9);
  const std::vector<float> all = whole.forward(t, 9, true);
  cpu_reference step(c, 3, 1, 9);
  EXPECT_EQ(step.forward(std::vector<int>(t.begin(), t.begin() + 4), 4), row(all, 3, c.vocab_size));
  for (int pos = 4; pos < 9; ++pos) {
    EXPECT_EQ(step.forward(std::vector<int>{t[static_cast<std::size_t>(pos)]}, 1), row(all, pos, c.vocab_size))
        << "position " << pos;
  }
}

TEST(cpu_reference, later_tokens_do_not_change_earlier_positions) {
  const model_config c = test_models::tiny_model();
  std::vector<int> t = tokens(6);
  cpu_reference a(c, 1, 1, 6);
  const std::vector<float> before = a.forward(t, 6, true);
  t.back() = (t.back() + 1) % c.vocab_size;
  cpu_reference b(c, 1, 1, 6);
  const std::vector<float> after = b.forward(t, 6, true);
  for (int pos = 0; pos < 5; ++pos) EXPECT_EQ(row(before, pos, c.vocab_size), row(after, pos, c.vocab_size)) << pos;
  EXPECT_NE(row(before, 5, c.vocab_size), row(after, 5, c.vocab_size));
}

TEST(cpu_reference, sequences_of_a_batch_are_independent) {
  const model_config c = test_models::tiny_model();
  std::vector<int> two = tokens(5);
  const std::vector<int> second = tokens(5, 3);
  two.insert(two.end(), second.begin(), second.end());
  cpu_reference batch(c, 1, 2, 5);
  const std::vector<float> both = batch.forward(two, 5);
  cpu_reference single(c, 1, 1, 5);
  EXPECT_EQ(row(both, 0, c.vocab_size), single.forward(tokens(5), 5));
  cpu_reference single2(c, 1, 1, 5);
  EXPECT_EQ(row(both, 1, c.vocab_size), single2.forward(second, 5));
}

TEST(cpu_reference, the_check_tolerance_absorbs_bf16_rounding_but_not_a_wrong_model) {
  // The GPU differs from the BF16-rounding reference by rounding flips only, far less than the
  // whole BF16 rounding; the tolerance must accept the latter and reject a wrong rotation.
  const model_config c = test_models::tiny_model(64);
  const std::vector<int> t = tokens(40);
  cpu_reference rounded(c, 1, 1, 40, true);
  cpu_reference exact(c, 1, 1, 40, false);
  const std::vector<float> r = rounded.forward(t, 40);
  const logits_comparison rounding = compare_logits(exact.forward(t, 40), r);
  EXPECT_TRUE(within(rounding, {})) << "relative L2 " << rounding.relative_l2 << ", max " << rounding.max_abs_error
                                    << " of " << rounding.reference_max_abs;
  EXPECT_GT(rounding.relative_l2, 0.0);

  model_config wrong = c;
  wrong.rope_theta = 500000.0;
  cpu_reference bad(wrong, 1, 1, 40, true);
  const logits_comparison rope_error = compare_logits(bad.forward(t, 40), r);
  EXPECT_FALSE(within(rope_error, {})) << "relative L2 " << rope_error.relative_l2;
}

TEST(cpu_reference, rejects_bad_arguments) {
  const model_config c = test_models::tiny_model();
  cpu_reference ref(c, 1, 2, 4);
  EXPECT_THROW((void)ref.forward(tokens(3), 2), std::invalid_argument);                // not batch x new_tokens
  EXPECT_THROW((void)ref.forward(tokens(10), 5), std::invalid_argument);               // longer than max_sequence
  EXPECT_THROW((void)ref.forward(std::vector<int>{0, 96}, 1), std::invalid_argument);  // token out of range
}

}  // namespace
