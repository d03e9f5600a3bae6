#include "analysis/analysis_metrics.hpp"

#include <algorithm>
#include <random>

#include <gtest/gtest.h>

namespace rafter {
namespace {

/// Reference busy time: mark every nanosecond covered by at least one interval.
std::int64_t brute_force_union(const std::vector<interval_ns>& intervals, std::int64_t horizon) {
  std::vector<bool> covered(static_cast<std::size_t>(horizon), false);
  for (const auto& iv : intervals) {
    for (std::int64_t t = iv.start_ns; t < iv.end_ns; ++t) covered[static_cast<std::size_t>(t)] = true;
  }
  return std::count(covered.begin(), covered.end(), true);
}

TEST(union_length_ns, matches_a_brute_force_count_on_random_intervals) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    std::uniform_int_distribution<std::int64_t> start(0, 900), length(0, 120);
    std::vector<interval_ns> intervals;
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) {
      const std::int64_t s = start(rng);
      intervals.push_back({s, s + length(rng)});
    }
    const std::int64_t expected = brute_force_union(intervals, 1100);
    auto copy = intervals;
    EXPECT_EQ(union_length_ns(copy), expected) << "trial " << trial;
  }
}

TEST(union_length_ns, nested_touching_and_empty_intervals) {
  std::vector<interval_ns> v{{0, 100}, {10, 20}, {100, 150}, {300, 300}, {400, 390}};
  EXPECT_EQ(union_length_ns(v), 150);
  std::vector<interval_ns> none;
  EXPECT_EQ(union_length_ns(none), 0);
}

TEST(concurrency, back_to_back_is_not_concurrent_and_overlap_is_counted) {
  EXPECT_EQ(concurrency({{0, 10}, {10, 20}}).overlapped_ns, 0);
  EXPECT_EQ(concurrency({{0, 10}, {10, 20}}).max_active, 1);
  const auto c = concurrency({{0, 100}, {50, 150}, {60, 70}});
  EXPECT_EQ(c.overlapped_ns, 50);  // [50, 100) has two or three active.
  EXPECT_EQ(c.max_active, 3);
}

TEST(gaps_before_ns, measures_idle_time_since_the_latest_end) {
  const std::vector<interval_ns> sorted{{0, 100}, {10, 50}, {130, 140}, {135, 200}, {260, 270}};
  const auto gaps = gaps_before_ns(sorted);
  ASSERT_EQ(gaps.size(), 5u);
  EXPECT_EQ(gaps[0], 0);
  EXPECT_EQ(gaps[1], 0);   // Overlaps the first.
  EXPECT_EQ(gaps[2], 30);  // 130 - max(100, 50).
  EXPECT_EQ(gaps[3], 0);
  EXPECT_EQ(gaps[4], 60);  // 260 - 200.
}

TEST(time_at_roof_s, is_flop_over_the_hierarchical_attainable) {
  // 1e12 FLOP, peak 1e14 FLOP/s -> 10 ms; 1e10 bytes at 1e12 B/s -> 10 ms; 1e11 bytes at 5e12 -> 20 ms.
  const auto t = time_at_roof_s(1e12, 1e14, {{1e10, 1e12}, {1e11, 5e12}});
  ASSERT_TRUE(t);
  EXPECT_DOUBLE_EQ(*t, 0.02);
  EXPECT_DOUBLE_EQ(*time_at_roof_s(1e12, 1e14, {}), 0.01);
  EXPECT_DOUBLE_EQ(*time_at_roof_s(0.0, std::nullopt, {{4e9, 2e12}}), 2e-3);  // Pure copy kernel.
  EXPECT_FALSE(time_at_roof_s(1e12, std::nullopt, {}));
}

TEST(small_metrics, guard_against_zero_denominators) {
  EXPECT_FALSE(arithmetic_intensity(1.0, 0.0));
  EXPECT_DOUBLE_EQ(*arithmetic_intensity(10.0, 4.0), 2.5);
  EXPECT_FALSE(rate_per_s(1.0, 0.0));
  EXPECT_DOUBLE_EQ(*rate_per_s(6.0, 2.0), 3.0);
  EXPECT_FALSE(fraction_of_ceiling(1.0, 0.0));
  EXPECT_DOUBLE_EQ(*fraction_of_ceiling(3.0, 4.0), 0.75);
  EXPECT_DOUBLE_EQ(opportunity_s(1.0, 0.25), 0.75);
  EXPECT_DOUBLE_EQ(opportunity_s(1.0, 2.0), 0.0);
  EXPECT_DOUBLE_EQ(floored_roof_time_s(1e-9, 10, 2e-6), 2e-5);  // ten tiny launches: at least 10 x 2 us
  EXPECT_DOUBLE_EQ(floored_roof_time_s(1e-3, 10, 2e-6), 1e-3);
  EXPECT_DOUBLE_EQ(share(1.0, 4.0), 0.25);
  EXPECT_DOUBLE_EQ(share(1.0, 0.0), 0.0);
}

}  // namespace
}  // namespace rafter
