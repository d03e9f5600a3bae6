#include "workloads/llm/bf16_round.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace {

using rafter::llm::round_to_bf16;

TEST(bf16_round, representable_values_are_unchanged) {
  for (float v : {0.0f, -0.0f, 1.0f, -2.5f, 0.0078125f, 65536.0f, 1.0f + 1.0f / 128}) {
    EXPECT_EQ(round_to_bf16(v), v);
  }
}

TEST(bf16_round, ties_go_to_even) {
  // Around 1, BF16 steps by 2^-7.
  EXPECT_EQ(round_to_bf16(1.0f + std::ldexp(1.0f, -8)), 1.0f);                             // tie, 1 is even
  EXPECT_EQ(round_to_bf16(1.0f + 3 * std::ldexp(1.0f, -8)), 1.0f + std::ldexp(1.0f, -6));  // tie, round up to even
  EXPECT_EQ(round_to_bf16(1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20)), 1.0f + std::ldexp(1.0f, -7));
  EXPECT_EQ(round_to_bf16(-(1.0f + 3 * std::ldexp(1.0f, -8))), -(1.0f + std::ldexp(1.0f, -6)));
}

TEST(bf16_round, relative_error_is_at_most_half_a_unit) {
  for (int i = 1; i < 10000; ++i) {
    const float v = static_cast<float>(i) * 0.7371f - 3000.0f;
    const float r = round_to_bf16(v);
    EXPECT_LE(std::abs(r - v), std::abs(v) * std::ldexp(1.0f, -8)) << v;
    EXPECT_EQ(round_to_bf16(r), r);
  }
}

TEST(bf16_round, overflow_and_nan) {
  EXPECT_TRUE(std::isinf(round_to_bf16(std::numeric_limits<float>::max())));
  EXPECT_TRUE(std::isnan(round_to_bf16(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_TRUE(std::isinf(round_to_bf16(std::numeric_limits<float>::infinity())));
}

}  // namespace
