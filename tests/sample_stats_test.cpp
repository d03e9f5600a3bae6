#include "core/sample_stats.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace rafter {
namespace {

TEST(sample_stats, median_min_max_of_odd_and_even_counts) {
  const std::vector<double> odd = {3, 1, 2};
  const auto s = sample_stats::of(odd);
  EXPECT_EQ(s.median, 2);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.max, 3);
  EXPECT_EQ(s.n, 3);
  const std::vector<double> even = {4, 1, 3, 2};
  EXPECT_EQ(sample_stats::of(even).median, 2.5);
  EXPECT_THROW((void)sample_stats::of(std::vector<double>{}), std::invalid_argument);
}

TEST(sample_stats, time_to_rate_swaps_min_and_max) {
  sample_stats t{.median = 2.0, .min = 1.0, .max = 4.0, .n = 5, .settled = false};
  const auto r = t.reciprocal_scaled(8.0);
  EXPECT_EQ(r.median, 4.0);
  EXPECT_EQ(r.min, 2.0);
  EXPECT_EQ(r.max, 8.0);
  EXPECT_EQ(r.n, 5);
  EXPECT_FALSE(r.settled);
  EXPECT_DOUBLE_EQ(r.relative_spread(), 1.5);
}

}  // namespace
}  // namespace rafter
