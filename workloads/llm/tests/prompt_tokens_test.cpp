#include "workloads/llm/prompt_tokens.hpp"

#include <gtest/gtest.h>

#include "test_models.hpp"

namespace {

using namespace rafter::llm;

TEST(prompt_tokens, batch_times_prompt_ids_within_the_vocabulary) {
  const model_config c = test_models::tiny_model();
  const std::vector<int> t = prompt_tokens(c, run_shape{3, 17, 2}, 9);
  ASSERT_EQ(t.size(), 51u);
  for (int id : t) {
    EXPECT_GE(id, 0);
    EXPECT_LT(id, c.vocab_size);
  }
}

TEST(prompt_tokens, deterministic_per_seed) {
  const model_config c = test_models::tiny_model();
  EXPECT_EQ(prompt_tokens(c, run_shape{2, 30, 0}, 1), prompt_tokens(c, run_shape{2, 30, 0}, 1));
  EXPECT_NE(prompt_tokens(c, run_shape{2, 30, 0}, 1), prompt_tokens(c, run_shape{2, 30, 0}, 2));
}

}  // namespace
