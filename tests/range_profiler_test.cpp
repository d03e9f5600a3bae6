// The Range Profiler wrapper's decisions that need no GPU: which decoded sessions hold a launch's
// counters, and what a profiler that never started anything does (no CUPTI call is made here).
#include <gtest/gtest.h>

#ifndef RAFTER_HAVE_CUPTI
TEST(range_profiler, needs_cupti) { GTEST_SKIP() << "built without CUDA/CUPTI: the collector is not built"; }
#else

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "profiler/metric_set.hpp"
#include "profiler/range_profiler.hpp"

namespace {

using rafter::profiler::metric_set;
using rafter::profiler::range_profiler;

const std::string k_metrics_file = RAFTER_SOURCE_DIR "/configs/collector_metrics.json";

// Any non-null handle: nothing here dereferences it or hands it to CUDA or CUPTI.
CUcontext fake_context() { return reinterpret_cast<CUcontext>(std::uintptr_t{0x1000}); }

TEST(range_profiler, one_recorded_range_and_none_dropped_is_a_measurement) {
  EXPECT_TRUE(range_profiler::one_range_recorded(0, 1));
}

TEST(range_profiler, a_dropped_range_is_no_measurement) {
  EXPECT_FALSE(range_profiler::one_range_recorded(1, 1));
  EXPECT_FALSE(range_profiler::one_range_recorded(1, 0));
}

TEST(range_profiler, a_missing_range_is_no_measurement) {
  EXPECT_FALSE(range_profiler::one_range_recorded(0, 0));  // the launch recorded nothing
}

TEST(range_profiler, more_than_one_range_is_no_measurement) {
  EXPECT_FALSE(range_profiler::one_range_recorded(0, 2));  // which one is this launch's is unknown
}

TEST(range_profiler, non_finite_values_are_left_out) {
  const std::vector<std::string> names = {"a", "b", "c", "d"};
  const auto values = range_profiler::finite_values(
      names, {1.5, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(), 0.0});
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values.at("a"), 1.5);
  EXPECT_EQ(values.at("d"), 0.0);  // zero is a measurement
}

TEST(range_profiler, an_unsupported_device_names_each_refusing_feature) {
  CUpti_Profiler_DeviceSupported_Params support{};
  support.architecture = CUPTI_PROFILER_CONFIGURATION_SUPPORTED;
  support.sli = CUPTI_PROFILER_CONFIGURATION_SUPPORTED;
  support.vGpu = CUPTI_PROFILER_CONFIGURATION_DISABLED;
  support.confidentialCompute = CUPTI_PROFILER_CONFIGURATION_SUPPORTED;
  support.cmp = CUPTI_PROFILER_CONFIGURATION_SUPPORTED;
  support.wsl = CUPTI_PROFILER_CONFIGURATION_UNSUPPORTED;
  EXPECT_EQ(range_profiler::unsupported_features(support), "vGPU: disabled by the system; WSL: unsupported");
  support.vGpu = support.wsl = CUPTI_PROFILER_CONFIGURATION_SUPPORTED;
  EXPECT_EQ(range_profiler::unsupported_features(support), "");
}

TEST(range_profiler, ending_a_kernel_it_never_started_throws_without_touching_cupti) {
  range_profiler profiler(metric_set::load(k_metrics_file));
  try {
    (void)profiler.end_kernel(fake_context());
    FAIL() << "no exception";
  } catch (const rafter::error& e) {
    EXPECT_EQ(e.code(), rafter::exit_code::unsupported);
    EXPECT_NE(std::string(e.what()).find("never started"), std::string::npos) << e.what();
  }
}

TEST(range_profiler, releasing_what_was_never_prepared_does_nothing) {
  range_profiler profiler(metric_set::load(k_metrics_file));
  profiler.release_context(fake_context());
  profiler.release_all();
  profiler.release_all();  // twice: still nothing held
  EXPECT_EQ(profiler.chip(fake_context()), "");
  EXPECT_TRUE(profiler.dropped_metrics().empty());
  EXPECT_EQ(profiler.passes(), 0u);
}

}  // namespace

#endif  // RAFTER_HAVE_CUPTI
