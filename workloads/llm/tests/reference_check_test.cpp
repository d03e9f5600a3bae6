#include "workloads/llm/reference_check.hpp"

#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "test_models.hpp"
#include "workloads/llm/cpu_reference.hpp"
#include "workloads/llm/prompt_tokens.hpp"

namespace {

using namespace rafter::llm;

/// What a correct GPU would return: the reference's own logits and greedy tokens.
struct run_output {
  std::vector<float> logits;
  std::vector<int> tokens;
};

run_output simulate(const model_config& c, const run_shape& s, std::uint64_t seed) {
  cpu_reference ref(c, seed, s.batch, s.max_sequence());
  run_output out;
  std::vector<int> inputs = prompt_tokens(c, s, seed);
  int n = s.prompt_len;
  for (int pass = 0; pass <= s.decode_steps; ++pass) {
    const std::vector<float> l = ref.forward(inputs, n);
    out.logits.insert(out.logits.end(), l.begin(), l.end());
    inputs.clear();
    for (int b = 0; b < s.batch; ++b) {
      const auto first = l.begin() + static_cast<std::ptrdiff_t>(b) * c.vocab_size;
      inputs.push_back(static_cast<int>(std::max_element(first, first + c.vocab_size) - first));
    }
    out.tokens.insert(out.tokens.end(), inputs.begin(), inputs.end());
    n = 1;
  }
  return out;
}

TEST(reference_check, a_correct_run_passes) {
  const model_config c = test_models::tiny_model();
  const run_shape s{2, 6, 3};
  const run_output out = simulate(c, s, 4);
  const reference_check r = check_against_reference(c, s, 4, out.logits, out.tokens);
  EXPECT_TRUE(r.passed);
  ASSERT_EQ(r.passes.size(), 4u);
  for (const step_check& p : r.passes) {
    EXPECT_EQ(p.logits.max_abs_error, 0.0);
    EXPECT_TRUE(p.tokens_ok);
  }
}

TEST(reference_check, wrong_logits_fail_their_pass) {
  const model_config c = test_models::tiny_model();
  const run_shape s{1, 5, 2};
  run_output out = simulate(c, s, 4);
  out.logits[static_cast<std::size_t>(2 * c.vocab_size + 7)] += 5.0f;  // pass 2
  const reference_check r = check_against_reference(c, s, 4, out.logits, out.tokens);
  EXPECT_FALSE(r.passed);
  EXPECT_TRUE(r.passes[0].passed);
  EXPECT_TRUE(r.passes[1].passed);
  EXPECT_FALSE(r.passes[2].passed);
}

TEST(reference_check, a_token_that_is_not_an_argmax_fails) {
  const model_config c = test_models::tiny_model();
  const run_shape s{1, 5, 1};
  run_output out = simulate(c, s, 4);
  // The smallest logit of pass 0 is nowhere near its maximum.
  const auto first = out.logits.begin();
  out.tokens[0] = static_cast<int>(std::min_element(first, first + c.vocab_size) - first);
  const reference_check r = check_against_reference(c, s, 4, out.logits, out.tokens);
  EXPECT_FALSE(r.passed);
  EXPECT_FALSE(r.passes[0].tokens_ok);
}

TEST(reference_check, wrong_sizes_throw) {
  const model_config c = test_models::tiny_model();
  const run_shape s{1, 5, 1};
  const std::vector<float> logits(static_cast<std::size_t>(c.vocab_size));
  const std::vector<int> tokens(2);
  EXPECT_THROW((void)check_against_reference(c, s, 1, logits, tokens), std::invalid_argument);
}

}  // namespace
