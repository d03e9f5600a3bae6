#include "reports/comparison_format.hpp"

#include <limits>

#include <gtest/gtest.h>

namespace rafter {
namespace {

TEST(ComparisonFormat, ValuesByUnit) {
  EXPECT_EQ(format_metric_value(3.35e12, "B/s"), "3.35 TB/s");
  EXPECT_EQ(format_metric_value(9.894e14, "FLOP/s"), "989 TFLOP/s");
  EXPECT_EQ(format_metric_value(1.5e-3, "s"), "1.50 ms");
  EXPECT_EQ(format_metric_value(295.3, "FLOP/byte"), "295 FLOP/byte");
  EXPECT_EQ(format_metric_value(9.56, "FLOP/byte"), "9.56 FLOP/byte");
  EXPECT_EQ(format_metric_value(9876.0, "count"), "9876");
  EXPECT_EQ(format_metric_value(std::nullopt, "s"), "n/a");
}

TEST(ComparisonFormat, ChangeAndRatio) {
  EXPECT_EQ(format_change(0.643), "+64.30 %");
  EXPECT_EQ(format_change(-0.02), "-2.00 %");
  EXPECT_EQ(format_change(std::numeric_limits<double>::infinity()), "+inf %");
  EXPECT_EQ(format_ratio(1.643), "1.64x");
  EXPECT_EQ(format_ratio(std::nullopt), "n/a");
}

TEST(ComparisonFormat, VerdictAndSpread) {
  metric_delta m;
  m.unit = "B/s";
  set_a(m, 100e9);
  EXPECT_EQ(change_verdict(m), "only in A");
  set_b(m, 120e9);
  EXPECT_EQ(change_verdict(m), "higher");
  EXPECT_EQ(format_spread(m, true), "");
  set_a(m, 100e9, 95e9, 125e9);
  EXPECT_EQ(change_verdict(m), "within noise");
  EXPECT_EQ(format_spread(m, true), "[95.0 GB/s, 125 GB/s]");
  set_b(m, 100e9);
  EXPECT_EQ(change_verdict(m), "same");
}

TEST(ComparisonFormat, GroupRowsShowAggregatesOnlyWhereARowHoldsSeveralGroups) {
  group_match g;
  g.groups_a = {0};
  g.groups_b = {0};
  g.ai_a = 11.26;
  g.level_a = "hbm";
  g.placed_share_a = 1.0;
  g.limiter_a = "compute (fp32.vector)";
  EXPECT_EQ(format_group_counts(g), "");
  EXPECT_EQ(format_group_ai(g, true), "11.3");  // One group per side: as before.
  EXPECT_EQ(format_group_ai(g, false), "-");
  EXPECT_EQ(format_group_limiter(g, true), "compute (fp32.vector)");
  EXPECT_EQ(format_group_limiter(g, false), "-");
  g.groups_b = {1, 2, 3};
  g.ai_b = 52.9;
  g.level_b = "hbm";
  g.placed_share_b = 0.874;
  g.limiter_b = "mixed";
  g.dominant_limiter_b = "memory (hbm)";
  g.limiter_share_b = 0.615;
  EXPECT_EQ(format_group_counts(g), "1 vs 3 groups");
  EXPECT_EQ(format_group_ai(g, true), "11.3 (hbm, 100% of time placed)");
  EXPECT_EQ(format_group_ai(g, false), "52.9 (hbm, 87% of time placed)");
  EXPECT_EQ(format_group_limiter(g, false), "mixed: 62% memory (hbm)");
}

}  // namespace
}  // namespace rafter
