#include "core/units.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace rafter {
namespace {

TEST(units, rates_use_decimal_prefixes) {
  EXPECT_EQ(format_bandwidth(82.8467e9), "82.8 GB/s");
  EXPECT_EQ(format_bandwidth(1e9), "1.00 GB/s");
  EXPECT_EQ(format_bandwidth(999.96e9), "1.00 TB/s");
  EXPECT_EQ(format_bandwidth(3.35e12), "3.35 TB/s");
  EXPECT_EQ(format_flops(989.4e12), "989 TFLOP/s");
  EXPECT_EQ(format_flops(1.9789e15), "1.98 PFLOP/s");
  EXPECT_EQ(format_hertz(2.596e9), "2.60 GHz");
  EXPECT_EQ(format_bandwidth(0.0), "0.00 B/s");
  EXPECT_EQ(format_bandwidth(std::numeric_limits<double>::quiet_NaN()), "n/a");
}

TEST(units, seconds_go_below_one) {
  EXPECT_EQ(format_seconds(85.2e-9), "85.2 ns");
  EXPECT_EQ(format_seconds(1.5e-6), "1.50 µs");
  EXPECT_EQ(format_seconds(0.25), "250 ms");
  EXPECT_EQ(format_seconds(12.0), "12.0 s");
}

TEST(units, capacities_use_binary_prefixes) {
  EXPECT_EQ(format_capacity(49152), "48 KiB");
  EXPECT_EQ(format_capacity(1536 * 1024), "1.5 MiB");
  EXPECT_EQ(format_capacity(32.0 * (1 << 20)), "32 MiB");
  EXPECT_EQ(format_capacity(80.0 * (1ull << 30)), "80 GiB");
  EXPECT_EQ(format_capacity(100), "100 B");
  EXPECT_EQ(format_capacity(1040000), "1016 KiB");  // not "1.02e+03 KiB"
  EXPECT_EQ(format_capacity(1023.5 * (1ull << 30)), "1024 GiB");
  EXPECT_EQ(format_capacity(999.7 * 1024), "1000 KiB");
  EXPECT_EQ(format_capacity(999.4 * 1024), "999 KiB");
  for (double b = 1.0; b < 1e18; b *= 1.37) {
    EXPECT_EQ(format_capacity(b).find('e'), std::string::npos) << b << " -> " << format_capacity(b);
  }
  for (double v = 1e-10; v < 1e19; v *= 1.37) {
    EXPECT_EQ(format_si(v, "B/s").find("e+"), std::string::npos) << v << " -> " << format_si(v, "B/s");
  }
}

TEST(units, parse_bytes_accepts_binary_and_decimal_suffixes) {
  EXPECT_EQ(parse_bytes("48K"), 49152.0);
  EXPECT_EQ(parse_bytes("48KiB"), 49152.0);
  EXPECT_EQ(parse_bytes("32 MB"), 32e6);
  EXPECT_EQ(parse_bytes("1GiB"), 1073741824.0);
  EXPECT_EQ(parse_bytes("4096"), 4096.0);
  EXPECT_FALSE(parse_bytes("").has_value());
  EXPECT_FALSE(parse_bytes("12 parsecs").has_value());
  EXPECT_FALSE(parse_bytes("-5").has_value());
}

}  // namespace
}  // namespace rafter
