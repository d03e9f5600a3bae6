#include "workloads/llm/logits_comparison.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace {

using namespace rafter::llm;

TEST(logits_comparison, identical_logits_have_no_error) {
  const std::vector<float> a{1.0f, -2.0f, 3.0f};
  const logits_comparison c = compare_logits(a, a);
  EXPECT_EQ(c.max_abs_error, 0.0);
  EXPECT_EQ(c.relative_l2, 0.0);
  EXPECT_EQ(c.reference_max_abs, 3.0);
  EXPECT_TRUE(within(c, {}));
}

TEST(logits_comparison, finds_the_worst_element) {
  const std::vector<float> ref{1.0f, -2.0f, 3.0f, 4.0f};
  const std::vector<float> gpu{1.0f, -2.5f, 3.1f, 4.0f};
  const logits_comparison c = compare_logits(gpu, ref);
  EXPECT_DOUBLE_EQ(c.max_abs_error, 0.5);
  EXPECT_EQ(c.worst_index, 1u);
  EXPECT_NEAR(c.relative_l2, std::sqrt((0.25 + 0.01) / 30.0), 1e-6);
  EXPECT_FALSE(within(c, {}));  // 0.5 > 0.03 * 4
  EXPECT_TRUE(within(c, logits_tolerance{0.2, 0.2}));
}

TEST(logits_comparison, non_finite_gpu_values_fail) {
  const std::vector<float> ref{1.0f, 2.0f};
  const std::vector<float> gpu{1.0f, std::numeric_limits<float>::quiet_NaN()};
  const logits_comparison c = compare_logits(gpu, ref);
  EXPECT_FALSE(c.finite);
  EXPECT_FALSE(within(c, logits_tolerance{1e9, 1e9}));
}

TEST(logits_comparison, sizes_must_match) {
  const std::vector<float> a{1.0f};
  const std::vector<float> b{1.0f, 2.0f};
  EXPECT_THROW((void)compare_logits(a, b), std::invalid_argument);
}

TEST(logits_comparison, argmax_accepts_near_ties_only) {
  const std::vector<float> row{0.0f, 5.0f, 4.99f, 1.0f};
  EXPECT_TRUE(acceptable_argmax(1, row, 0.0));
  EXPECT_FALSE(acceptable_argmax(2, row, 0.0));
  EXPECT_TRUE(acceptable_argmax(2, row, 0.02));
  EXPECT_FALSE(acceptable_argmax(3, row, 0.02));
  EXPECT_FALSE(acceptable_argmax(-1, row, 100.0));
  EXPECT_FALSE(acceptable_argmax(4, row, 100.0));
}

}  // namespace
