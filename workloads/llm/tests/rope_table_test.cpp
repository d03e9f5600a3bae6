#include "workloads/llm/rope_table.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace {

using rafter::llm::rope_inverse_frequencies;

TEST(rope_table, frequencies_fall_geometrically_from_one) {
  const std::vector<float> inv = rope_inverse_frequencies(128, 500000.0);
  ASSERT_EQ(inv.size(), 64u);
  EXPECT_EQ(inv[0], 1.0f);
  for (std::size_t i = 1; i < inv.size(); ++i) {
    EXPECT_LT(inv[i], inv[i - 1]);
    const double expected = std::pow(500000.0, -2.0 * static_cast<double>(i) / 128.0);
    EXPECT_NEAR(inv[i], expected, expected * 1e-6);
  }
}

TEST(rope_table, last_pair_turns_almost_theta_times_slower) {
  const std::vector<float> inv = rope_inverse_frequencies(64, 10000.0);
  EXPECT_NEAR(1.0 / inv.back(), std::pow(10000.0, 62.0 / 64.0), 1e-2);
}

}  // namespace
