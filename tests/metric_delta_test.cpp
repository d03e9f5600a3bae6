#include "analysis/metric_delta.hpp"

#include <gtest/gtest.h>

namespace rafter {
namespace {

TEST(MetricDelta, RatioAndChange) {
  metric_delta m;
  set_a(m, 2.0e12);
  set_b(m, 3.0e12);
  ASSERT_TRUE(ratio(m).has_value());
  EXPECT_DOUBLE_EQ(*ratio(m), 1.5);
  EXPECT_DOUBLE_EQ(*relative_change(m), 0.5);
  EXPECT_FALSE(m.has_spread());
}

TEST(MetricDelta, NoRatioWhenASideIsMissingOrZero) {
  metric_delta m;
  set_b(m, 1.0);
  EXPECT_FALSE(ratio(m).has_value());
  EXPECT_FALSE(relative_change(m).has_value());
  set_a(m, 0.0);
  EXPECT_FALSE(ratio(m).has_value());
}

TEST(MetricDelta, SpreadIsWidenedToIncludeTheValue) {
  metric_delta m;
  set_a(m, 10.0, 11.0, 12.0);  // A value outside its own [min, max] still lies inside the spread.
  EXPECT_DOUBLE_EQ(m.a_lo, 10.0);
  EXPECT_DOUBLE_EQ(m.a_hi, 12.0);
  EXPECT_TRUE(m.has_spread());
}

TEST(MetricDelta, WithinNoiseWhenSpreadsOverlap) {
  metric_delta m;
  set_a(m, 100.0, 95.0, 105.0);
  set_b(m, 97.0, 93.0, 99.0);
  EXPECT_TRUE(within_noise(m));
  set_b(m, 90.0, 88.0, 94.0);  // [88, 94] and [95, 105] do not overlap.
  EXPECT_FALSE(within_noise(m));
}

TEST(MetricDelta, DatasheetFiguresAreNeverWithinNoise) {
  metric_delta m;
  set_a(m, 100.0);
  set_b(m, 99.0);
  EXPECT_FALSE(within_noise(m));
  set_b(m, 100.0);
  EXPECT_FALSE(within_noise(m));  // Equal values are not a difference at all.
}

}  // namespace
}  // namespace rafter
