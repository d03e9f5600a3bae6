#include "microbench/host/host_sweep.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rafter::host {
namespace {

TEST(host_sweep, unknown_preset_is_a_usage_error) {
  sweep_options o;
  o.preset = "medium";
  progress quiet(progress::style::quiet);
  EXPECT_THROW((void)run_host_sweep(o, quiet), usage_error);
}

TEST(host_sweep, compute_only_sweep_measures_positive_verified_peaks) {
  sweep_options o;
  o.memory = false;
  o.latency = false;
  progress quiet(progress::style::quiet);
  const machine_profile p = run_host_sweep(o, quiet);
  ASSERT_FALSE(p.compute.empty());
  for (const auto& c : p.compute) {
    EXPECT_GT(c.flop_per_s, 0.0) << c.id;
    ASSERT_TRUE(c.samples.has_value());
    EXPECT_LE(c.samples->min, c.flop_per_s);
    EXPECT_GE(c.samples->max, c.flop_per_s);
  }
  EXPECT_NE(p.find_compute("fp64.vector.fma"), nullptr);
  EXPECT_TRUE(p.memory.empty());
  EXPECT_EQ(p.device.kind, device_kind::cpu);
  EXPECT_TRUE(p.device.measured_clock_hz.has_value());
}

}  // namespace
}  // namespace rafter::host
