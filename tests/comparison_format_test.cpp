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

}  // namespace
}  // namespace rafter
